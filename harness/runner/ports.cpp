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

}  // namespace

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
