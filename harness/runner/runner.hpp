// Runs a scenario's tests against a program: each test in a fresh sandboxed
// worker, with a fresh copy of the program.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/result.hpp"
#include "scenario/scenario.hpp"

namespace sockgrade::runner {

struct RunOptions {
    std::vector<std::string> command;  // the program's argv; "{port}" is replaced
    std::string cwd;                   // where it runs
    std::optional<int> port;           // overrides the scenario's port
    std::map<std::string, std::string> env;  // added to the program's environment
    double timeout_scale = 1.0;        // multiplies every deadline (slow machines)
    int repeat = 1;                    // runs of each test; flaky when some pass
    std::vector<std::string> only;     // run only these tests (empty: all)
};

// Called after each test (all its repeats), e.g. for progress on a terminal.
using Progress = std::function<void(const TestResult&)>;

ScenarioResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options, const Progress& progress = {});

// One run of one test, in the current process (already inside its sandbox).
TestResult run_test_here(const scenario::Scenario& scenario, const scenario::Test& test, const RunOptions& options);

// The environment every program gets: built, not inherited, so a grade is the
// same on every machine.
std::map<std::string, std::string> program_environment(const scenario::Scenario& scenario, const scenario::Test& test,
                                                       const RunOptions& options, const std::string& home, int port);

}  // namespace sockgrade::runner
