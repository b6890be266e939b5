// A pool of forked children, each running one body and handing back a string
// on a pipe: the one piece under the test workers (run_in_workers, which
// isolates each child) and `grade`'s child graders (one per submission).
// Call from a single-threaded process.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace sockgrade::sandbox {

struct ChildPoolOptions {
    int jobs = 1;                              // children at once
    std::chrono::milliseconds timeout{60000};  // a child is killed this long after its start
    bool own_process_group = false;            // Ctrl-C at the terminal then reaches only the parent
    int interrupt_fd = -1;                     // when readable: every child is killed, and no more start
};

struct ChildEnd {
    enum class How { gave, timed_out, failed, not_started, interrupted };
    How how = How::gave;
    std::string payload;  // what the body returned, when gave
    std::string failure;  // failed: "was killed by signal 9", "exited with status 5"...; not_started: why
    int exit_code = -1;   // failed by exiting
};

// Forks one child per index (at most jobs at once); in the child, body(index)
// runs and what it returns is sent back (an exception ends the child with
// status 5). The child dies with the parent. done(index, end) runs in the
// parent as each child ends, in the order they end. False when interrupted.
bool run_in_children(std::size_t count, const std::function<std::string(std::size_t)>& body,
                     const ChildPoolOptions& options, const std::function<void(std::size_t, ChildEnd)>& done);

}  // namespace sockgrade::sandbox
