// chat-server (lab 5): every line a client sends is forwarded to every other
// client as "<sender ip>:<port>: <text>".
//
// Threads: one per client reads and frames its lines; each client also has an
// outbox (a bounded queue) drained by its own writer thread, so a client that
// stops reading fills only its own outbox and never blocks anyone else. The
// main thread accepts clients and, on SIGINT/SIGTERM, hangs everyone up and
// joins every thread.
//
// Mutants (reference/mutants/mutants.yaml) are this file built with -DMUTANT_*.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <stack>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/bounded_queue.hpp"
#include "common/error.hpp"
#include "common/line_buffer.hpp"
#include "common/port.hpp"
#include "common/socket.hpp"

namespace {

using namespace std::chrono_literals;
using lab::UniqueFd;

constexpr std::size_t max_line_bytes = lab::LineBuffer::default_max_line;  // 256 KiB
constexpr std::size_t max_outbox_bytes = 1024 * 1024;  // a client this far behind is dropped

void log_event(const std::string& text) {
  // One write per line, so lines logged by different threads never mix.
  std::cerr << ("chat-server: " + text + "\n") << std::flush;
}

// The self-pipe trick: a signal handler may do almost nothing safely, but it
// may write() a byte, and that wakes the main thread's poll().
int stop_pipe_write_end = -1;

extern "C" void on_stop_signal(int) {
  const int saved_errno = errno;
  const char byte = 1;
  [[maybe_unused]] ssize_t ignored = ::write(stop_pipe_write_end, &byte, 1);
  errno = saved_errno;
}

struct Client {
  Client(UniqueFd socket, std::string name) : socket(std::move(socket)), name(std::move(name)) {}

  // Wakes both of its threads: recv() returns 0, send() fails, pop() ends.
  void hang_up() {
    ::shutdown(socket.get(), SHUT_RDWR);
    outbox.close();
  }

  UniqueFd socket;
  const std::string name;  // "127.0.0.1:54321"
  lab::BoundedQueue<std::string> outbox{max_outbox_bytes,
                                        [](const std::string& line) { return line.size(); }};
  std::atomic<bool> finished = false;  // its session thread is done and may be reaped
#ifdef MUTANT_NEWCOMER_UNHEARD
  bool heard = true;
#endif
};

class Room {
 public:
  // False once the server is stopping: the newcomer is turned away.
  bool join(const std::shared_ptr<Client>& client) {
#ifndef MUTANT_UNSYNCHRONISED_LIST  // Bug: the list is shared by every thread, but nothing guards it
    std::lock_guard lock(mutex_);
#endif
    if (closed_) {
      return false;
    }
    clients_.push_back(client);
    return true;
  }

  void leave(const Client& client) {
#ifndef MUTANT_UNSYNCHRONISED_LIST
    std::lock_guard lock(mutex_);
#endif
#ifdef MUTANT_STOPS_AFTER_LEAVE
    // Bug: an inverted predicate erases everyone except the client that left.
    std::erase_if(clients_, [&](const auto& other) { return other.get() != &client; });
#else
    std::erase_if(clients_, [&](const auto& other) { return other.get() == &client; });
#endif
  }

  void broadcast(const Client& sender, std::string_view text) {
    const std::string line = sender.name + ": " + std::string(text) + "\n";
    // Pushing never blocks, so holding the lock cannot stall anyone; and one
    // lock around the whole fan-out gives every client the same order.
#ifndef MUTANT_UNSYNCHRONISED_LIST
    std::lock_guard lock(mutex_);
#endif
    for (auto it = clients_.begin(); it != clients_.end();) {
      Client& client = **it;
#ifdef MUTANT_ECHO_ONLY
      if (&client != &sender) {  // Bug: the comparison is the wrong way round.
#else
      if (&client == &sender) {
#endif
        ++it;
        continue;
      }
#ifdef MUTANT_BLOCKING_BROADCAST
      // Bug: sends to each client right here, under the lock. A client that
      // stops reading fills its socket buffers, send() blocks, and every other
      // sender then waits for the lock: one stalled reader stalls the room.
      lab::send_all(client.socket.get(), line);
      ++it;
      continue;
#endif
#ifdef MUTANT_FORWARDS_TWICE
      // Bug: the line is queued once in a loop over the clients and once more
      // after it (a copy-pasted send), so everyone hears everything twice.
      client.outbox.try_push(line);
#endif
      if (client.outbox.try_push(line) == lab::PushResult::full) {
        log_event(client.name + " dropped: it stopped reading (over 1 MiB waiting for it)");
        client.hang_up();
        it = clients_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::vector<std::shared_ptr<Client>> snapshot() {
    std::lock_guard lock(mutex_);
    return clients_;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }

 private:
  std::mutex mutex_;
  std::vector<std::shared_ptr<Client>> clients_;
  bool closed_ = false;
};

void write_lines(Client& client) {
  while (auto line = client.outbox.pop()) {
    if (!lab::send_all(client.socket.get(), *line)) {
      client.hang_up();  // it is gone: stop queueing for it and wake its reader
      return;
    }
  }
}

#ifdef MUTANT_REORDERS
bool readable_within(int fd, std::chrono::milliseconds timeout) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, static_cast<int>(timeout.count())) != 0;
}
#endif

#ifndef MUTANT_BLOCKED_BY_IDLE  // that mutant reads every client in one thread instead
// Reads the client's lines and forwards each; returns how it ended, for the log.
std::string read_lines(Room& room, Client& client) {
  lab::LineBuffer lines(max_line_bytes);
  char buffer[16 * 1024];
#ifdef MUTANT_FIRST_LINE_ONLY
  bool forwarded_one = false;
#endif
#ifdef MUTANT_REORDERS
  // Bug: batches lines until the sender pauses for 100 ms, but keeps the batch
  // in a std::stack, so a burst comes out last line first.
  std::stack<std::string> batch;
  auto flush_batch = [&] {
    for (; !batch.empty(); batch.pop()) {
      room.broadcast(client, batch.top());
    }
  };
#endif
  for (;;) {
#ifdef MUTANT_REORDERS
    if (!batch.empty() && !readable_within(client.socket.get(), 100ms)) {
      flush_batch();
    }
#endif
    const ssize_t received = ::recv(client.socket.get(), buffer, sizeof buffer, 0);
#if defined(MUTANT_SPINS_AFTER_LEAVE)
    // Bug: no "received == 0 means the client left": recv() keeps returning 0
    // at once, and this thread loops flat out forever.
    if (received == 0) {
      continue;
    }
#elif defined(MUTANT_FLOODS_AFTER_LEAVE)
    // Bug: forwards whatever recv() returned, even nothing: after a close it
    // sends "<addr>: " to everyone, as fast as it can, forever.
    if (received == 0) {
      room.broadcast(client, "");
      continue;
    }
#else
    if (received == 0) {  // FIN: the client closed; forward a last unended line
#ifdef MUTANT_REORDERS
      flush_batch();
#endif
      if (std::string rest = lines.take_rest(); !rest.empty()) {
        room.broadcast(client, rest);
      }
      return "left";
    }
#endif
    if (received < 0) {
      if (errno == EINTR) {
        continue;
      }
#ifdef MUTANT_EXITS_ON_RESET
      // Bug: any recv() error, even one client's reset, ends the whole server.
      std::perror("recv");
      std::exit(1);
#endif
      return "left (" + std::string(std::strerror(errno)) + ")";  // e.g. a reset (RST)
    }
#ifdef MUTANT_RECV_IS_MESSAGE
    // Bug: takes what one recv() returned for one message, as if TCP kept the
    // sender's writes apart: a line that arrives in two pieces is forwarded as
    // two lines, and two lines that arrive together as one.
    std::string_view message(buffer, static_cast<std::size_t>(received));
    if (message.ends_with('\n')) {
      message.remove_suffix(1);
    }
    room.broadcast(client, message);
    continue;
#endif
    if (!lines.feed({buffer, static_cast<std::size_t>(received)})) {
      return "dropped: a line longer than 256 KiB";
    }
    while (auto line = lines.pop_line()) {
#ifdef MUTANT_FIRST_LINE_ONLY
      // Bug: a flag meant to log the first message also gates forwarding.
      if (forwarded_one) {
        continue;
      }
      forwarded_one = true;
#endif
#ifdef MUTANT_TRUNCATES_1024
      // Bug: the student's line buffer is a char[1024]; the rest is lost.
      line->resize(std::min<std::size_t>(line->size(), 1024));
#endif
#ifdef MUTANT_MANGLES_UTF8
      // Bug: "cleans" the text of every byte that is not ASCII.
      std::erase_if(*line, [](unsigned char c) { return c >= 0x80; });
#endif
#ifdef MUTANT_REORDERS
      batch.push(std::move(*line));
      continue;
#endif
      room.broadcast(client, *line);
    }
  }
}
#endif

#ifdef MUTANT_BLOCKED_BY_IDLE
// Bug: one thread reads every client, taking them in turn with a blocking
// recv(): while it waits on an idle client, nobody else's lines are read.
void read_in_turn(std::stop_token stop, Room& room) {
  std::map<const Client*, lab::LineBuffer> lines;
  char buffer[16 * 1024];
  while (!stop.stop_requested()) {
    auto clients = room.snapshot();
    if (clients.empty()) {
      std::this_thread::sleep_for(50ms);
    }
    for (const auto& client : clients) {
      const ssize_t received = ::recv(client->socket.get(), buffer, sizeof buffer, 0);
      auto& framing = lines[client.get()];
      if (received <= 0 || !framing.feed({buffer, static_cast<std::size_t>(received)})) {
        room.leave(*client);
        client->hang_up();
        lines.erase(client.get());
        continue;
      }
      while (auto line = framing.pop_line()) {
        room.broadcast(*client, *line);
      }
    }
  }
}
#endif

void run_session(Room& room, const std::shared_ptr<Client>& client) {
#ifdef MUTANT_BLOCKED_BY_IDLE
  const bool joined = true;  // the accept loop added it, in the order the clients came
#else
  const bool joined = room.join(client);
#endif
  if (joined) {
    log_event(client->name + " joined");
    std::string how = "left";
    {
      std::jthread writer([&] { write_lines(*client); });
#if defined(MUTANT_BLOCKED_BY_IDLE)
      writer.join();  // the shared reader thread reads its lines
#elif defined(MUTANT_NEWCOMER_UNHEARD)
      if (client->heard) {
        how = read_lines(room, *client);
      } else {
        writer.join();  // Bug: nobody ever reads a newcomer's lines
      }
#else
      how = read_lines(room, *client);
#endif
      room.leave(*client);
      client->hang_up();
    }  // joins the writer
    log_event(client->name + " " + how);
  }
  client->finished = true;
}

UniqueFd listen_on(std::uint16_t port) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener) {
    throw lab::system_error("socket");
  }
  int on = 1;  // lets a restarted server bind again while old connections sit in TIME_WAIT
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address = lab::ipv4_address(port);  // INADDR_ANY: every interface
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    if (errno == EADDRINUSE) {
      throw lab::Error("port " + std::to_string(port) + " is in use");
    }
    throw lab::system_error("cannot bind port " + std::to_string(port));
  }
  if (::listen(listener.get(), SOMAXCONN) < 0) {
    throw lab::system_error("cannot listen on port " + std::to_string(port));
  }
  return listener;
}

// Blocks (no spinning) until a client is waiting (true) or a stop signal came (false).
bool wait_for_client(int listener, int stop_pipe) {
  pollfd fds[] = {{listener, POLLIN, 0}, {stop_pipe, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;  // the signal's byte is in the pipe; the next poll() sees it
      }
      throw lab::system_error("poll");
    }
    if (fds[1].revents != 0) {
      return false;
    }
    if (fds[0].revents != 0) {
      return true;
    }
  }
}

struct Session {
  std::shared_ptr<Client> client;
  std::jthread thread;  // declared last, so destroyed (joined) first
};

}  // namespace

int main(int argc, char** argv) {
  return lab::run_program("chat-server", [&]() -> int {
    std::uint16_t port = lab::port_from(argc, argv);

    // A client that vanishes while we send must not kill the server with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    int pipe_ends[2];
    if (::pipe2(pipe_ends, O_CLOEXEC | O_NONBLOCK) < 0) {
      throw lab::system_error("pipe");
    }
    UniqueFd stop_read_end(pipe_ends[0]);
    UniqueFd stop_write_end(pipe_ends[1]);
    stop_pipe_write_end = stop_write_end.get();
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;  // other threads' recv()/send() just carry on
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);

    UniqueFd listener = listen_on(port);
    log_event("listening on port " + std::to_string(port));

    Room room;
    std::list<Session> sessions;
#ifdef MUTANT_BLOCKED_BY_IDLE
    std::jthread reader(read_in_turn, std::ref(room));
#endif
#ifdef MUTANT_NEWCOMER_UNHEARD
    const auto started = std::chrono::steady_clock::now();
#endif
    while (wait_for_client(listener.get(), stop_read_end.get())) {
      sockaddr_in peer{};
      socklen_t peer_size = sizeof peer;
      UniqueFd socket(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &peer_size,
                                SOCK_CLOEXEC));
      if (!socket) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) {
          continue;
        }
        log_event("accept: " + std::string(std::strerror(errno)));
        std::this_thread::sleep_for(100ms);  // e.g. out of file descriptors: don't spin on it
        continue;
      }
      std::erase_if(sessions, [](const Session& s) { return s.client->finished.load(); });
      auto client = std::make_shared<Client>(std::move(socket), lab::to_string(peer));
#ifdef MUTANT_NEWCOMER_UNHEARD
      // Bug: reading threads are only for the clients of the first second (the
      // "lobby"); later clients are added to the list but never read.
      client->heard = std::chrono::steady_clock::now() - started < 1s;
#endif
#ifdef MUTANT_BLOCKED_BY_IDLE
      // As in the students' code it stands for, the accept loop appends to the
      // list, so the reader takes the clients in the order they connected.
      if (!room.join(client)) {
        continue;
      }
#endif
#ifdef MUTANT_ONE_AT_A_TIME
      // Bug: serves the client right here in the accept loop: the next client
      // is not accepted until this one leaves.
      run_session(room, client);
#else
      sessions.push_back({client, std::jthread(run_session, std::ref(room), client)});
#endif
    }

    log_event("stopping");
    listener.reset();
    room.close();
    for (Session& session : sessions) {
      session.client->hang_up();
    }
#ifdef MUTANT_BLOCKED_BY_IDLE
    reader.request_stop();
    for (const auto& client : room.snapshot()) {
      client->hang_up();
    }
#endif
    sessions.clear();  // joins every session thread
    return 0;
  });
}
