// What grading one student produced, as stored in OUT/results/<slug>.json:
// enough to skip an unchanged submission on the next run, to write every
// output again, and to merge shards.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/result.hpp"
#include "scenario/scenario.hpp"

namespace sockgrade::batch {

struct Record {
    std::string student;  // display name (UTF-8)
    std::string slug;     // file name stem of its outputs
    std::string hash;     // tree_hash of the submission as handed in
    std::string key;      // hash of what else the grade depends on (scenario, options)
    // graded | build-failed | no-program | cannot-run | bad-config | error (the grader failed)
    std::string status = "graded";
    util::Text problem;   // one clear line when status is not "graded", in English and Portuguese
    std::string how;      // python3, python2, c, c++, java, make, binary, run file, .sockgrade.yaml, --run
    std::string program;  // the shell line that ran it (empty when it never ran)
    std::vector<std::string> notes;
    std::string build_log;    // the compiler's (or Python's) message when the build failed
    std::string source;       // normalised source (comments and blanks gone), for the similarity check
    runner::ScenarioResult result;
    double seconds = 0;       // wall time of the whole grading of this submission

    bool full_marks() const { return status == "graded" && result.passed() && result.errors.empty(); }
    bool flaky() const;
};

// Test results travel as runner/wire.hpp writes them; strings that are not
// UTF-8 are replaced when dumped (never an exception).
nlohmann::json record_to_json(const Record& record);
// nullopt when the JSON is not a record (an older or foreign file).
std::optional<Record> record_from_json(const nlohmann::json& json);

std::string dump_record(const Record& record);
std::optional<Record> parse_record(const std::string& text);

// A result with every test of the scenario at 0 points, each with `why` as
// its message (a submission that could not run).
runner::ScenarioResult zero_result(const scenario::Scenario& scenario, const scenario::Text& why);

// "not graded: the program did not build", in English and Portuguese.
scenario::Text status_sentence(const std::string& status);

}  // namespace sockgrade::batch
