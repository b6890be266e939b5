// Faults declared in a scenario take effect as the program under test sees
// them (tests/fixtures/harness/fault_observer.py and datagram_observer.py
// tell what their recv() calls got), a seed replays a run's choices, and the
// robustness scenario tells the reference from its mutants.
#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::HasSubstr;

// Every test of the report passed; a failure names the ones that did not.
void expect_all_passed(const RunResult& run, std::size_t tests) {
    ASSERT_FALSE(run.timed_out) << run.describe();
    auto report = parse_json(run);
    ASSERT_EQ(report.value("tests", Json::array()).size(), tests) << run.describe();
    for (const auto& test : report.at("tests"))
        EXPECT_TRUE(test.value("passed", false))
            << test.value("name", "") << ": " << test.value("message", "") << "\n" << test.dump(2).substr(0, 3000);
    EXPECT_EQ(run.exit_code, 0) << run.describe();
}

TEST(e2eFaults, EachTcpFaultIsWhatTheProgramSees) {
    // split: the program's recv() calls get 1 to 6 bytes each; whole (the control):
    // one recv() for the line; coalesce: one recv() for the burst; gap: one recv()
    // per line; reset: the lines before the RST, then ECONNRESET.
    auto run = run_sockgrade({"run", fixture("faults.yaml"), "--format", "json", "--", "python3",
                              fixture("fault_observer.py")});
    expect_all_passed(run, 6);
}

TEST(e2eFaults, EachUdpFaultIsWhatTheProgramSees) {
    // drop: the marker is the first datagram; duplicate: it comes twice; reorder: the
    // second first; delay: after the marker; from-program: the peer gets the echo twice.
    auto run = run_sockgrade({"run", fixture("faults-udp.yaml"), "--format", "json", "--", "python3",
                              fixture("datagram_observer.py")});
    expect_all_passed(run, 5);
}

TEST(e2eFaults, TheScenariosThatProveTheFaultsFailWithoutThem) {
    // The same scenario with every `faults:` line taken out: the tests that
    // need a fault now fail, the control (whole) still passes. (Not coalesce
    // and gap: without them the kernel may still join or part the writes; only
    // the fault makes it certain.)
    TempDir dir;
    std::string text = read_file(fixture("faults.yaml"));
    std::string stripped;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line.find("faults:") == std::string::npos) stripped += line + "\n";
    const auto path = dir.str("no-faults.yaml");
    std::ofstream(path) << stripped;
    auto run = run_sockgrade({"run", path, "--format", "json", "--", "python3", fixture("fault_observer.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto report = parse_json(run);
    for (const char* name : {"split", "reset-after-sent", "reset-after-received"})
        EXPECT_FALSE(test_named(report, name).value("passed", true)) << name;
    EXPECT_TRUE(test_named(report, "whole").value("passed", false));
}

// What A sent and what its faults chose, in order: times, ports and what the
// program printed (which depends on timing) left out.
std::vector<std::string> choices(const Json& test) {
    std::vector<std::string> out;
    for (const auto& entry : test.value("transcript", Json::array())) {
        if (entry.value("party", "") != "A") continue;
        const auto text = entry.value("text", "");
        if (entry.value("dir", "") == ">" || text.starts_with("fault: ")) out.push_back(entry.value("dir", "") + text);
    }
    return out;
}

TEST(e2eFaults, TheSameSeedReplaysTheSameChoices) {
    auto replay = [](const std::string& seed) {
        auto run = run_sockgrade({"run", fixture("replay.yaml"), "--seed", seed, "--format", "json", "--", "python3",
                                  fixture("fault_observer.py")});
        EXPECT_EQ(run.exit_code, 1) << "its last step fails on purpose\n" << run.describe();
        auto report = parse_json(run);
        EXPECT_EQ(report.value("seed", 0ULL), std::stoull(seed)) << run.describe();
        return test_named(report, "replay");
    };
    auto first = replay("4242");
    auto again = replay("4242");
    auto other = replay("4243");
    auto chosen = choices(first);
    ASSERT_GE(chosen.size(), 4u) << first.dump(2);
    EXPECT_THAT(chosen, ::testing::Contains(::testing::StartsWith("*fault: it leaves in "))) << first.dump(2);
    EXPECT_EQ(chosen, choices(again)) << "the same seed chose differently";
    EXPECT_NE(chosen, choices(other)) << "another seed chose the same";
    EXPECT_EQ(first.value("message", ""), again.value("message", ""));
}

TEST(e2eFaults, TheRobustScenarioIsValidAndSaysItIsExtraCredit) {
    auto run = run_sockgrade({"validate", "chat-server-robust"});
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("(6 tests, 6 points)"));
    EXPECT_THAT(read_file(std::string(SOCKGRADE_TESTS_DIR) + "/../scenarios/chat-server-robust.yaml"),
                HasSubstr("Extra credit (not part of the chat-server grade)"));
}

}  // namespace
}  // namespace e2e
