// The test's side of the conversation on 127.0.0.1: free ports, readiness
// probes, and TCP/UDP sockets whose every wait has a deadline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "child_process.hpp"
#include "common/line_buffer.hpp"
#include "common/socket.hpp"

namespace reftest {

// A port nothing uses now, for both TCP and UDP (chosen by the kernel: bind port 0).
std::uint16_t free_port();

// Readiness from /proc/net, which does not use up a one-shot server's accept().
// Gives up early (false) if the child exits.
bool wait_tcp_listening(std::uint16_t port, ChildProcess& child, Millis timeout = patience);
bool wait_udp_bound(std::uint16_t port, ChildProcess& child, Millis timeout = patience);

enum class StreamEnd { closed, reset, timeout };

class TcpPeer {
 public:
  static TcpPeer connect(std::uint16_t port, int receive_buffer = 0);
  explicit TcpPeer(lab::UniqueFd socket);

  std::uint16_t local_port() const;
  std::string local_name() const { return "127.0.0.1:" + std::to_string(local_port()); }

  bool send(std::string_view bytes, Millis timeout = patience);
  std::optional<std::string> read_line(Millis timeout = patience);
  // Exactly count lines, or what arrived before timeout.
  std::vector<std::string> read_lines(std::size_t count, Millis timeout = patience);
  // Reads (and keeps) everything until the peer closes; says how it ended.
  StreamEnd read_to_end(std::string& received, Millis timeout = patience);
  // True if no byte arrives during quiet.
  bool silent_for(Millis quiet);

  void close_with_fin();
  void close_with_reset();  // SO_LINGER 0: close() sends RST
  int fd() const { return socket_.get(); }

 private:
  lab::UniqueFd socket_;
  lab::LineBuffer lines_{std::size_t(1) << 30};
};

class TcpListener {
 public:
  TcpListener();  // on 127.0.0.1, a port the kernel picks
  std::uint16_t port() const { return port_; }
  std::optional<TcpPeer> accept(Millis timeout = patience);

 private:
  lab::UniqueFd socket_;
  std::uint16_t port_ = 0;
};

class UdpPeer {
 public:
  explicit UdpPeer(std::uint16_t port = 0);  // bound on 127.0.0.1
  std::uint16_t port() const { return port_; }
  bool send_to(std::uint16_t port, std::string_view text);
  // One datagram and its sender's port, or nullopt at timeout.
  std::optional<std::pair<std::string, std::uint16_t>> receive(Millis timeout = patience);

 private:
  lab::UniqueFd socket_;
  std::uint16_t port_ = 0;
};

}  // namespace reftest
