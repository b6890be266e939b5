// What the sandbox costs per test: sockgrade's worker (fork, network + PID
// namespaces, lo up, the namespace's init, tear-down) plus its way of starting
// a program (Boost.Process, pty, pipes, limits, dropping privileges), against
// a bare fork/exec/wait of the same program. The variants are interleaved, one
// of each per iteration, so drift on a shared machine hits them alike.
//
//   sandbox_bench [--iterations N] [--program PATH] [--json]
//
// Variants:
//   bare    fork + execv(PROGRAM) + waitpid
//   worker  sandbox::run_in_worker with an empty body (the namespace alone)
//   launch  process::Program::launch + wait_for_exit, in this process
//   cgroups, mounts  as full, with only the control groups / only the jail (sandbox/jail.hpp)
//   full    sandbox::run_in_worker whose body launches PROGRAM as a test does
//           (its control groups, its jail: a root built from nothing with
//           pivot_root, its own user when root) and waits for it
//   floor   what the namespaces alone cost: fork, unshare(NEWNET|NEWPID), an init
//           forked and killed, exit (no /proc sweep, no result pipe, no program)
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "process/program.hpp"
#include "sandbox/cgroup.hpp"
#include "sandbox/sandbox.hpp"

namespace {

namespace asio = boost::asio;
using namespace sockgrade;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

bool bare(const std::string& program) {
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        char* argv[] = {const_cast<char*>(program.c_str()), nullptr};
        ::execv(argv[0], argv);
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The namespaces' own cost, for comparison with `worker`: a fork that enters
// fresh network and PID namespaces, forks an init, kills it and exits.
bool floor_only() {
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        if (::unshare(CLONE_NEWNET | CLONE_NEWPID) < 0) ::_exit(1);
        pid_t init = ::fork();
        if (init == 0) {
            ::pause();
            ::_exit(0);
        }
        ::kill(init, SIGKILL);
        ::waitpid(init, nullptr, 0);
        ::_exit(0);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Starts the program as sockgrade starts a student's, and waits for its exit.
// as_a_test: inside a worker, with everything a test adds around the program.
struct AsATest {
    bool cgroups = false;
    bool mounts = false;
};

bool launch(const std::string& program, AsATest as_a_test = {}) {
    asio::io_context io;
    process::LaunchSpec spec;
    std::unique_ptr<sandbox::Cgroup> cgroup;
    if (as_a_test.cgroups) {
        cgroup = sandbox::Cgroup::create(128, std::int64_t(1) << 30);
        if (cgroup) spec.join_cgroups = cgroup->procs_files();
    }
    spec.argv = {program};
    spec.cwd = "/tmp";
    if (as_a_test.mounts && sandbox::inside_namespaces()) {
        sandbox::JailSpec jail;  // the view a test's program gets: a built root, its folder writable
        jail.work_dir = spec.cwd;
        jail.work_dir_writable = true;
        jail.read_only_paths = sandbox::paths_named_in(spec.argv, spec.cwd);
        spec.jail = jail;
    }
    spec.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}, {"HOME", "/tmp"}};
    if (auto credentials = sandbox::program_credentials())
        spec.run_as = std::make_pair(credentials->uid, credentials->gid);
    util::Text error;
    auto child = process::Program::launch(io.get_executor(), spec, error);
    if (!child) {
        std::fprintf(stderr, "sandbox_bench: %s\n", error.en.c_str());
        return false;
    }
    bool ok = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto exit = co_await child->wait_for_exit();
            ok = !exit.signaled && exit.code == 0;
        },
        [](std::exception_ptr) {});
    io.run();
    return ok;
}

bool in_worker(const std::string& program, bool with_program, bool& namespaces, AsATest as_a_test = {true, true}) {
    sandbox::WorkerOptions options;
    options.timeout = std::chrono::milliseconds(10000);
    auto outcome = sandbox::run_in_worker(
        [&](const sandbox::Isolation& isolation) -> std::string {
            std::string ns = isolation.namespaces ? "ns " : "host ";
            if (!with_program) return ns + "ok";
            bool ok = launch(program, as_a_test);
            sandbox::end_all_processes();  // as a test does, before its groups go
            return ns + (ok ? "ok" : "failed");
        },
        options);
    if (!outcome.payload) {
        std::fprintf(stderr, "sandbox_bench: %s\n", outcome.error.c_str());
        return false;
    }
    namespaces = outcome.payload->starts_with("ns ");
    return outcome.payload->ends_with("ok");
}

}  // namespace

int main(int argc, char** argv) {
    int iterations = 200;
    std::string program = "/bin/true";
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--iterations" && i + 1 < argc) iterations = std::clamp(std::atoi(argv[++i]), 1, 100000);
        else if (arg == "--program" && i + 1 < argc) program = argv[++i];
        else if (arg == "--json") json = true;
        else {
            std::fprintf(stderr, "usage: sandbox_bench [--iterations N] [--program PATH] [--json]\n");
            return 2;
        }
    }

    const std::vector<std::string> names = {"bare", "floor", "worker", "launch", "cgroups", "mounts", "full"};
    std::map<std::string, std::vector<double>> ms;
    bool namespaces = false;
    int failures = 0;
    auto budget = Clock::now() + std::chrono::minutes(4);  // every loop bounded in time too
    // One unmeasured round first: page cache, dynamic loader, first namespace.
    bare(program);
    in_worker(program, true, namespaces);
    int done = 0;
    for (; done < iterations && Clock::now() < budget; ++done) {
        auto t = Clock::now();
        failures += !bare(program);
        ms["bare"].push_back(ms_since(t));
        t = Clock::now();
        bool floor_ok = floor_only();
        ms["floor"].push_back(ms_since(t));
        if (!floor_ok && namespaces) ++failures;  // without namespaces allowed, the floor cannot be had
        t = Clock::now();
        failures += !in_worker(program, false, namespaces);
        ms["worker"].push_back(ms_since(t));
        t = Clock::now();
        failures += !launch(program);
        ms["launch"].push_back(ms_since(t));
        t = Clock::now();
        failures += !in_worker(program, true, namespaces, {true, false});
        ms["cgroups"].push_back(ms_since(t));
        t = Clock::now();
        failures += !in_worker(program, true, namespaces, {false, true});
        ms["mounts"].push_back(ms_since(t));
        t = Clock::now();
        failures += !in_worker(program, true, namespaces);
        ms["full"].push_back(ms_since(t));
    }

    double bare_p50 = percentile(ms["bare"], 0.5), full_p50 = percentile(ms["full"], 0.5);
    double bare_p90 = percentile(ms["bare"], 0.9), full_p90 = percentile(ms["full"], 0.9);
    double ratio = bare_p50 > 0 ? full_p50 / bare_p50 : 0;
    if (json) {
        std::printf("{\"program\": \"%s\", \"iterations\": %d, \"namespaces\": %s, \"failures\": %d", program.c_str(),
                    done, namespaces ? "true" : "false", failures);
        for (const auto& name : names)
            std::printf(", \"%s\": {\"p50_ms\": %.3f, \"p90_ms\": %.3f}", name.c_str(), percentile(ms[name], 0.5),
                        percentile(ms[name], 0.9));
        std::printf(", \"added_p50_ms\": %.3f, \"added_p90_ms\": %.3f, \"ratio\": %.2f}\n", full_p50 - bare_p50,
                    full_p90 - bare_p90, ratio);
    } else {
        std::printf("sandbox cost: %d iterations of %s (%s)\n", done, program.c_str(),
                    namespaces ? "network + PID namespaces" : "no namespaces here: host network");
        std::printf("  %-8s %9s %9s\n", "variant", "p50 ms", "p90 ms");
        for (const auto& name : names)
            std::printf("  %-8s %9.3f %9.3f\n", name.c_str(), percentile(ms[name], 0.5), percentile(ms[name], 0.9));
        std::printf("  added per test (full - bare): p50 %.3f ms, p90 %.3f ms (goal <= 10 ms: %s)\n",
                    full_p50 - bare_p50, full_p90 - bare_p90, full_p50 - bare_p50 <= 10 ? "met" : "not met");
        std::printf("  ratio full/bare (p50): %.2fx\n", ratio);
        if (failures) std::printf("  %d runs failed\n", failures);
    }
    return failures == 0 ? 0 : 1;
}
