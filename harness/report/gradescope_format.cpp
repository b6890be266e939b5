// Gradescope autograder results.json.
// Source followed: Gradescope "Autograder Specifications", Output format
// (gradescope-autograders.readthedocs.io/en/latest/specs, also
// github.com/gradescope/autograder_samples docs/specs.md):
//   top level: score (overrides the sum of the tests), execution_time (int
//   seconds), output, visibility, stdout_visibility, extra_data, tests;
//   per test: score, max_score, status ("passed"/"failed"), name, output,
//   visibility ("hidden", "after_due_date", "after_published", "visible").
// There is no top-level max_score in the spec (the assignment's total is set
// on Gradescope), so ours travels in extra_data.
#include <cmath>

#include <fmt/format.h>

#include "report/detail.hpp"

namespace sockgrade::report::detail {

namespace {

// A hidden test is "after_published", not "hidden": Gradescope's "hidden" is
// for tests worth no points (students then still see their total), while our
// hidden tests carry points. after_published keeps the test out of sight while
// students can still resubmit and shows it, with why it failed, once the
// teacher publishes grades (Gradescope then hides the total until publication,
// which is what a hidden test means).
std::string_view visibility(const TestResult& test) {
    return test.hidden ? "after_published" : "visible";
}

std::string test_name(const TestResult& test, const Options& options) {
    const std::string& title = test.title.in(options.lang);
    if (title.empty() || hides_detail(test, options)) return test.name;
    return fmt::format("{}: {}", test.name, title);
}

std::string summary(const ScenarioResult& result, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    std::string out = fmt::format("{} {}  ({})", labels.score, points_fraction(result.score, result.max_score),
                                  labels.tests_passed(passed_count(result), result.tests.size()));
    for (const auto& note : result.notes) out += fmt::format("\n{}: {}", labels.note, printable(note));
    return out;
}

}  // namespace

std::string render_gradescope(const ScenarioResult& result, const Options& options) {
    Json tests = Json::array();
    for (const auto& test : result.tests) {
        tests.push_back({{"name", valid_utf8(test_name(test, options))},
                         {"score", json_number(test.points)},
                         {"max_score", json_number(test.max_points)},
                         {"status", test.passed ? "passed" : "failed"},
                         {"output", plain_detail(test, options)},
                         {"visibility", visibility(test)}});
    }
    Json json;
    json["score"] = json_number(result.score);
    json["execution_time"] = std::isfinite(result.seconds) ? std::llround(result.seconds) : 0;
    json["output"] = summary(result, options);
    json["visibility"] = "visible";
    // What the grader printed is the teacher's text report, with hidden tests' detail.
    json["stdout_visibility"] = "hidden";
    json["extra_data"] = {{"scenario", valid_utf8(result.scenario)},
                          {"max_score", json_number(result.max_score)},
                          {"flaky", flaky_names(result)}};
    json["tests"] = std::move(tests);
    return dump_json(json, 2) + "\n";
}

}  // namespace sockgrade::report::detail
