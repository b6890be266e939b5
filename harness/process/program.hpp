// Starting the program under test and ending it, whatever it does.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>

#include "sandbox/jail.hpp"
#include "util/text.hpp"

namespace sockgrade::process {

struct Limits {
    double cpu_seconds = 10;
    std::int64_t memory_bytes = 0;  // RLIMIT_DATA; 0 = none
    int processes = 256;            // RLIMIT_NPROC of the program's user
    int open_files = 256;
    std::int64_t file_bytes = 64 << 20;  // largest file it may write
};

struct LaunchSpec {
    std::vector<std::string> argv;
    std::string cwd;
    std::map<std::string, std::string> env;  // the whole environment: nothing is inherited
    Limits limits;
    std::optional<std::pair<uid_t, gid_t>> run_as;  // drop to this user before exec
    std::vector<std::string> join_cgroups;  // cgroup.procs files the program joins before exec
    // Inside the test's namespaces: the program's whole view of the machine
    // (sandbox/jail.hpp). Without one (no namespaces here) it sees the host as
    // its user may.
    std::optional<sandbox::JailSpec> jail;
};

// How a program ended, in words a student understands.
struct ExitStatus {
    bool signaled = false;
    int code = 0;    // when !signaled
    int signal = 0;  // when signaled
    double seconds = 0;  // after its start
    std::string describe() const;     // "exited with status 1", "was killed by signal 11 (SIGSEGV)"
    std::string describe_pt() const;  // "terminou com status 1", "foi morto pelo sinal 11 (SIGSEGV)"
};

// What a sleeping thread is blocked in, from /proc/PID/task/TID/syscall
// ("45 0x3 0x7ffd... ..."): the call's number and its first argument (an fd
// for the calls that take one). nullopt while it runs, or outside a call.
struct BlockedCall {
    long number = -1;
    long first_argument = -1;
};
std::optional<BlockedCall> parse_blocked_call(const std::string& syscall_file);

// Is the call a receive (recvfrom, recvmsg, recvmmsg, read)? A read counts
// only on a socket, which the caller checks.
bool is_receive_call(long number);

// Resolves argv[0] against PATH like a shell; the path, or why not (a
// student reads it: "command not found: 'pyhton3'", in both languages).
struct Resolved {
    std::string path;
    util::Text error;
};
Resolved resolve_executable(const std::string& name, const std::string& path_variable, const std::string& cwd);

class Program {
public:
    // Starts the program in its own process group: stdin a pipe, stdout a
    // pseudo-terminal (so it is line-buffered, as at a terminal), stderr a pipe.
    // On failure, nullptr and `error` says why, in both languages.
    static std::unique_ptr<Program> launch(boost::asio::any_io_executor executor, const LaunchSpec& spec,
                                           util::Text& error);
    ~Program();

    pid_t pid() const { return pid_; }
    boost::asio::writable_pipe& stdin_pipe() { return stdin_; }
    boost::asio::posix::stream_descriptor& stdout_stream() { return stdout_; }
    boost::asio::readable_pipe& stderr_pipe() { return stderr_; }

    // Resolves when the program has exited (its zombie reaped).
    boost::asio::awaitable<ExitStatus> wait_for_exit();

    // Signals the program's process group.
    void signal_group(int signal_number);

    // CPU seconds used so far by the program and every process it started that
    // still runs (all their threads), from /proc.
    double cpu_seconds() const;

    // True when no thread of the program, nor of any process below it, is
    // running: it has handled everything it was sent and waits.
    bool settled() const;

    // True when the program waits only for the network: every thread of it
    // (and of its direct children) sleeps in a receive on a socket (recv(),
    // recvfrom(), recvmsg(), read() on a socket), apart from threads waiting
    // for a child. Then nothing reads its standard input. False when /proc
    // cannot tell (not allowed to read it, a thread running).
    bool only_receiving_on_sockets() const;

    std::chrono::steady_clock::time_point started() const { return started_; }

private:
    Program(boost::asio::any_io_executor executor);
    pid_t pid_ = -1;
    bool reaped_ = false;
    int pidfd_ = -1;
    std::chrono::steady_clock::time_point started_;
    boost::asio::writable_pipe stdin_;
    boost::asio::posix::stream_descriptor stdout_;
    boost::asio::readable_pipe stderr_;
    boost::asio::posix::stream_descriptor exit_watch_;
};

}  // namespace sockgrade::process
