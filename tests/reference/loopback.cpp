#include "loopback.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace reftest {
namespace {

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

lab::UniqueFd make_socket(int type) {
  lab::UniqueFd socket(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!socket) {
    fail("socket");
  }
  return socket;
}

std::uint16_t bound_port(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

bool bind_to(int fd, std::uint16_t port) {
  sockaddr_in address = lab::ipv4_address(port, INADDR_LOOPBACK);
  return ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// Is there a line in /proc/net/<table> for local port `port` in state `state`?
bool proc_net_has(const char* table, std::uint16_t port, const char* state) {
  std::ifstream file(std::string("/proc/net/") + table);
  std::string line;
  std::getline(file, line);  // header
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  while (std::getline(file, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, st;
    fields >> slot >> local >> remote >> st;
    if (local.ends_with(wanted) && st == state) {
      return true;
    }
  }
  return false;
}

bool wait_proc_net(const char* table, std::uint16_t port, const char* state, ChildProcess& child,
                   Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (proc_net_has(table, port, state)) {
      return true;
    }
    if (!child.running() || Clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(Millis(5));  // a poll interval, bounded by the deadline
  }
}

}  // namespace

std::uint16_t free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    lab::UniqueFd tcp = make_socket(SOCK_STREAM);
    if (!bind_to(tcp.get(), 0)) {
      fail("bind");
    }
    std::uint16_t port = bound_port(tcp.get());
    lab::UniqueFd udp = make_socket(SOCK_DGRAM);
    if (bind_to(udp.get(), port)) {
      return port;
    }
  }
  throw std::runtime_error("no port free for both TCP and UDP");
}

bool wait_tcp_listening(std::uint16_t port, ChildProcess& child, Millis timeout) {
  return wait_proc_net("tcp", port, "0A", child, timeout);  // 0A: LISTEN
}

bool wait_udp_bound(std::uint16_t port, ChildProcess& child, Millis timeout) {
  return wait_proc_net("udp", port, "07", child, timeout);  // 07: unconnected, bound
}

TcpPeer::TcpPeer(lab::UniqueFd socket) : socket_(std::move(socket)) {
  ::fcntl(socket_.get(), F_SETFL, O_NONBLOCK);
  int on = 1;
  ::setsockopt(socket_.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

TcpPeer TcpPeer::connect(std::uint16_t port, int receive_buffer) {
  lab::UniqueFd socket = make_socket(SOCK_STREAM);
  if (receive_buffer > 0) {  // before connect(), so the window is small from the start
    ::setsockopt(socket.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in address = lab::ipv4_address(port, INADDR_LOOPBACK);
  if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    fail("connect to port " + std::to_string(port));
  }
  return TcpPeer(std::move(socket));
}

std::uint16_t TcpPeer::local_port() const { return bound_port(socket_.get()); }

bool TcpPeer::send(std::string_view bytes, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    pollfd entry{socket_.get(), POLLOUT, 0};
    if (::poll(&entry, 1, remaining_ms(deadline)) <= 0) {
      return false;
    }
    ssize_t sent = ::send(socket_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::optional<std::string> TcpPeer::read_line(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  char buffer[64 * 1024];
  for (;;) {
    if (auto line = lines_.pop_line()) {
      return line;
    }
    pollfd entry{socket_.get(), POLLIN, 0};
    if (::poll(&entry, 1, remaining_ms(deadline)) <= 0) {
      return std::nullopt;
    }
    ssize_t got = ::recv(socket_.get(), buffer, sizeof buffer, 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
      return std::nullopt;
    }
    if (got > 0) {
      (void)lines_.feed({buffer, static_cast<std::size_t>(got)});
    }
  }
}

std::vector<std::string> TcpPeer::read_lines(std::size_t count, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  std::vector<std::string> lines;
  while (lines.size() < count) {
    auto line = read_line(Millis(remaining_ms(deadline)));
    if (!line) {
      break;
    }
    lines.push_back(std::move(*line));
  }
  return lines;
}

StreamEnd TcpPeer::read_to_end(std::string& received, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  received += lines_.take_rest();
  char buffer[64 * 1024];
  for (;;) {
    pollfd entry{socket_.get(), POLLIN, 0};
    if (::poll(&entry, 1, remaining_ms(deadline)) <= 0) {
      return StreamEnd::timeout;
    }
    ssize_t got = ::recv(socket_.get(), buffer, sizeof buffer, 0);
    if (got == 0) {
      return StreamEnd::closed;
    }
    if (got < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        continue;
      }
      return StreamEnd::reset;
    }
    received.append(buffer, static_cast<std::size_t>(got));
  }
}

bool TcpPeer::silent_for(Millis quiet) {
  if (!lines_.empty()) {
    return false;
  }
  pollfd entry{socket_.get(), POLLIN, 0};
  return ::poll(&entry, 1, static_cast<int>(quiet.count())) == 0;
}

void TcpPeer::close_with_fin() {
  ::shutdown(socket_.get(), SHUT_WR);
  socket_.reset();
}

void TcpPeer::close_with_reset() {
  linger option{1, 0};
  ::setsockopt(socket_.get(), SOL_SOCKET, SO_LINGER, &option, sizeof option);
  socket_.reset();
}

TcpListener::TcpListener() : socket_(make_socket(SOCK_STREAM)) {
  if (!bind_to(socket_.get(), 0) || ::listen(socket_.get(), 16) < 0) {
    fail("listen");
  }
  port_ = bound_port(socket_.get());
}

std::optional<TcpPeer> TcpListener::accept(Millis timeout) {
  pollfd entry{socket_.get(), POLLIN, 0};
  if (::poll(&entry, 1, static_cast<int>(timeout.count())) <= 0) {
    return std::nullopt;
  }
  lab::UniqueFd peer(::accept4(socket_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!peer) {
    return std::nullopt;
  }
  return TcpPeer(std::move(peer));
}

UdpPeer::UdpPeer(std::uint16_t port) : socket_(make_socket(SOCK_DGRAM)) {
  if (!bind_to(socket_.get(), port)) {
    fail("bind UDP port " + std::to_string(port));
  }
  port_ = bound_port(socket_.get());
}

bool UdpPeer::send_to(std::uint16_t port, std::string_view text) {
  sockaddr_in address = lab::ipv4_address(port, INADDR_LOOPBACK);
  return ::sendto(socket_.get(), text.data(), text.size(), 0,
                  reinterpret_cast<sockaddr*>(&address), sizeof address) ==
         static_cast<ssize_t>(text.size());
}

std::optional<std::pair<std::string, std::uint16_t>> UdpPeer::receive(Millis timeout) {
  pollfd entry{socket_.get(), POLLIN, 0};
  if (::poll(&entry, 1, static_cast<int>(timeout.count())) <= 0) {
    return std::nullopt;
  }
  char buffer[64 * 1024];
  sockaddr_in sender{};
  socklen_t size = sizeof sender;
  ssize_t got = ::recvfrom(socket_.get(), buffer, sizeof buffer, MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&sender), &size);
  if (got < 0) {
    return std::nullopt;
  }
  return std::pair{std::string(buffer, static_cast<std::size_t>(got)), ntohs(sender.sin_port)};
}

}  // namespace reftest
