#include "sandbox/sandbox.hpp"

#include "sandbox/children.hpp"
#include "sandbox/cgroup.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <sys/stat.h>
#include <fcntl.h>
#include <fstream>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <variant>
#include <vector>

#include <fmt/format.h>

namespace sockgrade::sandbox {

namespace {

pid_t namespace_init = -1;  // the worker's PID-namespace init, when it has one
bool in_pid_namespace = false;  // our children live in a PID namespace of their own
std::optional<Credentials> chosen_user;
std::optional<Credentials> submission_user;  // this submission's own user, when root (claimed once)
int submission_user_lock = -1;
bool submission_user_claimed = false;

// Root gives each submission (its build and every test of it) a user and
// group id of its own from this range: no two submissions share a uid, a gid
// or a writable folder, and per-user counts (RLIMIT_NPROC) are theirs alone.
// A lock file per slot keeps concurrent graders apart; the lock dies with
// the process that claimed it.
constexpr uid_t first_test_uid = 2000000000;
constexpr int test_uid_slots = 4096;
constexpr const char* test_uid_lock_dir = "/run/sockgrade-users";

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    out.flush();
    return static_cast<bool>(out);
}

std::string errno_text(const char* what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

// Brings the loopback interface up in the current network namespace.
std::optional<std::string> loopback_up() {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno_text("socket");
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    std::optional<std::string> error;
    if (::ioctl(fd, SIOCGIFFLAGS, &request) < 0) error = errno_text("SIOCGIFFLAGS lo");
    request.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (!error && ::ioctl(fd, SIOCSIFFLAGS, &request) < 0) error = errno_text("SIOCSIFFLAGS lo");
    ::close(fd);
    return error;
}

// The parent of the calling process as the host sees it (getppid() says 0 to
// a PID namespace's init, whose parent is outside): from /proc/self/stat.
pid_t host_parent() {
    char stat[512] = {};
    int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t got = ::read(fd, stat, sizeof stat - 1);
    ::close(fd);
    const char* after_name = got > 0 ? std::strrchr(stat, ')') : nullptr;
    char state = 0;
    int parent = -1;
    if (!after_name || std::sscanf(after_name + 1, " %c %d", &state, &parent) != 2) return -1;
    return parent;
}

// The PID namespace's init: reaps orphans until it is killed, and dies with the worker.
[[noreturn]] void run_namespace_init(pid_t worker) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // A worker that ended before the line above took effect sends no signal: then go now.
    if (host_parent() != worker) ::_exit(0);
    ::close_range(0, ~0U, 0);
    sigset_t child_signal;
    sigemptyset(&child_signal);
    sigaddset(&child_signal, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &child_signal, nullptr);
    struct sigaction wake {};
    wake.sa_handler = [](int) {};
    ::sigaction(SIGCHLD, &wake, nullptr);
    sigset_t nothing_blocked;
    sigemptyset(&nothing_blocked);
    for (;;) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        ::sigsuspend(&nothing_blocked);
    }
}

// Enters new network and PID namespaces (and a user namespace when not root).
std::optional<std::string> enter_namespaces() {
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    // A System V IPC namespace of its own too: segments a program leaves go with it.
    int flags = CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC;
    if (uid != 0) flags |= CLONE_NEWUSER;
    if (::unshare(flags) < 0) return errno_text("unshare");
    if (uid != 0) {
        // Map our own ids, so files keep their owners; the program gets no capabilities.
        if (!write_file("/proc/self/setgroups", "deny") ||
            !write_file("/proc/self/uid_map", fmt::format("{} {} 1", uid, uid)) ||
            !write_file("/proc/self/gid_map", fmt::format("{} {} 1", gid, gid)))
            return errno_text("writing the user namespace's id maps");
    }
    if (auto error = loopback_up()) return error;
    const pid_t worker = ::getpid();
    pid_t init = ::fork();
    if (init < 0) return errno_text("fork of the namespace init");
    if (init == 0) run_namespace_init(worker);
    namespace_init = init;
    in_pid_namespace = true;
    return std::nullopt;
}

// Without namespaces, tests on the same host port take turns.
int lock_host_port(int port) {
    auto path = fmt::format("/tmp/sockgrade-host-port-{}.lock", port);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd >= 0) ::flock(fd, LOCK_EX);
    return fd;
}

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> found;
    DIR* proc = ::opendir("/proc");
    if (!proc) return found;
    while (auto* entry = ::readdir(proc)) {
        pid_t pid = std::atoi(entry->d_name);
        if (pid <= 0) continue;
        std::ifstream stat(fmt::format("/proc/{}/stat", pid));
        std::string line;
        std::getline(stat, line);
        auto after_name = line.rfind(')');
        if (after_name == std::string::npos) continue;
        char state = 0;
        int ppid = 0;
        if (std::sscanf(line.c_str() + after_name + 1, " %c %d", &state, &ppid) == 2 && ppid == parent)
            found.push_back(pid);
    }
    ::closedir(proc);
    return found;
}

// True when every id in [first, first + count) is mapped in our user namespace
// (a container may map only 65536 ids: setuid to others fails).
bool ids_mapped(const char* map_file, unsigned first, unsigned count) {
    std::ifstream map(map_file);
    unsigned inside = 0, outside = 0, length = 0;
    while (map >> inside >> outside >> length)
        if (first >= inside && std::uint64_t(first) + count <= std::uint64_t(inside) + length) return true;
    return false;
}

// Claims a free slot of the test user range; nullopt when the range cannot be used here.
std::optional<Credentials> claim_test_user() {
    if (!ids_mapped("/proc/self/uid_map", first_test_uid, test_uid_slots)) return std::nullopt;
    if (::mkdir(test_uid_lock_dir, 0700) < 0 && errno != EEXIST) return std::nullopt;
    struct stat dir {};
    // Ours alone: a directory another user made could hold planted locks.
    if (::lstat(test_uid_lock_dir, &dir) < 0 || !S_ISDIR(dir.st_mode) || dir.st_uid != 0 || (dir.st_mode & 022))
        return std::nullopt;
    for (int slot = 0; slot < test_uid_slots; ++slot) {
        auto path = fmt::format("{}/{}", test_uid_lock_dir, slot);
        int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) return std::nullopt;
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            submission_user_lock = fd;
            const auto id = first_test_uid + static_cast<uid_t>(slot);
            return Credentials{id, static_cast<gid_t>(id)};
        }
        ::close(fd);  // another test holds it
    }
    return std::nullopt;
}

// Removes what the test's user left at the top of the shared temporary folders.
void remove_files_of(uid_t uid) {
    for (const char* dir : {"/tmp", "/var/tmp", "/dev/shm"}) {
        DIR* listing = ::opendir(dir);
        if (!listing) continue;
        std::vector<std::string> owned;
        while (auto* entry = ::readdir(listing)) {
            std::string name = entry->d_name;
            if (name == "." || name == "..") continue;
            struct stat info {};
            auto path = std::string(dir) + "/" + name;
            if (::lstat(path.c_str(), &info) == 0 && info.st_uid == uid) owned.push_back(path);
        }
        ::closedir(listing);
        std::error_code ignored;
        for (const auto& path : owned) std::filesystem::remove_all(path, ignored);  // never follows links
    }
}

}  // namespace

void end_all_processes() {
    if (in_pid_namespace) {
        if (namespace_init > 0) ::kill(namespace_init, SIGKILL);
        namespace_init = -1;
        // The init cannot finish dying while a zombie of ours sits in its
        // namespace (a child whose exec failed, say): reap every child.
        for (;;)
            if (::waitpid(-1, nullptr, 0) < 0 && errno != EINTR) break;
        return;  // the kernel ended everything in the namespace: no /proc sweep needed
    }
    // Orphans re-parent to the worker (a subreaper): kill and reap until none is left.
    for (int round = 0; round < 1000; ++round) {
        auto children = children_of(::getpid());
        if (children.empty()) break;
        for (pid_t child : children) ::kill(child, SIGKILL);
        for (pid_t child : children) ::waitpid(child, nullptr, 0);
    }
}

bool inside_namespaces() { return in_pid_namespace; }

std::optional<std::string> set_program_user(const std::string& name) {
    if (name.empty()) {
        chosen_user.reset();
        return std::nullopt;
    }
    const passwd* entry = ::getpwnam(name.c_str());
    if (!entry) return fmt::format("unknown user '{}'", name);
    chosen_user = Credentials{entry->pw_uid, entry->pw_gid};
    return std::nullopt;
}

std::optional<std::string> mount_scratch(const std::string& path, std::int64_t bytes, int files) {
    static bool private_mounts = false;  // once per process: its workers inherit the namespace
    if (!private_mounts) {
        if (::geteuid() != 0) return std::string("not root: the scratch copy is a plain folder");
        if (::unshare(CLONE_NEWNS) < 0) return errno_text("unshare(CLONE_NEWNS)");
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) return errno_text("making / private");
        private_mounts = true;
    }
    if (::mkdir(path.c_str(), 0700) < 0 && errno != EEXIST) return errno_text("mkdir");
    auto options = fmt::format("mode=0700,size={},nr_inodes={}", bytes, files);
    if (::mount("tmpfs", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) < 0)
        return errno_text("mounting the scratch tmpfs");
    return std::nullopt;
}

void unmount_scratch(const std::string& path) { ::umount2(path.c_str(), MNT_DETACH); }

void new_submission_user() {
    if (submission_user_lock >= 0) ::close(submission_user_lock);
    submission_user_lock = -1;
    submission_user.reset();
    submission_user_claimed = false;
}

std::optional<Credentials> program_credentials() {
    if (chosen_user) return chosen_user->uid == ::geteuid() ? std::nullopt : chosen_user;
    if (::geteuid() != 0) return std::nullopt;
    if (!submission_user_claimed) {
        submission_user_claimed = true;
        submission_user = claim_test_user();
    }
    if (submission_user) return submission_user;
    // No id range of our own here (a container that maps few ids): every submission is nobody.
    const passwd* nobody = ::getpwnam("nobody");
    return Credentials{nobody ? nobody->pw_uid : 65534, nobody ? nobody->pw_gid : 65534};
}

namespace {

// In the worker: isolates it, runs body, ends what it started.
std::string run_isolated(const WorkerBody& body, const WorkerOptions& options) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    Isolation isolation;
    if (auto error = enter_namespaces()) {
        isolation.note = fmt::format("network namespaces are not available here ({}); tests run on the host "
                                     "network, one at a time per port",
                                     *error);
        if (options.host_port > 0) lock_host_port(options.host_port);
    } else {
        isolation.namespaces = true;
    }
    // Without namespaces the program writes the host's /tmp: what its user left there goes.
    uid_t leftovers = 0;  // 0: nothing to sweep
    if (!isolation.namespaces)
        if (auto credentials = program_credentials()) leftovers = credentials->uid;
    std::string payload;
    try {
        payload = body(isolation);
    } catch (...) {
        end_all_processes();
        if (leftovers) remove_files_of(leftovers);
        throw;  // the pool ends the worker with status 5
    }
    end_all_processes();
    if (leftovers) remove_files_of(leftovers);
    return payload;
}

WorkerOutcome outcome_of(ChildEnd end, const WorkerOptions& options) {
    switch (end.how) {
    case ChildEnd::How::gave:
        return {std::move(end.payload), {}};
    case ChildEnd::How::timed_out:
        return {std::nullopt,
                fmt::format("the test worker did not finish within {} ms and was stopped", options.timeout.count())};
    case ChildEnd::How::not_started:
        return {std::nullopt, end.failure};
    case ChildEnd::How::failed:
    case ChildEnd::How::interrupted:
        break;
    }
    return {std::nullopt,
            "the test worker " + (end.exit_code == 5 ? std::string("failed with an unexpected error") : end.failure)};
}

}  // namespace

void run_in_workers(const std::vector<WorkerBody>& bodies, const WorkerOptions& options, int jobs,
                    const std::function<void(std::size_t, WorkerOutcome)>& done) {
    // Claimed here, before any fork: every worker (each test, each repeat, at
    // once or in turn) of this process's submission then runs as one user.
    program_credentials();
    ChildPoolOptions pool;
    pool.jobs = jobs;
    pool.timeout = options.timeout;
    run_in_children(
        bodies.size(), [&](std::size_t index) { return run_isolated(bodies[index], options); }, pool,
        [&](std::size_t index, ChildEnd end) {
            Cgroup::remove_leftovers();
            done(index, outcome_of(std::move(end), options));
        });
}

WorkerOutcome run_in_worker(const WorkerBody& body, const WorkerOptions& options) {
    WorkerOutcome result;
    run_in_workers({body}, options, 1, [&](std::size_t, WorkerOutcome outcome) { result = std::move(outcome); });
    return result;
}

}  // namespace sockgrade::sandbox
