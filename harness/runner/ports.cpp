#include "runner/ports.hpp"

#include <fstream>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <optional>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace sockgrade::runner {

namespace {

struct OpenSocket {
    int port = 0;
    int pending = 0;  // for a listener: connections not accept()ed yet
    int remote_port = 0;
    unsigned long inode = 0;  // 0: no process holds it (not accept()ed yet, or orphaned after close)
};

constexpr unsigned tcp_established = 1;
constexpr unsigned tcp_close_wait = 8;
constexpr unsigned tcp_listen = 10;

// Asks the kernel the way `ss` does (NETLINK_SOCK_DIAG): its cost does not
// grow with the host's other connections, unlike reading /proc/net/tcp, which
// walks the whole host's table (tens of ms on a busy machine). nullopt when
// netlink is not available, and /proc is read instead.
std::optional<std::vector<OpenSocket>> ask_kernel(int family, int protocol, unsigned states) {
    int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return std::nullopt;
    struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } message{};
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.request.sdiag_family = static_cast<__u8>(family);
    message.request.sdiag_protocol = static_cast<__u8>(protocol);
    message.request.idiag_states = states;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
        ::close(fd);
        return std::nullopt;
    }
    std::vector<OpenSocket> found;
    alignas(nlmsghdr) char buffer[16384];
    bool done = false, failed = false;
    for (int reads = 0; reads < 1000 && !done; ++reads) {  // bounded: a sandbox has few sockets
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            failed = true;
            break;
        }
        auto left = static_cast<unsigned>(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                done = true;
                break;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                failed = true;
                done = true;
                break;
            }
            auto* socket = static_cast<inet_diag_msg*>(NLMSG_DATA(h));
            found.push_back({ntohs(socket->id.idiag_sport), static_cast<int>(socket->idiag_rqueue),
                             ntohs(socket->id.idiag_dport), socket->idiag_inode});
        }
    }
    ::close(fd);
    if (failed) return std::nullopt;
    return found;
}

// Lines look like: "0: 00000000:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 12345 ..."
// (local address:port in hex, remote, state, tx_queue:rx_queue, timer, retransmits, uid, timeout, inode).
std::vector<OpenSocket> read_table(const char* path, unsigned states) {
    std::vector<OpenSocket> found;
    std::ifstream table(path);
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
        unsigned long inode = 0;
        if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode))
            continue;
        auto colon = local.rfind(':');
        auto remote_colon = remote.rfind(':');
        auto queue_colon = queues.find(':');
        if (colon == std::string::npos || remote_colon == std::string::npos || queue_colon == std::string::npos) continue;
        if (!(states & (1U << std::stoi(state, nullptr, 16)))) continue;
        found.push_back({std::stoi(local.substr(colon + 1), nullptr, 16),
                         std::stoi(queues.substr(queue_colon + 1), nullptr, 16),
                         std::stoi(remote.substr(remote_colon + 1), nullptr, 16), inode});
    }
    return found;
}

std::vector<OpenSocket> sockets(int protocol, unsigned states) {
    bool tcp = protocol == IPPROTO_TCP;
    auto v4 = ask_kernel(AF_INET, protocol, states);
    auto v6 = ask_kernel(AF_INET6, protocol, states);
    if (v4 && v6) {
        v4->insert(v4->end(), v6->begin(), v6->end());
        return *v4;
    }
    auto found = read_table(tcp ? "/proc/net/tcp" : "/proc/net/udp", states);
    auto found6 = read_table(tcp ? "/proc/net/tcp6" : "/proc/net/udp6", states);
    found.insert(found.end(), found6.begin(), found6.end());
    return found;
}

std::vector<OpenSocket> sockets(SocketKind kind) {
    return kind == SocketKind::tcp_listening ? sockets(IPPROTO_TCP, 1U << tcp_listen) : sockets(IPPROTO_UDP, ~0U);
}

}  // namespace

std::set<int> open_ports(SocketKind kind) {
    std::set<int> ports;
    for (const auto& socket : sockets(kind)) ports.insert(socket.port);
    return ports;
}

std::set<int> unaccepted_connections(int port) {
    // A connection in the listen queue is a whole socket, established (or
    // half-closed by its client), that no file descriptor refers to yet.
    std::set<int> clients;
    for (const auto& socket : sockets(IPPROTO_TCP, 1U << tcp_established | 1U << tcp_close_wait))
        if (socket.port == port && socket.inode == 0) clients.insert(socket.remote_port);
    return clients;
}

int pending_connections(int port) {
    int pending = 0;
    for (const auto& socket : sockets(SocketKind::tcp_listening))
        if (socket.port == port) pending += socket.pending;
    return pending;
}

}  // namespace sockgrade::runner
