// tcp-server (lab 1): accept a client, print who it is and the one message it
// sends, close the connection, and wait for the next client.
//
// Mutants (reference/mutants/mutants.yaml) are this file built with -DMUTANT_*.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/port.hpp"
#include "common/socket.hpp"

namespace {

using lab::UniqueFd;

#ifdef MUTANT_LATIN1
// Bug: treats the received bytes as Latin-1 and re-encodes each one as UTF-8,
// so "ação" (already UTF-8) comes out as "aÃ§Ã£o".
std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}
#endif

UniqueFd listen_on(std::uint16_t port) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener) {
    throw lab::system_error("socket");
  }
  // Lets a restarted server bind again while old connections sit in TIME_WAIT.
  int on = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);

  sockaddr_in address = lab::ipv4_address(port);  // INADDR_ANY: every interface
#ifdef MUTANT_DIES_AT_START
  // Bug: sizeof the pointer (8) instead of the struct (16): bind() fails with EINVAL.
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof &address) < 0) {
#else
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
#endif
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

// One client: one recv() of at most 1024 bytes, as the lab asks.
void serve(UniqueFd connection, const sockaddr_in& peer) {
  const std::string who = lab::to_string(peer);
#ifndef MUTANT_NO_ADDRESS
  std::cout << "Connected by " << who << std::endl;
#endif

  char buffer[1024];
  ssize_t received = 0;
  do {
    received = ::recv(connection.get(), buffer, sizeof buffer, 0);
  } while (received < 0 && errno == EINTR);
  if (received < 0) {
    std::cerr << "tcp-server: recv from " << who << ": " << std::strerror(errno) << std::endl;
    return;
  }
  std::string_view message = lab::without_newline({buffer, static_cast<std::size_t>(received)});

#if defined(MUTANT_PRINTS_BYTE_COUNT)
  // Bug: prints how much arrived instead of what arrived.
  (void)message;
  std::cout << who << " received " << received << " bytes" << std::endl;
#elif defined(MUTANT_NO_ADDRESS)
  // Bug: the message alone; nobody can tell which client sent it.
  std::cout << message << std::endl;
#elif defined(MUTANT_LATIN1)
  std::cout << who << " " << latin1_to_utf8(message) << std::endl;
#else
  std::cout << who << " " << message << std::endl;
#endif

#ifdef MUTANT_NEVER_CLOSES
  // Bug: keeps every connection "for later" and never closes it, so the
  // client never sees the end of the conversation.
  static std::vector<UniqueFd> kept;
  kept.push_back(std::move(connection));
#endif
}  // connection closes here

}  // namespace

int main(int argc, char** argv) {
  return lab::run_program("tcp-server", [&]() -> int {
    std::uint16_t port = lab::port_from(argc, argv);
#ifdef MUTANT_WRONG_PORT
    port += 1;  // Bug: an off-by-one in the student's own port constant.
#endif
    UniqueFd listener = listen_on(port);

    for (;;) {  // serve clients one after another until killed
      sockaddr_in peer{};
      socklen_t peer_size = sizeof peer;
      UniqueFd connection(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &peer_size,
                                    SOCK_CLOEXEC));
      if (!connection) {
        if (errno == EINTR || errno == ECONNABORTED) {
          continue;  // the client gave up before we got to it; not our failure
        }
        throw lab::system_error("accept");
      }
      serve(std::move(connection), peer);
    }
  });
}
