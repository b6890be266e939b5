#include "process/program.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <pty.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <grp.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <fmt/format.h>

namespace sockgrade::process {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

std::string ExitStatus::describe() const {
    if (!signaled) return fmt::format("exited with status {}", code);
    const char* name = sigabbrev_np(signal);
    return name ? fmt::format("was killed by signal {} (SIG{})", signal, name)
                : fmt::format("was killed by signal {}", signal);
}

std::string ExitStatus::describe_pt() const {
    if (!signaled) return fmt::format("terminou com status {}", code);
    const char* name = sigabbrev_np(signal);
    return name ? fmt::format("foi morto pelo sinal {} (SIG{})", signal, name)
                : fmt::format("foi morto pelo sinal {}", signal);
}

Resolved resolve_executable(const std::string& name, const std::string& path_variable, const std::string& cwd) {
    auto usable = [](const std::string& path) {
        struct stat info {};
        return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
    };
    if (name.empty()) return {"", {"no command was given", "nenhum comando foi dado"}};
    if (name.find('/') != std::string::npos) {
        std::string path = name.front() == '/' ? name : cwd + "/" + name;
        if (usable(path)) return {path, {}};
        if (::access(path.c_str(), F_OK) == 0)
            return {"", {fmt::format("'{}' is not an executable file", name),
                         fmt::format("'{}' não é um arquivo executável", name)}};
        return {"", {fmt::format("'{}' does not exist", name), fmt::format("'{}' não existe", name)}};
    }
    std::size_t start = 0;
    while (start <= path_variable.size()) {
        auto end = path_variable.find(':', start);
        if (end == std::string::npos) end = path_variable.size();
        std::string dir = path_variable.substr(start, end - start);
        if (dir.empty()) dir = cwd;  // the program's folder, not the grader's
        std::string candidate = dir + "/" + name;
        if (usable(candidate)) return {candidate, {}};
        start = end + 1;
    }
    return {"", {fmt::format("command not found: '{}'", name), fmt::format("comando não encontrado: '{}'", name)}};
}

namespace {

// Everything the child does between fork and exec. It calls execve itself:
// Boost 1.81's launcher calls exit() (not _exit) when exec fails, which would
// run the grader's atexit handlers in the child.
struct ChildSetup {
    const LaunchSpec& spec;
    char* const* environment;  // built before fork: the child must not allocate
    const sandbox::Jail* jail;

    void set_limit(int resource, rlim_t value) const {
        rlimit limit{value, value};
        ::setrlimit(resource, &limit);
    }

    [[noreturn]] static void fail(int report, int error) {
        [[maybe_unused]] auto ignored = ::write(report, &error, sizeof error);
        ::_exit(127);
    }

    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher& launcher, const bp::filesystem::path& executable,
                                 const char* const*& argv) const {
        const int report = launcher.fd_whitelist.back();  // the launcher's pipe that carries exec errors
        // A session of its own, with no terminal: /dev/tty is never the grader's.
        sandbox::own_session();
        // Our own chdir: Boost 1.81's start_dir calls exit() in the child when it fails.
        if (::chdir(spec.cwd.c_str()) < 0) fail(report, errno);
        // A fresh signal state: the grader ignores SIGPIPE, the program must not inherit that.
        for (int s = 1; s < NSIG; ++s) ::signal(s, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);

        const auto& limits = spec.limits;
        if (limits.cpu_seconds > 0) {
            rlimit cpu{static_cast<rlim_t>(limits.cpu_seconds + 0.999), static_cast<rlim_t>(limits.cpu_seconds + 2)};
            ::setrlimit(RLIMIT_CPU, &cpu);
        }
        if (limits.memory_bytes > 0) set_limit(RLIMIT_DATA, static_cast<rlim_t>(limits.memory_bytes));
        if (limits.processes > 0) set_limit(RLIMIT_NPROC, static_cast<rlim_t>(limits.processes));
        if (limits.open_files > 0) set_limit(RLIMIT_NOFILE, static_cast<rlim_t>(limits.open_files));
        if (limits.file_bytes > 0) set_limit(RLIMIT_FSIZE, static_cast<rlim_t>(limits.file_bytes));
        set_limit(RLIMIT_CORE, 0);

        // A failed jail step is said on its stderr too: the launch error carries only the errno.
        if (int error = sandbox::confine(spec.join_cgroups, jail, spec.run_as ? &spec.run_as->first : nullptr,
                                         spec.run_as ? &spec.run_as->second : nullptr, 2))
            fail(report, error);
        ::umask(022);
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

        // Only stdin, stdout and stderr go to the program; the launcher's error pipe is close-on-exec.
        ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
        ::execve(executable.c_str(), const_cast<char* const*>(argv), environment);
        fail(report, errno);
    }
};

struct Fds {
    int fd = -1;
    ~Fds() {
        if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};

}  // namespace

Program::Program(asio::any_io_executor executor)
    : stdin_(executor), stdout_(executor), stderr_(executor), exit_watch_(executor) {}

Program::~Program() {
    if (pid_ > 0 && !reaped_) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

std::unique_ptr<Program> Program::launch(asio::any_io_executor executor, const LaunchSpec& spec, util::Text& error) {
    auto env_path = spec.env.contains("PATH") ? spec.env.at("PATH") : std::string("/usr/bin:/bin");
    auto resolved = resolve_executable(spec.argv.empty() ? std::string() : spec.argv.front(), env_path, spec.cwd);
    if (!resolved.error.empty()) {
        error = resolved.error;
        return nullptr;
    }

    int in[2], err[2];
    if (::pipe2(in, O_CLOEXEC) < 0) {
        error = {fmt::format("pipe: {}", std::strerror(errno)), {}};
        return nullptr;
    }
    Fds in_read{in[0]}, in_write{in[1]};
    if (::pipe2(err, O_CLOEXEC) < 0) {
        error = {fmt::format("pipe: {}", std::strerror(errno)), {}};
        return nullptr;
    }
    Fds err_read{err[0]}, err_write{err[1]};
    int master = -1, slave = -1;
    termios raw{};
    ::cfmakeraw(&raw);
    if (::openpty(&master, &slave, nullptr, &raw, nullptr) < 0) {
        error = {fmt::format("openpty: {}", std::strerror(errno)), {}};
        return nullptr;
    }
    Fds out_read{master}, out_write{slave};
    ::fcntl(master, F_SETFD, FD_CLOEXEC);
    ::fcntl(slave, F_SETFD, FD_CLOEXEC);
    // The program may be another user: let it open its own terminal.
    ::fchmod(slave, 0666);

    std::vector<std::string> environment;
    for (const auto& [key, value] : spec.env) environment.push_back(key + "=" + value);
    std::vector<char*> envp;
    for (auto& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());

    std::optional<sandbox::Jail> jail;
    if (spec.jail) jail.emplace(*spec.jail);
    std::unique_ptr<Program> program(new Program(executor));
    bp::error_code ec;
    bp::process child = bp::default_process_launcher()(
        executor, ec, bp::filesystem::path(resolved.path), args,
        bp::process_stdio{in_read.fd, out_write.fd, err_write.fd},
        ChildSetup{spec, envp.data(), jail ? &*jail : nullptr});
    if (ec) {
        if (ec.value() == ENOENT && ::access(spec.cwd.c_str(), X_OK) != 0)
            error = {fmt::format("could not enter the folder '{}': {}", spec.cwd, std::strerror(errno)),
                     fmt::format("não foi possível entrar na pasta '{}': {}", spec.cwd, std::strerror(errno))};
        else
            error = {fmt::format("could not start '{}': {}", spec.argv.front(), ec.message()),
                     fmt::format("não foi possível iniciar '{}': {}", spec.argv.front(), ec.message())};
        return nullptr;
    }
    program->pid_ = child.id();
    program->started_ = std::chrono::steady_clock::now();
    child.detach();  // we reap it ourselves, through a pidfd
    program->pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, program->pid_, 0));
    if (program->pidfd_ >= 0) program->exit_watch_.assign(program->pidfd_);
    program->stdin_.assign(in_write.release());
    program->stdout_.assign(out_read.release());
    program->stderr_.assign(err_read.release());
    return program;
}

asio::awaitable<ExitStatus> Program::wait_for_exit() {
    boost::system::error_code ec;
    if (exit_watch_.is_open())
        co_await exit_watch_.async_wait(asio::posix::descriptor_base::wait_read,
                                        asio::redirect_error(asio::use_awaitable, ec));
    // Cancelled (a deadline came first): the program still runs, so do not block in waitpid.
    if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    ExitStatus exit;
    exit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (WIFSIGNALED(status)) {
        exit.signaled = true;
        exit.signal = WTERMSIG(status);
    } else {
        exit.code = WEXITSTATUS(status);
    }
    co_return exit;
}

void Program::signal_group(int signal_number) {
    if (pid_ <= 0 || reaped_) return;
    ::kill(-pid_, signal_number);
    ::kill(pid_, signal_number);
}

namespace {

// The program's process and its descendants, found through every thread's
// `children` list. The whole tree counts: a run line started as `sh -c LINE`
// leaves the real program a child (or grandchild) of the shell.
std::vector<pid_t> process_tree(pid_t root) {
    constexpr std::size_t most = 1024;  // a fork bomb's tree is bounded by its pids group; this bounds the walk
    std::vector<pid_t> tree{root};
    for (std::size_t next = 0; next < tree.size() && tree.size() < most; ++next) {
        std::error_code ec;
        for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", tree[next]), ec)) {
            std::ifstream children(task.path() / "children");
            for (pid_t child = 0; children >> child && tree.size() < most;) tree.push_back(child);
        }
    }
    return tree;
}

// The line of /proc/.../stat after the command name: field 3 (state) onwards.
std::string stat_after_name(const std::filesystem::path& stat_path) {
    std::ifstream stat(stat_path);
    std::string line;
    std::getline(stat, line);
    auto after_name = line.rfind(')');
    return after_name != std::string::npos && after_name + 2 < line.size() ? line.substr(after_name + 2) : "";
}

// utime + stime of one process (all its threads), in clock ticks.
unsigned long long cpu_ticks(pid_t pid) {
    std::istringstream fields(stat_after_name(fmt::format("/proc/{}/stat", pid)));
    std::string field;
    unsigned long long ticks = 0;
    // Fields after the name start at 3 (state); utime and stime are fields 14 and 15.
    for (int index = 3; index <= 15 && fields >> field; ++index)
        if (index == 14 || index == 15) ticks += std::stoull(field);
    return ticks;
}

// No thread of the process is running or runnable ('R'), or it is gone.
bool threads_sleep(pid_t pid) {
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec))
        if (stat_after_name(task.path() / "stat").starts_with('R')) return false;
    return true;
}

// How each thread of one process waits, for only_receiving_on_sockets: counts
// its receiving threads, and false as soon as one thread does anything but
// receive on a socket or wait for a child (a shell waiting for the program).
bool threads_only_receive(pid_t pid, int& receiving) {
    std::error_code ec;
    std::filesystem::directory_iterator tasks(fmt::format("/proc/{}/task", pid), ec);
    if (ec) return false;
    for (const auto& task : tasks) {
        std::ifstream file(task.path() / "syscall");
        std::string line;
        if (!std::getline(file, line)) return false;  // not allowed to look: say nothing
        auto call = parse_blocked_call(line);
        if (!call) return false;
        if (call->number == SYS_wait4 || call->number == SYS_waitid) continue;  // its children are looked at too
        if (!is_receive_call(call->number)) return false;
        std::error_code link_error;
        auto target = std::filesystem::read_symlink(fmt::format("/proc/{}/fd/{}", pid, call->first_argument), link_error);
        if (link_error || !target.string().starts_with("socket:")) return false;
        ++receiving;
    }
    return true;
}

}  // namespace

std::optional<BlockedCall> parse_blocked_call(const std::string& syscall_file) {
    std::istringstream fields(syscall_file);
    std::string number, argument;
    // "running", or "-1 SP PC" for a thread blocked outside a system call.
    if (!(fields >> number >> argument) || !argument.starts_with("0x")) return std::nullopt;
    BlockedCall call;
    auto parsed_number = std::from_chars(number.data(), number.data() + number.size(), call.number);
    auto parsed_argument = std::from_chars(argument.data() + 2, argument.data() + argument.size(), call.first_argument, 16);
    if (parsed_number.ec != std::errc() || parsed_argument.ec != std::errc() || call.number < 0) return std::nullopt;
    return call;
}

bool is_receive_call(long number) {
    return number == SYS_recvfrom || number == SYS_recvmsg || number == SYS_recvmmsg || number == SYS_read;
}


double Program::cpu_seconds() const {
    unsigned long long ticks = 0;
    for (pid_t pid : process_tree(pid_)) ticks += cpu_ticks(pid);
    return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

bool Program::settled() const {
    if (reaped_) return true;
    for (pid_t pid : process_tree(pid_))
        if (!threads_sleep(pid)) return false;
    return true;
}

bool Program::only_receiving_on_sockets() const {
    int receiving = 0;
    if (reaped_) return false;
    for (pid_t pid : process_tree(pid_))
        if (!threads_only_receive(pid, receiving)) return false;
    return receiving > 0;
}

}  // namespace sockgrade::process
