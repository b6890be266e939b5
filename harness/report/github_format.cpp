// GitHub Classroom autograding: the result a grader step hands to
// classroom-resources/autograding-grading-reporter as base64 JSON in the
// <RUNNER-ID>_RESULTS variable.
// Sources followed (github.com/classroom-resources): the reporter's
// src/main.js, src/notify-classroom.js and dist/main.js, and what the
// autograding-io-grader and autograding-python-grader emit:
//   {version: 1, status: "pass"|"fail"|"error", max_score,
//    tests: [{name, status, score, message, test_code, filename, line_no, duration}]}
// What the reporter does with it: fails the job when status is "fail" or
// "error"; sends Classroom sum(tests[].score) out of max_score; prints
// "<name> - line <line_no>" unless line_no is 0 (so 0, never absent, when
// unknown), "Test code:" when test_code is non-empty, and message for errors.
// Its bundled dist/main.js shows max_score * (passed / total) in its console
// table, whatever the tests' scores; Classroom still gets the sum.
// duration is milliseconds as in the io-grader; execution_time (seconds) is
// ours and ignored by the reporter. "error" is never written: an
// infrastructure error ends sockgrade with status 2 before any report.
#include <cmath>
#include <cstdint>

#include "report/base64.hpp"
#include "report/detail.hpp"

namespace sockgrade::report::detail {

namespace {

struct Location {
    std::string filename;
    int line = 0;
};

// "chat-server.yaml:40" -> {"chat-server.yaml", 40}
Location split_where(const std::string& where) {
    const std::size_t colon = where.rfind(':');
    if (colon == std::string::npos) return {where, 0};
    int line = 0;
    for (std::size_t i = colon + 1; i < where.size(); ++i) {
        if (where[i] < '0' || where[i] > '9' || line > 10'000'000) return {where, 0};
        line = line * 10 + (where[i] - '0');
    }
    return {where.substr(0, colon), line};
}

Json github_test(const TestResult& test, const Options& options) {
    const Location location = split_where(visible_where(test, options));
    const std::string message = plain_detail(test, options);
    Json json;
    json["name"] = valid_utf8(test.name);
    json["status"] = test.passed ? "pass" : "fail";
    json["score"] = json_number(test.points);
    json["message"] = message.empty() ? Json(nullptr) : Json(message);
    json["test_code"] = "";
    json["filename"] = location.filename;
    json["line_no"] = location.line;
    json["duration"] = std::isfinite(test.seconds) ? std::llround(test.seconds * 1000) : 0;
    json["execution_time"] = json_seconds(test.seconds);
    return json;
}

Json github_result(const ScenarioResult& result, const Options& options) {
    Json tests = Json::array();
    for (const auto& test : result.tests) tests.push_back(github_test(test, options));
    Json json;
    json["version"] = 1;
    json["status"] = result.passed() ? "pass" : "fail";
    json["max_score"] = json_number(result.max_score);
    json["tests"] = std::move(tests);
    return json;
}

}  // namespace

std::string render_github(const ScenarioResult& result, const Options& options) {
    return base64_encode(dump_json(github_result(result, options), -1));
}

}  // namespace sockgrade::report::detail
