#include "batch/subprocess.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/capability.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process/program.hpp"

namespace sockgrade::batch {

// How it ended is said as a test's program's end is (process::ExitStatus).
std::string CommandOutcome::describe() const {
    if (!started) return error.empty() ? "could not start" : error;
    if (timed_out) return "did not finish in time and was stopped";
    return process::ExitStatus{signaled, exit_code, signal}.describe();
}

std::string CommandOutcome::describe_pt() const {
    if (!started) return error.empty() ? "não pôde ser iniciado" : error;  // the system's words, in English
    if (timed_out) return "não terminou a tempo e foi parado";
    return process::ExitStatus{signaled, exit_code, signal}.describe_pt();
}

std::map<std::string, std::string> helper_environment(const std::string& home) {
    std::map<std::string, std::string> env;
    const char* path = std::getenv("PATH");
    env["PATH"] = path ? path : "/usr/local/bin:/usr/bin:/bin";
    env["HOME"] = home;
    env["LANG"] = "C.UTF-8";
    env["TERM"] = "dumb";
    for (const char* name : {"PYENV_ROOT", "PYENV_VERSION", "JAVA_HOME"})
        if (const char* value = std::getenv(name)) env[name] = value;
    return env;
}

CommandOutcome run_command(const CommandSpec& spec) {
    CommandOutcome outcome;
    auto path_variable = spec.env.contains("PATH") ? spec.env.at("PATH") : std::string("/usr/bin:/bin");
    auto resolved = process::resolve_executable(spec.argv.empty() ? std::string() : spec.argv.front(), path_variable,
                                                spec.cwd);
    if (!resolved.error.empty()) {
        outcome.error = resolved.error.en;  // a build that cannot start is the grader's problem (status "error")
        return outcome;
    }
    // Everything the child needs is built before fork: it must not allocate.
    std::vector<std::string> environment;
    for (const auto& [key, value] : spec.env) environment.push_back(key + "=" + value);
    std::vector<char*> envp;
    for (auto& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    int output[2];
    if (::pipe2(output, O_CLOEXEC) < 0) {
        outcome.error = fmt::format("pipe: {}", std::strerror(errno));
        return outcome;
    }
    int report[2];  // carries exec's errno; closes on a successful exec
    if (::pipe2(report, O_CLOEXEC) < 0) {
        ::close(output[0]);
        ::close(output[1]);
        outcome.error = fmt::format("pipe: {}", std::strerror(errno));
        return outcome;
    }
    auto started_at = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {output[0], output[1], report[0], report[1]}) ::close(fd);
        outcome.error = fmt::format("fork: {}", std::strerror(errno));
        return outcome;
    }
    std::optional<sandbox::Jail> jail;
    if (spec.jail) jail.emplace(*spec.jail);
    if (pid == 0) {
        // A session of its own and no terminal: /dev/tty opens nothing.
        sandbox::own_session();
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (int s = 1; s < NSIG; ++s) ::signal(s, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, 0);
        ::dup2(output[1], 1);
        ::dup2(output[1], 2);
        auto fail = [&](int error) {
            [[maybe_unused]] auto ignored = ::write(report[1], &error, sizeof error);
            ::_exit(127);
        };
        rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        if (spec.max_processes > 0) {
            rlimit processes{rlim_t(spec.max_processes), rlim_t(spec.max_processes)};
            ::setrlimit(RLIMIT_NPROC, &processes);
        }
        if (spec.max_file_bytes > 0) {
            rlimit file{rlim_t(spec.max_file_bytes), rlim_t(spec.max_file_bytes)};
            ::setrlimit(RLIMIT_FSIZE, &file);
        }
        if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) < 0) fail(errno);
        if (int error = sandbox::confine(spec.join_cgroups, jail ? &*jail : nullptr,
                                         spec.run_as ? &spec.run_as->uid : nullptr,
                                         spec.run_as ? &spec.run_as->gid : nullptr, 1))
            fail(error);
        ::umask(022);
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        // Nothing past stderr reaches the command (the report pipe closes on exec too).
        ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
        ::execve(resolved.path.c_str(), argv.data(), envp.data());
        int error = errno;
        [[maybe_unused]] auto ignored = ::write(report[1], &error, sizeof error);
        ::_exit(127);
    }
    ::close(output[1]);
    ::close(report[1]);
    int exec_error = 0;
    ssize_t got = 0;
    while ((got = ::read(report[0], &exec_error, sizeof exec_error)) < 0 && errno == EINTR) {
    }
    ::close(report[0]);

    auto deadline = started_at + spec.timeout;
    bool exited = false;
    int status = 0;
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            outcome.timed_out = true;
            break;
        }
        pollfd fds[2] = {{output[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
        int ready = ::poll(fds, pidfd >= 0 ? 2 : 1, static_cast<int>(std::min<long>(left.count(), 1000)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        if (fds[0].revents) {
            char buffer[16384];
            ssize_t n = ::read(output[0], buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // every writer is gone
            auto keep = std::min<std::size_t>(static_cast<std::size_t>(n), spec.output_cap - std::min(spec.output_cap, outcome.output.size()));
            outcome.output.append(buffer, keep);
            outcome.dropped += static_cast<std::size_t>(n) - keep;
            continue;
        }
        if (pidfd >= 0 && fds[1].revents) break;  // exited; a background child may still hold the pipe
        if (pidfd < 0 && ::waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            break;
        }
    }
    // Whatever is left of the group (leftovers, or all of it after the deadline) ends now.
    ::kill(-pid, SIGKILL);
    if (!outcome.timed_out) {
        ::fcntl(output[0], F_SETFL, O_NONBLOCK);
        char buffer[16384];
        ssize_t n;
        while ((n = ::read(output[0], buffer, sizeof buffer)) > 0) {
            auto keep = std::min<std::size_t>(static_cast<std::size_t>(n), spec.output_cap - std::min(spec.output_cap, outcome.output.size()));
            outcome.output.append(buffer, keep);
            outcome.dropped += static_cast<std::size_t>(n) - keep;
        }
    }
    ::close(output[0]);
    if (pidfd >= 0) ::close(pidfd);
    if (!exited)
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    if (got == static_cast<ssize_t>(sizeof exec_error)) {
        outcome.error = fmt::format("could not start {}: {}", spec.argv.front(), std::strerror(exec_error));
        return outcome;
    }
    outcome.started = true;
    if (outcome.timed_out) return outcome;
    if (WIFSIGNALED(status)) {
        outcome.signaled = true;
        outcome.signal = WTERMSIG(status);
    } else {
        outcome.exit_code = WEXITSTATUS(status);
    }
    return outcome;
}

std::string outcome_to_json(const CommandOutcome& outcome) {
    nlohmann::json json = {{"started", outcome.started}, {"timed_out", outcome.timed_out},
                           {"signaled", outcome.signaled}, {"exit_code", outcome.exit_code},
                           {"signal", outcome.signal},     {"output", outcome.output},
                           {"dropped", outcome.dropped},   {"error", outcome.error}};
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

CommandOutcome outcome_from_json(const std::string& text) {
    CommandOutcome outcome;
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        outcome.error = "unreadable result from the build worker";
        return outcome;
    }
    outcome.started = json.value("started", false);
    outcome.timed_out = json.value("timed_out", false);
    outcome.signaled = json.value("signaled", false);
    outcome.exit_code = json.value("exit_code", -1);
    outcome.signal = json.value("signal", 0);
    outcome.output = json.value("output", "");
    outcome.dropped = json.value("dropped", std::size_t{0});
    outcome.error = json.value("error", "");
    return outcome;
}

}  // namespace sockgrade::batch
