// Which ports are open in this network namespace, asked of the kernel (sock_diag, else /proc/net): a
// readiness probe that does not connect (a one-shot server's single accept
// stays for the test).
#pragma once

#include <set>

namespace sockgrade::runner {

enum class SocketKind { tcp_listening, udp_bound };

std::set<int> open_ports(SocketKind kind);

// Connections that reached a listening TCP port but that the program has not
// accept()ed yet (the listen queue, which /proc reports as rx_queue).
int pending_connections(int port);

// The client ports of the connections to `port` that are still in its listen
// queue: the handshake is done, but the program has not accept()ed them.
std::set<int> unaccepted_connections(int port);

}  // namespace sockgrade::runner
