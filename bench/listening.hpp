// "Is some socket listening on TCP port P?", asked the way `ss -ltn` asks:
// a NETLINK_SOCK_DIAG dump of listening sockets only. Its cost does not grow
// with the machine's other connections, unlike reading /proc/net/tcp, which
// walks every socket of the host's hash table (thousands in TIME_WAIT after a
// test suite has run: 10-20 ms a read on a busy machine).
#pragma once

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace bench {

inline bool listening_on(int family, int port) {
    int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return false;
    struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } message{};
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.request.sdiag_family = static_cast<std::uint8_t>(family);
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = 1U << 10;  // TCP_LISTEN
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    bool found = false;
    if (::sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
        ::close(fd);
        return false;
    }
    alignas(nlmsghdr) char buffer[16384];
    for (int reads = 0; reads < 1000; ++reads) {  // bounded: a dump of listeners is short
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        auto left = static_cast<unsigned>(n);
        bool done = false;
        for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
                done = true;
                break;
            }
            auto* socket = static_cast<inet_diag_msg*>(NLMSG_DATA(h));
            if (ntohs(socket->id.idiag_sport) == port) found = true;
        }
        if (done) break;
    }
    ::close(fd);
    return found;
}

inline bool listening(int port) { return listening_on(AF_INET, port) || listening_on(AF_INET6, port); }

}  // namespace bench
