// runner/ports: which ports are open, read from /proc/net. Every socket here is
// opened inside a sandbox worker (a fresh network namespace), so fixed ports
// are safe and the host's own sockets do not show.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "runner/ports.hpp"
#include "sandbox/sandbox.hpp"

namespace sockgrade::runner {
namespace {

// Collects what went wrong inside the worker; the payload is empty when nothing did.
struct Problems {
    std::string text;
    void operator()(const std::string& problem) { text += problem + "\n"; }
};

int tcp_socket(int family = AF_INET) { return ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0); }

bool bind_loopback(int fd, int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

int local_port(int fd) {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
}

// Runs body in a worker; skips the test where namespaces are unavailable (the
// host's ports would then be shared with everything else on this machine).
std::string in_fresh_namespace(const std::function<std::string()>& body) {
    auto outcome = sandbox::run_in_worker(
        [&](const sandbox::Isolation& isolation) {
            if (!isolation.namespaces) return std::string("SKIP ") + isolation.note;
            return body();
        },
        {std::chrono::seconds(20), 0});
    if (!outcome.payload) return "worker error: " + outcome.error;
    return *outcome.payload;
}

#define RUN_IN_FRESH_NAMESPACE(...)                                      \
    do {                                                                 \
        auto payload = in_fresh_namespace(__VA_ARGS__);                  \
        if (payload.starts_with("SKIP ")) GTEST_SKIP() << payload;       \
        EXPECT_EQ(payload, "");                                          \
    } while (false)

TEST(RunnerOpenPorts, NothingOpenInAFreshNamespace) {
    RUN_IN_FRESH_NAMESPACE([] {
        Problems problem;
        auto tcp = open_ports(SocketKind::tcp_listening);
        auto udp = open_ports(SocketKind::udp_bound);
        if (!tcp.empty()) problem(fmt::format("TCP listening: {}", tcp));
        if (!udp.empty()) problem(fmt::format("UDP bound: {}", udp));
        return problem.text;
    });
}

TEST(RunnerOpenPorts, TcpListenerIsReportedOnlyOnceListening) {
    RUN_IN_FRESH_NAMESPACE([] {
        Problems problem;
        int fd = tcp_socket();
        if (!bind_loopback(fd, 5000)) return std::string("bind 5000 failed");
        if (open_ports(SocketKind::tcp_listening).contains(5000)) problem("reported while only bound");
        ::listen(fd, 4);
        int high = tcp_socket();
        if (!bind_loopback(high, 0xABCD) || ::listen(high, 4) != 0) return std::string("bind 43981 failed");
        auto tcp = open_ports(SocketKind::tcp_listening);
        if (tcp != std::set<int>{5000, 0xABCD}) problem(fmt::format("TCP listening: {} (want 5000, 43981)", tcp));
        if (open_ports(SocketKind::udp_bound).contains(5000)) problem("a TCP listener shown as UDP");
        ::close(fd);
        ::close(high);
        if (!open_ports(SocketKind::tcp_listening).empty()) problem("still reported after close");
        return problem.text;
    });
}

TEST(RunnerOpenPorts, UdpSocketIsReportedOnceBound) {
    RUN_IN_FRESH_NAMESPACE([] {
        Problems problem;
        int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (!bind_loopback(fd, 5001)) return std::string("bind udp 5001 failed");
        auto udp = open_ports(SocketKind::udp_bound);
        if (udp != std::set<int>{5001}) problem(fmt::format("UDP bound: {} (want 5001)", udp));
        if (open_ports(SocketKind::tcp_listening).contains(5001)) problem("a UDP socket shown as a TCP listener");
        ::close(fd);
        if (open_ports(SocketKind::udp_bound).contains(5001)) problem("still reported after close");
        return problem.text;
    });
}

TEST(RunnerOpenPorts, Ipv6ListenerIsReported) {
    RUN_IN_FRESH_NAMESPACE([] {
        int fd = tcp_socket(AF_INET6);
        if (fd < 0) return std::string("SKIP no IPv6 here");
        int v6only = 1;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_port = htons(5002);
        address.sin6_addr = in6addr_any;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            return std::string("SKIP IPv6 bind failed");
        ::listen(fd, 4);
        auto tcp = open_ports(SocketKind::tcp_listening);
        return tcp == std::set<int>{5002} ? std::string() : fmt::format("TCP listening: {} (want 5002)", tcp);
    });
}

// A connection's two ends (the client's ephemeral port, the accepted socket)
// are not listeners: only the listening port is reported.
TEST(RunnerOpenPorts, ConnectedSocketsAreNotListeners) {
    RUN_IN_FRESH_NAMESPACE([] {
        Problems problem;
        int listener = tcp_socket();
        if (!bind_loopback(listener, 5000) || ::listen(listener, 4) != 0) return std::string("listen failed");
        int client = tcp_socket();
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(5000);
        server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(client, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0)
            return std::string("connect failed");
        int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (accepted < 0) return std::string("accept failed");
        ::close(listener);  // the port now has only an established connection
        int client_port = local_port(client);
        auto tcp = open_ports(SocketKind::tcp_listening);
        if (!tcp.empty()) problem(fmt::format("TCP listening: {} (client port {}, none listens)", tcp, client_port));
        return problem.text;
    });
}

// A connection whose handshake is done but that the program has not
// accept()ed is named by its client's port; one it accepted is not, nor is
// one it accepted and closed again.
TEST(RunnerUnacceptedConnections, NamesOnlyTheClientsStillInTheListenQueue) {
    RUN_IN_FRESH_NAMESPACE([] {
        Problems problem;
        int listener = tcp_socket();
        if (!bind_loopback(listener, 5000) || ::listen(listener, 4) != 0) return std::string("listen failed");
        if (!unaccepted_connections(5000).empty()) problem("reported before anyone connected");
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(5000);
        server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int clients[3];
        for (int& client : clients) {
            client = tcp_socket();
            if (::connect(client, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0)
                return std::string("connect failed");
        }
        // accept() takes them in the order they came: the first is served and kept, the second served and closed.
        int served = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        int closed = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (served < 0 || closed < 0) return std::string("accept failed");
        ::close(closed);
        std::set<int> want{local_port(clients[2])};
        if (auto got = unaccepted_connections(5000); got != want)
            problem(fmt::format("unaccepted {} (want {}; served {}, closed {})", got, want, local_port(clients[0]),
                                local_port(clients[1])));
        ::shutdown(clients[2], SHUT_WR);  // a client that gave up waiting is still in the queue
        if (auto got = unaccepted_connections(5000); got != want)
            problem(fmt::format("after its FIN: unaccepted {} (want {})", got, want));
        if (!unaccepted_connections(5001).empty()) problem("reported on a port nobody connected to");
        return problem.text;
    });
}

}  // namespace
}  // namespace sockgrade::runner
