// Hostile and broken programs (issue 6). Each fixture in tests/fixtures/hostile
// is graded by the real sockgrade binary against a shipped scenario (one test
// with --only, to stay fast), and each test checks:
//   - the grade: sockgrade's exit status, the score, the test's message;
//   - the wall time of the run, against a generous bound (the machine is shared);
//   - the grader's peak memory (< 200 MB), measured as the largest VmHWM
//     (peak resident set, /proc/PID/status) of sockgrade and of every process
//     running the sockgrade executable under it (its test workers and their
//     PID-namespace inits), sampled every few milliseconds while it runs. The
//     program under test is NOT counted: it is not the grader. (wait4()'s
//     ru_maxrss, also printed, is the largest of sockgrade and every
//     descendant reaped below it, the program included, and each counts from
//     its fork, so it also holds this test process's own memory, shared until
//     exec: a 1 GiB program or a big test binary shows there, which is why it
//     is not the measure asserted.)
//   - that nothing is left: no process with the run's marker in its command
//     line right after sockgrade returns (every fixture gets a unique marker as
//     argv[1], and its children keep it), and no control group of the run's
//     workers (sockgrade-PID under /sys/fs/cgroup/{pids,memory}).
// Each test prints one "[ hostile  ]" line with what it measured.
//
// The fork-heavy fixtures take turns (a lock file), so two fork bombs never
// share the machine's two cores with the rest of the suite. Each test's
// program has a user of its own (a root grader's per-test uid, or a user
// namespace), so their processes never count against another test's.
//
// ZZ_HostileCleanup.NothingLeftBehind runs as its own ctest
// (hostile.nothing-left-behind, after every Hostile test, alone).
#include <atomic>
#include <iomanip>
#include <iostream>
#include <limits>
#include <pwd.h>
#include <regex>
#include <set>
#include <sys/file.h>
#include <sys/shm.h>
#include <thread>

#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* marker_prefix = "sockgrade-hostile-";

std::string hostile_dir() { return std::string(SOCKGRADE_TESTS_DIR) + "/fixtures/hostile"; }
std::string hostile(const std::string& name) { return hostile_dir() + "/" + name; }
std::string new_marker() { return marker_prefix + random_token(); }

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif
// 200 MB; sanitizers' shadow memory and quarantine make everything bigger.
constexpr long grader_memory_bound_kb = (sanitized ? 4 : 1) * 200'000;
// A generous bound on one run: every fixture must take less.
constexpr double run_seconds_bound = 30;

// --- /proc -----------------------------------------------------------------------------------

std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> children;
    std::error_code ec;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "children");
        pid_t child = 0;
        while (in >> child) children.push_back(child);
    }
    return children;
}

std::string exe_of(pid_t pid) {
    std::error_code ec;
    return fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
}

long peak_rss_kb(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            long kb = 0;
            status >> kb;
            return kb;
        }
        status.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return 0;
}

std::string cmdline_of(pid_t pid) {
    std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    for (auto& c : cmdline)
        if (c == '\0') c = ' ';
    return cmdline;
}

// Control-group folders named `name` (or, with an empty name, every sockgrade-N) under the v1 pids and memory roots.
std::vector<fs::path> cgroup_dirs(const std::string& name) {
    std::vector<fs::path> found;
    for (const char* root : {"/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory"}) {
        std::error_code ec;
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            if (it.depth() > 8) it.disable_recursion_pending();
            if (!it->is_directory(ec)) continue;
            auto file = it->path().filename().string();
            if (name.empty() ? file.starts_with("sockgrade-") : file == name) found.push_back(it->path());
        }
    }
    return found;
}

// Kills every process whose command line has `needle` (ours to clean up, so
// later tests are not disturbed) and describes them.
std::string kill_all_with(const std::string& needle) {
    std::string described;
    for (pid_t pid : processes_with(needle)) {
        described += std::to_string(pid) + ": " + cmdline_of(pid) + "\n";
        ::kill(pid, SIGKILL);
    }
    return described;
}

// --- one measured run --------------------------------------------------------------------------

struct Measured {
    RunResult run;
    Json report;
    Json test;                      // the one test run (--only)
    long grader_peak_kb = 0;        // largest VmHWM of sockgrade and its sockgrade-executable descendants
    std::set<pid_t> grader_pids;    // sockgrade and every worker seen
    std::string left;               // processes with the marker right after the run
    std::vector<fs::path> cgroups;  // the workers' control groups right after the run
};

// Runs sockgrade in a thread and samples its memory until it returns.
Measured run_measured(const std::vector<std::string>& args, const std::string& marker, const std::string& test_name,
                      RunOptions options = {}) {
    Measured measured;
    std::error_code ec;
    const std::string grader_exe = fs::canonical(sockgrade_binary(), ec).string();
    std::atomic<bool> done{false};
    std::thread runner([&] {
        measured.run = run_sockgrade(args, options);
        done = true;
    });
    while (!done) {
        std::vector<pid_t> todo = children_of(::getpid());
        while (!todo.empty()) {
            pid_t pid = todo.back();
            todo.pop_back();
            // Only the grader's own processes; the program (another executable) and its children are not it.
            if (grader_exe.empty() || !exe_of(pid).starts_with(grader_exe)) continue;
            measured.grader_pids.insert(pid);
            measured.grader_peak_kb = std::max(measured.grader_peak_kb, peak_rss_kb(pid));
            for (pid_t child : children_of(pid)) todo.push_back(child);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
    }
    runner.join();
    // At once, before anything else: no grace period.
    measured.left = kill_all_with(marker);
    for (pid_t pid : measured.grader_pids)
        for (auto& dir : cgroup_dirs("sockgrade-" + std::to_string(pid))) measured.cgroups.push_back(dir);

    if (std::find(args.begin(), args.end(), std::string("json")) != args.end()) {
        measured.report = parse_json(measured.run);
        if (!test_name.empty()) measured.test = test_named(measured.report, test_name);
    }
    const auto& run = measured.run;
    std::cout << "[ hostile  ] " << ::testing::UnitTest::GetInstance()->current_test_info()->name() << ": exit "
              << run.exit_code << (run.term_signal ? " signal " + std::to_string(run.term_signal) : "") << ", score "
              << measured.report.value("score", Json()).dump() << "/" << measured.report.value("max_score", Json()).dump()
              << ", " << std::fixed << std::setprecision(1) << run.seconds << " s, grader peak "
              << measured.grader_peak_kb / 1024.0 << " MiB over " << measured.grader_pids.size()
              << " processes (wait4 maxrss, program included: " << run.max_rss_kb / 1024.0 << " MiB); message: "
              << measured.test.value("message", "") << std::endl;
    return measured;
}

// What every run must show, whatever the program did.
void expect_contained(const Measured& m) {
    EXPECT_FALSE(m.run.timed_out) << m.run.describe();
    EXPECT_EQ(m.run.term_signal, 0) << "sockgrade itself was killed\n" << m.run.describe();
    EXPECT_LT(m.run.seconds, run_seconds_bound) << m.run.describe();
    EXPECT_GT(m.grader_peak_kb, 0) << "the grader's memory was never sampled";
    EXPECT_LT(m.grader_peak_kb, grader_memory_bound_kb) << "the grader's own peak RSS";
    EXPECT_EQ(m.left, "") << "left running after sockgrade returned:\n" << m.left;
    for (const auto& dir : m.cgroups) ADD_FAILURE() << "control group left behind: " << dir;
}

double score_of(const Measured& m) { return m.report.value("score", -1.0); }
double max_score_of(const Measured& m) { return m.report.value("max_score", -1.0); }
std::string message_of(const Measured& m) { return m.test.value("message", ""); }

// The transcript of a failed test, as text.
std::string transcript_of(const Measured& m) {
    std::string text;
    if (m.test.contains("transcript"))
        for (const auto& entry : m.test.at("transcript"))
            text += entry.value("party", "") + " " + entry.value("dir", "") + " " + entry.value("text", "") + "\n";
    return text;
}

void expect_passed(const Measured& m) {
    EXPECT_EQ(m.run.exit_code, 0) << m.run.describe();
    EXPECT_EQ(m.test.value("passed", false), true) << m.run.describe();
    EXPECT_GT(max_score_of(m), 0);
    EXPECT_EQ(score_of(m), max_score_of(m)) << m.run.describe();
}

void expect_failed(const Measured& m) {
    EXPECT_EQ(m.run.exit_code, 1) << m.run.describe();
    EXPECT_EQ(m.test.value("passed", true), false) << m.run.describe();
    EXPECT_EQ(score_of(m), 0) << m.run.describe();
    EXPECT_THAT(m.run.err, Not(HasSubstr("grader error"))) << m.run.describe();
    EXPECT_THAT(message_of(m), Not(HasSubstr("grader error")));
}

std::vector<std::string> tcp_server(const std::string& test, std::vector<std::string> command) {
    std::vector<std::string> args{"run", "tcp-server", "--only", test, "--format", "json", "--"};
    args.insert(args.end(), command.begin(), command.end());
    return args;
}

std::vector<std::string> python(const std::string& fixture, const std::string& marker, const TempDir& out) {
    return {"python3", hostile(fixture), marker, out.str()};
}

// The fixtures write what they saw to `out`, a host folder the jail would
// hide: `run --writable` shows it to the program.
std::vector<std::string> report_to(const TempDir& out, std::vector<std::string> args) {
    args.insert(args.begin() + 1, {"--writable", out.str()});  // after "run"
    return args;
}

RunOptions in_hostile_dir() {
    RunOptions options;
    options.cwd = hostile_dir();
    return options;
}

// Builds a C fixture with cc into `dir`; the path, or empty (and a reason) when cc is missing or fails.
std::string compile_c(const std::string& source, const TempDir& dir, std::string& why) {
    const std::string binary = dir.str(fs::path(source).stem().string());
    const std::string command = "cc -O0 -o '" + binary + "' '" + hostile(source) + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) {
        why = "popen failed";
        return {};
    }
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) why += buffer;
    int status = ::pclose(pipe);
    if (status != 0 || !fs::exists(binary)) {
        why = "cc failed (status " + std::to_string(status) + "): " + why;
        return {};
    }
    return binary;
}

// How many processes carry `name` (at most 15 bytes) as their command name. Unlike
// processes_with, it reads /proc/PID/comm, which answers at once: reading a
// process's cmdline waits on its memory lock, and while a fork bomb thrashes its
// memory group a scan of every cmdline takes seconds.
std::size_t processes_named(const std::string& name) {
    std::size_t count = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        auto comm = read_file(entry.path() / "comm");
        if (!comm.empty() && comm.back() == '\n') comm.pop_back();
        count += comm == name;
    }
    return count;
}

// Polls a condition of the kernel's files (/proc, cgroups) until it holds or the time is up.
template <typename Condition>
bool poll_until(Condition condition, std::chrono::milliseconds timeout, std::chrono::milliseconds interval) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(interval);
    }
    return true;
}


std::vector<std::string> with_options(std::vector<std::string> args, const std::vector<std::string>& extra) {
    args.insert(args.begin() + 1, extra.begin(), extra.end());  // after "run"
    return args;
}

// --- processes ---------------------------------------------------------------------------------

TEST(Hostile, ForksTwoHundredChildrenThenServes) {
    ProcessHeavy turn;
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    auto m = run_measured(report_to(out, tcp_server("prints-message", python("fork_200_then_serve.py", marker, out))), marker, "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
    // The forks past the limit were refused, and the program went on to serve.
    auto forks = read_file(out.path() / "forks");
    EXPECT_THAT(forks, HasSubstr("of 200: BlockingIOError")) << forks;
    int made = std::atoi(forks.c_str() + std::string("forked ").size());
    EXPECT_GE(made, 100) << forks;
    EXPECT_LT(made, 128) << forks;
}

TEST(Hostile, DoubleForkedDaemonThatCallsSetsidIsEnded) {
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    auto m = run_measured(report_to(out, tcp_server("prints-message", python("daemon_setsid.py", marker, out))), marker,
                          "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
    EXPECT_FALSE(read_file(out.path() / "daemon").empty()) << "the daemon never started";
}

// The fork bombs run at nice 19: the sandbox caps processes but not CPU, and
// 128 spinning processes at normal priority starve every test run beside
// them (see AForkBombDoesNotStarveATestBesideIt).
std::vector<std::string> fork_bomb(const std::string& marker) {
    return {"python3", hostile("fork_bomb.py"), marker, "nice"};
}

TEST(Hostile, ForkBombIsContained) {
    ProcessHeavy turn;
    auto marker = new_marker();
    auto m = run_measured(tcp_server("listens-on-port", fork_bomb(marker)), marker, "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program is not listening on TCP port 5000 after 5.0 s"));
}

TEST(Hostile, ForkBombIsToldItHitTheProcessLimit) {
    ProcessHeavy turn;
    auto marker = new_marker();
    auto m = run_measured(tcp_server("listens-on-port", fork_bomb(marker)), marker, "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program tried to run more than 128 processes and threads at once"));
}

TEST(Hostile, KillingItsParentInitAndEverythingHurtsOnlyItself) {
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    auto m = run_measured(report_to(out, tcp_server("prints-message", python("kills_everything.py", marker, out))), marker,
                          "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
    auto kills = read_file(out.path() / "kills");
    // Its parent (the worker) is outside its PID namespace; init is root's and immune from inside.
    EXPECT_THAT(kills, HasSubstr("parent 0,")) << kills;
    EXPECT_THAT(kills, HasSubstr("init: kill(1, SIGKILL) failed: EPERM")) << kills;
    EXPECT_THAT(kills, HasSubstr("all: kill(-1, SIGKILL) succeeded")) << kills;
    EXPECT_THAT(kills, HasSubstr("child ended: signal 9")) << kills;
}

TEST(Hostile, IgnoringSigtermIsEndedWithSigkill) {
    auto marker = new_marker();
    auto m = run_measured(tcp_server("prints-message", {"python3", hostile("ignores_sigterm.py"), marker}), marker,
                          "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
    EXPECT_LT(m.run.seconds, 15);
}

// --- memory ------------------------------------------------------------------------------------

TEST(Hostile, AllocatingTwoGiBStopsAtTheDataLimit) {
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    // Touching ~1 GiB takes seconds on a busy machine: 15 s to reach the limit before the ready deadline.
    auto m = run_measured(
        with_options(report_to(out, tcp_server("listens-on-port", python("memory_hog.py", marker, out))), {"--timeout-scale", "3"}),
        marker, "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program exited with status 1 before listening on TCP port 5000"));
    EXPECT_THAT(transcript_of(m), HasSubstr("Traceback")) << transcript_of(m);
    auto held = read_file(out.path() / "memory");
    int mib = std::atoi(held.c_str() + std::string("held ").size());
    EXPECT_GT(mib, 0) << held;
    EXPECT_LT(mib, 1024) << held;
}

TEST(Hostile, AllocatingTwoGiBOfSharedMemoryStopsAtTheMemoryControlGroup) {
    TempDir bin;
    std::string why;
    auto program = compile_c("alloc_shared.c", bin, why);
    if (program.empty()) GTEST_SKIP() << why;
    auto marker = new_marker();
    // Touching 1 GiB takes seconds on a busy machine: 15 s to reach the limit before the ready deadline.
    auto m = run_measured(with_options(tcp_server("listens-on-port", {program, marker}), {"--timeout-scale", "3"}),
                          marker, "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program reached its memory limit of 1024 MiB"));
    EXPECT_THAT(message_of(m), HasSubstr("was killed by signal 9 (SIGKILL) before listening on TCP port 5000"));
}

// --- output ------------------------------------------------------------------------------------

TEST(Hostile, PrintingInAnEndlessLoopIsCappedAndTheGraderStaysSmall) {
    auto marker = new_marker();
    auto m = run_measured(tcp_server("prints-message", {"python3", hostile("print_forever.py"), marker}), marker,
                          "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program's stdout did not receive a line containing"));
    // The transcript keeps its first 4000 entries (and counts the rest).
    ASSERT_TRUE(m.test.contains("transcript"));
    std::cout << "[ hostile  ] transcript entries: " << m.test["transcript"].size() << std::endl;
    EXPECT_LE(m.test["transcript"].size(), 4001u);
    EXPECT_LT(m.run.seconds, 15);
}

TEST(Hostile, OutputPastTheCapIsSaidInTheMessage) {
    auto marker = new_marker();
    auto m = run_measured(tcp_server("prints-message", {"python3", hostile("chatty_server.py"), marker}), marker,
                          "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    // Whatever the words, the student must learn that output past the cap was not kept.
    EXPECT_THAT(message_of(m), HasSubstr("1 MiB"));
}

TEST(Hostile, ClosingStdoutAndStderrThenServingPasses) {
    auto marker = new_marker();
    auto m = run_measured(tcp_server("listens-on-port", {"python3", hostile("closes_stdio.py"), marker}), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
}

// --- network -----------------------------------------------------------------------------------

TEST(Hostile, FloodingAPeerWith50MBKeepsTheGraderSmall) {
    auto marker = new_marker();
    auto m = run_measured({"run", "chat-server", "--only", "broadcast", "--format", "json", "--", "python3",
                           hostile("flood_peer.py"), marker},
                          marker, "broadcast", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
}

TEST(Hostile, ConnectingOutsideTheMachineIsUnreachable) {
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    auto m = run_measured(report_to(out, tcp_server("listens-on-port", python("connect_outside.py", marker, out))), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
    auto outside = read_file(out.path() / "outside");
    EXPECT_THAT(outside, HasSubstr("tcp connect 192.0.2.1:80: ENETUNREACH")) << outside;
    EXPECT_THAT(outside, HasSubstr("udp sendto 192.0.2.1:9: ENETUNREACH")) << outside;
    EXPECT_THAT(outside, Not(HasSubstr("leaks"))) << outside;
}

TEST(Hostile, NeverReadingItsSocketFailsTheSendAtItsDeadline) {
    auto marker = new_marker();
    auto m = run_measured({"run", hostile("hostile.yaml"), "--only", "big-send", "--format", "json", "--", "python3",
                           hostile("never_reads.py"), marker},
                          marker, "big-send", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("A could not send: the program did not read what was sent in time"));
    EXPECT_LT(m.run.seconds, 15);
}

TEST(Hostile, SpinningPastItsCpuLimitIsStoppedAndSaid) {
    auto marker = new_marker();
    auto m = run_measured({"run", hostile("hostile-cpu.yaml"), "--format", "json", "--", "python3", hostile("spins.py"),
                           marker},
                          marker, "listens", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("SIGXCPU"));
    EXPECT_THAT(message_of(m), HasSubstr("used up its 1 s of CPU time (limits.cpu)"));
    EXPECT_LT(m.run.seconds, 8) << "stopped by its CPU limit, not by the ready limit";
}

// --- start-up ----------------------------------------------------------------------------------

TEST(Hostile, ExitingAtOnceIsToldAtOnce) {
    auto marker = new_marker();
    auto m = run_measured(tcp_server("listens-on-port", {"python3", hostile("exits_at_once.py"), marker}), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program exited with status 0 before listening on TCP port 5000"));
    EXPECT_LT(m.run.seconds, 4) << "the exit was noticed late (the ready limit is 5 s)";
}

TEST(Hostile, SegfaultFailsAndLeavesNoCore) {
    TempDir bin;
    std::string why;
    auto program = compile_c("segfault.c", bin, why);
    if (program.empty()) GTEST_SKIP() << why;
    TempDir work(/*world_writable=*/true);
    auto marker = new_marker();
    auto m = run_measured(with_options(tcp_server("prints-message", {program, marker}), {"--dir", work.str()}), marker,
                          "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(transcript_of(m), HasSubstr("was killed by signal 11 (SIGSEGV)"));
    // RLIMIT_CORE is 0 (and core_pattern a file here): no core file in its working folder.
    EXPECT_TRUE(fs::is_empty(work.path())) << "the working folder has files: " << work.str();
}

TEST(Hostile, SegfaultIsNamedInTheMessage) {
    TempDir bin;
    std::string why;
    auto program = compile_c("segfault.c", bin, why);
    if (program.empty()) GTEST_SKIP() << why;
    auto marker = new_marker();
    auto m = run_measured(tcp_server("prints-message", {program, marker}), marker, "prints-message", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("killed by signal 11 (SIGSEGV)"));
    EXPECT_THAT(message_of(m), Not(HasSubstr("had was"))) << "add_exit_context's wording";
}

TEST(Hostile, ExecingAMissingFileFails) {
    auto marker = new_marker();
    auto m = run_measured(tcp_server("listens-on-port", {"python3", hostile("execs_missing.py"), marker}), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program exited with status 1 before listening on TCP port 5000"));
    EXPECT_THAT(transcript_of(m), HasSubstr("Traceback"));
}

TEST(Hostile, AProgramWhoseInterpreterIsMissingCannotStart) {
    // Once a hang: the child whose execve failed was never reaped, and the PID namespace's init cannot finish
    // dying while a zombie sits in its namespace (fixed in eac0480: end_all_processes reaps every child).
    auto marker = new_marker();
    auto m = run_measured(tcp_server("listens-on-port", {hostile("bad_interpreter.sh"), marker}), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program could not be started"));
    EXPECT_THAT(message_of(m), HasSubstr("No such file or directory"));
    EXPECT_LT(m.run.seconds, 10);
}

TEST(Hostile, HangingBeforeListeningFailsAtTheReadyLimit) {
    auto marker = new_marker();
    auto m = run_measured(tcp_server("listens-on-port", {"python3", hostile("hangs_before_listen.py"), marker}), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_failed(m);
    EXPECT_THAT(message_of(m), HasSubstr("the program is not listening on TCP port 5000 after 5.0 s"));
    EXPECT_GE(m.run.seconds, 5);
    EXPECT_LT(m.run.seconds, 15);
}

// --- isolation between tests and from the host ----------------------------------------------------------------------------------

TEST(Hostile, AProgramsProcessesDoNotStopAnotherTestsProgram) {
    ProcessHeavy turn;
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    Measured holder;
    std::thread hold([&] {
        holder = run_measured(report_to(out, tcp_server("listens-on-port", python("hold_processes.py", marker, out))),
                              marker, "listens-on-port", in_hostile_dir());
    });
    // Wait until the holder has its processes (it never listens, so it runs to the 5 s ready limit).
    poll_until([&] { return processes_with(marker).size() >= 100; }, std::chrono::seconds(4), std::chrono::milliseconds(20));
    auto held = processes_with(marker).size();
    // The reference chat server: a thread per client.
    auto other = run_sockgrade(
        {"run", "chat-server", "--only", "broadcast", "--format", "json", "--", reference_program("chat-server")});
    hold.join();
    EXPECT_GE(held, 100u) << "the holder did not get its processes";
    EXPECT_EQ(other.exit_code, 0) << "a correct program failed while another test's program held its processes:\n"
                                  << other.describe();
}

TEST(Hostile, AForkBombDoesNotStarveATestBesideIt) {
    ProcessHeavy turn;
    auto control = [&] {
        auto marker = new_marker();
        return run_measured(tcp_server("prints-message", {"python3", hostile("honest_server.py"), marker}), marker,
                            "prints-message", in_hostile_dir());
    };
    auto alone = control();
    auto marker = new_marker();
    std::thread bomb([&] {
        run_sockgrade(tcp_server("listens-on-port", {"python3", hostile("fork_bomb.py"), marker, "-", "name"}));
    });
    // The other test starts once the bomb holds (nearly) all its 128 processes.
    const auto bomb_name = marker.substr(marker.size() - 15);
    bool bomb_at_limit = poll_until([&] { return processes_named(bomb_name) >= 100; }, std::chrono::seconds(4),
                                    std::chrono::milliseconds(20));
    auto beside = control();
    bomb.join();
    kill_all_with(marker);
    EXPECT_TRUE(bomb_at_limit) << "the fork bomb never reached 100 processes: nothing was tested";
    expect_passed(alone);
    expect_passed(beside);
    // Slower, a little: the machine is shared. Not ten times slower.
    EXPECT_LT(beside.run.seconds, 3 * alone.run.seconds + 1) << "alone " << alone.run.seconds << " s";
}

TEST(Hostile, NothingOutlivesTheTestInTmpDevShmOrSysVIpc) {
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    auto m = run_measured(report_to(out, tcp_server("listens-on-port", python("leaves_files.py", marker, out))), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
    auto left = read_file(out.path() / "left");
    // What the program made, removed here whatever the outcome (ours to clean up).
    key_t key = 0;
    if (auto at = left.find("shm key "); at != std::string::npos) key = static_cast<key_t>(std::stol(left.substr(at + 8)));
    int shmid = key ? ::shmget(key, 0, 0) : -1;
    if (shmid >= 0) ::shmctl(shmid, IPC_RMID, nullptr);
    bool in_dev_shm = fs::exists(fs::path("/dev/shm") / marker), in_tmp = fs::exists(fs::path("/tmp") / marker);
    std::error_code ec;
    fs::remove(fs::path("/dev/shm") / marker, ec);
    fs::remove(fs::path("/tmp") / marker, ec);
    EXPECT_THAT(left, HasSubstr("shm key")) << left;
    EXPECT_LT(shmid, 0) << "a System V shared memory segment outlived the program: " << left;
    EXPECT_FALSE(in_dev_shm) << "/dev/shm/" << marker << " outlived the program";
    EXPECT_FALSE(in_tmp) << "/tmp/" << marker << " outlived the program";
}

TEST(Hostile, AProgramCannotReadRootOnlyFilesNorSeeOtherProcesses) {
    TempDir out(/*world_writable=*/true);
    auto marker = new_marker();
    auto m = run_measured(report_to(out, tcp_server("listens-on-port", python("reads_host.py", marker, out))), marker,
                          "listens-on-port", in_hostile_dir());
    expect_contained(m);
    expect_passed(m);
    auto host = read_file(out.path() / "host");
    // Hidden files read as empty (a bind of /dev/null over them): refused or 0 bytes, never the content.
    EXPECT_THAT(host, AnyOf(HasSubstr("shadow=refused"), HasSubstr("shadow=readable (0 bytes)"))) << host;
    EXPECT_THAT(host, AnyOf(HasSubstr("scenario=refused"), HasSubstr("scenario=readable (0 bytes)"))) << host;
    // /proc of its own PID namespace: itself and its init, a handful at most.
    std::smatch pids;
    ASSERT_TRUE(std::regex_search(host, pids, std::regex("proc_pids=(\\d+)"))) << host;
    EXPECT_LT(std::stoi(pids[1]), 10) << host;
    std::smatch mine, self;
    ASSERT_TRUE(std::regex_search(host, mine, std::regex("my_pid=(\\d+)"))) << host;
    ASSERT_TRUE(std::regex_search(host, self, std::regex("proc_self=(\\d+)"))) << host;
    EXPECT_EQ(mine[1], self[1]) << host;
}

// --- after everything ----------------------------------------------------------------------------

// Run by ctest as hostile.nothing-left-behind (SOCKGRADE_HOSTILE_FINAL=1), after
// every Hostile test and alone; skipped when run with the others.
TEST(ZZ_HostileCleanup, NothingLeftBehind) {
    if (!std::getenv("SOCKGRADE_HOSTILE_FINAL"))
        GTEST_SKIP() << "runs as the ctest hostile.nothing-left-behind, after every Hostile test";
    // A process started from a fixture has the fixture's path, or a marker, as a word of its command line.
    std::string left;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmdline = read_file(entry.path() / "cmdline");
        std::istringstream words(cmdline);
        for (std::string word; std::getline(words, word, '\0');)
            if (word.starts_with(hostile_dir()) || word.starts_with(marker_prefix)) {
                left += name + ": " + cmdline_of(std::stoi(name)) + "\n";
                break;
            }
    }
    EXPECT_EQ(left, "") << "processes started from tests/fixtures/hostile are still running:\n" << left;
    // A sockgrade-N group is in use while worker N runs, and its grader removes
    // it just after the worker ends (another sockgrade may be between the two
    // right now): one still there a moment after its worker is gone is left behind.
    auto abandoned = [] {
        std::vector<fs::path> found;
        for (const auto& dir : cgroup_dirs("")) {
            pid_t owner = std::atoi(dir.filename().string().c_str() + std::string("sockgrade-").size());
            if (owner <= 0 || exe_of(owner).find("sockgrade") == std::string::npos) found.push_back(dir);
        }
        return found;
    };
    poll_until([&] { return abandoned().empty(); }, std::chrono::seconds(3), std::chrono::milliseconds(50));
    for (const auto& dir : abandoned()) ADD_FAILURE() << "control group left behind: " << dir;
}

}  // namespace
}  // namespace e2e
