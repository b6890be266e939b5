#include "batch/subprocess.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace sockgrade::batch {
namespace {

CommandSpec shell(const std::string& line, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    CommandSpec spec;
    spec.argv = {"/bin/sh", "-c", line};
    spec.cwd = "/tmp";
    spec.env = helper_environment("/tmp");
    spec.timeout = timeout;
    return spec;
}

TEST(RunCommand, CapturesOutputAndStatus) {
    auto ok = run_command(shell("echo out; echo err >&2; exit 0"));
    EXPECT_TRUE(ok.ok());
    EXPECT_EQ(ok.output, "out\nerr\n");
    auto failed = run_command(shell("exit 3"));
    EXPECT_TRUE(failed.started);
    EXPECT_EQ(failed.exit_code, 3);
    EXPECT_EQ(failed.describe(), "exited with status 3");
}

TEST(RunCommand, EnvironmentIsBuiltNotInherited) {
    ::setenv("SOCKGRADE_SECRET_TEST", "leak", 1);
    auto outcome = run_command(shell("echo \"[$SOCKGRADE_SECRET_TEST][$LANG]\""));
    EXPECT_EQ(outcome.output, "[][C.UTF-8]\n");
    ::unsetenv("SOCKGRADE_SECRET_TEST");
}

TEST(RunCommand, DeadlineKillsTheWholeGroup) {
    auto started = std::chrono::steady_clock::now();
    auto outcome = run_command(shell("sleep 30 & sleep 30; echo never", std::chrono::milliseconds(300)));
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(outcome.timed_out);
    EXPECT_FALSE(outcome.ok());
    EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(RunCommand, ABackgroundChildDoesNotHoldItOpen) {
    auto started = std::chrono::steady_clock::now();
    auto outcome = run_command(shell("sleep 30 & echo done"));
    EXPECT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.output, "done\n");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(RunCommand, OutputIsCapped) {
    auto spec = shell("head -c 100000 /dev/zero | tr '\\0' x");
    spec.output_cap = 1000;
    auto outcome = run_command(spec);
    EXPECT_EQ(outcome.output.size(), 1000u);
    EXPECT_EQ(outcome.dropped, 99000u);
}

TEST(RunCommand, MissingProgram) {
    CommandSpec spec;
    spec.argv = {"no-such-program-sockgrade"};
    spec.env = helper_environment("/tmp");
    auto outcome = run_command(spec);
    EXPECT_FALSE(outcome.started);
    EXPECT_NE(outcome.error.find("command not found"), std::string::npos) << outcome.error;
}

TEST(RunCommand, OutcomeJsonRoundTrip) {
    auto outcome = run_command(shell("printf 'a\\377b'; exit 2"));
    auto back = outcome_from_json(outcome_to_json(outcome));
    EXPECT_EQ(back.exit_code, 2);
    EXPECT_TRUE(back.started);
    EXPECT_EQ(back.output.size(), 5u);  // the invalid byte is replaced, never an exception
}

}  // namespace
}  // namespace sockgrade::batch
