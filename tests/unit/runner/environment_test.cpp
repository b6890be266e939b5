// runner::program_environment: what every program gets, built rather than inherited.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/runner.hpp"

namespace sockgrade::runner {
namespace {

std::int64_t machine_ram() { return std::int64_t(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGE_SIZE); }

TEST(ProgramEnvironment, HasTheBasicsAndNothingElseOfTheGraders) {
    ::setenv("SOCKGRADE_UNIT_SECRET", "x", 1);
    scenario::Scenario scenario;
    scenario::Test test;
    auto env = program_environment(scenario, test, {}, "/tmp/home", 5123);
    EXPECT_EQ(env["HOME"], "/tmp/home");
    EXPECT_EQ(env["PORT"], "5123");
    EXPECT_EQ(env["LANG"], "C.UTF-8");
    EXPECT_FALSE(env.contains("SOCKGRADE_UNIT_SECRET"));
    ::unsetenv("SOCKGRADE_UNIT_SECRET");
}

TEST(ProgramEnvironment, AJvmIsToldItsMemoryWhenTheMachinesRamWouldSizeItPastTheLimit) {
    scenario::Scenario scenario;
    scenario::Test test;
    scenario.limits.memory_bytes = machine_ram() / 64;  // the heap a JVM commits at start here
    auto env = program_environment(scenario, test, {}, "/tmp/home", 5000);
    EXPECT_EQ(env["JAVA_TOOL_OPTIONS"], "-XX:MaxRAM=" + std::to_string(scenario.limits.memory_bytes));

    scenario.limits.memory_bytes = machine_ram();  // room enough: no option, no "Picked up" line on stderr
    EXPECT_FALSE(program_environment(scenario, test, {}, "/tmp/home", 5000).contains("JAVA_TOOL_OPTIONS"));

    scenario.limits.memory_bytes = 0;  // no limit
    EXPECT_FALSE(program_environment(scenario, test, {}, "/tmp/home", 5000).contains("JAVA_TOOL_OPTIONS"));
}

TEST(ProgramEnvironment, TheScenarioTheTestAndTheCommandLineOverrideInThatOrder) {
    scenario::Scenario scenario;
    scenario::Test test;
    scenario.limits.memory_bytes = machine_ram() / 64;
    scenario.env["JAVA_TOOL_OPTIONS"] = "-Xmx64m";
    scenario.env["A"] = "scenario";
    test.env["A"] = "test";
    RunOptions options;
    options.env["B"] = "options";
    auto env = program_environment(scenario, test, options, "/tmp/home", 5000);
    EXPECT_EQ(env["JAVA_TOOL_OPTIONS"], "-Xmx64m");
    EXPECT_EQ(env["A"], "test");
    EXPECT_EQ(env["B"], "options");
    options.env["A"] = "options";
    EXPECT_EQ(program_environment(scenario, test, options, "/tmp/home", 5000)["A"], "options");
}

}  // namespace
}  // namespace sockgrade::runner
