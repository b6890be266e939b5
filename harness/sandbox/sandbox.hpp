// Each test runs in a worker process forked from the grader. The worker enters
// a fresh network namespace (only `lo`, up) and a PID namespace, so programs
// that all hard-code port 5000 run side by side, reach no other network, and
// everything they start dies with the namespace.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sockgrade::sandbox {

struct Isolation {
    bool namespaces = false;  // false: the host network, one test per port at a time
    std::string note;         // why namespaces are missing, said once in the report
};

struct Credentials {
    uid_t uid;
    gid_t gid;
};

struct WorkerOptions {
    std::chrono::milliseconds timeout{60000};  // the worker is killed after this
    int host_port = 0;  // without namespaces, tests on the same port take turns
};

struct WorkerOutcome {
    std::optional<std::string> payload;  // what the body returned
    std::string error;                   // why there is no payload
};

using WorkerBody = std::function<std::string(const Isolation&)>;

// Forks a worker, isolates it, runs body there and returns what it returned.
// Call from a single-threaded process: namespaces must be entered by a fresh
// fork of one.
WorkerOutcome run_in_worker(const WorkerBody& body, const WorkerOptions& options);

// Runs each body in a worker of its own, at most `jobs` at once, and calls
// done(index, outcome) as each worker ends (in the order they end). The
// grader stays single-threaded: one poll() watches every worker.
void run_in_workers(const std::vector<WorkerBody>& bodies, const WorkerOptions& options, int jobs,
                    const std::function<void(std::size_t, WorkerOutcome)>& done);

// Inside a worker: ends every process the test started (the PID namespace's
// init is killed, and the kernel kills the rest), or, without namespaces,
// every descendant found. Safe to call more than once.
void end_all_processes();

// Who a submission's build and programs run as: when the grader is root, a
// user and group id of the submission's own (claimed on first use, for the
// life of this process, unless --user chose one); nullopt when the grader is
// not root (the program keeps its uid, inside a user namespace, and sees only
// what its jail shows).
std::optional<Credentials> program_credentials();

// Forgets this process's submission user, so that the next
// program_credentials() claims a fresh one: `grade` calls it in each child
// grader, so that no two students share a uid.
void new_submission_user();

// Inside a worker: true when the test has namespaces of its own (the program
// can then get a mount namespace and a /proc of its own).
bool inside_namespaces();

// A submission's scratch copy lives on a tmpfs of its own, bounded in bytes
// and files, mounted at `path` in a mount namespace private to the calling
// process (and the workers it forks): whatever the build or the program
// writes there counts against it, and it vanishes with the process even if
// the grader is killed. Root only; elsewhere (nullopt result says why) the
// folder is a plain one. unmount_scratch() before removing the folder.
std::optional<std::string> mount_scratch(const std::string& path, std::int64_t bytes, int files);
void unmount_scratch(const std::string& path);

// Overrides the user chosen by program_credentials() (--user), e.g. "nobody".
// Returns an error message when the name is unknown; "" goes back to the default.
std::optional<std::string> set_program_user(const std::string& name);

}  // namespace sockgrade::sandbox
