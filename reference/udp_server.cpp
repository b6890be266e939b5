// udp-server (lab 3): print the sender and the text of every datagram that
// arrives, until stopped.
//
// Mutants (reference/mutants/mutants.yaml) are this file built with -DMUTANT_*.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/port.hpp"
#include "common/socket.hpp"

int main(int argc, char** argv) {
  return lab::run_program("udp-server", [&]() -> int {
    std::uint16_t port = lab::port_from(argc, argv);
#ifdef MUTANT_WRONG_PORT
    port += 1;  // Bug: an off-by-one in the student's own port constant.
#endif

    lab::UniqueFd socket(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket) {
      throw lab::system_error("socket");
    }
    sockaddr_in address = lab::ipv4_address(port);  // INADDR_ANY: every interface
    if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
      if (errno == EADDRINUSE) {
        throw lab::Error("port " + std::to_string(port) + " is in use");
      }
      throw lab::system_error("cannot bind port " + std::to_string(port));
    }

    // No connection in UDP: each recvfrom() is one whole datagram, and tells who sent it.
#ifdef MUTANT_ONE_DATAGRAM
    constexpr bool keep_receiving = false;  // Bug: copied the TCP server's "one client, then done".
#else
    constexpr bool keep_receiving = true;
#endif
    do {
      char buffer[1024];
      sockaddr_in sender{};
      socklen_t sender_size = sizeof sender;
      ssize_t received = ::recvfrom(socket.get(), buffer, sizeof buffer, 0,
                                    reinterpret_cast<sockaddr*>(&sender), &sender_size);
      if (received < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw lab::system_error("recvfrom");
      }
      std::string_view message =
          lab::without_newline({buffer, static_cast<std::size_t>(received)});
#if defined(MUTANT_PRINTS_BYTE_COUNT)
      // Bug: prints how much arrived instead of what arrived.
      (void)message;
      std::cout << lab::to_string(sender) << " received " << received << " bytes" << std::endl;
#elif defined(MUTANT_NO_ADDRESS)
      // Bug: the message alone; nobody can tell who sent it.
      std::cout << message << std::endl;
#else
      std::cout << lab::to_string(sender) << " " << message << std::endl;
#endif
    } while (keep_receiving);
    return 0;
  });
}
