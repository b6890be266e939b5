// The program's stdout as sockgrade reads it: a terminal (so plain print()
// is line-buffered), and a flood that must neither stall nor bloat the grader.
#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::HasSubstr;

TEST(e2eOutput, UnflushedPrintFromAServerThatNeverExitsIsSeen) {
    // Without PYTHONUNBUFFERED anywhere: only a line-buffered stdout (a terminal) shows the line.
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--format", "json", "--", "python3",
                              fixture("unflushed_print.py")},
                             {.env = {{"PYTHONUNBUFFERED", std::nullopt}}});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    auto test = test_named(parse_json(run), "prints-message");
    EXPECT_EQ(test.value("passed", false), true) << run.describe();
}

TEST(e2eOutput, AFloodOnStdoutEndsOnTimeWithBoundedGraderMemory) {
    // flood.yaml: test limit 4s; three tests whose outcomes are fixed.
    constexpr double test_limit = 4.0;
    auto run = run_sockgrade({"run", fixture("flood.yaml"), "--format", "json", "--", "python3", fixture("flood.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto report = parse_json(run);

    auto silent = test_named(report, "silent-for-a-second");
    EXPECT_EQ(silent.value("passed", true), false);
    EXPECT_THAT(silent.value("message", ""), HasSubstr("bytes arrived")) << run.describe();

    auto alive = test_named(report, "still-alive");
    EXPECT_EQ(alive.value("passed", false), true) << run.describe();

    auto never = test_named(report, "never-printed");
    EXPECT_EQ(never.value("passed", true), false);
    // Each test ends within its limit (plus teardown), however much is printed.
    for (const auto& test : report.value("tests", Json::array()))
        EXPECT_LT(test.value("seconds", 1e9), test_limit + 3.0) << test.dump(2).substr(0, 2000);
    EXPECT_GE(never.value("seconds", 0.0), test_limit - 0.5) << "the 60s wait did not run to the test's limit";
    EXPECT_LT(run.seconds, 3 * (test_limit + 3.0)) << run.describe();

    // Peak RSS of sockgrade (and of every process it waited for, the flood included).
    EXPECT_GT(run.max_rss_kb, 0);
    EXPECT_LT(run.max_rss_kb, 200L * 1024) << "peak RSS " << run.max_rss_kb / 1024 << " MiB";
}

}  // namespace
}  // namespace e2e
