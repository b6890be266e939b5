// The baseline of the per-test overhead benchmark: what a careful person
// would write by hand to play a scenario's dialogue against one program, with
// plain sockets and poll(), and nothing else. Like sockgrade it starts the
// program fresh for every test, waits until its port is listening (asked of
// the kernel every millisecond, so no connection is spent probing), plays
// the steps with a deadline on every wait, and ends the program (SIGTERM, a
// short grace, SIGKILL). Unlike sockgrade it has no sandbox, no pty, no
// transcript, no report: that difference is what the benchmark measures.
//
// The program runs on the host network, so its port is chosen by binding
// port 0 and passed as argv[1] (never the lab's 5000).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "listening.hpp"

namespace bench {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

[[noreturn]] inline void fail(const std::string& what) { throw std::runtime_error(what); }

// A free TCP port on 127.0.0.1, found by binding port 0.
inline int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) fail("bind port 0");
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    ::close(fd);
    return ntohs(address.sin_port);
}

inline std::string make_nonce() {
    static std::mt19937_64 random{std::random_device{}()};
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random()));
    return std::string(text, 6);
}

// Bytes that arrive on one descriptor, split into lines (without "\n" or "\r").
struct Stream {
    int fd = -1;
    std::string partial;
    std::vector<std::string> lines;
    std::size_t cursor = 0;  // lines before it were matched already
    std::size_t bytes = 0;
    bool closed = false;

    void take(const char* data, std::size_t n) {
        bytes += n;
        partial.append(data, n);
        for (std::size_t end; (end = partial.find('\n')) != std::string::npos;) {
            std::string line = partial.substr(0, end);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines.push_back(std::move(line));
            partial.erase(0, end + 1);
        }
    }

    // Finds the next line (from the cursor) that satisfies match; moves past it.
    bool take_line(const std::function<bool(const std::string&)>& match) {
        for (std::size_t i = cursor; i < lines.size(); ++i)
            if (match(lines[i])) {
                cursor = i + 1;
                return true;
            }
        return false;
    }
};

// Reads every registered stream until a condition holds or a deadline passes.
class Pump {
public:
    void add(Stream* stream) { streams_.push_back(stream); }
    void remove(Stream* stream) { std::erase(streams_, stream); }

    bool until(const std::function<bool()>& done, Clock::time_point deadline) {
        for (;;) {
            if (done()) return true;
            auto now = Clock::now();
            if (now >= deadline) return false;
            std::vector<pollfd> fds;
            std::vector<Stream*> who;
            for (auto* s : streams_)
                if (!s->closed && s->fd >= 0) {
                    fds.push_back({s->fd, POLLIN, 0});
                    who.push_back(s);
                }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
            int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long>(left, 1000)));
            if (ready < 0 && errno != EINTR) fail("poll");
            for (std::size_t i = 0; ready > 0 && i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                char buffer[65536];
                ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
                if (n > 0) who[i]->take(buffer, static_cast<std::size_t>(n));
                else if (n == 0 || (errno != EAGAIN && errno != EINTR)) who[i]->closed = true;
            }
        }
    }

    // Reads for the whole window; true if at most max_bytes arrived on the given streams.
    bool quiet(const std::vector<Stream*>& watched, Clock::duration window, std::size_t max_bytes) {
        std::size_t before = 0;
        for (auto* s : watched) before += s->bytes;
        auto arrived = [&] {
            std::size_t now = 0;
            for (auto* s : watched) now += s->bytes;
            return now - before;
        };
        until([&] { return arrived() > max_bytes; }, Clock::now() + window);
        return arrived() <= max_bytes;
    }

private:
    std::vector<Stream*> streams_;
};

// The program under test: its own process group, stdout and stderr pipes.
class Child {
public:
    Child(const std::vector<std::string>& argv, Pump& pump) : pump_(pump) {
        int out[2], err[2];
        if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) fail("pipe");
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ < 0) fail("fork");
        if (pid_ == 0) {
            ::setpgid(0, 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            int null = ::open("/dev/null", O_RDONLY);
            ::dup2(null, 0);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::setpgid(pid_, pid_);
        ::close(out[1]);
        ::close(err[1]);
        stdout_.fd = out[0];
        stderr_.fd = err[0];
        ::fcntl(out[0], F_SETFL, O_NONBLOCK);
        ::fcntl(err[0], F_SETFL, O_NONBLOCK);
        pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
        pump_.add(&stdout_);
        pump_.add(&stderr_);
    }

    ~Child() {
        stop();
        pump_.remove(&stdout_);
        pump_.remove(&stderr_);
        ::close(stdout_.fd);
        ::close(stderr_.fd);
        if (pidfd_ >= 0) ::close(pidfd_);
    }

    Stream& out() { return stdout_; }
    Stream& err() { return stderr_; }
    pid_t pid() const { return pid_; }

    bool alive() {
        if (reaped_) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
        return !reaped_;
    }

    // SIGTERM to the group, 300 ms of grace, then SIGKILL (as sockgrade does).
    void stop() {
        if (reaped_) return;
        ::kill(-pid_, SIGTERM);
        if (!wait_exit(300ms)) {
            ::kill(-pid_, SIGKILL);
            wait_exit(2s);
        }
    }

    // CPU seconds used by the program so far (utime + stime).
    double cpu_seconds() const {
        std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
        std::string line;
        std::getline(stat, line);
        auto after = line.rfind(')');
        if (after == std::string::npos) return 0;
        std::istringstream fields(line.substr(after + 2));
        std::string field;
        unsigned long long utime = 0, stime = 0;
        for (int index = 3; index <= 15 && fields >> field; ++index) {
            if (index == 14) utime = std::stoull(field);
            if (index == 15) stime = std::stoull(field);
        }
        return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    }

private:
    bool wait_exit(Clock::duration how_long) {
        if (pidfd_ >= 0) {
            pollfd p{pidfd_, POLLIN, 0};
            ::poll(&p, 1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(how_long).count()));
        }
        int status = 0;
        if (::waitpid(pid_, &status, pidfd_ >= 0 ? WNOHANG : 0) == pid_) reaped_ = true;
        return reaped_;
    }

    Pump& pump_;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    bool reaped_ = false;
    Stream stdout_, stderr_;
};

inline void wait_listening(Child& child, Pump& pump, int port, Clock::duration limit) {
    auto deadline = Clock::now() + limit;
    while (!listening(port)) {
        if (!child.alive()) fail("the program exited before listening");
        if (Clock::now() >= deadline) fail("the program is not listening on port " + std::to_string(port));
        pump.until([] { return false; }, Clock::now() + 1ms);
    }
}

// One fake TCP client.
class Client {
public:
    Client(Pump& pump, int port) : pump_(pump) {
        in_.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(in_.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) fail("connect");
        socklen_t size = sizeof address;
        ::getsockname(in_.fd, reinterpret_cast<sockaddr*>(&address), &size);
        local_port_ = ntohs(address.sin_port);
        ::fcntl(in_.fd, F_SETFL, O_NONBLOCK);
        pump_.add(&in_);
    }
    ~Client() {
        pump_.remove(&in_);
        if (in_.fd >= 0) ::close(in_.fd);
    }

    int local_port() const { return local_port_; }
    Stream& in() { return in_; }

    void send(std::string_view text) {
        auto deadline = Clock::now() + 2s;
        while (!text.empty()) {
            ssize_t n = ::send(in_.fd, text.data(), text.size(), MSG_NOSIGNAL);
            if (n > 0) {
                text.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR) fail("send");
            if (Clock::now() >= deadline) fail("send timed out");
            pollfd p{in_.fd, POLLOUT, 0};
            ::poll(&p, 1, 10);
        }
    }

    // FIN (close) or RST (SO_LINGER 0, then close).
    void close(bool reset) {
        if (reset) {
            linger l{1, 0};
            ::setsockopt(in_.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        pump_.remove(&in_);
        ::close(in_.fd);
        in_.fd = -1;
        in_.closed = true;
    }

private:
    Pump& pump_;
    Stream in_;
    int local_port_ = 0;
};

inline bool ends_with(const std::string& line, const std::string& tail) { return line.ends_with(tail); }

// Each client receives a line ending with `tail` within the window (a step's "within").
inline bool expect_all(Pump& pump, const std::vector<Client*>& clients, const std::string& tail,
                       Clock::duration within = 2s) {
    std::vector<bool> got(clients.size(), false);
    return pump.until(
        [&] {
            bool all = true;
            for (std::size_t i = 0; i < clients.size(); ++i) {
                if (!got[i]) got[i] = clients[i]->in().take_line([&](const std::string& l) { return ends_with(l, tail); });
                all = all && got[i];
            }
            return all;
        },
        Clock::now() + within);
}

// Runs `tests` (name -> body) `rounds` times, each with a fresh program, and
// prints one JSON object: {"tests": [{"name", "passed", "seconds"}], "seconds"}.
struct TestCase {
    std::string name;
    std::function<bool(Child&, Pump&, int port)> body;
};

inline int run_cases(int argc, char** argv, const std::vector<TestCase>& cases) {
    std::string program;
    int rounds = 1;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--rounds" && i + 1 < argc) rounds = std::max(1, std::min(1000, std::atoi(argv[++i])));
        else if (arg.starts_with("-")) {
            std::fprintf(stderr, "usage: %s PROGRAM [--rounds N]\n", argv[0]);
            return 2;
        } else program = arg;
    }
    if (program.empty()) {
        std::fprintf(stderr, "usage: %s PROGRAM [--rounds N]\n", argv[0]);
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    auto started = Clock::now();
    std::string json = "{\"tests\": [";
    int failed = 0;
    bool first = true;
    for (int round = 0; round < rounds; ++round)
        for (const auto& test : cases) {
            auto t0 = Clock::now();
            bool passed = false;
            std::string error;
            try {
                Pump pump;
                int port = free_port();
                Child child({program, std::to_string(port)}, pump);
                wait_listening(child, pump, port, 5s);
                passed = test.body(child, pump, port);
            } catch (const std::exception& e) {
                error = e.what();
            }
            double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
            if (!passed) {
                ++failed;
                std::fprintf(stderr, "driver: %s failed%s%s\n", test.name.c_str(), error.empty() ? "" : ": ",
                             error.c_str());
            }
            char entry[256];
            std::snprintf(entry, sizeof entry, "%s{\"name\": \"%s\", \"passed\": %s, \"seconds\": %.6f}",
                          first ? "" : ", ", test.name.c_str(), passed ? "true" : "false", seconds);
            json += entry;
            first = false;
        }
    char tail[64];
    std::snprintf(tail, sizeof tail, "], \"seconds\": %.6f}",
                  std::chrono::duration<double>(Clock::now() - started).count());
    std::printf("%s%s\n", json.c_str(), tail);
    return failed == 0 ? 0 : 1;
}

}  // namespace bench
