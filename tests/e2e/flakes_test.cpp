// Flaky programs: --repeat tells which runs failed and shows a passing run's
// transcript beside a failing one, --jobs runs repeats at the same time, and
// --stress loads the CPUs (and leaves nothing behind).
#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(e2eFlakes, RepeatSaysWhichRunsFailedAndShowsAPassingRunBesideThem) {
    TempDir state(/*world_writable=*/true);
    TempDir reports;
    const auto json_path = reports.str("report.json");
    // flaky_every_other.py exits at once on runs 1 and 3, serves on runs 2 and 4.
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--repeat", "4", "--seed", "500",
                              "--writable", state.str(), "--env", "COUNTER=" + state.str("counter"), "--format", "json", "--output", json_path,
                              "--", "python3", fixture("flaky_every_other.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("flaky: passed 2 of 4 runs; failed: runs 1 and 3")) << run.describe();
    const auto failed = run.out.find("transcript of run 1 of 4 (failed; replay it with --seed 500 --only prints-message):");
    const auto passed = run.out.find("transcript of run 2 of 4 (passed; replay it with --seed 501 --only prints-message):");
    ASSERT_NE(failed, std::string::npos) << run.describe();
    ASSERT_NE(passed, std::string::npos) << run.describe();
    EXPECT_LT(failed, passed);
    EXPECT_THAT(run.out.substr(failed, passed - failed), HasSubstr("exited with status 3"));
    EXPECT_THAT(run.out.substr(passed), HasSubstr("is listening on TCP port 5000"));
    EXPECT_THAT(run.out, HasSubstr("seed 500 (replay with --seed 500)"));

    auto report = Json::parse(read_file(json_path));
    EXPECT_EQ(report.value("seed", 0), 500);
    auto test = test_named(report, "prints-message");
    EXPECT_EQ(test.value("run", 0), 1);
    EXPECT_EQ(test.value("seed", 0), 500);
    EXPECT_THAT(test.value("failed_runs", std::vector<int>{}), ElementsAre(1, 3));
    EXPECT_EQ(test.value("passing_run", 0), 2);
    EXPECT_FALSE(test.value("passing_transcript", Json::array()).empty());
}

TEST(e2eFlakes, RepeatGivesThePassRateOfATestThatAlwaysPasses) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--repeat", "3", "--", "python3",
                              fixture("hardcoded_5000.py")});
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("passed 3 of 3 runs")) << run.describe();
}

// wait_for_company.py listens only once a second copy of it has started.
RunResult run_together(const std::string& jobs, const TempDir& state) {
    return run_sockgrade({"run", fixture("flakes.yaml"), "--only", "together", "--repeat", "2", "--jobs", jobs, "--writable",
                          state.str(), "--env", "LOG=" + state.str("log"), "--format", "json", "--", "python3",
                          fixture("wait_for_company.py")});
}

TEST(e2eFlakes, JobsRunsRepeatsAtTheSameTime) {
    TempDir state(/*world_writable=*/true);
    auto run = run_together("2", state);
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    auto test = test_named(parse_json(run), "together");
    EXPECT_EQ(test.value("passes", 0), 2) << run.describe();
}

TEST(e2eFlakes, WithOneJobTheRepeatsTakeTurns) {
    // The control: the first copy is alone and never listens; the second finds the first's line.
    TempDir state(/*world_writable=*/true);
    auto run = run_together("1", state);
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto test = test_named(parse_json(run), "together");
    EXPECT_EQ(test.value("passes", -1), 1) << run.describe();
    EXPECT_THAT(test.value("failed_runs", std::vector<int>{}), ElementsAre(1));
}

int load_processes() {
    int count = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec))
        if (read_file(entry.path() / "comm") == "sockgrade-load\n") ++count;
    return count;
}

TEST(e2eFlakes, StressLoadsTheCpusWithLowPriorityProcessesAndLeavesNoneBehind) {
    auto run = run_sockgrade({"run", fixture("flakes.yaml"), "--only", "under-load", "--stress", "--", "python3",
                              fixture("load_observer.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("--stress: busy processes loaded every CPU during each run"));
    EXPECT_EQ(load_processes(), 0) << "a busy process outlived its test";
}

TEST(e2eFlakes, WithoutStressNothingLoadsTheCpus) {
    auto run = run_sockgrade({"run", fixture("flakes.yaml"), "--only", "under-load", "--format", "json", "--",
                              "python3", fixture("load_observer.py")});
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_THAT(test_named(parse_json(run), "under-load").value("message", ""), HasSubstr("load 0 at nice"));
}

}  // namespace
}  // namespace e2e
