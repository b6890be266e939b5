// `--stress`: busy processes that keep every CPU loaded while a test runs, so
// that a race in the program under test shows more often. They run at the
// lowest priority (nice 19), so the program and the grader still get the CPU
// when they want it, but never find one idle. Started inside a worker, they
// live in its PID namespace and end with it at the latest.
#pragma once

#include <chrono>
#include <vector>
#include <sys/types.h>

namespace sockgrade::sandbox {

class CpuLoad {
public:
    // `cpu_limit` bounds each process (RLIMIT_CPU), should it outlive the test.
    CpuLoad(int processes, std::chrono::seconds cpu_limit);
    ~CpuLoad();  // kills and reaps them
    CpuLoad(const CpuLoad&) = delete;
    CpuLoad& operator=(const CpuLoad&) = delete;

    int count() const { return static_cast<int>(pids_.size()); }

    // The name each busy process shows in /proc/PID/comm.
    static constexpr const char* process_name = "sockgrade-load";

private:
    std::vector<pid_t> pids_;
};

// The CPUs this process may run on (its affinity mask), at least 1.
int usable_cpus();

}  // namespace sockgrade::sandbox
