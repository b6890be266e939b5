// sandbox: the worker process, its namespaces, and ending everything a test started.
//
// A body runs in a forked worker, so gtest assertions there would be lost: each
// body returns a payload (often "" for "all fine", or a list of problems) that
// the test checks in the grader process. Fixed ports are bound only inside
// workers (fresh network namespaces), except the one test that holds host port
// 5000 for a moment when, and only when, it is free.
#include <arpa/inet.h>
#include <fcntl.h>
#include <pwd.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "process/program.hpp"
#include "sandbox/sandbox.hpp"

namespace sockgrade::sandbox {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A pipe whose ends close themselves.
struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) == 0) {
            read = fds[0];
            write = fds[1];
        }
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read >= 0) ::close(std::exchange(read, -1));
    }
    void close_write() {
        if (write >= 0) ::close(std::exchange(write, -1));
    }
};

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

// Reads until `count` newline-terminated lines arrived, EOF, or the deadline.
std::string read_lines(int fd, int count, Clock::time_point deadline) {
    std::string text;
    while (std::count(text.begin(), text.end(), '\n') < count) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) break;
        pollfd readable{fd, POLLIN, 0};
        if (::poll(&readable, 1, static_cast<int>(left)) <= 0) continue;
        char buffer[256];
        auto n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

// Field 22 of /proc/PID/stat (start time) and field 3 (state); nullopt when no such process.
struct ProcInfo {
    char state = 0;
    unsigned long long start = 0;
};
std::optional<ProcInfo> proc_info(pid_t pid) {
    std::ifstream stat(fmt::format("/proc/{}/stat", pid));
    std::string line;
    if (!std::getline(stat, line)) return std::nullopt;
    auto after_name = line.rfind(')');
    if (after_name == std::string::npos) return std::nullopt;
    std::istringstream fields(line.substr(after_name + 2));
    ProcInfo info;
    std::string field;
    fields >> info.state;
    for (int index = 4; index <= 22 && fields >> field; ++index)
        if (index == 22) info.start = std::stoull(field);
    return info;
}

// The process that was `pid` with that start time no longer runs (gone, reused, or a zombie).
bool no_longer_runs(pid_t pid, unsigned long long start) {
    auto info = proc_info(pid);
    return !info || info->start != start || info->state == 'Z' || info->state == 'X';
}

// Waits until that process has ended (or the deadline passed): a pidfd becomes
// readable when its process exits.
bool ends_within(pid_t pid, unsigned long long start, std::chrono::milliseconds how_long) {
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) return errno == ESRCH || no_longer_runs(pid, start);
    bool ended = no_longer_runs(pid, start);  // checked after opening: the pid cannot be reused now
    if (!ended) {
        pollfd exited{pidfd, POLLIN, 0};
        ended = ::poll(&exited, 1, static_cast<int>(how_long.count())) == 1;
    }
    ::close(pidfd);
    return ended;
}

// Starts argv in the calling process (the worker), returns its pid as the caller sees it.
pid_t spawn(const std::vector<std::string>& argv) {
    pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

int bind_tcp(std::uint32_t address, int port, bool listen) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(static_cast<std::uint16_t>(port));
    where.sin_addr.s_addr = htonl(address);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 || (listen && ::listen(fd, 4) != 0)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

WorkerOptions with_timeout(std::chrono::milliseconds timeout) {
    WorkerOptions options;
    options.timeout = timeout;
    return options;
}

const char* skip_prefix = "SKIP ";

TEST(SandboxWorker, ReturnsTheBodysPayload) {
    auto outcome = run_in_worker([](const Isolation&) { return std::string("hello from the worker"); },
                                 with_timeout(20s));
    ASSERT_TRUE(outcome.payload) << outcome.error;
    EXPECT_EQ(*outcome.payload, "hello from the worker");
    EXPECT_EQ(outcome.error, "");
}

// Bigger than a pipe's buffer, with every byte value: the grader reads while the worker writes.
TEST(SandboxWorker, LargeBinaryPayloadArrivesWhole) {
    std::string big(3 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 251);
    auto outcome = run_in_worker([&](const Isolation&) { return big; }, with_timeout(20s));
    ASSERT_TRUE(outcome.payload) << outcome.error;
    EXPECT_EQ(outcome.payload->size(), big.size());
    EXPECT_TRUE(*outcome.payload == big);
}

TEST(SandboxWorker, EmptyPayloadIsStillAPayload) {
    auto outcome = run_in_worker([](const Isolation&) { return std::string(); }, with_timeout(20s));
    ASSERT_TRUE(outcome.payload) << outcome.error;
    EXPECT_EQ(*outcome.payload, "");
}

TEST(SandboxWorker, CrashIsReportedAsAnError) {
    auto outcome = run_in_worker(
        [](const Isolation&) -> std::string {
            rlimit no_core{0, 0};
            ::setrlimit(RLIMIT_CORE, &no_core);
            ::raise(SIGSEGV);
            return "not reached";
        },
        with_timeout(20s));
    EXPECT_FALSE(outcome.payload);
    EXPECT_EQ(outcome.error, "the test worker was killed by signal 11");
}

TEST(SandboxWorker, ExitWithoutPayloadIsReportedAsAnError) {
    auto outcome = run_in_worker(
        [](const Isolation&) -> std::string {
            ::_exit(7);
        },
        with_timeout(20s));
    EXPECT_FALSE(outcome.payload);
    EXPECT_EQ(outcome.error, "the test worker exited with status 7");
}

// A worker that ends at once may end before its PID namespace's init has asked
// to die with it (PR_SET_PDEATHSIG): the init must still go, not sleep forever
// as an orphan. A race, so it is run many times.
TEST(SandboxWorker, TheNamespaceInitEndsWithAWorkerThatExitsAtOnce) {
    std::vector<std::pair<pid_t, unsigned long long>> inits;
    for (int round = 0; round < 40; ++round) {
        Pipe report;
        auto outcome = run_in_worker(
            [&](const Isolation& isolation) -> std::string {
                report.close_read();
                // The worker's only child so far is the init (there is none without namespaces).
                std::ifstream children(fmt::format("/proc/self/task/{}/children", ::getpid()));
                pid_t init = 0;
                if (isolation.namespaces && (children >> init)) write_all(report.write, fmt::format("{}\n", init));
                ::_exit(7);
            },
            with_timeout(20s));
        report.close_write();
        EXPECT_EQ(outcome.error, "the test worker exited with status 7");
        auto line = read_lines(report.read, 1, Clock::now() + 5s);
        if (line.empty()) GTEST_SKIP() << "no PID namespace here: no init to end";
        pid_t init = std::stoi(line);
        if (auto info = proc_info(init)) inits.emplace_back(init, info->start);
    }
    for (const auto& [init, start] : inits)
        EXPECT_TRUE(ends_within(init, start, 5000ms)) << "the namespace init " << init << " outlived its worker";
}

// A body that never returns: the worker is killed at the timeout, and so is
// what it started; the grader is not held up.
TEST(SandboxWorker, HangIsKilledAtTheTimeout) {
    Pipe report;
    auto start = Clock::now();
    auto outcome = run_in_worker(
        [&](const Isolation&) -> std::string {
            report.close_read();
            pid_t sleeper = spawn({"/bin/sleep", "1000"});
            write_all(report.write, fmt::format("{}\n{}\n", ::getpid(), sleeper));
            for (;;) ::pause();
        },
        with_timeout(300ms));
    double elapsed = ms_since(start);
    report.close_write();
    EXPECT_FALSE(outcome.payload);
    EXPECT_EQ(outcome.error, "the test worker did not finish within 300 ms and was stopped");
    EXPECT_GE(elapsed, 290);
    EXPECT_LT(elapsed, 5000);

    std::istringstream pids(read_lines(report.read, 2, Clock::now() + 5s));
    pid_t worker = 0, sleeper = 0;
    ASSERT_TRUE(pids >> worker >> sleeper) << "the body did not report its pids";
    EXPECT_EQ(::kill(worker, 0), -1) << "the worker still exists (not killed or not reaped)";
    // The sleep started before the hang dies with the worker's PID namespace.
    if (auto info = proc_info(sleeper)) {
        EXPECT_TRUE(ends_within(sleeper, info->start, 5s)) << "sleep " << sleeper;
    }
}

// An exception from the body must end the worker, not unwind into a forked
// copy of the grader that then goes on running the caller's code.
// KNOWN BUG (reported): run_in_worker() calls body() without a try in the
// worker. Enable when fixed.
TEST(SandboxWorker, ExceptionInTheBodyStaysInTheWorker) {
    pid_t me = ::getpid();
    WorkerOutcome outcome;
    try {
        outcome = run_in_worker([](const Isolation&) -> std::string { throw std::runtime_error("boom"); },
                                with_timeout(20s));
    } catch (...) {
        if (::getpid() != me) ::_exit(42);  // we are the escaped worker: stop here
        throw;
    }
    if (::getpid() != me) ::_exit(43);
    EXPECT_FALSE(outcome.payload);
    EXPECT_FALSE(outcome.error.empty());
    EXPECT_THAT(outcome.error, ::testing::Not(HasSubstr("status 42")))
        << "the exception escaped the worker into a copy of the grader";
}

TEST(SandboxIsolation, OnlyLoopbackAndItIsUp) {
    auto outcome = run_in_worker(
        [](const Isolation& isolation) -> std::string {
            if (!isolation.namespaces) return skip_prefix + isolation.note;
            std::string problems;
            // if_nameindex asks the kernel about this namespace (/sys/class/net
            // would still show the host's, sysfs being mounted outside).
            std::vector<std::string> names;
            if (auto* list = ::if_nameindex()) {
                for (auto* i = list; i->if_index != 0; ++i) names.push_back(i->if_name);
                ::if_freenameindex(list);
            }
            if (names != std::vector<std::string>{"lo"})
                problems += fmt::format("interfaces: {}\n", fmt::join(names, ","));
            ifaddrs* addresses = nullptr;
            bool up = false;
            if (::getifaddrs(&addresses) == 0) {
                for (auto* a = addresses; a; a = a->ifa_next)
                    if (std::string(a->ifa_name) == "lo" && (a->ifa_flags & IFF_UP)) up = true;
                ::freeifaddrs(addresses);
            }
            if (!up) problems += "lo is not up\n";
            // Bytes go through 127.0.0.1:5000 and back.
            int listener = bind_tcp(INADDR_LOOPBACK, 5000, true);
            if (listener < 0) return problems + "cannot listen on 127.0.0.1:5000\n";
            int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in server{};
            server.sin_family = AF_INET;
            server.sin_port = htons(5000);
            server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(client, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0)
                return problems + "cannot connect to 127.0.0.1:5000\n";
            int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
            write_all(client, "ping\n");
            auto got = read_lines(accepted, 1, Clock::now() + 5s);
            if (got != "ping\n") problems += "loopback delivered " + got + "\n";
            return problems;
        },
        with_timeout(20s));
    ASSERT_TRUE(outcome.payload) << outcome.error;
    if (outcome.payload->starts_with(skip_prefix)) GTEST_SKIP() << *outcome.payload;
    EXPECT_EQ(*outcome.payload, "");
}

// Processes the body starts are in a fresh PID namespace: its init is 1, they come after.
TEST(SandboxIsolation, ProcessesGetTheirOwnPidNamespace) {
    auto outcome = run_in_worker(
        [](const Isolation& isolation) -> std::string {
            if (!isolation.namespaces) return skip_prefix + isolation.note;
            Pipe pids;
            pid_t child = ::fork();
            if (child == 0) {
                write_all(pids.write, fmt::format("{} {}\n", ::getpid(), ::getppid()));
                ::_exit(0);
            }
            pids.close_write();
            auto seen = read_lines(pids.read, 1, Clock::now() + 5s);
            ::waitpid(child, nullptr, 0);
            return seen;
        },
        with_timeout(20s));
    ASSERT_TRUE(outcome.payload) << outcome.error;
    if (outcome.payload->starts_with(skip_prefix)) GTEST_SKIP() << *outcome.payload;
    std::istringstream seen(*outcome.payload);
    int pid = 0, parent = -1;
    ASSERT_TRUE(seen >> pid >> parent) << *outcome.payload;
    EXPECT_GT(pid, 1);    // 1 is the namespace's init
    EXPECT_LT(pid, 100);  // a fresh namespace, not the host's numbering
    EXPECT_EQ(parent, 0);  // the worker is outside the namespace
}

// The test holds host port 5000 (only if it is free), and a worker binds 5000 anyway.
TEST(SandboxIsolation, PortHeldOnTheHostIsFreeInTheWorker) {
    int host = bind_tcp(INADDR_ANY, 5000, true);
    if (host < 0) GTEST_SKIP() << "host port 5000 is in use here (" << std::strerror(errno) << "); not touching it";
    auto outcome = run_in_worker(
        [&](const Isolation& isolation) -> std::string {
            if (!isolation.namespaces) return skip_prefix + isolation.note;
            int fd = bind_tcp(INADDR_ANY, 5000, true);
            return fd >= 0 ? "bound" : fmt::format("bind failed: {}", std::strerror(errno));
        },
        with_timeout(20s));
    ::close(host);
    ASSERT_TRUE(outcome.payload) << outcome.error;
    if (outcome.payload->starts_with(skip_prefix)) GTEST_SKIP() << *outcome.payload;
    EXPECT_EQ(*outcome.payload, "bound");
}

// Two workers listen on port 5000 at the same moment. Each runs in its own
// helper process (run_in_worker blocks); each binds, says so, and holds the
// port until the test has heard from both.
TEST(SandboxIsolation, TwoWorkersHoldTheSamePortAtOnce) {
    Pipe bound;    // workers -> test: "bound" or a problem, one line each
    Pipe release;  // test -> workers: close to let them go
    Pipe results;  // helpers -> test: what run_in_worker returned, one line each
    std::vector<pid_t> helpers;
    for (int i = 0; i < 2; ++i) {
        pid_t helper = ::fork();
        ASSERT_GE(helper, 0);
        if (helper == 0) {
            release.close_write();
            auto outcome = run_in_worker(
                [&](const Isolation& isolation) -> std::string {
                    if (!isolation.namespaces) {
                        write_all(bound.write, "skip\n");
                        return skip_prefix + isolation.note;
                    }
                    int fd = bind_tcp(INADDR_ANY, 5000, true);
                    write_all(bound.write, fd >= 0 ? "bound\n" : fmt::format("failed: {}\n", std::strerror(errno)));
                    read_lines(release.read, 1, Clock::now() + 20s);  // returns at EOF
                    return fd >= 0 ? "held" : "not held";
                },
                with_timeout(30s));
            write_all(results.write, (outcome.payload ? *outcome.payload : "error: " + outcome.error) + "\n");
            ::_exit(0);
        }
        helpers.push_back(helper);
    }
    bound.close_write();
    results.close_write();
    auto both = read_lines(bound.read, 2, Clock::now() + 20s);
    release.close_write();  // both answered (or the deadline passed): let them finish
    auto outcomes = read_lines(results.read, 2, Clock::now() + 20s);
    for (pid_t helper : helpers) ::waitpid(helper, nullptr, 0);
    if (both == "skip\nskip\n") GTEST_SKIP() << "no network namespaces here";
    EXPECT_EQ(both, "bound\nbound\n");
    EXPECT_EQ(outcomes, "held\nheld\n");
}

// A daemon that double-forked and called setsid has left the program's
// process group and session; end_all_processes() must still end it.
// The shell writes the daemon's pid in the PID namespace through a FIFO; the
// worker (outside that namespace) finds its pid here through NSpid in /proc.
TEST(SandboxEndAll, KillsADaemonThatCalledSetsid) {
    auto folder = std::filesystem::temp_directory_path() / fmt::format("sockgrade-sandbox-test-{}", ::getpid());
    std::filesystem::create_directories(folder);
    auto fifo = (folder / "daemon.pid").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);

    auto outcome = run_in_worker(
        [&](const Isolation& isolation) -> std::string {
            int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            if (reader < 0) return "cannot open the FIFO";
            pid_t shell = spawn({"/bin/sh", "-c", fmt::format("setsid sh -c 'sleep 1000 & echo $! > {}' &", fifo)});
            ::waitpid(shell, nullptr, 0);
            auto line = read_lines(reader, 1, Clock::now() + 10s);
            ::close(reader);
            pid_t inner = 0;
            if (std::sscanf(line.c_str(), "%d", &inner) != 1) return "the daemon did not report its pid: " + line;
            // Its pid as this process (and the test) sees it.
            pid_t visible = inner;
            if (isolation.namespaces) {
                visible = 0;
                char children_ns[64] = {};
                ::readlink("/proc/self/ns/pid_for_children", children_ns, sizeof children_ns - 1);
                for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
                    auto name = entry.path().filename().string();
                    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
                    char ns[64] = {};
                    if (::readlink((entry.path() / "ns/pid").c_str(), ns, sizeof ns - 1) <= 0 ||
                        std::string(ns) != children_ns)
                        continue;
                    std::ifstream status(entry.path() / "status");
                    std::string row;
                    while (std::getline(status, row))
                        if (row.starts_with("NSpid:")) {
                            std::istringstream ids(row.substr(6));
                            pid_t outer = 0, last = 0;
                            ids >> outer;
                            for (pid_t id; ids >> id;) last = id;
                            if (last == inner) visible = outer;
                        }
                }
                if (visible == 0) return fmt::format("no process has pid {} in the namespace", inner);
            }
            auto info = proc_info(visible);
            if (!info || info->state == 'Z') return fmt::format("the daemon {} is not running", visible);
            if (::getsid(visible) == ::getsid(0)) return "the daemon did not leave the worker's session";
            return fmt::format("{} {}", visible, info->start);
        },
        with_timeout(30s));
    ::unlink(fifo.c_str());
    std::filesystem::remove_all(folder);
    ASSERT_TRUE(outcome.payload) << outcome.error;
    std::istringstream seen(*outcome.payload);
    pid_t daemon = 0;
    unsigned long long start = 0;
    ASSERT_TRUE(seen >> daemon >> start) << *outcome.payload;
    // By the time run_in_worker returns, the daemon is gone (not merely doomed).
    EXPECT_TRUE(no_longer_runs(daemon, start)) << "daemon " << daemon << " survived the test";
    EXPECT_TRUE(ends_within(daemon, start, 5s)) << "daemon " << daemon << " survived the test";
}

// The body returns while a process it started directly is still running
// (a program the runner did not get to reap). Ending it must not hang the
// worker: the payload must still arrive, quickly.
// KNOWN BUG (reported): end_all_processes() kills the namespace's init and
// then waitpid()s for init only. The kernel does not let init finish exiting
// while a process of its namespace is a zombie whose parent (the worker) is
// outside it; the worker never reaps that zombie, so both wait for each other
// until the worker's timeout. Enable when end_all_processes reaps all children.
TEST(SandboxEndAll, DirectChildStillRunningWhenTheBodyReturns) {
    Pipe report;
    auto start = Clock::now();
    auto outcome = run_in_worker(
        [&](const Isolation&) {
            pid_t sleeper = spawn({"/bin/sleep", "1000"});
            write_all(report.write, fmt::format("{}\n", sleeper));
            return std::string("done");
        },
        with_timeout(10s));
    double elapsed = ms_since(start);
    report.close_write();
    EXPECT_TRUE(outcome.payload) << outcome.error;
    EXPECT_LT(elapsed, 5000);
    pid_t sleeper = 0;
    std::istringstream(read_lines(report.read, 1, Clock::now() + 5s)) >> sleeper;
    ASSERT_GT(sleeper, 0);
    if (auto info = proc_info(sleeper)) {
        EXPECT_TRUE(ends_within(sleeper, info->start, 5s));
    }
}

// The same hang, reached through the product: a student hands in a file the
// kernel cannot execute (a script without "#!", a macOS binary). The launcher's
// forked child fails its exec, launch() returns an error, and that child stays
// an unreaped zombie of the worker, which then hangs in end_all_processes()
// until its timeout: a grader error instead of "could not start".
// KNOWN BUG (reported, with the one above). Enable when fixed.
TEST(SandboxEndAll, FailedLaunchDoesNotHangTheWorker) {
    auto folder = std::filesystem::temp_directory_path() / fmt::format("sockgrade-sandbox-launch-{}", ::getpid());
    std::filesystem::create_directories(folder);
    auto submission = folder / "server";
    std::ofstream(submission) << "echo this script has no #! line\n";
    std::filesystem::permissions(submission, std::filesystem::perms::owner_all);
    auto start = Clock::now();
    auto outcome = run_in_worker(
        [&](const Isolation&) {
            boost::asio::io_context io;
            process::LaunchSpec spec;
            spec.argv = {submission.string()};
            spec.cwd = folder.string();
            spec.env = {{"PATH", "/usr/bin:/bin"}};
            util::Text error;
            auto program = process::Program::launch(io.get_executor(), spec, error);
            return program ? std::string("started?") : error.en;
        },
        with_timeout(10s));
    double elapsed = ms_since(start);
    std::filesystem::remove_all(folder);
    ASSERT_TRUE(outcome.payload) << outcome.error;
    EXPECT_THAT(*outcome.payload, HasSubstr("Exec format error"));
    EXPECT_LT(elapsed, 5000);
}

TEST(SandboxEndAll, SafeToCallTwice) {
    auto outcome = run_in_worker(
        [](const Isolation&) {
            pid_t shell = spawn({"/bin/sh", "-c", "sleep 1000 &"});
            ::waitpid(shell, nullptr, 0);
            end_all_processes();
            end_all_processes();
            errno = 0;
            bool none = ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
            return std::string(none ? "clean" : "a child is left");
        },
        with_timeout(20s));
    ASSERT_TRUE(outcome.payload) << outcome.error;
    EXPECT_EQ(*outcome.payload, "clean");
}

TEST(SandboxCredentials, ProgramUser) {
    EXPECT_EQ(set_program_user("no-such-user-sockgrade"), "unknown user 'no-such-user-sockgrade'");
    if (::geteuid() != 0) {
        EXPECT_EQ(program_credentials(), std::nullopt);  // already unprivileged
        return;
    }
    auto own = program_credentials();  // root: the program runs as a user of its own, never root
    ASSERT_TRUE(own);
    EXPECT_NE(own->uid, 0u);
    EXPECT_NE(own->gid, 0u);
    // Choosing root itself means "do not change user".
    EXPECT_EQ(set_program_user("root"), std::nullopt);
    EXPECT_EQ(program_credentials(), std::nullopt);
    EXPECT_EQ(set_program_user("nobody"), std::nullopt);
    auto again = program_credentials();
    ASSERT_TRUE(again);
    const passwd* nobody = ::getpwnam("nobody");
    ASSERT_NE(nobody, nullptr);
    EXPECT_EQ(again->uid, nobody->pw_uid);
    EXPECT_EQ(again->gid, nobody->pw_gid);
    ASSERT_EQ(set_program_user(""), std::nullopt);  // back to the default
}

TEST(SandboxCredentials, EachSubmissionHasAUserAndGroupOfItsOwn) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: otherwise the program runs as the grader's user, in a user namespace";
    ASSERT_EQ(set_program_user(""), std::nullopt);  // the default: no --user
    new_submission_user();
    auto first = program_credentials();
    ASSERT_TRUE(first);
    if (first->uid < 2000000000u) GTEST_SKIP() << "the per-submission id range is not usable here (ids not mapped, or no /run)";
    EXPECT_EQ(first->gid, static_cast<gid_t>(first->uid)) << "no group shared with another submission";
    // Every test of the submission (a worker) runs as that same user.
    auto in_worker = run_in_worker(
        [&](const Isolation&) {
            auto mine = program_credentials();
            return mine ? std::to_string(mine->uid) : std::string("none");
        },
        with_timeout(20s));
    EXPECT_EQ(in_worker.payload.value_or(in_worker.error), std::to_string(first->uid));
    // While a grader holds that user (its slot's lock), the next submission gets another one.
    int held = ::open(fmt::format("/run/sockgrade-users/{}", first->uid - 2000000000u).c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(held, 0);
    new_submission_user();  // lets go of the slot...
    ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0) << "the slot was not let go";  // ...which another grader holds now
    auto second = program_credentials();
    ASSERT_TRUE(second);
    EXPECT_NE(second->uid, first->uid) << "two submissions at once share a user";
    EXPECT_NE(second->gid, first->gid) << "two submissions at once share a group";
    ::close(held);
    new_submission_user();
}

}  // namespace
}  // namespace sockgrade::sandbox
