// A control group that holds the program and everything it starts: a hard
// cap on processes (a fork bomb stops there, whoever runs the grader) and on
// memory, and a CPU share of its own. cgroup v1 (pids, memory controllers), where the grader may create
// groups; elsewhere the rlimits of process/ are the only caps.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sockgrade::sandbox {

class Cgroup {
public:
    // nullptr when no controller could be set up (no permission, no cgroup fs).
    // cpu_shares: the group's CPU weight against its siblings (cpu.shares;
    // 0 keeps the kernel's 1024, a test's program).
    static std::unique_ptr<Cgroup> create(int max_processes, std::int64_t max_memory_bytes, int cpu_shares = 0);
    ~Cgroup();
    Cgroup(const Cgroup&) = delete;
    Cgroup& operator=(const Cgroup&) = delete;

    // Files a process writes its pid into to join (before it drops privileges).
    const std::vector<std::string>& procs_files() const { return procs_files_; }

    // Removes the groups a worker made, when it could not (it was killed), and
    // any left by workers that no longer exist. Only empty groups can go.
    static void remove_leftovers();

    bool caps_processes() const { return !pids_dir_.empty(); }
    bool process_limit_hit() const;  // a fork or thread was refused
    bool memory_limit_hit() const;   // the kernel killed for memory, or refused it

private:
    Cgroup() = default;
    std::string pids_dir_;
    std::string memory_dir_;
    std::string cpu_dir_;
    std::vector<std::string> procs_files_;
};

}  // namespace sockgrade::sandbox
