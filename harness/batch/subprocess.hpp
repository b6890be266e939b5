// Running a helper command (a compiler, make, unzip, a Python syntax check)
// with a deadline, its output captured, optionally as an unprivileged user.
// For the program under test itself, see process/ and runner/.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/jail.hpp"
#include "sandbox/sandbox.hpp"

namespace sockgrade::batch {

struct CommandSpec {
    std::vector<std::string> argv;
    std::string cwd;
    std::map<std::string, std::string> env;  // the whole environment
    std::chrono::milliseconds timeout{60000};
    std::size_t output_cap = 256 * 1024;  // bytes of stdout+stderr kept (the rest counted)
    std::optional<sandbox::Credentials> run_as;  // drop to this user before exec
    // A student's build: the same jail, limits and control groups as a test's
    // program (sandbox/jail.hpp); empty for the grader's own helpers.
    std::optional<sandbox::JailSpec> jail;
    std::vector<std::string> join_cgroups;
    int max_processes = 0;             // RLIMIT_NPROC; 0 = none
    std::int64_t max_file_bytes = 0;   // RLIMIT_FSIZE; 0 = none
};

struct CommandOutcome {
    bool started = false;  // false: could not start (error says why)
    bool timed_out = false;
    bool signaled = false;
    int exit_code = -1;
    int signal = 0;
    std::string output;  // stdout and stderr, interleaved as written
    std::size_t dropped = 0;
    std::string error;
    bool ok() const { return started && !timed_out && !signaled && exit_code == 0; }
    // "exited with status 1", "was stopped after 60 s", ...
    std::string describe() const;
    // The same in Portuguese: "terminou com status 1", ...
    std::string describe_pt() const;
};

// Runs argv (argv[0] looked up in env's PATH) in its own process group, stdin
// /dev/null; on the deadline the whole group is killed. Every process the
// command started is killed when it ends. Call from a single-threaded process.
CommandOutcome run_command(const CommandSpec& spec);

// The environment helpers get: PATH, HOME, LANG=C.UTF-8 and the toolchain
// variables (PYENV_ROOT, PYENV_VERSION, JAVA_HOME) taken from this process.
std::map<std::string, std::string> helper_environment(const std::string& home);

// Serialises an outcome (to carry it out of a sandbox worker) and back.
std::string outcome_to_json(const CommandOutcome& outcome);
CommandOutcome outcome_from_json(const std::string& json);

}  // namespace sockgrade::batch
