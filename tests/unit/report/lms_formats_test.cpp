// Gradescope, Classroom 50 and GitHub Classroom outputs carry the fields those
// systems require, with the types they require.
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "env_guard.hpp"
#include "report/base64.hpp"
#include "report/report.hpp"
#include "sample_results.hpp"

namespace sockgrade::report {
namespace {

using nlohmann::json;

std::set<std::string> keys(const json& object) {
    std::set<std::string> names;
    for (const auto& [key, value] : object.items()) names.insert(key);
    return names;
}

const std::set<std::string> gradescope_visibilities{"hidden", "after_due_date", "after_published", "visible"};

TEST(GradescopeResults, HaveTheSpecifiedFieldsAndTypes) {
    const auto result = testing::mixed();
    const auto report = json::parse(render(result, Format::gradescope, {}));
    EXPECT_TRUE(report["score"].is_number());
    EXPECT_TRUE(report["execution_time"].is_number_integer());
    EXPECT_TRUE(report["output"].is_string());
    EXPECT_TRUE(gradescope_visibilities.count(report["visibility"].get<std::string>()));
    EXPECT_TRUE(gradescope_visibilities.count(report["stdout_visibility"].get<std::string>()));
    ASSERT_TRUE(report["tests"].is_array());
    ASSERT_EQ(report["tests"].size(), result.tests.size());
    double sum = 0;
    for (const auto& test : report["tests"]) {
        EXPECT_EQ(keys(test), (std::set<std::string>{"name", "score", "max_score", "status", "output", "visibility"}));
        EXPECT_TRUE(test["score"].is_number());
        EXPECT_TRUE(test["max_score"].is_number());
        EXPECT_TRUE(test["name"].is_string());
        EXPECT_TRUE(test["output"].is_string());
        EXPECT_TRUE(test["status"] == "passed" || test["status"] == "failed");
        EXPECT_TRUE(gradescope_visibilities.count(test["visibility"].get<std::string>()));
        sum += test["score"].get<double>();
    }
    EXPECT_EQ(sum, report["score"].get<double>());
}

TEST(GradescopeResults, ShowHiddenTestsOnlyAfterPublication) {
    const auto report = json::parse(render(testing::mixed(), Format::gradescope, {}));
    for (const auto& test : report["tests"]) {
        const bool hidden = test["name"].get<std::string>().rfind("secret-flood", 0) == 0;
        EXPECT_EQ(test["visibility"], hidden ? "after_published" : "visible");
    }
}

TEST(ClassroomResult, FollowsSchemaV1) {
    Options options;
    options.classroom = ClassroomContext{"cs", "chat", "submit/1", "https://c", "https://r", "https://v",
                                         "2026-06-01T14:32:01Z"};
    const auto result = testing::mixed();
    const auto report = json::parse(render(result, Format::classroom, options));
    EXPECT_EQ(keys(report), (std::set<std::string>{"schema", "classroom", "assignment", "submission", "commit",
                                                   "release", "review", "datetime", "score", "max-score", "tests"}));
    EXPECT_EQ(report["schema"], "classroom50/result/v1");
    EXPECT_EQ(report["review"], "https://v");
    EXPECT_TRUE(report["score"].is_number_integer());  // whole points are ints, as the contract says
    EXPECT_TRUE(report["max-score"].is_number_integer());
    EXPECT_EQ(report["score"], 3);
    EXPECT_EQ(report["max-score"], 10);
    ASSERT_EQ(report["tests"].size(), result.tests.size());
    for (const auto& test : report["tests"]) {
        EXPECT_EQ(keys(test), (std::set<std::string>{"test-name", "passed", "score", "max-score"}));
        EXPECT_TRUE(test["test-name"].is_string());
        EXPECT_TRUE(test["passed"].is_boolean());
        EXPECT_TRUE(test["score"].is_number_integer());
        EXPECT_TRUE(test["max-score"].is_number_integer());
    }
}

TEST(ClassroomResult, TakesTheSubmissionFromTheRunnersEnvironment) {
    testing::EnvGuard env;
    env.set("CLASSROOM", "networks");
    env.set("ASSIGNMENT", "chat-server");
    env.set("SUBMISSION_TAG", "submit/2026");
    env.set("COMMIT_URL", "https://example.invalid/commit");
    env.set("RELEASE_URL", "https://example.invalid/release");
    env.unset("REVIEW_URL");
    const auto report = json::parse(render(testing::all_passing(), Format::classroom, {}));
    EXPECT_EQ(report["classroom"], "networks");
    EXPECT_EQ(report["assignment"], "chat-server");
    EXPECT_EQ(report["submission"], "submit/2026");
    EXPECT_EQ(report["release"], "https://example.invalid/release");
    EXPECT_EQ(report["review"], "https://example.invalid/commit");  // falls back to the commit
    EXPECT_EQ(report["datetime"].get<std::string>().size(), std::string("2026-06-01T14:32:01Z").size());
}

json decode_github(const std::string& encoded) {
    const auto decoded = base64_decode(encoded);
    if (!decoded) throw std::runtime_error("not base64");
    return json::parse(*decoded);
}

TEST(GithubClassroomResult, IsBase64JsonForTheReporter) {
    const auto result = testing::mixed();
    const std::string encoded = render(result, Format::github, {});
    EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
              std::string::npos);
    const auto report = decode_github(encoded);
    EXPECT_EQ(report["version"], 1);
    EXPECT_EQ(report["status"], "fail");
    EXPECT_TRUE(report["max_score"].is_number());
    EXPECT_EQ(report["max_score"], 10);
    ASSERT_EQ(report["tests"].size(), result.tests.size());
    for (const auto& test : report["tests"]) {
        EXPECT_TRUE(test["name"].is_string());
        EXPECT_TRUE(test["status"] == "pass" || test["status"] == "fail");
        EXPECT_TRUE(test["score"].is_number());
        EXPECT_TRUE(test["message"].is_string() || test["message"].is_null());
        // The reporter prints "- line undefined" unless line_no is a number; 0 = none.
        ASSERT_TRUE(test.contains("line_no"));
        EXPECT_TRUE(test["line_no"].is_number_integer());
        EXPECT_TRUE(test["filename"].is_string());
        EXPECT_TRUE(test["test_code"].is_string());
        EXPECT_TRUE(test["duration"].is_number_integer());
        EXPECT_TRUE(test["execution_time"].is_number());
    }
    EXPECT_EQ(report["tests"][1]["filename"], "chat-server.yaml");
    EXPECT_EQ(report["tests"][1]["line_no"], 40);
}

TEST(GithubClassroomResult, PassesWhenEveryTestPasses) {
    const auto report = decode_github(render(testing::all_passing(), Format::github, {}));
    EXPECT_EQ(report["status"], "pass");
    double sum = 0;
    for (const auto& test : report["tests"]) sum += test["score"].get<double>();
    EXPECT_EQ(sum, 3.5);  // what the reporter sends Classroom: the sum of the tests' scores
}

TEST(GithubClassroomResult, GivesStudentsNoLocation) {
    Options options;
    options.student_view = true;
    const auto report = decode_github(render(testing::mixed(), Format::github, options));
    for (const auto& test : report["tests"]) {
        EXPECT_EQ(test["line_no"], 0);
        EXPECT_EQ(test["filename"], "");
    }
    EXPECT_EQ(report["tests"][3]["message"], "hidden test");
}

}  // namespace
}  // namespace sockgrade::report
