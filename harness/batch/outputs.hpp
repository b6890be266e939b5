// What grading a class writes into OUT: gradebook.csv, report.html,
// feedback/<student>.txt and .json, and class.json (what merge needs).
// Everything is a pure function of the stored records, so one run, a resumed
// run and merged shards write the same gradebook.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/record.hpp"
#include "batch/similarity.hpp"
#include "scenario/scenario.hpp"

namespace sockgrade::batch {

struct TestInfo {
    std::string name;
    scenario::Text title;
    double points = 0;
    bool hidden = false;
};

// The class as a whole: which lab, which students (of this shard), and what
// was wrong with the class folder itself.
struct ClassInfo {
    std::string scenario;
    scenario::Text title;
    std::vector<TestInfo> tests;
    std::string key;                    // the grading key (scenario and options): shards must share it
    std::vector<std::string> students;  // every student of this run, sorted
    std::vector<std::string> problems;  // class-level lines (ignored files, refused zip entries...)
    std::string shard;                  // "2/3", or empty
    bool complete = true;               // false when interrupted before every student was graded
};

nlohmann::json class_info_to_json(const ClassInfo& info);
std::optional<ClassInfo> class_info_from_json(const nlohmann::json& json);
ClassInfo class_info_for(const scenario::Scenario& scenario);

// student, score, max, one column per test (points earned), flaky, status, note.
// RFC 4180 (CRLF line ends, quoting), UTF-8. Records in student order.
std::string render_gradebook(const ClassInfo& info, const std::vector<Record>& records);

// The "note" column: the problem, or what was chosen and why.
std::string gradebook_note(const Record& record);

// A student's feedback: text (the `run` report, with a header saying which
// program was graded) and JSON (the `--format json` object plus "student",
// "status", "problem", "notes", "build_log").
struct FeedbackOptions {
    std::string lang = "en";
    bool student_view = true;  // hidden tests show pass or fail only
};
std::string render_feedback_text(const Record& record, const FeedbackOptions& options);
std::string render_feedback_json(const Record& record, const FeedbackOptions& options);

// One offline page: histogram, pass rate per test, problems, similar
// sources, and a sortable row per student that opens to their feedback.
std::string render_html_report(const ClassInfo& info, const std::vector<Record>& records,
                               const std::vector<SimilarPair>& similar, const std::string& lang);

// Writes every output atomically. Records must be sorted by student.
// Returns the files that could not be written (empty: all went well).
std::vector<std::string> write_outputs(const std::string& out_dir, const ClassInfo& info,
                                       const std::vector<Record>& records, const FeedbackOptions& options);

}  // namespace sockgrade::batch
