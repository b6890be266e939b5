// Runs one program under test: its stdin, stdout and stderr are pipes, every
// wait has a deadline, and the destructor kills and reaps it whatever happened
// in the test (RAII), so a failed assertion never leaves a process behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_buffer.hpp"
#include "common/socket.hpp"

namespace reftest {

using Millis = std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Generous: a loaded CI machine running tests in parallel must not make them flaky.
inline constexpr Millis patience{5000};

// Path of a built reference program, e.g. program_path("tcp-server").
std::string program_path(std::string_view name);

class ChildProcess {
 public:
  // Starts path with args; env holds variables to set ("" value still sets),
  // unset names variables to remove (e.g. "PORT").
  ChildProcess(const std::string& path, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {},
               const std::vector<std::string>& unset = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // False if the child stopped reading before timeout (or is gone).
  bool write_stdin(std::string_view bytes, Millis timeout = patience);
  void close_stdin();

  // The next line the child prints on stdout (without "\n"), or nullopt at timeout or EOF.
  std::optional<std::string> read_stdout_line(Millis timeout = patience);
  // True once stderr (all of it so far) contains text.
  bool wait_stderr_contains(std::string_view text, Millis timeout = patience);
  // Everything the child wrote on stderr up to now.
  std::string stderr_text();
  // Counts occurrences of text in stderr so far.
  std::size_t stderr_count(std::string_view text);

  // Exit status (128 + signal number when killed by a signal), or nullopt if
  // it is still running after timeout.
  std::optional<int> wait_exit(Millis timeout = patience);
  bool running();
  void send_signal(int signal);
  // Kernel CPU + user CPU the child has used so far.
  Millis cpu_time() const;

 private:
  // Reads whatever stdout/stderr hold now, waiting up to timeout for something.
  void pump(Millis timeout);

  pid_t pid_ = -1;
  std::optional<int> status_;
  lab::UniqueFd stdin_;
  lab::UniqueFd stdout_;
  lab::UniqueFd stderr_;
  lab::LineBuffer stdout_lines_{std::size_t(1) << 30};
  std::string stderr_text_;
};

}  // namespace reftest
