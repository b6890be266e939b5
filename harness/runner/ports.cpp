#include "runner/ports.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace sockgrade::runner {

namespace {

// Lines look like: "0: 00000000:1388 00000000:0000 0A ..." (local address:port in hex, then state).
void read_table(const char* path, bool listening_only, std::set<int>& ports) {
    std::ifstream table(path);
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state;
        if (!(fields >> slot >> local >> remote >> state)) continue;
        auto colon = local.rfind(':');
        if (colon == std::string::npos) continue;
        if (listening_only && state != "0A") continue;  // TCP_LISTEN
        ports.insert(std::stoi(local.substr(colon + 1), nullptr, 16));
    }
}

int pending_in(const char* path, int port) {
    std::ifstream table(path);
    std::string line;
    std::getline(table, line);
    int pending = 0;
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues;
        if (!(fields >> slot >> local >> remote >> state >> queues) || state != "0A") continue;
        auto colon = local.rfind(':');
        auto queue_colon = queues.find(':');
        if (colon == std::string::npos || queue_colon == std::string::npos) continue;
        if (std::stoi(local.substr(colon + 1), nullptr, 16) != port) continue;
        pending += std::stoi(queues.substr(queue_colon + 1), nullptr, 16);
    }
    return pending;
}

}  // namespace

int pending_connections(int port) { return pending_in("/proc/net/tcp", port) + pending_in("/proc/net/tcp6", port); }

std::set<int> open_ports(SocketKind kind) {
    std::set<int> ports;
    if (kind == SocketKind::tcp_listening) {
        read_table("/proc/net/tcp", true, ports);
        read_table("/proc/net/tcp6", true, ports);
    } else {
        read_table("/proc/net/udp", false, ports);
        read_table("/proc/net/udp6", false, ports);
    }
    return ports;
}

}  // namespace sockgrade::runner
