// The six reference programs pass their shipped scenarios, through the real
// CLI, and `--format json` keeps the key set design.md promises.
#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

class e2eReferenceProgram : public ::testing::TestWithParam<std::string> {};

TEST_P(e2eReferenceProgram, PassesItsShippedScenarioWithFullPointsInJson) {
    const std::string lab = GetParam();
    ASSERT_TRUE(fs::exists(reference_program(lab))) << reference_program(lab);

    auto run = run_sockgrade({"run", lab, "--format", "json", "--", reference_program(lab)});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();

    auto report = parse_json(run);
    for (const char* key : {"scenario", "passed", "score", "max_score", "flaky", "tests"})
        ASSERT_TRUE(report.contains(key)) << "missing key '" << key << "'\n" << run.describe();
    EXPECT_EQ(report["scenario"], lab);
    EXPECT_EQ(report["passed"], true) << run.describe();
    ASSERT_TRUE(report["score"].is_number());
    ASSERT_TRUE(report["max_score"].is_number());
    EXPECT_GT(report["max_score"].get<double>(), 0);
    EXPECT_EQ(report["score"].get<double>(), report["max_score"].get<double>()) << run.describe();
    ASSERT_TRUE(report["flaky"].is_array());
    EXPECT_TRUE(report["flaky"].empty());
    ASSERT_TRUE(report["tests"].is_array());
    ASSERT_FALSE(report["tests"].empty());

    double points = 0, max_points = 0;
    for (const auto& test : report["tests"]) {
        for (const char* key : {"name", "passed", "points", "max_points", "message", "transcript"})
            ASSERT_TRUE(test.contains(key)) << "test lacks key '" << key << "': " << test.dump(2);
        SCOPED_TRACE(test["name"].get<std::string>());
        EXPECT_TRUE(test["name"].is_string());
        EXPECT_EQ(test["passed"], true) << test.dump(2);
        EXPECT_TRUE(test["message"].is_string());
        EXPECT_TRUE(test["transcript"].is_array());
        EXPECT_EQ(test["points"].get<double>(), test["max_points"].get<double>());
        points += test["points"].get<double>();
        max_points += test["max_points"].get<double>();
    }
    EXPECT_DOUBLE_EQ(points, report["score"].get<double>());
    EXPECT_DOUBLE_EQ(max_points, report["max_score"].get<double>());
}

INSTANTIATE_TEST_SUITE_P(Labs, e2eReferenceProgram,
                         ::testing::Values("tcp-server", "tcp-client", "udp-server", "udp-client", "chat-server",
                                           "chat-client"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;
                             for (auto& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

}  // namespace
}  // namespace e2e
