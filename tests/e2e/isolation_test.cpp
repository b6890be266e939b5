// The sandbox as a user sees it: programs that hard-code port 5000 are graded
// side by side while the host's port 5000 is taken, the program's environment
// is built rather than inherited, and nothing the program starts outlives the run.
#include <thread>

#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::HasSubstr;

TEST(e2eIsolation, TwoHardCodedPort5000ServersPassAtOnceWhileTheHostPort5000IsTaken) {
    // Held here if free; if someone else holds it, that proves the point as well.
    HostPortHolder holder(5000);
    ASSERT_TRUE(holder.held() || host_port_in_use(5000));

    const std::vector<std::string> args{"run", "tcp-server", "--format", "json", "--", "python3",
                                        fixture("hardcoded_5000.py")};
    RunResult first, second;
    std::thread other([&] { first = run_sockgrade(args); });
    second = run_sockgrade(args);
    other.join();

    for (const auto* run : {&first, &second}) {
        ASSERT_FALSE(run->timed_out) << run->describe();
        EXPECT_EQ(run->exit_code, 0) << run->describe();
        auto report = parse_json(*run);
        EXPECT_EQ(report.value("passed", false), true) << run->describe();
        ASSERT_TRUE(report.contains("max_score"));
        EXPECT_GT(report["max_score"].get<double>(), 0);
        EXPECT_EQ(report["score"], report["max_score"]) << run->describe();
    }
    // The two runs overlapped in time: both servers had port 5000 at once.
    EXPECT_LT(first.started, second.ended);
    EXPECT_LT(second.started, first.ended);
}

TEST(e2eIsolation, TheProgramsEnvironmentIsBuiltNotInherited) {
    TempDir out(/*world_writable=*/true);
    TempDir grader_home;
    const std::string value = "a value with spaces = and an equals sign";
    auto run = run_sockgrade({"run", fixture("env.yaml"), "--writable", out.str(), "--env", "SOCKGRADE_E2E_ADDED=" + value, "--", "python3",
                              fixture("env_dump.py"), out.str()},
                             {.env = {{"PYTHONUNBUFFERED", "1"},
                                      {"SOCKGRADE_E2E_CANARY", "must-not-leak"},
                                      {"HOME", grader_home.str()}}});
    ASSERT_FALSE(run.timed_out) << run.describe();
    ASSERT_EQ(run.exit_code, 0) << run.describe();
    ASSERT_TRUE(fs::exists(out.path() / "env.json")) << run.describe();
    auto seen = Json::parse(read_file(out.path() / "env.json"));
    const auto& env = seen.at("env");

    // Set in the grader's environment, not passed on.
    EXPECT_FALSE(env.contains("PYTHONUNBUFFERED")) << env.dump(2);
    EXPECT_FALSE(env.contains("SOCKGRADE_E2E_CANARY")) << env.dump(2);
    // What the program is promised.
    EXPECT_EQ(env.value("PORT", ""), "5000");
    EXPECT_EQ(env.value("LANG", ""), "C.UTF-8");
    EXPECT_EQ(env.value("TERM", ""), "dumb");
    EXPECT_TRUE(env.contains("PATH"));
    EXPECT_EQ(env.value("SOCKGRADE_E2E_ADDED", ""), value);
    EXPECT_EQ(env.value("SOCKGRADE_E2E_FROM_SCENARIO", ""), "scenario-value");
    // HOME: a scratch folder the program may write, not the grader's.
    const std::string home = env.value("HOME", "");
    ASSERT_FALSE(home.empty());
    EXPECT_NE(fs::weakly_canonical(home), fs::weakly_canonical(grader_home.path()));
    EXPECT_TRUE(seen.at("home_is_dir").get<bool>()) << home;
    EXPECT_TRUE(seen.at("home_writable").get<bool>()) << home << ": " << seen.at("home_error");
    EXPECT_TRUE(fs::is_empty(grader_home.path())) << "the program wrote into the grader's HOME";
    // The scratch HOME goes away with the test.
    EXPECT_FALSE(fs::exists(home)) << home << " is left behind";
    if (::geteuid() == 0) {
        EXPECT_NE(seen.at("uid").get<int>(), 0) << "the program ran as root";
    }
}

TEST(e2eIsolation, NothingTheProgramStartedOutlivesTheRun) {
    const std::string marker = "sockgrade-e2e-daemon-" + random_token();
    ASSERT_THAT(processes_with(marker), ::testing::IsEmpty());

    auto run = run_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--only", "prints-message", "--format",
                              "json", "--", "python3", fixture("daemon_then_serve.py"), marker});
    // Checked at once, before anything else: no grace period.
    auto left = processes_with(marker);

    ASSERT_FALSE(run.timed_out) << run.describe();
    // The fixture listens only after its daemon has started: passing proves the daemons existed.
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    auto report = parse_json(run);
    EXPECT_EQ(report.value("passed", false), true) << run.describe();
    EXPECT_EQ(report["tests"].size(), 2u) << run.describe();
    std::string described;
    for (pid_t pid : left) {
        std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
        for (auto& c : cmdline)
            if (c == '\0') c = ' ';
        described += std::to_string(pid) + ": " + cmdline + "\n";
        ::kill(pid, SIGKILL);  // ours to clean up, so later runs are not disturbed
    }
    EXPECT_TRUE(left.empty()) << "left running after sockgrade returned:\n" << described;
}

}  // namespace
}  // namespace e2e
