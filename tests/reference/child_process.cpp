#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace reftest {
namespace {

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

void make_pipe(lab::UniqueFd& read_end, lab::UniqueFd& write_end) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) < 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  read_end.reset(ends[0]);
  write_end.reset(ends[1]);
}

}  // namespace

std::string program_path(std::string_view name) {
  // SOCKGRADE_REFERENCE_OVERRIDE=<lab>=<path> runs these tests against another
  // build of one lab, e.g. a mutant, to see which tests catch it.
  if (const char* override_spec = std::getenv("SOCKGRADE_REFERENCE_OVERRIDE")) {
    std::string_view spec(override_spec);
    if (auto equals = spec.find('='); equals != spec.npos && spec.substr(0, equals) == name) {
      return std::string(spec.substr(equals + 1));
    }
  }
  return std::string(SOCKGRADE_REFERENCE_DIR) + "/" + std::string(name);
}

ChildProcess::ChildProcess(const std::string& path, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::vector<std::string>& unset) {
  // A child that exits while we write its stdin must fail the write, not kill the test.
  ::signal(SIGPIPE, SIG_IGN);

  lab::UniqueFd child_stdin, child_stdout, child_stderr;
  make_pipe(child_stdin, stdin_);
  make_pipe(stdout_, child_stdout);
  make_pipe(stderr_, child_stderr);

  std::vector<std::string> argv_text{path};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  std::set<std::string> replaced(unset.begin(), unset.end());
  for (const auto& [name, value] : env) {
    replaced.insert(name);
  }
  std::vector<std::string> env_text;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!replaced.contains(std::string(text.substr(0, text.find('='))))) {
      env_text.emplace_back(text);
    }
  }
  for (const auto& [name, value] : env) {
    env_text.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& entry : env_text) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);

  // posix_spawn rather than fork(): safe in a multi-threaded test process.
  // dup2 onto 0/1/2 clears O_CLOEXEC there; every other pipe end stays CLOEXEC.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_stdin.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_stdout.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_stderr.get(), STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // don't hand our SIG_IGN down to the child
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  int error = ::posix_spawn(&pid_, path.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + path + ": " + std::strerror(error));
  }
  ::fcntl(stdout_.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(stderr_.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(stdin_.get(), F_SETFL, O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool ChildProcess::write_stdin(std::string_view bytes, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    pollfd entry{stdin_.get(), POLLOUT, 0};
    if (::poll(&entry, 1, remaining_ms(deadline)) <= 0) {
      return false;
    }
    ssize_t written = ::write(stdin_.get(), bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

void ChildProcess::close_stdin() { stdin_.reset(); }

void ChildProcess::pump(Millis timeout) {
  pollfd fds[] = {{stdout_.get(), POLLIN, 0}, {stderr_.get(), POLLIN, 0}};
  if (::poll(fds, 2, static_cast<int>(timeout.count())) <= 0) {
    return;
  }
  char buffer[64 * 1024];
  if (fds[0].revents != 0) {
    ssize_t got = ::read(stdout_.get(), buffer, sizeof buffer);
    if (got > 0) {
      (void)stdout_lines_.feed({buffer, static_cast<std::size_t>(got)});
    } else if (got == 0) {
      stdout_.reset();  // EOF: poll() ignores a negative fd from now on
    }
  }
  if (fds[1].revents != 0) {
    ssize_t got = ::read(stderr_.get(), buffer, sizeof buffer);
    if (got > 0) {
      stderr_text_.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0) {
      stderr_.reset();
    }
  }
}

std::optional<std::string> ChildProcess::read_stdout_line(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto line = stdout_lines_.pop_line()) {
      return line;
    }
    if (!stdout_ || Clock::now() >= deadline) {
      return std::nullopt;
    }
    pump(Millis(remaining_ms(deadline)));
  }
}

bool ChildProcess::wait_stderr_contains(std::string_view text, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (stderr_text_.find(text) != std::string::npos) {
      return true;
    }
    if (!stderr_ || Clock::now() >= deadline) {
      return false;
    }
    pump(Millis(remaining_ms(deadline)));
  }
}

std::string ChildProcess::stderr_text() {
  pump(Millis(0));
  pump(Millis(0));
  return stderr_text_;
}

std::size_t ChildProcess::stderr_count(std::string_view text) {
  std::string all = stderr_text();
  std::size_t count = 0;
  for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + text.size())) {
    ++count;
  }
  return count;
}

std::optional<int> ChildProcess::wait_exit(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!status_) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (Clock::now() >= deadline) {
      break;
    }
    // Keep the pipes drained meanwhile, so a chatty child never blocks on a full pipe.
    pump(Millis(5));
  }
  return status_;
}

bool ChildProcess::running() { return !wait_exit(Millis(0)); }

void ChildProcess::send_signal(int signal) {
  if (!status_) {
    ::kill(pid_, signal);
  }
}

Millis ChildProcess::cpu_time() const {
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long ticks = 0;
  for (int index = 3; fields >> field && index <= 15; ++index) {
    if (index == 14 || index == 15) {  // utime, stime
      ticks += std::stol(field);
    }
  }
  return Millis(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
}

}  // namespace reftest
