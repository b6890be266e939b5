// udp-client (lab 4): read one line from stdin and send its text as one
// datagram to 127.0.0.1.
//
// Mutants (reference/mutants/mutants.yaml) are this file built with -DMUTANT_*.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <iostream>
#include <string>

#include "common/error.hpp"
#include "common/port.hpp"
#include "common/socket.hpp"

int main(int argc, char** argv) {
  return lab::run_program("udp-client", [&]() -> int {
    std::uint16_t port = lab::port_from(argc, argv);
#ifdef MUTANT_WRONG_PORT
    port += 1;  // Bug: an off-by-one in the student's own port constant.
#endif

    std::string line;
    if (!std::getline(std::cin, line)) {
      throw lab::Error("no line to send on standard input");
    }
    if (line.ends_with('\r')) {
      line.pop_back();
    }

    lab::UniqueFd socket(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket) {
      throw lab::system_error("socket");
    }
    const sockaddr_in address = lab::ipv4_address(port, INADDR_LOOPBACK);
    auto send_datagram = [&](std::string_view text) {
      if (::sendto(socket.get(), text.data(), text.size(), 0,
                   reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0) {
        throw lab::system_error("send to " + lab::to_string(address));
      }
    };
#ifdef MUTANT_PER_CHARACTER
    // Bug: a loop meant for "send everything" that sends each character on its own.
    for (char c : line) {
      send_datagram(std::string_view(&c, 1));
    }
#else
    send_datagram(line);  // one sendto() is one datagram: the whole line, no newline
#endif

#ifdef MUTANT_EXIT_STATUS_1
    return 1;  // Bug: "1 means it worked".
#else
    return 0;
#endif
  });
}
