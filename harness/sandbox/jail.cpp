#include "sandbox/jail.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <grp.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

namespace sockgrade::sandbox {

namespace fs = std::filesystem;

namespace {

// The new root is built on a tmpfs mounted here in the child's own mount
// namespace; every source is cloned (open_tree) before that hides it.
constexpr const char* stage = "/tmp";

// The new mount API through syscall(2): glibc has wrappers only from 2.36,
// and the portable tree must start on Ubuntu 22.04 (glibc 2.35, kernel 5.15,
// which has the calls).
int open_tree_at(int dirfd, const char* path, unsigned flags) {
    return static_cast<int>(::syscall(SYS_open_tree, dirfd, path, flags));
}
int move_mount_to(int from_fd, const char* to_path) {
    return static_cast<int>(::syscall(SYS_move_mount, from_fd, "", AT_FDCWD, to_path, MOVE_MOUNT_F_EMPTY_PATH));
}
int set_mount_attributes(int dirfd, const char* path, unsigned flags, mount_attr* attr) {
    return static_cast<int>(::syscall(SYS_mount_setattr, dirfd, path, flags, attr, sizeof *attr));
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

// The folders the system's programs live in; each shown read-only (or, when
// it is a link, as the same link: /bin -> usr/bin on a merged /usr).
constexpr const char* system_paths[] = {"/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/sys"};
constexpr const char* devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
constexpr const char* secrets[] = {"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-"};

// mkdir -p of a staged path, without allocating; folders that exist stay.
int make_directories(const std::string& path) {
    char buffer[4096];
    if (path.size() >= sizeof buffer) return ENAMETOOLONG;
    std::memcpy(buffer, path.c_str(), path.size() + 1);
    for (char* p = buffer + 1; *p; ++p) {
        if (*p != '/') continue;
        *p = '\0';
        if (::mkdir(buffer, 0755) < 0 && errno != EEXIST) return errno;
        *p = '/';
    }
    if (::mkdir(buffer, 0755) < 0 && errno != EEXIST) return errno;
    return 0;
}

int make_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return errno == EEXIST ? 0 : errno;
    ::close(fd);
    return 0;
}

// Clones a mount tree (detached) and restricts it; -1 and errno on failure.
int clone_tree(const std::string& source, bool writable) {
    int fd = open_tree_at(AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (fd < 0) return -1;
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (writable ? 0 : MOUNT_ATTR_RDONLY);
    if (set_mount_attributes(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0) {
        int error = errno;
        ::close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

// Inside a system folder (shown anyway), or the root itself.
bool shown_anyway(const std::string& clean) {
    if (clean == "/") return true;
    for (const char* system : system_paths)
        if (clean == system || clean.starts_with(std::string(system) + "/")) return true;
    return false;
}

}  // namespace

std::vector<std::string> toolchain_paths(const std::vector<std::pair<std::string, std::string>>& env) {
    std::vector<std::string> paths;
    auto add = [&](const std::string& path) {
        std::error_code ec;
        if (path.empty() || path.front() != '/' || !fs::exists(path, ec)) return;
        auto clean = fs::path(path).lexically_normal().string();
        while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
        if (!shown_anyway(clean)) paths.push_back(clean);
    };
    for (const auto& [key, value] : env) {
        if (key == "PYENV_ROOT" || key == "JAVA_HOME") add(value);
        if (key != "PATH") continue;
        std::size_t start = 0;
        while (start <= value.size()) {
            auto end = value.find(':', start);
            if (end == std::string::npos) end = value.size();
            add(value.substr(start, end - start));
            start = end + 1;
        }
    }
    return paths;
}

std::vector<std::string> paths_named_in(const std::vector<std::string>& argv, const std::string& cwd) {
    std::vector<std::string> paths;
    for (const auto& word : argv) {
        if (word.empty() || word.front() != '/') continue;
        std::error_code ec;
        auto path = fs::path(word).lexically_normal();
        if (!fs::exists(path, ec)) continue;
        // A script's folder comes along: it imports its neighbours.
        auto shown = fs::is_directory(path, ec) ? path : path.parent_path();
        auto text = shown.string();
        if (shown_anyway(text) || (!cwd.empty() && (text == cwd || text.starts_with(cwd + "/")))) continue;
        paths.push_back(text);
    }
    return paths;
}

Jail::Jail(const JailSpec& spec) : work_dir_(spec.work_dir) {
    const std::string root = stage;
    struct Wanted {
        std::string path;
        bool writable;
    };
    std::vector<Wanted> wanted;
    for (const char* system : system_paths) {
        std::error_code ec;
        if (!exists(system)) continue;
        if (fs::is_symlink(system, ec)) {
            links_.push_back({root + system, fs::read_symlink(system, ec).string()});
            continue;
        }
        wanted.push_back({system, false});
    }
    for (const auto& path : spec.read_only_paths) wanted.push_back({fs::path(path).lexically_normal().string(), false});
    for (const auto& path : spec.writable_paths) wanted.push_back({fs::path(path).lexically_normal().string(), true});
    if (!spec.work_dir.empty() && spec.work_dir != "/")
        wanted.push_back({fs::path(spec.work_dir).lexically_normal().string(), spec.work_dir_writable});
    // Parents first, so that a child's mount lands on top of its parent's; one
    // of each, and a path asked for both ways (a --writable folder also named
    // on the command line) is writable.
    std::stable_sort(wanted.begin(), wanted.end(), [](const Wanted& a, const Wanted& b) {
        auto depth = [](const std::string& path) { return std::count(path.begin(), path.end(), '/'); };
        if (depth(a.path) != depth(b.path)) return depth(a.path) < depth(b.path);
        return a.writable && !b.writable;
    });
    for (const auto& want : wanted) {
        // Shown already: the same path, or inside a folder shown the same way (PATH's /root/.pyenv/shims).
        auto covers = [&](const Bind& bind) {
            return bind.source == want.path ||
                   (bind.writable == want.writable && want.path.starts_with(bind.source + "/"));
        };
        if (!exists(want.path) || std::any_of(binds_.begin(), binds_.end(), covers)) continue;
        std::error_code ec;
        binds_.push_back({want.path, root + want.path, want.writable, !fs::is_directory(want.path, ec)});
    }
    for (const char* secret : secrets)
        if (exists(secret)) hidden_.push_back(root + secret);
    for (const auto& file : spec.hidden_files) {
        std::error_code ec;
        auto absolute = fs::absolute(file, ec).lexically_normal().string();
        if (!ec && fs::is_regular_file(absolute, ec)) hidden_.push_back(root + absolute);
    }
    for (const char* device : devices)
        if (exists(std::string("/dev/") + device)) devices_.push_back(device);
    home_staged_ = root + spec.home;
    tmp_staged_ = root + "/tmp";
    shm_staged_ = root + "/dev/shm";
    proc_staged_ = root + "/proc";
    directories_ = {root + "/dev", shm_staged_, proc_staged_, tmp_staged_, home_staged_, root + "/run", root + "/var/tmp"};
    tmp_options_ = fmt::format("mode=1777,size={},nr_inodes={}", spec.tmp_bytes, spec.tmp_files);
    home_options_ = fmt::format("mode=0777,size={},nr_inodes={}", spec.home_bytes, spec.tmp_files);
}

int Jail::fail(const char* step) const {
    failed_ = step;
    return errno ? errno : EPERM;
}

int Jail::enter() const {
    if (::unshare(CLONE_NEWNS) < 0) return fail("unshare(CLONE_NEWNS)");
    // Nothing mounted from here on propagates back to the grader's mounts.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) return fail("making / private");

    // Every tree to show, cloned while the host's paths are still in view.
    int trees[64];
    const std::size_t count = std::min<std::size_t>(binds_.size(), std::size(trees));
    for (std::size_t i = 0; i < count; ++i) {
        trees[i] = clone_tree(binds_[i].source, binds_[i].writable);
        if (trees[i] < 0) return fail("cloning a folder to show");
    }
    int device_trees[std::size(sockgrade::sandbox::devices)];
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        char path[64];
        std::snprintf(path, sizeof path, "/dev/%s", devices_[i].c_str());
        device_trees[i] = open_tree_at(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (device_trees[i] < 0) return fail("cloning a device");
    }
    int empty = open_tree_at(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (empty < 0) return fail("cloning /dev/null");

    if (::mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m,nr_inodes=4096") < 0)
        return fail("mounting the new root");
    for (const auto& dir : directories_)
        if ((errno = make_directories(dir))) return fail("making the root's folders");
    // The private /tmp, /dev/shm and HOME first: a work folder under /tmp lands on top of them.
    if (::mount("tmpfs", tmp_staged_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, tmp_options_.c_str()) < 0 ||
        ::mount("tmpfs", shm_staged_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, tmp_options_.c_str()) < 0 ||
        ::mount("tmpfs", home_staged_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, home_options_.c_str()) < 0)
        return fail("mounting /tmp, /dev/shm or HOME");
    for (const auto& link : links_)
        if (::symlink(link.target.c_str(), link.staged.c_str()) < 0) return fail("linking a system folder");
    for (std::size_t i = 0; i < count; ++i) {
        const auto& bind = binds_[i];
        // A folder inside one shown already (a work folder under /usr) finds its mount point there.
        if (!exists(bind.staged)) {
            auto slash = bind.staged.rfind('/');
            if (slash != std::string::npos && slash > 0) {
                char parent[4096];
                std::snprintf(parent, sizeof parent, "%.*s", static_cast<int>(slash), bind.staged.c_str());
                if ((errno = make_directories(parent))) return fail("making a mount point");
            }
            if ((errno = bind.file ? make_file(bind.staged) : make_directories(bind.staged))) return fail("making a mount point");
        }
        if (move_mount_to(trees[i], bind.staged.c_str()) < 0)
            return fail("showing a folder");
        ::close(trees[i]);
    }
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        char path[96];
        std::snprintf(path, sizeof path, "%s/dev/%s", stage, devices_[i].c_str());
        if ((errno = make_file(path))) return fail("making a device's node");
        if (move_mount_to(device_trees[i], path) < 0) return fail("showing a device");
        ::close(device_trees[i]);
    }
    for (const auto& hidden : hidden_) {
        if (!exists(hidden)) continue;  // not in view anyway
        int again = open_tree_at(empty, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (again < 0 || move_mount_to(again, hidden.c_str()) < 0)
            return fail("hiding a file");
        ::close(again);
    }
    ::close(empty);
    for (const char* name : {"fd", "stdin", "stdout", "stderr"}) {
        char path[64], target[32];
        std::snprintf(path, sizeof path, "%s/dev/%s", stage, name);
        if (name[0] == 'f') std::snprintf(target, sizeof target, "/proc/self/fd");
        else std::snprintf(target, sizeof target, "/proc/self/fd/%d", name[3] == 'i' ? 0 : name[3] == 'o' ? 1 : 2);
        ::symlink(target, path);
    }
    // Before the pivot: a user namespace may mount a proc only while another is in full view.
    if (::mount("proc", proc_staged_.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0)
        return fail("mounting /proc");

    // pivot_root(".", "."): the old root ends up on top of the new one, and goes.
    if (::chdir(stage) < 0) return fail("entering the new root");
    if (::syscall(SYS_pivot_root, ".", ".") < 0) return fail("pivot_root");
    if (::umount2(".", MNT_DETACH) < 0) return fail("detaching the old root");
    if (::chdir("/") < 0) return fail("entering the new root");
    mount_attr read_only{};
    read_only.attr_set = MOUNT_ATTR_RDONLY;
    if (set_mount_attributes(AT_FDCWD, "/", 0, &read_only) < 0) return fail("making the root read-only");
    if (!work_dir_.empty() && ::chdir(work_dir_.c_str()) < 0) return fail("entering the work folder");
    return 0;
}

bool become_user(uid_t uid, gid_t gid) {
    // Nothing exec'd later may regain a capability (a set-uid file is nosuid here anyway).
    for (int cap = 0; cap <= 63; ++cap) ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    if (::setgroups(0, nullptr) < 0 && errno != EPERM) return false;
    if (::setresgid(gid, gid, gid) < 0) return false;
    if (::setresuid(uid, uid, uid) < 0) return false;
    // A non-zero uid keeps no capability; clear the bounding and ambient sets too.
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[2]{};
    ::syscall(SYS_capset, &header, none);
    return ::geteuid() == uid;
}

void own_session() { ::setsid(); }

int confine(const std::vector<std::string>& join_cgroups, const Jail* jail, const uid_t* uid, const gid_t* gid,
            int message_fd) {
    for (const auto& procs : join_cgroups) {
        int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) continue;
        char self[32];
        int length = std::snprintf(self, sizeof self, "%d", static_cast<int>(::getpid()));
        [[maybe_unused]] auto ignored = ::write(fd, self, static_cast<std::size_t>(length));
        ::close(fd);
    }
    if (jail)
        if (int error = jail->enter()) {
            const char* step = jail->failed_step();
            [[maybe_unused]] auto a = ::write(message_fd, "sockgrade: the sandbox failed at ", 33);
            [[maybe_unused]] auto b = ::write(message_fd, step, std::strlen(step));
            [[maybe_unused]] auto c = ::write(message_fd, "\n", 1);
            return error;
        }
    if (uid && gid && !become_user(*uid, *gid)) return EPERM;
    return 0;
}

}  // namespace sockgrade::sandbox
