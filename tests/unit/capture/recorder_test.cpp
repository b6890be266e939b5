// capture/recorder: a real packet socket on lo, inside a sandbox worker's own
// network namespace (as every test runs), read back by an independent reader.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "capture/recorder.hpp"
#include "sandbox/sandbox.hpp"
#include "support/pcapng_reader.hpp"

namespace sockgrade::capture {
namespace {

const std::string skip_prefix = "SKIP: ";

struct Connection {
    int client = -1, server = -1;
    int client_port = 0, server_port = 0;
    ~Connection() {
        if (client >= 0) ::close(client);
        if (server >= 0) ::close(server);
    }
};

int port_of(int fd) {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
}

// A TCP connection over 127.0.0.1, blocking, every read bounded by 5 s.
bool connect_pair(Connection& c) {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1) != 0) return false;
    socklen_t size = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
    c.client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(c.client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return false;
    c.server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    ::close(listener);
    timeval five{5, 0};
    for (int fd : {c.client, c.server}) ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
    c.client_port = port_of(c.client);
    c.server_port = ntohs(address.sin_port);
    return c.server >= 0;
}

// Sends `text` on `from` and reads it whole on `to`: once it has been read,
// the packets that carried it have passed the capture's tap.
bool pass(int from, int to, const std::string& text) {
    if (::send(from, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) return false;
    std::string got;
    char buffer[4096];
    while (got.size() < text.size()) {
        ssize_t n = ::recv(to, buffer, sizeof buffer, 0);
        if (n <= 0) return false;  // includes the 5 s SO_RCVTIMEO
        got.append(buffer, static_cast<std::size_t>(n));
    }
    return got == text;
}

// Runs `traffic` under a recorder in a fresh worker; returns "<packets read by
// the io_context>\n<note>\n" followed by the pcapng file, or a SKIP line.
std::string record_in_worker(std::int64_t max_bytes, const std::function<std::string(Connection&)>& traffic) {
    sandbox::WorkerOptions options;
    options.timeout = std::chrono::seconds(20);
    auto outcome = sandbox::run_in_worker(
        [&](const sandbox::Isolation& isolation) -> std::string {
            if (!isolation.namespaces) return skip_prefix + isolation.note;
            boost::asio::io_context io;
            std::string error;
            auto recorder = Recorder::start(io.get_executor(), max_bytes, [] { return 1.5; }, error);
            if (!recorder) return "ERROR: " + error;
            Connection connection;
            if (!connect_pair(connection)) return "ERROR: no loopback connection";
            if (auto problem = traffic(connection); !problem.empty()) return "ERROR: " + problem;
            io.poll();  // the io_context's read: the packet socket is readable by now
            auto read_by_io = recorder->counts().packets + recorder->counts().packets_over;
            ::close(connection.client);
            connection.client = -1;
            recorder->stop();
            return fmt::format("{}\n{}\n", read_by_io, recorder->note()) +
                   recorder->pcapng("unit test", {{"S", connection.server_port}, {"C", connection.client_port}});
        },
        options);
    return outcome.payload ? *outcome.payload : "ERROR: " + outcome.error;
}

struct Recorded {
    std::uint64_t read_by_io = 0;
    std::string note;
    std::string file;
};

Recorded split(const std::string& payload) {
    Recorded r;
    auto first = payload.find('\n'), second = payload.find('\n', first + 1);
    r.read_by_io = std::stoull(payload.substr(0, first));
    r.note = payload.substr(first + 1, second - first - 1);
    r.file = payload.substr(second + 1);
    return r;
}

TEST(CaptureRecorder, RecordsEachLoopbackPacketOnceWithItsPayload) {
    auto payload = record_in_worker(8 << 20, [](Connection& c) -> std::string {
        if (!pass(c.client, c.server, "hello capture\n")) return "first message lost";
        if (!pass(c.server, c.client, "reply\n")) return "reply lost";
        return {};
    });
    if (payload.starts_with(skip_prefix)) GTEST_SKIP() << payload;
    ASSERT_FALSE(payload.starts_with("ERROR")) << payload;
    auto recorded = split(payload);
    EXPECT_GT(recorded.read_by_io, 0u) << "the io_context never read the packet socket";
    EXPECT_EQ(recorded.note, "");

    std::string error;
    auto file = testing::read_pcapng(recorded.file, error);
    ASSERT_TRUE(file) << error;
    // Looped-back packets pass the tap leaving and arriving: one copy must remain.
    int hello = 0, syn = 0;
    for (const auto& packet : file->packets) {
        auto segment = testing::tcp_segment(packet.bytes);
        ASSERT_TRUE(segment) << "a packet that is not TCP over IPv4";
        hello += segment->payload == "hello capture\n";
        syn += (segment->flags & 0x12) == 0x02;
    }
    EXPECT_EQ(hello, 1);
    EXPECT_EQ(syn, 1);
    auto streams = testing::tcp_streams(*file, error);
    EXPECT_EQ(error, "");
    ASSERT_EQ(streams.size(), 2u);
    std::string sent, replied;
    for (const auto& [ports, bytes] : streams) (bytes.starts_with("hello") ? sent : replied) = bytes;
    EXPECT_EQ(sent, "hello capture\n");
    EXPECT_EQ(replied, "reply\n");

    // The comments name the ports' owners, and give times on the transcript's clock (1.5 s at start).
    ASSERT_EQ(file->section_comments.size(), 1u);
    EXPECT_NE(file->section_comments[0].find("S = port"), std::string::npos) << file->section_comments[0];
    EXPECT_NE(file->section_comments[0].find("C = port"), std::string::npos) << file->section_comments[0];
    ASSERT_FALSE(file->packets.empty());
    ASSERT_EQ(file->packets[0].comments.size(), 1u);
    EXPECT_TRUE(file->packets[0].comments[0].starts_with("+1.5")) << file->packets[0].comments[0];
    EXPECT_NE(file->packets[0].comments[0].find("C -> S SYN"), std::string::npos) << file->packets[0].comments[0];
    bool data_comment = false;
    for (const auto& packet : file->packets)
        for (const auto& comment : packet.comments) data_comment |= comment.ends_with("C -> S, 14 bytes");
    EXPECT_TRUE(data_comment);
}

TEST(CaptureRecorder, KeepsAPrefixUpToItsCapAndCountsTheRest) {
    auto payload = record_in_worker(200, [](Connection& c) -> std::string {
        for (int i = 0; i < 5; ++i)
            if (!pass(c.client, c.server, std::string(100, static_cast<char>('a' + i)) + "\n")) return "lost";
        return {};
    });
    if (payload.starts_with(skip_prefix)) GTEST_SKIP() << payload;
    ASSERT_FALSE(payload.starts_with("ERROR")) << payload;
    auto recorded = split(payload);
    std::string error;
    auto file = testing::read_pcapng(recorded.file, error);
    ASSERT_TRUE(file) << error;
    std::size_t kept = 0;
    for (const auto& packet : file->packets) kept += packet.bytes.size();
    EXPECT_LE(kept, 200u);
    ASSERT_EQ(file->packets.size(), 2u);  // SYN and SYN-ACK (74 bytes each); the third did not fit
    EXPECT_TRUE(recorded.note.starts_with("cut at 200 bytes: ")) << recorded.note;
    EXPECT_NE(recorded.note.find("more packets"), std::string::npos) << recorded.note;
    // And the file says so too.
    EXPECT_NE(file->section_comments[0].find(recorded.note), std::string::npos);
}

}  // namespace
}  // namespace sockgrade::capture
