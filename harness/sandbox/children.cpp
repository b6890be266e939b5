#include "sandbox/children.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

namespace sockgrade::sandbox {

namespace {

using Clock = std::chrono::steady_clock;

struct Child {
    std::size_t index = 0;
    pid_t pid = -1;
    int channel = -1;
    Clock::time_point deadline;
    std::string payload;
};

void write_all(int fd, const std::string& text) {
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ::_exit(4);
        written += static_cast<std::size_t>(n);
    }
}

// Forks the child of index; its pipe, or why it could not start.
std::optional<Child> start(std::size_t index, const std::function<std::string(std::size_t)>& body,
                           const ChildPoolOptions& options, const std::vector<Child>& running, std::string& why) {
    int channel[2];
    if (::pipe2(channel, O_CLOEXEC) < 0) {
        why = fmt::format("pipe: {}", std::strerror(errno));
        return std::nullopt;
    }
    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        why = fmt::format("fork: {}", std::strerror(errno));
        ::close(channel[0]);
        ::close(channel[1]);
        return std::nullopt;
    }
    if (pid == 0) {
        if (options.own_process_group) ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(3);  // the parent died before the line above
        ::close(channel[0]);
        for (const auto& other : running) ::close(other.channel);
        if (options.interrupt_fd >= 0) ::close(options.interrupt_fd);
        std::string payload;
        try {
            payload = body(index);
        } catch (...) {
            ::_exit(5);  // never unwind into this copy of the parent
        }
        write_all(channel[1], payload);
        ::_exit(0);
    }
    if (options.own_process_group) ::setpgid(pid, pid);  // both sides: no race with the first kill
    ::close(channel[1]);
    return Child{index, pid, channel[0], Clock::now() + options.timeout, {}};
}

// Kills (when asked) and reaps a child; what it gave, or how it failed.
ChildEnd finish(Child& child, bool kill, const ChildPoolOptions& options) {
    ::close(child.channel);
    if (kill) {
        if (options.own_process_group) ::kill(-child.pid, SIGKILL);
        ::kill(child.pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    // What it left in its process group (a build's, a program's) goes with it.
    if (options.own_process_group) ::kill(-child.pid, SIGKILL);
    ChildEnd end;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        end.payload = std::move(child.payload);
        return end;
    }
    end.how = ChildEnd::How::failed;
    if (WIFSIGNALED(status)) {
        end.failure = fmt::format("was killed by signal {}", WTERMSIG(status));
    } else {
        end.exit_code = WEXITSTATUS(status);
        end.failure = fmt::format("exited with status {}", end.exit_code);
    }
    return end;
}

}  // namespace

bool run_in_children(std::size_t count, const std::function<std::string(std::size_t)>& body,
                     const ChildPoolOptions& options, const std::function<void(std::size_t, ChildEnd)>& done) {
    const std::size_t at_once = static_cast<std::size_t>(std::max(1, options.jobs));
    std::vector<Child> running;
    std::size_t next = 0;
    while (next < count || !running.empty()) {
        while (running.size() < at_once && next < count) {
            std::string why;
            if (auto child = start(next, body, options, running, why)) {
                running.push_back(std::move(*child));
            } else {
                ChildEnd end;
                end.how = ChildEnd::How::not_started;
                end.failure = why;
                done(next, std::move(end));
            }
            ++next;
        }
        if (running.empty()) continue;
        // One poll over every pipe (and the interrupt), until the nearest deadline.
        auto nearest = running.front().deadline;
        std::vector<pollfd> readable;
        for (const auto& child : running) {
            nearest = std::min(nearest, child.deadline);
            readable.push_back({child.channel, POLLIN, 0});
        }
        if (options.interrupt_fd >= 0) readable.push_back({options.interrupt_fd, POLLIN, 0});
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(nearest - Clock::now()).count();
        int ready = ::poll(readable.data(), readable.size(), static_cast<int>(std::clamp<long long>(left, 0, 60000)));
        if (ready < 0 && errno != EINTR) ready = 0;
        if (ready > 0 && options.interrupt_fd >= 0 && readable.back().revents != 0) {
            for (auto& child : running) {
                finish(child, /*kill=*/true, options);
                ChildEnd end;
                end.how = ChildEnd::How::interrupted;
                done(child.index, std::move(end));
            }
            return false;
        }
        const auto now = Clock::now();
        for (std::size_t i = running.size(); i-- > 0;) {
            auto& child = running[i];
            bool ended = false, timed_out = false;
            if (ready > 0 && readable[i].revents != 0) {
                char buffer[65536];
                ssize_t n = ::read(child.channel, buffer, sizeof buffer);
                if (n > 0) {
                    child.payload.append(buffer, static_cast<std::size_t>(n));
                } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                    ended = true;
                }
            }
            if (!ended && now >= child.deadline) ended = timed_out = true;
            if (!ended) continue;
            auto index = child.index;
            auto end = finish(child, /*kill=*/timed_out, options);
            if (timed_out) {
                end.how = ChildEnd::How::timed_out;
                end.payload.clear();
            }
            running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
            done(index, std::move(end));
        }
    }
    return true;
}

}  // namespace sockgrade::sandbox
