// Runs a scenario's tests against a program: each test in a fresh sandboxed
// worker, with a fresh copy of the program.
#pragma once

#include <cstdint>
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
    // The program may write its folder: a submission's scratch copy (grade,
    // check). `run` shows the folder it is given read-only.
    bool writable_cwd = false;
    std::vector<std::string> writable_paths;  // more folders it may write (run --writable)
    std::optional<int> port;           // overrides the scenario's port
    std::map<std::string, std::string> env;  // added to the program's environment
    double timeout_scale = 1.0;        // multiplies every deadline (slow machines)
    int repeat = 1;                    // runs of each test; flaky when some pass
    std::vector<std::string> only;     // run only these tests (empty: all)
    // Run r (0-based) of every test uses seed + r for its faults and nonce;
    // nullopt: a fresh seed, which the result reports for a replay.
    std::optional<std::uint64_t> seed;
    int jobs = 1;                      // test runs at once, each in its own worker
    bool stress = false;               // busy processes load the CPUs during each run
    // Packet captures (capture/): each run of a test recorded in its own network
    // namespace and kept in capture_dir as <test>.pcapng, for failing runs only
    // unless capture_all. Empty: nothing is captured, and nothing costs anything.
    std::string capture_dir;
    bool capture_all = false;
    std::int64_t capture_max_bytes = 8 << 20;  // per file; later packets are counted, not kept
};

// What the sandbox gave one run of a test, and which run of the test it is.
struct RunPlace {
    bool own_network = false;  // a network namespace of its own (else the host's: nothing is captured)
    int run = 1;               // 1..runs, with --repeat
    int runs = 1;
    std::uint64_t seed = 0;    // decides the run's faults and its nonce
};

// Called after each test (all its repeats), e.g. for progress on a terminal.
using Progress = std::function<void(const TestResult&)>;

ScenarioResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options, const Progress& progress = {});

// One run of one test, in the current process (already inside its sandbox).
TestResult run_test_here(const scenario::Scenario& scenario, const scenario::Test& test, const RunOptions& options,
                         const RunPlace& place = {});

// The file name of a run's capture: "broadcast.pcapng", "broadcast.run2.pcapng" with --repeat.
std::string capture_file_name(const std::string& test, const RunPlace& place);


// The environment every program gets: built, not inherited, so a grade is the
// same on every machine.
std::map<std::string, std::string> program_environment(const scenario::Scenario& scenario, const scenario::Test& test,
                                                       const RunOptions& options, const std::string& home, int port);

}  // namespace sockgrade::runner
