// Which ports are open in this network namespace, read from /proc/net: a
// readiness probe that does not connect (a one-shot server's single accept
// stays for the test).
#pragma once

#include <set>

namespace sockgrade::runner {

enum class SocketKind { tcp_listening, udp_bound };

std::set<int> open_ports(SocketKind kind);

}  // namespace sockgrade::runner
