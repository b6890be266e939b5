// process/program: starting the program under test, its stdio, environment,
// process group and limits, and how it ended. These tests start real
// processes (sh, cat, env, sleep) and run an io_context with deadlines.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../util/run_coroutine.hpp"
#include "process/program.hpp"
#include "util/changes.hpp"
#include "util/deadline.hpp"

namespace sockgrade::process {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
using test_support::ms_since;
using test_support::run_coroutine;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Everything a program wrote, and how it ended.
struct Ended {
    std::string out;
    std::string err;
    ExitStatus status;
    bool timed_out = false;  // some stream or the exit did not come before the deadline
};

struct Read {
    std::string text;
    bool timed_out = false;
};

// Reads until EOF (a pipe) or EIO (a terminal whose last writer closed).
template <typename Stream>
asio::awaitable<Read> read_to_end(Stream& stream, Clock::time_point deadline) {
    Read read;
    char buffer[4096];
    for (;;) {
        auto got = co_await util::before(stream.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable)),
                                         deadline);
        if (!got) {
            read.timed_out = true;
            co_return read;
        }
        auto [ec, n] = *got;
        read.text.append(buffer, n);
        if (ec) co_return read;
    }
}

// Its output to the end, then its exit. The exit is awaited last, once its
// output is closed, so that wait_for_exit is never left pending past a deadline.
asio::awaitable<Ended> to_the_end(Program& program, Clock::time_point deadline) {
    auto [out, err] = co_await (read_to_end(program.stdout_stream(), deadline) &&
                                read_to_end(program.stderr_pipe(), deadline));
    Ended ended;
    ended.out = std::move(out.text);
    ended.err = std::move(err.text);
    ended.timed_out = out.timed_out || err.timed_out;
    if (ended.timed_out) program.signal_group(SIGKILL);  // so that the exit comes
    ended.status = co_await program.wait_for_exit();
    co_return ended;
}

class ProgramTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }  // as the grader does

    void SetUp() override {
        folder_ = fs::temp_directory_path() /
                  fmt::format("sockgrade-program-test-{}-{}", ::getpid(),
                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(folder_);
    }
    void TearDown() override { fs::remove_all(folder_); }

    LaunchSpec spec(std::vector<std::string> argv) const {
        LaunchSpec s;
        s.argv = std::move(argv);
        s.cwd = folder_.string();
        s.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}};
        return s;
    }

    std::unique_ptr<Program> start(const LaunchSpec& s) {
        util::Text error;
        auto program = Program::launch(io_.get_executor(), s, error);
        EXPECT_TRUE(program) << error.en;
        EXPECT_TRUE(error.empty());
        return program;
    }

    // Starts a shell script and runs it to its end (deadline 10 s).
    Ended run_shell(const std::string& script) {
        auto program = start(spec({"/bin/sh", "-c", script}));
        if (!program) return {};
        return run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
    }

    fs::path write_file(const std::string& name, const std::string& text, fs::perms perms) {
        auto path = folder_ / name;
        std::ofstream(path) << text;
        fs::permissions(path, perms);
        return path;
    }

    asio::io_context io_;
    fs::path folder_;
};

TEST_F(ProgramTest, ExitStatusCode) {
    auto ended = run_shell("exit 3");
    EXPECT_FALSE(ended.timed_out);
    EXPECT_FALSE(ended.status.signaled);
    EXPECT_EQ(ended.status.code, 3);
    EXPECT_EQ(ended.status.describe(), "exited with status 3");
    EXPECT_GT(ended.status.seconds, 0);
    EXPECT_LT(ended.status.seconds, 10);
}

TEST_F(ProgramTest, KilledBySignal) {
    auto ended = run_shell("kill -SEGV $$");
    EXPECT_FALSE(ended.timed_out);
    EXPECT_TRUE(ended.status.signaled);
    EXPECT_EQ(ended.status.signal, SIGSEGV);
    EXPECT_EQ(ended.status.describe(), "was killed by signal 11 (SIGSEGV)");
}

TEST(ProgramExitStatus, DescribeEveryForm) {
    EXPECT_EQ((ExitStatus{false, 0, 0, 0}).describe(), "exited with status 0");
    EXPECT_EQ((ExitStatus{true, 0, SIGKILL, 0}).describe(), "was killed by signal 9 (SIGKILL)");
    EXPECT_EQ((ExitStatus{true, 0, SIGPIPE, 0}).describe(), "was killed by signal 13 (SIGPIPE)");
    EXPECT_EQ((ExitStatus{true, 0, 200, 0}).describe(), "was killed by signal 200");
}

TEST_F(ProgramTest, MissingCommandIsAnError) {
    util::Text error;
    auto program = Program::launch(io_.get_executor(), spec({"sockgrade-no-such-command", "x"}), error);
    EXPECT_FALSE(program);
    EXPECT_EQ(error.en, "command not found: 'sockgrade-no-such-command'");
    EXPECT_EQ(error.pt, "comando não encontrado: 'sockgrade-no-such-command'");
    EXPECT_FALSE(Program::launch(io_.get_executor(), spec({}), error));
    EXPECT_EQ(error.en, "no command was given");
    EXPECT_EQ(error.pt, "nenhum comando foi dado");
}

// The file is there and executable, but the kernel cannot run it.
TEST_F(ProgramTest, ExecFailureIsAnError) {
    write_file("not-a-program", "\x01\x02\x03 this is no executable format\n", fs::perms::owner_all);
    util::Text error;
    auto program = Program::launch(io_.get_executor(), spec({"./not-a-program"}), error);
    EXPECT_FALSE(program);
    EXPECT_THAT(error.en, HasSubstr("could not start './not-a-program'"));
    EXPECT_THAT(error.en, HasSubstr("Exec format error"));
    EXPECT_THAT(error.pt, HasSubstr("não foi possível iniciar './not-a-program'"));
}

// Between fork and exec nothing of the grader may run: with a folder that does
// not exist, the launcher's chdir fails and Boost 1.81 then calls exit() (not
// _exit) in the child, running the grader's atexit handlers and flushing its
// stdio buffers a second time.
int atexit_report_fd = -1;
pid_t atexit_owner = 0;
TEST_F(ProgramTest, MissingFolderIsAnErrorAndRunsNothingOfTheGrader) {
    int report[2];
    ASSERT_EQ(::pipe2(report, O_CLOEXEC | O_NONBLOCK), 0);
    atexit_report_fd = report[1];
    atexit_owner = ::getpid();
    std::atexit([] {
        if (::getpid() != atexit_owner && atexit_report_fd >= 0)
            [[maybe_unused]] auto ignored = ::write(atexit_report_fd, "x", 1);
    });
    auto s = spec({"/bin/true"});
    s.cwd = (folder_ / "no" / "such" / "folder").string();
    util::Text error;
    auto program = Program::launch(io_.get_executor(), s, error);
    EXPECT_FALSE(program);
    EXPECT_FALSE(error.empty());
    // The failed child holds the write end until it is gone: read to EOF.
    atexit_report_fd = -1;
    ::close(report[1]);
    std::string written;
    auto deadline = Clock::now() + 5s;
    for (;;) {
        pollfd readable{report[0], POLLIN, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0 || ::poll(&readable, 1, static_cast<int>(left)) <= 0) break;
        char buffer[16];
        auto n = ::read(report[0], buffer, sizeof buffer);
        if (n <= 0) break;
        written.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(report[0]);
    EXPECT_EQ(written, "") << "the child ran the grader's atexit handlers";
}

TEST_F(ProgramTest, StdoutIsATerminalStderrAndStdinAreNot) {
    auto ended = run_shell(
        "if test -t 1; then echo out-terminal; else echo out-not-terminal; fi;"
        "if test -t 2; then echo err-terminal >&2; else echo err-pipe >&2; fi;"
        "if test -t 0; then echo in-terminal; else echo in-pipe; fi");
    EXPECT_FALSE(ended.timed_out);
    EXPECT_EQ(ended.out, "out-terminal\nin-pipe\n");  // raw terminal: no "\r\n"
    EXPECT_EQ(ended.err, "err-pipe\n");
    EXPECT_EQ(ended.status.code, 0);
}

TEST_F(ProgramTest, PythonSeesATerminalOnStdout) {
    if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
    auto program = start(spec({"python3", "-c", "import sys; print(sys.stdout.isatty(), sys.stderr.isatty())"}));
    ASSERT_TRUE(program);
    auto ended = run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
    EXPECT_EQ(ended.out, "True False\n");
}

// The environment is the spec's, whole: nothing of the grader's leaks in
// (this machine sets PYTHONUNBUFFERED=1 globally; set here to be sure).
TEST_F(ProgramTest, EnvironmentIsExactlyTheSpec) {
    ::setenv("PYTHONUNBUFFERED", "1", 1);
    ::setenv("SOCKGRADE_TEST_LEAK", "leaked", 1);
    auto s = spec({"env"});
    s.env = {{"PATH", "/usr/bin:/bin"}, {"PORT", "5000"}, {"GREETING", "ola ação = x"}};
    auto program = start(s);
    ::unsetenv("SOCKGRADE_TEST_LEAK");
    ASSERT_TRUE(program);
    auto ended = run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
    std::vector<std::string> lines;
    std::istringstream out(ended.out);
    for (std::string line; std::getline(out, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines, (std::vector<std::string>{"GREETING=ola ação = x", "PATH=/usr/bin:/bin", "PORT=5000"}));
}

TEST_F(ProgramTest, EmptyEnvironment) {
    auto s = spec({"/usr/bin/env"});
    s.env.clear();
    auto program = start(s);
    ASSERT_TRUE(program);
    auto ended = run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
    EXPECT_EQ(ended.out, "");
    EXPECT_EQ(ended.status.code, 0);
}

// Only 0, 1 and 2 reach the program, even when the grader holds descriptors
// that are not close-on-exec.
TEST_F(ProgramTest, OnlyStandardDescriptorsAreOpen) {
    int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
    ASSERT_GE(leaky, 3);
    auto ended = run_shell("ls -1 /proc/$$/fd");
    ::close(leaky);
    EXPECT_EQ(ended.out, "0\n1\n2\n");
}

TEST_F(ProgramTest, WorkingFolderIsTheSpecs) {
    auto ended = run_shell("pwd -P");
    EXPECT_EQ(ended.out, fs::canonical(folder_).string() + "\n");
}

TEST_F(ProgramTest, StdinWrittenAndClosedReachesTheProgram) {
    auto program = start(spec({"cat"}));
    ASSERT_TRUE(program);
    auto ended = run_coroutine(io_, [&]() -> asio::awaitable<Ended> {
        auto [ec, n] = co_await asio::async_write(program->stdin_pipe(), asio::buffer(std::string("ola\nação\n")),
                                                  asio::as_tuple(asio::use_awaitable));
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(n, 11u);
        program->stdin_pipe().close();  // EOF: cat ends
        co_return co_await to_the_end(*program, Clock::now() + 10s);
    }());
    EXPECT_FALSE(ended.timed_out);
    EXPECT_EQ(ended.out, "ola\nação\n");
    EXPECT_EQ(ended.status.describe(), "exited with status 0");
}

// A program that writes much and exits at once: nothing of the end is lost on the terminal.
TEST_F(ProgramTest, AllOutputArrivesWhenTheProgramExitsAtOnce) {
    auto ended = run_shell("seq 1 20000");
    EXPECT_FALSE(ended.timed_out);
    EXPECT_EQ(std::count(ended.out.begin(), ended.out.end(), '\n'), 20000);
    EXPECT_TRUE(ended.out.ends_with("\n19999\n20000\n"));
}

TEST_F(ProgramTest, RunsInItsOwnProcessGroup) {
    auto program = start(spec({"sleep", "1000"}));
    ASSERT_TRUE(program);
    EXPECT_EQ(::getpgid(program->pid()), program->pid());
    EXPECT_NE(::getpgid(program->pid()), ::getpgrp());
    program->signal_group(SIGKILL);
    auto ended = run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
    EXPECT_EQ(ended.status.describe(), "was killed by signal 9 (SIGKILL)");
}

// A child the program started, in the same group, hears signal_group too.
TEST_F(ProgramTest, SignalGroupReachesAChildInTheGroup) {
    auto program = start(spec({"/bin/sh", "-c",
                               "(trap 'echo child-got-TERM; exit 0' TERM; echo child-ready;"
                               " while :; do sleep 0.05; done) & wait"}));
    ASSERT_TRUE(program);
    auto ended = run_coroutine(io_, [&]() -> asio::awaitable<Ended> {
        // Wait for the child to say it is ready (its trap is set), then signal the group.
        std::string seen;
        char buffer[256];
        auto deadline = Clock::now() + 10s;
        while (seen.find("child-ready\n") == std::string::npos) {
            auto got = co_await util::before(
                program->stdout_stream().async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable)),
                deadline);
            if (!got || std::get<0>(*got)) break;
            seen.append(buffer, std::get<1>(*got));
        }
        program->signal_group(SIGTERM);
        auto rest = co_await to_the_end(*program, deadline);
        rest.out = seen + rest.out;
        co_return rest;
    }());
    EXPECT_FALSE(ended.timed_out);
    EXPECT_EQ(ended.out, "child-ready\nchild-got-TERM\n");
    EXPECT_EQ(ended.status.describe(), "was killed by signal 15 (SIGTERM)");
}

// The grader ignores SIGPIPE; the program must start with default dispositions and nothing blocked.
TEST_F(ProgramTest, SignalStateIsFresh) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    ::sigprocmask(SIG_BLOCK, &block, nullptr);
    auto program = start(spec({"sleep", "1000"}));
    ::sigprocmask(SIG_UNBLOCK, &block, nullptr);
    ASSERT_TRUE(program);
    std::ifstream status(fmt::format("/proc/{}/status", program->pid()));
    std::map<std::string, std::string> fields;
    for (std::string line; std::getline(status, line);)
        if (auto colon = line.find(':'); colon != std::string::npos) {
            auto value = line.find_first_not_of(" \t", colon + 1);
            fields[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
        }
    EXPECT_EQ(fields["SigIgn"], "0000000000000000");
    EXPECT_EQ(fields["SigBlk"], "0000000000000000");
    program->signal_group(SIGKILL);
    run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
}

TEST_F(ProgramTest, LimitsAreApplied) {
    auto s = spec({"/bin/sh", "-c", "ulimit -n; ulimit -c; ulimit -t"});
    s.limits.open_files = 100;
    s.limits.cpu_seconds = 3;
    auto program = start(s);
    ASSERT_TRUE(program);
    auto ended = run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
    EXPECT_EQ(ended.out, "100\n0\n3\n");
}

// CPU use is read from /proc while the program runs: a busy loop's grows.
TEST_F(ProgramTest, CpuSecondsGrowForABusyLoop) {
    auto program = start(spec({"/bin/sh", "-c", "while :; do :; done"}));
    ASSERT_TRUE(program);
    double first = program->cpu_seconds();
    EXPECT_GE(first, 0);
    EXPECT_LT(first, 0.5);
    util::Changes changes(io_.get_executor());
    bool grew = run_coroutine(
        io_, util::poll_until(changes, [&] { return program->cpu_seconds() >= first + 0.2; }, Clock::now() + 15s,
                              20ms));
    EXPECT_TRUE(grew) << "cpu_seconds stayed at " << program->cpu_seconds();
    program->signal_group(SIGKILL);
    run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
}

// `grade` and `check` start a run line as `sh -c LINE`, and a shell may stay as
// the parent: the CPU of the grandchild that does the work must count, and a
// thread of it that runs means the program has not settled.
TEST_F(ProgramTest, CpuSecondsAndSettledSeeAGrandchildsBusyLoop) {
    // "; :" after each command keeps both shells waiting as parents (dash would otherwise exec it).
    auto program = start(spec({"/bin/sh", "-c", "/bin/sh -c 'while :; do :; done; :'; :"}));
    ASSERT_TRUE(program);
    double first = program->cpu_seconds();
    util::Changes changes(io_.get_executor());
    bool grew = run_coroutine(
        io_, util::poll_until(changes, [&] { return program->cpu_seconds() >= first + 0.2; }, Clock::now() + 15s,
                              20ms));
    EXPECT_TRUE(grew) << "cpu_seconds stayed at " << program->cpu_seconds();
    // A busy thread is runnable in nearly every sample; one sample in twenty unsettled is enough here.
    int unsettled = 0;
    for (int sample = 0; sample < 20; ++sample) unsettled += !program->settled();
    EXPECT_GT(unsettled, 0) << "settled() did not see the grandchild's running thread";
    program->signal_group(SIGKILL);
    run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
}

TEST_F(ProgramTest, CpuSecondsStayLowWhenIdle) {
    auto program = start(spec({"sleep", "1000"}));
    ASSERT_TRUE(program);
    util::Changes changes(io_.get_executor());
    // Let some wall time pass (nothing to wait for: the deadline is the point).
    run_coroutine(io_, changes.wait_for([] { return false; }, 200ms));
    EXPECT_LT(program->cpu_seconds(), 0.1);
    program->signal_group(SIGKILL);
    run_coroutine(io_, to_the_end(*program, Clock::now() + 10s));
}

// Destroying a Program ends its whole group.
TEST_F(ProgramTest, DestructorEndsTheGroup) {
    pid_t pid = 0;
    {
        auto program = start(spec({"sleep", "1000"}));
        ASSERT_TRUE(program);
        pid = program->pid();
        EXPECT_EQ(::kill(pid, 0), 0);
    }
    EXPECT_EQ(::kill(pid, 0), -1) << "the program was neither killed nor reaped";
}

// wait_for_exit under a deadline (util::before), on a program that does not
// exit: cancelling it must give up at the deadline, not go on into a blocking
// waitpid() that freezes the io_context until the program exits.
// A watchdog thread kills the program after 3 s so that a regression ends.
TEST_F(ProgramTest, WaitForExitUnderADeadlineGivesUp) {
    auto program = start(spec({"sleep", "1000"}));
    ASSERT_TRUE(program);
    pid_t pid = program->pid();
    std::mutex mutex;
    std::condition_variable done_signal;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock lock(mutex);
        if (!done_signal.wait_for(lock, 3s, [&] { return done; })) ::kill(pid, SIGKILL);
    });
    auto start_time = Clock::now();
    auto result = run_coroutine(io_, util::before(program->wait_for_exit(), Clock::now() + 100ms));
    double elapsed = ms_since(start_time);
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    done_signal.notify_one();
    watchdog.join();
    EXPECT_FALSE(result.has_value());
    EXPECT_LT(elapsed, 2000) << "wait_for_exit blocked after its deadline";
}

TEST(ProgramResolve, AbsolutePath) {
    EXPECT_EQ(resolve_executable("/bin/sh", "", "/").path, "/bin/sh");
    EXPECT_TRUE(resolve_executable("/bin/sh", "", "/").error.empty());
    EXPECT_EQ(resolve_executable("/no/such/tool", "/bin", "/").error.en, "'/no/such/tool' does not exist");
    EXPECT_EQ(resolve_executable("/bin", "/bin", "/").error.en, "'/bin' is not an executable file");  // a folder
}

TEST(ProgramResolve, NothingGiven) { EXPECT_EQ(resolve_executable("", "/bin", "/").error.en, "no command was given"); }

class ProgramResolveFiles : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / fmt::format("sockgrade-resolve-test-{}-{}", ::getpid(),
                                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(root_ / "first");
        fs::create_directories(root_ / "second");
        fs::create_directories(root_ / "work");
    }
    void TearDown() override { fs::remove_all(root_); }
    void make(const fs::path& path, bool executable) {
        std::ofstream(path) << "#!/bin/sh\n";
        fs::permissions(path, executable ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write);
    }
    fs::path root_;
};

TEST_F(ProgramResolveFiles, RelativePathIsFromTheWorkingFolder) {
    make(root_ / "work" / "server", true);
    auto found = resolve_executable("./server", "/usr/bin:/bin", (root_ / "work").string());
    EXPECT_TRUE(found.error.empty());
    EXPECT_EQ(fs::canonical(found.path), fs::canonical(root_ / "work" / "server"));
    EXPECT_EQ(resolve_executable("./client", "/usr/bin:/bin", (root_ / "work").string()).error.en,
              "'./client' does not exist");
    make(root_ / "work" / "notes.txt", false);
    EXPECT_EQ(resolve_executable("./notes.txt", "/usr/bin:/bin", (root_ / "work").string()).error.en,
              "'./notes.txt' is not an executable file");
    EXPECT_EQ(resolve_executable("./notes.txt", "/usr/bin:/bin", (root_ / "work").string()).error.pt,
              "'./notes.txt' não é um arquivo executável");
    EXPECT_EQ(resolve_executable("./client", "/usr/bin:/bin", (root_ / "work").string()).error.pt,
              "'./client' não existe");
    auto absolute = (root_ / "work" / "notes.txt").string();
    EXPECT_EQ(resolve_executable(absolute, "/usr/bin:/bin", "/").error.en,
              fmt::format("'{}' is not an executable file", absolute));
}

TEST_F(ProgramResolveFiles, PathSearchInOrderSkippingNonExecutables) {
    auto path = fmt::format("{}:{}", (root_ / "first").string(), (root_ / "second").string());
    make(root_ / "second" / "tool", true);
    EXPECT_EQ(resolve_executable("tool", path, "/").path, (root_ / "second" / "tool").string());
    make(root_ / "first" / "tool", false);  // found first but not executable: skipped, like a shell
    EXPECT_EQ(resolve_executable("tool", path, "/").path, (root_ / "second" / "tool").string());
    fs::permissions(root_ / "first" / "tool", fs::perms::owner_all);
    EXPECT_EQ(resolve_executable("tool", path, "/").path, (root_ / "first" / "tool").string());
    EXPECT_EQ(resolve_executable("nothing", path, "/").error.en, "command not found: 'nothing'");
    EXPECT_EQ(resolve_executable("tool", "", "/").error.en, "command not found: 'tool'");
}

// An empty PATH entry means the current folder, which for the program is its
// working folder, not wherever the grader happens to be.
TEST_F(ProgramResolveFiles, EmptyPathEntryIsTheWorkingFolder) {
    make(root_ / "work" / "tool", true);
    auto found = resolve_executable("tool", "/nonexistent-dir:", (root_ / "work").string());
    EXPECT_TRUE(found.error.empty());
    ASSERT_FALSE(found.path.empty());
    EXPECT_EQ(fs::canonical(fs::path(found.path)), fs::canonical(root_ / "work" / "tool"));
}

// --- what a waiting program waits for ----------------------------------------------------

TEST(ProgramBlockedCall, ParsesTheSyscallFile) {
    auto call = parse_blocked_call("45 0x3 0x7ffd5a1b2c30 0x400 0x0 0x0 0x0 0x7ffd5a1b2b08 0x7f1e2d3c4b5a");
    ASSERT_TRUE(call);
    EXPECT_EQ(call->number, 45);
    EXPECT_EQ(call->first_argument, 3);
    EXPECT_FALSE(parse_blocked_call("running"));
    EXPECT_FALSE(parse_blocked_call("-1 0x7ffd5a1b2b08 0x7f1e2d3c4b5a"));  // blocked, but not in a call
    EXPECT_FALSE(parse_blocked_call(""));
}

TEST(ProgramBlockedCall, ReceivesAreTheReadingCalls) {
    EXPECT_TRUE(is_receive_call(SYS_recvfrom));
    EXPECT_TRUE(is_receive_call(SYS_recvmsg));
    EXPECT_TRUE(is_receive_call(SYS_read));
    EXPECT_FALSE(is_receive_call(SYS_poll));
    EXPECT_FALSE(is_receive_call(SYS_futex));
}

class ProgramWaitTest : public ProgramTest {
protected:
    // Starts python3 with `script`, waits until every thread of it sleeps, and
    // says whether it then waits only on sockets.
    bool settles_receiving_only(const std::string& script) {
        if (std::system("python3 -c pass >/dev/null 2>&1") != 0) {
            ADD_FAILURE() << "python3 is needed";
            return false;
        }
        auto program = start(spec({"python3", "-c", script}));
        if (!program) return false;
        util::Changes changes(io_.get_executor());
        // Settled means asleep; the script's last line is the wait itself, announced on stdout first.
        bool asleep = run_coroutine(io_, [&]() -> asio::awaitable<bool> {
            char byte = 0;
            auto got = co_await util::before(program->stdout_stream().async_read_some(asio::buffer(&byte, 1),
                                                                                     asio::as_tuple(asio::use_awaitable)),
                                             Clock::now() + 10s);
            if (!got) co_return false;
            co_return co_await util::poll_until(changes, [&] { return program->settled(); }, Clock::now() + 10s,
                                                std::chrono::milliseconds(2));
        }());
        EXPECT_TRUE(asleep) << "the script did not start waiting";
        bool receiving = program->only_receiving_on_sockets();
        program->signal_group(SIGKILL);
        run_coroutine(io_, program->wait_for_exit());
        return receiving;
    }
};

TEST_F(ProgramWaitTest, ASingleThreadInRecvWaitsOnlyOnASocket) {
    EXPECT_TRUE(settles_receiving_only(
        "import socket, sys\na, b = socket.socketpair()\nsys.stdout.write('.'); sys.stdout.flush()\na.recv(1)"));
}

TEST_F(ProgramWaitTest, ReadingStandardInputIsNotWaitingOnASocket) {
    EXPECT_FALSE(settles_receiving_only("import sys\nsys.stdout.write('.'); sys.stdout.flush()\nsys.stdin.read()"));
}

TEST_F(ProgramWaitTest, AThreadInRecvBesideOneReadingStdinIsNotOnlyReceiving) {
    // The correct chat client: one thread receives, the main one reads what is typed.
    EXPECT_FALSE(settles_receiving_only(
        "import socket, sys, threading\na, b = socket.socketpair()\nthreading.Thread(target=a.recv, args=(1,)).start()\n"
        "sys.stdout.write('.'); sys.stdout.flush()\nsys.stdin.read()"));
}

}  // namespace
}  // namespace sockgrade::process
