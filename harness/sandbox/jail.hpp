// What a student's program (or its build) can see and do: the one launcher
// step that builds and tests share, taken in the child between fork and exec.
//
// The child gets a session of its own with no controlling terminal (its
// stdout may be a pty, but /dev/tty is never the grader's terminal)
// and, inside the test's namespaces, a mount namespace whose root is built
// from nothing (a tmpfs, then pivot_root):
//   - read-only: /usr, /etc (password hashes read as empty), /bin, /lib...,
//     /opt, /sys, the toolchains the environment names (PYENV_ROOT,
//     JAVA_HOME, PATH's folders) and the folders named on the command line;
//   - its work folder at its own path: writable for a submission's scratch
//     copy, read-only for `sockgrade run`'s folder;
//   - writable and bounded: a private /tmp, HOME and /dev/shm (tmpfs);
//   - /dev: null, zero, full, random, urandom, tty; /proc of its PID namespace;
//   - nothing else: other submissions, the class and output folders, the
//     scenario, the teacher's home and /root are absent.
// Then it becomes the submission's user with no capabilities at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sockgrade::sandbox {

struct JailSpec {
    std::string work_dir;             // bound at its own path; the program starts there
    bool work_dir_writable = false;   // a submission's scratch copy is; `run`'s folder is not
    std::vector<std::string> read_only_paths;  // more to show: toolchains, files named on the command line
    std::vector<std::string> writable_paths;   // shown writable at their own paths (run --writable)
    std::vector<std::string> hidden_files;     // shown as empty files (the scenario, when it is in view)
    std::string home = "/home/student";        // a tmpfs of its own
    std::int64_t tmp_bytes = 64 << 20;         // /tmp, and /dev/shm alike
    std::int64_t home_bytes = 16 << 20;
    int tmp_files = 16384;  // inodes of /tmp (and of HOME, /dev/shm): many small files run out here
};

// Where the toolchains live, from an environment (PYENV_ROOT, JAVA_HOME, the
// folders of PATH) and argv: what a jail must show read-only for the program
// to start. Paths that do not exist are left out.
std::vector<std::string> toolchain_paths(const std::vector<std::pair<std::string, std::string>>& env);
std::vector<std::string> paths_named_in(const std::vector<std::string>& argv, const std::string& cwd);

// A jail worked out before fork (it allocates, resolves links, checks what
// exists); enter() runs in the child and does not allocate.
class Jail {
public:
    explicit Jail(const JailSpec& spec);

    // Builds the root and pivots into it, then chdir(work_dir). 0, or the
    // errno of the step that failed (what() names it): the child then exits.
    int enter() const;
    const char* failed_step() const { return failed_; }

private:
    struct Bind {
        std::string source;
        std::string staged;  // where it goes under the new root, before the pivot
        bool writable = false;
        bool file = false;
    };
    struct Link {
        std::string staged;
        std::string target;
    };
    int fail(const char* step) const;
    std::vector<Bind> binds_;  // parents before children
    std::vector<Link> links_;
    std::vector<std::string> hidden_;       // staged paths
    std::vector<std::string> directories_;  // staged, made 0755 before binding
    std::vector<std::string> devices_;      // /dev/NAME
    std::string work_dir_;
    std::string home_staged_, tmp_staged_, shm_staged_, proc_staged_;
    std::string tmp_options_, home_options_;
    mutable const char* failed_ = "";
};

// Becomes uid/gid with no supplementary groups and no capabilities; in the
// child before exec. False when the kernel refused (the child must exit).
bool become_user(uid_t uid, gid_t gid);

// The last steps both launchers take in the child before exec, in this
// order: join the control groups (each a cgroup.procs file; while /sys is
// still writable; one that fails leaves the rlimits as the cap), enter the
// jail when there is one, become the user when there is one. 0, or the errno
// of the step that failed; a failed jail step is also named on message_fd.
// Allocates nothing.
int confine(const std::vector<std::string>& join_cgroups, const Jail* jail, const uid_t* uid, const gid_t* gid,
            int message_fd);

// Makes the calling process the leader of a new session with no controlling
// terminal: /dev/tty cannot be opened (ENXIO) and TIOCSTI, which needs the
// caller's own terminal, has none. Not the stdout pty either: when a
// session leader with a terminal exits, the kernel hangs the terminal up and
// sends SIGHUP to the program's children, which an honest forking server
// would not expect. In the child before exec.
void own_session();

}  // namespace sockgrade::sandbox
