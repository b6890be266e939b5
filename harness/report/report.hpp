// report/: turns grading results into what people and machines read.
// Pure functions of runner::ScenarioResult; nothing here prints or exits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runner/result.hpp"

namespace sockgrade::report {

enum class Format { text, json, junit, gradescope, classroom, github, markdown };

// "text", "json", "junit", "gradescope", "classroom", "github", "markdown".
std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format format);

// Who the submission is, as Classroom 50's runner tells an autograder
// (CLASSROOM, ASSIGNMENT, SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, REVIEW_URL).
struct ClassroomContext {
    std::string classroom;
    std::string assignment;
    std::string submission;
    std::string commit;
    std::string release;
    std::string review;
    std::string datetime;  // UTC ISO 8601, e.g. 2026-06-01T14:32:01Z
};
// Reads the variables above; datetime is now (UTC). Missing variables stay empty.
ClassroomContext classroom_context_from_env();

struct Options {
    std::string lang = "en";        // "en" or "pt"
    bool colour = false;            // ANSI colours (text only)
    bool student_view = false;      // hide hidden tests' detail and the scenario's file:line
    bool show_transcript_on_pass = false;
    // For Format::classroom; unset = classroom_context_from_env() at render time.
    std::optional<ClassroomContext> classroom;
};

// The report in the given format. Format::github returns the base64 string
// the GitHub Classroom reporter reads from <RUNNER>_RESULTS.
std::string render(const runner::ScenarioResult& result, Format format, const Options& options);

// One test as the `--format json` report shows it, texts in one language.
nlohmann::json to_json(const runner::TestResult& test, const std::string& lang);


// True when fd is a terminal, NO_COLOR is unset or empty and TERM is not "dumb".
bool colour_wanted(int fd);
// "pt" when the first set of LC_ALL, LC_MESSAGES, LANG starts with "pt", else "en".
std::string lang_from_env();

}  // namespace sockgrade::report
