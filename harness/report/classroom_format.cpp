// Classroom 50 result.json, schema "classroom50/result/v1".
// Source followed: the classroom50 wiki, "Advanced Autograding", section
// "The result.json contract" (github.com/foundation50/classroom50/wiki):
//   schema, classroom, assignment, submission, commit, release, review,
//   datetime (strings), score and max-score (int: sums over the tests),
//   tests: [{"test-name", "passed", "score", "max-score"}];
//   owner and assignment_type are stamped by Classroom 50's runner; graded_at
//   and submitted_by are optional. The identity fields come from the runner's
//   environment (CLASSROOM, ASSIGNMENT, SUBMISSION_TAG, COMMIT_URL,
//   RELEASE_URL, REVIEW_URL): Options::classroom, or read at render time.
// Not verified: whether a fractional score is rejected. The contract says int,
// so whole points are written as integers; a fractional one stays a number.
#include "report/detail.hpp"

namespace sockgrade::report::detail {

std::string render_classroom(const ScenarioResult& result, const Options& options) {
    const ClassroomContext context = options.classroom ? *options.classroom : classroom_context_from_env();
    Json tests = Json::array();
    for (const auto& test : result.tests) {
        tests.push_back({{"test-name", valid_utf8(test.name)},
                         {"passed", test.passed},
                         {"score", json_number(test.points)},
                         {"max-score", json_number(test.max_points)}});
    }
    Json json;
    json["schema"] = "classroom50/result/v1";
    json["classroom"] = valid_utf8(context.classroom);
    json["assignment"] = valid_utf8(context.assignment);
    json["submission"] = valid_utf8(context.submission);
    json["commit"] = valid_utf8(context.commit);
    json["release"] = valid_utf8(context.release);
    json["review"] = valid_utf8(context.review.empty() ? context.commit : context.review);
    json["datetime"] = valid_utf8(context.datetime);
    json["score"] = json_number(result.score);
    json["max-score"] = json_number(result.max_score);
    json["tests"] = std::move(tests);
    return dump_json(json, 2) + "\n";
}

}  // namespace sockgrade::report::detail
