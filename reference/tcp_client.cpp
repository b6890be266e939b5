// tcp-client (lab 2): read one line from stdin, send it to the server on
// 127.0.0.1, close the connection, exit 0.
//
// Mutants (reference/mutants/mutants.yaml) are this file built with -DMUTANT_*.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <string>

#include "common/error.hpp"
#include "common/port.hpp"
#include "common/socket.hpp"

int main(int argc, char** argv) {
  return lab::run_program("tcp-client", [&]() -> int {
    std::uint16_t port = lab::port_from(argc, argv);
#ifdef MUTANT_WRONG_PORT
    port += 1;  // Bug: an off-by-one in the student's own port constant.
#endif

    std::string line;
#ifdef MUTANT_FIRST_WORD_ONLY
    // Bug: operator>> stops at the first space; std::getline reads the whole line.
    if (!(std::cin >> line)) {
#else
    if (!std::getline(std::cin, line)) {
#endif
      throw lab::Error("no line to send on standard input");
    }
    if (line.ends_with('\r')) {
      line.pop_back();  // a line typed on Windows
    }

    lab::UniqueFd server(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!server) {
      throw lab::system_error("socket");
    }
    sockaddr_in address = lab::ipv4_address(port, INADDR_LOOPBACK);
    if (::connect(server.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
      throw lab::system_error("cannot connect to " + lab::to_string(address));
    }
    if (!lab::send_all(server.get(), line + "\n")) {
      throw lab::system_error("send to " + lab::to_string(address));
    }

#ifdef MUTANT_NEVER_EXITS
    // Bug: waits for an answer the lab never promised, holding the connection open.
    for (;;) {
      ::pause();
    }
#endif
    server.reset();  // close(): the server sees the end of the message
#ifdef MUTANT_EXIT_STATUS_1
    return 1;  // Bug: "1 means it worked".
#else
    return 0;
#endif
  });
}
