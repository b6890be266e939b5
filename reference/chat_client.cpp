// chat-client (lab 6): send the lines typed on stdin to the chat server and
// print the server's lines as soon as they arrive, both at the same time.
//
// One thread, two inputs: poll() waits on stdin and on the socket together
// and tells which one has something, so neither waits for the other. It also
// makes both ways out simple: stdin ends, or the server closes.
//
// Mutants (reference/mutants/mutants.yaml) are this file built with -DMUTANT_*.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>

#include "common/error.hpp"
#include "common/line_buffer.hpp"
#include "common/port.hpp"
#include "common/socket.hpp"

namespace {

lab::UniqueFd connect_to(std::uint16_t port) {
  lab::UniqueFd server(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!server) {
    throw lab::system_error("socket");
  }
  sockaddr_in address = lab::ipv4_address(port, INADDR_LOOPBACK);
  if (::connect(server.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    throw lab::system_error("cannot connect to " + lab::to_string(address));
  }
  return server;
}

void send_line(int server, const std::string& line) {
#ifdef MUTANT_NO_NEWLINE
  // Bug: the text alone; the server never sees where the line ends.
  const std::string& message = line;
#else
  const std::string message = line + "\n";
#endif
  if (!lab::send_all(server, message)) {
    throw lab::system_error("send");
  }
}

}  // namespace

int main(int argc, char** argv) {
  return lab::run_program("chat-client", [&]() -> int {
    std::uint16_t port = lab::port_from(argc, argv);
#ifdef MUTANT_WRONG_PORT
    port += 1;  // Bug: an off-by-one in the student's own port constant.
#endif
    std::signal(SIGPIPE, SIG_IGN);  // a closed stdout or socket is an error, not a silent death
    lab::UniqueFd server = connect_to(port);
    char buffer[16 * 1024];

#ifdef MUTANT_BLOCKING_INPUT
    // Bug: the classic loop: read a line, send it, then wait for one answer.
    // Whatever the server sends shows up only after the user types something.
    std::string line;
    while (std::getline(std::cin, line)) {
      send_line(server.get(), line);
      const ssize_t received = ::recv(server.get(), buffer, sizeof buffer, 0);
      if (received <= 0) {
        return 0;
      }
      std::cout.write(buffer, received) << std::flush;
    }
    ::shutdown(server.get(), SHUT_WR);
    return 0;
#endif

    // Lines typed may arrive in pieces (or many at once); send only whole ones.
    lab::LineBuffer typed(std::numeric_limits<std::size_t>::max());
    pollfd fds[] = {{STDIN_FILENO, POLLIN, 0}, {server.get(), POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw lab::system_error("poll");
      }

      if (fds[1].revents != 0) {  // the server first: print what arrived
        const ssize_t received = ::recv(server.get(), buffer, sizeof buffer, 0);
        if (received < 0 && errno == EINTR) {
          continue;
        }
        if (received < 0 && errno != ECONNRESET) {
          throw lab::system_error("recv");
        }
        if (received <= 0) {
          if (received < 0) {
            std::cerr << "chat-client: the server reset the connection" << std::endl;
          }
#ifdef MUTANT_IGNORES_SERVER_CLOSE
          // Bug: stops listening to the server but keeps running.
          fds[1].fd = -1;  // poll() skips negative fds
          continue;
#endif
          return 0;  // the server closed the connection
        }
        std::cout.write(buffer, received) << std::flush;
      }

      if (fds[0].revents != 0) {
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got < 0) {
          if (errno == EINTR) {
            continue;
          }
          throw lab::system_error("read standard input");
        }
        (void)typed.feed({buffer, static_cast<std::size_t>(got)});  // no limit: never false
        while (auto line = typed.pop_line()) {
          send_line(server.get(), *line);
        }
        if (got == 0) {  // end of stdin: send a last unended line, then say we're done
          if (std::string rest = typed.take_rest(); !rest.empty()) {
            send_line(server.get(), rest);
          }
#ifdef MUTANT_IGNORES_STDIN_EOF
          // Bug: stops reading stdin at its end but keeps running.
          fds[0].fd = -1;
          continue;
#endif
          ::shutdown(server.get(), SHUT_WR);  // FIN after our last line
          return 0;
        }
      }
    }
  });
}
