// peers: each fault a test can declare takes effect, as the other end (a
// stand-in for the program: plain sockets on 127.0.0.1) observes it, and the
// same seed makes the same choices.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "peers/peer.hpp"

namespace sockgrade::peers {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using scenario::Faults;
using scenario::PeerKind;
constexpr auto patience = 10s;

// Runs the io_context until `body` ends (the peer's own readers may still be
// waiting for data: they are left for the next call), at most `patience`.
template <typename T>
T run_coroutine(asio::io_context& io, asio::awaitable<T> body) {
    std::optional<T> result;
    std::exception_ptr error;
    io.restart();
    asio::co_spawn(io, std::move(body), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) result.emplace(std::move(value));
        io.stop();
    });
    io.run_for(patience);
    if (error) std::rethrow_exception(error);
    if (!result) throw std::runtime_error("the coroutine did not finish in time");
    return std::move(*result);
}

// A socket of the stand-in program, closed at the end of the test.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

int local_port(int fd) {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
}

// Bound to 127.0.0.1 on a port the kernel picks: no test depends on a free port 5000.
Fd bound_socket(int type) {
    Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
    auto address = loopback(0);
    EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    if (type == SOCK_STREAM) {
        EXPECT_EQ(::listen(fd.get(), 8), 0);
    }
    return fd;
}

bool readable(int fd, std::chrono::milliseconds within) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(within.count())) > 0;
}

Fd accept_one(const Fd& listener) {
    if (!readable(listener.get(), 5s)) return Fd();
    return Fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
}

// What the stand-in program saw: each recv()'s bytes, and how the stream ended.
struct Received {
    std::vector<std::string> chunks;
    int error = 0;  // errno of the recv() that ended it; 0 for a FIN or a timeout
    std::string all() const {
        std::string bytes;
        for (const auto& chunk : chunks) bytes += chunk;
        return bytes;
    }
};

// Reads until `bytes` arrived, the stream ended, or nothing came for a while.
Received receive(int fd, std::size_t bytes, std::size_t buffer_size = 4096) {
    Received got;
    std::vector<char> buffer(buffer_size);
    std::size_t total = 0;
    while (total < bytes && readable(fd, 5s)) {
        ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) {
            got.error = n < 0 ? errno : 0;
            break;
        }
        got.chunks.emplace_back(buffer.data(), static_cast<std::size_t>(n));
        total += static_cast<std::size_t>(n);
    }
    return got;
}

std::vector<std::string> fault_events(const util::Transcript& transcript) {
    std::vector<std::string> events;
    for (const auto& entry : transcript.entries())
        if (entry.text.en.starts_with("fault: ")) events.push_back(entry.text.en);
    return events;
}

// One fake party and what it needs: its io_context, changes and transcript.
struct Party {
    asio::io_context io;
    util::Changes changes{io.get_executor()};
    util::Transcript transcript;
    std::unique_ptr<Peer> peer;

    Party(PeerKind kind, Faults faults, std::uint64_t seed = 1) {
        scenario::Peer declaration;
        declaration.name = "A";
        declaration.kind = kind;
        declaration.faults = std::move(faults);
        peer = std::make_unique<Peer>(io.get_executor(), declaration, changes, transcript, 1 << 20, seed);
    }
    ~Party() { peer->stop(); }

    std::string connect(int port) { return run_coroutine(io, peer->connect(port, util::Clock::now() + patience)); }
    std::string send(const std::string& bytes, int port = 0) {
        return run_coroutine(io, peer->send(bytes, port, util::Clock::now() + patience));
    }
    std::string flush() { return run_coroutine(io, peer->flush(util::Clock::now() + patience)); }
    // Runs the io_context until `done` holds (the peer's reader does its work meanwhile).
    bool run_until(std::function<bool()> done) {
        return run_coroutine(io, changes.wait_until(std::move(done), util::Clock::now() + patience));
    }
    // The same, for a condition that another thread changes (no notify() comes for it).
    bool poll_until(std::function<bool()> done) {
        return run_coroutine(io, util::poll_until(changes, std::move(done), util::Clock::now() + patience));
    }
};

const std::string line40 = "a line of forty bytes, split in pieces.\n";

TEST(PeerFaults, SplitWritesReachTheProgramInTinySegments) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.split = {{1, 3}};
    faults.gap = {{20ms, 20ms}};  // long enough for the program's recv() to take each segment alone
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    Received got;
    std::thread reader([&] { got = receive(program.get(), line40.size()); });
    EXPECT_EQ(party.send(line40), "");
    reader.join();

    EXPECT_EQ(got.all(), line40);
    std::vector<std::size_t> sizes;
    for (const auto& chunk : got.chunks) sizes.push_back(chunk.size());
    std::sort(sizes.begin(), sizes.end());
    EXPECT_GE(sizes.size(), 14u) << "40 bytes in segments of at most 3 need at least 14";
    EXPECT_LE(sizes[sizes.size() / 2], 3u) << "a typical recv() holds one segment";
    auto events = fault_events(party.transcript);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_THAT(events[0], ::testing::StartsWith("fault: it leaves in "));
    EXPECT_THAT(events[0], ::testing::HasSubstr(" segments of 1 to 3 bytes: "));
}

TEST(PeerFaults, WithoutFaultsAWriteArrivesWhole) {
    // The control for the test above: on loopback, one write is one recv().
    Fd listener = bound_socket(SOCK_STREAM);
    Party party(PeerKind::tcp_client, Faults{});
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    EXPECT_EQ(party.send(line40), "");
    auto got = receive(program.get(), line40.size());
    ASSERT_EQ(got.chunks.size(), 1u);
    EXPECT_EQ(got.chunks[0], line40);
    EXPECT_TRUE(fault_events(party.transcript).empty());
}

TEST(PeerFaults, CoalescedCopiesLeaveInOneWrite) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.coalesce = {{INT_MAX, INT_MAX}};
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    std::string burst;
    for (int i = 1; i <= 10; ++i) {
        std::string copy = "linha " + std::to_string(i) + "\n";
        burst += copy;
        EXPECT_EQ(party.send(copy), "");
    }
    char probe;
    EXPECT_EQ(::recv(program.get(), &probe, 1, MSG_DONTWAIT | MSG_PEEK), -1) << "nothing leaves before the flush";
    EXPECT_EQ(party.flush(), "");
    auto got = receive(program.get(), burst.size());
    ASSERT_EQ(got.chunks.size(), 1u);
    EXPECT_EQ(got.chunks[0], burst);
}

TEST(PeerFaults, GapsKeepWritesApart) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.gap = {{30ms, 30ms}};
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    Received got;
    std::thread reader([&] { got = receive(program.get(), 3 * 8); });
    auto started = util::Clock::now();
    for (const char* copy : {"linha 1\n", "linha 2\n", "linha 3\n"}) EXPECT_EQ(party.send(copy), "");
    reader.join();
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(util::Clock::now() - started);
    EXPECT_GE(waited.count(), 55) << "two gaps of 30 ms between three writes";
    EXPECT_EQ(got.all(), "linha 1\nlinha 2\nlinha 3\n");
    EXPECT_GE(got.chunks.size(), 2u);
}

// A program that closes the connection while a split write is still leaving:
// the send says so at once (not at its deadline), and how much had reached it.
TEST(PeerFaults, ASplitWriteToAClosedConnectionStopsAtOnceAndSaysHowFarItGot) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.split = {{1, 1}};
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    { Fd program = accept_one(listener); }  // closed before anything was sent: a FIN, nothing unread
    ASSERT_TRUE(party.run_until([&] { return party.peer->inbox().closed(); }));
    auto started = util::Clock::now();
    auto problem = party.send("nineteen bytes! ok\n");
    EXPECT_LT(util::Clock::now() - started, 3s) << "it waited for its deadline";
    EXPECT_EQ(problem, "A could not send: the program closed the connection after reading 0 of 19 bytes");
    ASSERT_TRUE(party.peer->cut_short());
    EXPECT_EQ(party.peer->cut_short()->delivered, 0u);
    EXPECT_EQ(party.peer->cut_short()->total, 19u);
    EXPECT_FALSE(party.peer->cut_short()->reset);
}

TEST(PeerFaults, AProgramThatReadsThreeBytesAndClosesIsSaidToHaveDoneSo) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.split = {{1, 1}};
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    std::thread reads_three([&] {
        receive(program.get(), 3, 1);
        program = Fd();
    });
    auto started = util::Clock::now();
    auto problem = party.send("nineteen bytes! ok\n");
    reads_three.join();
    EXPECT_LT(util::Clock::now() - started, 3s) << "it waited for its deadline";
    ASSERT_TRUE(party.peer->cut_short()) << problem;
    const auto& cut = *party.peer->cut_short();
    // A FIN when it had read all that had come; an RST when the 4th byte was already there, unread.
    if (cut.reset) {
        EXPECT_GE(cut.delivered, 4u);
        EXPECT_EQ(problem, fmt::format("A could not send: the program reset the connection after receiving {} of 19 bytes",
                                       cut.delivered));
    } else {
        EXPECT_EQ(problem, "A could not send: the program closed the connection after reading 3 of 19 bytes");
    }
}

TEST(PeerFaults, ResetAfterSentLinesGivesTheProgramThoseLinesThenEconnreset) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.reset_after_sent = {{3, 3}};
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    for (int i = 1; i <= 10; ++i) EXPECT_EQ(party.send("copia " + std::to_string(i) + "\n"), "");
    auto got = receive(program.get(), 1 << 20);
    EXPECT_EQ(got.all(), "copia 1\ncopia 2\ncopia 3\n");
    EXPECT_EQ(got.error, ECONNRESET);
    EXPECT_THAT(fault_events(party.transcript),
                ::testing::ElementsAre("fault: reset its connection (RST) after sending 3 lines"));
}

TEST(PeerFaults, ResetAfterReceivedLinesResetsTheProgramsConnection) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.reset_after_received = {{5, 5}};
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    std::string lines;
    for (int i = 1; i <= 5; ++i) lines += "linha " + std::to_string(i) + "\n";
    ASSERT_EQ(::send(program.get(), lines.data(), lines.size(), 0), static_cast<ssize_t>(lines.size()));
    EXPECT_TRUE(party.run_until([&] { return party.peer->inbox().lines().size() >= 5; }));
    auto got = receive(program.get(), 1);
    EXPECT_EQ(got.error, ECONNRESET) << "the program's recv() sees the RST";
    EXPECT_THAT(fault_events(party.transcript),
                ::testing::ElementsAre("fault: reset its connection (RST) after receiving 5 lines"));
}

TEST(PeerFaults, ASlowReaderTakesAFewBytesAtATime) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.read = Faults::Read::slow;
    faults.read_size = 16;
    faults.read_every = 2ms;
    Party party(PeerKind::tcp_client, faults);
    ASSERT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    const std::string text(200, 'x');
    ASSERT_EQ(::send(program.get(), text.data(), text.size(), 0), 200);
    EXPECT_TRUE(party.run_until([&] { return party.peer->inbox().total_bytes() >= 200; }));
    int reads = 0;
    for (const auto& entry : party.transcript.entries()) reads += entry.direction == '<';
    EXPECT_GE(reads, 13) << "200 bytes, at most 16 per read";
}

// The stand-in program writes up to `limit` bytes without blocking; how many
// the kernel took before a write would have waited for 300 ms.
std::size_t bytes_taken(int fd, std::size_t limit) {
    const std::string chunk(16 * 1024, 'x');
    std::size_t sent = 0;
    while (sent < limit) {
        ssize_t n = ::send(fd, chunk.data(), std::min(chunk.size(), limit - sent), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN) break;
        pollfd writable{fd, POLLOUT, 0};
        if (::poll(&writable, 1, 300) <= 0) break;
    }
    return sent;
}

TEST(PeerFaults, AReaderThatReadsNothingLeavesTheProgramsSendBlocked) {
    constexpr std::size_t limit = 16 << 20;
    auto taken = [&](Faults faults) {
        Fd listener = bound_socket(SOCK_STREAM);
        Party party(PeerKind::tcp_client, faults);
        EXPECT_EQ(party.connect(local_port(listener.get())), "");
        Fd program = accept_one(listener);
        std::size_t result = 0;
        std::atomic<bool> written = false;
        std::thread writer([&] {
            result = bytes_taken(program.get(), limit);
            written = true;
        });
        // The peer's reader (if any) runs while the program writes.
        party.poll_until([&] { return written.load(); });
        writer.join();
        return result;
    };
    Faults stalled;
    stalled.read = Faults::Read::none;
    stalled.receive_buffer = 4096;
    EXPECT_LT(taken(stalled), limit / 2) << "the kernel buffers fill and send() would block";
    EXPECT_EQ(taken(Faults{}), limit) << "a reading peer takes everything";
}

// UDP: the stand-in program's socket, and a marker sent last by a peer
// without faults: loopback keeps order, so once the marker is in, every
// datagram sent before it that is coming at all has come.
struct UdpProgram {
    Fd socket = bound_socket(SOCK_DGRAM);
    int port = local_port(socket.get());

    std::vector<std::string> receive_until_marker() {
        std::vector<std::string> got;
        char buffer[2048];
        while (readable(socket.get(), 5s)) {
            ssize_t n = ::recv(socket.get(), buffer, sizeof buffer, 0);
            if (n < 0) break;
            got.emplace_back(buffer, static_cast<std::size_t>(n));
            if (got.back() == "marker") break;
        }
        return got;
    }
};

void send_marker(int port) {
    Party plain(PeerKind::udp_client, Faults{});
    ASSERT_EQ(plain.peer->open(0), "");
    ASSERT_EQ(plain.send("marker", port), "");
}

TEST(PeerFaults, ADroppedDatagramNeverArrives) {
    UdpProgram program;
    Faults faults;
    faults.drop = 1;
    Party party(PeerKind::udp_client, faults);
    ASSERT_EQ(party.peer->open(0), "");
    for (const char* datagram : {"d1", "d2", "d3"}) EXPECT_EQ(party.send(datagram, program.port), "");
    send_marker(program.port);
    EXPECT_THAT(program.receive_until_marker(), ::testing::ElementsAre("marker"));
    EXPECT_EQ(fault_events(party.transcript).size(), 3u);
}

TEST(PeerFaults, ADuplicatedDatagramArrivesTwice) {
    UdpProgram program;
    Faults faults;
    faults.duplicate = 1;
    Party party(PeerKind::udp_client, faults);
    ASSERT_EQ(party.peer->open(0), "");
    EXPECT_EQ(party.send("d1", program.port), "");
    send_marker(program.port);
    EXPECT_THAT(program.receive_until_marker(), ::testing::ElementsAre("d1", "d1", "marker"));
}

TEST(PeerFaults, ReorderedDatagramsAreOvertakenByTheNextOne) {
    UdpProgram program;
    Faults faults;
    faults.reorder = 1;
    Party party(PeerKind::udp_client, faults);
    ASSERT_EQ(party.peer->open(0), "");
    for (const char* datagram : {"r1", "r2", "r3", "r4"}) EXPECT_EQ(party.send(datagram, program.port), "");
    send_marker(program.port);
    EXPECT_THAT(program.receive_until_marker(), ::testing::ElementsAre("r2", "r1", "r4", "r3", "marker"));
}

TEST(PeerFaults, ADelayedDatagramArrivesAfterItsDelay) {
    UdpProgram program;
    Faults faults;
    faults.delay = {{80ms, 80ms}};
    Party party(PeerKind::udp_client, faults);
    ASSERT_EQ(party.peer->open(0), "");
    auto sent = util::Clock::now();
    EXPECT_EQ(party.send("late", program.port), "");
    send_marker(program.port);
    EXPECT_THAT(program.receive_until_marker(), ::testing::ElementsAre("marker")) << "the marker overtakes it";
    // The delayed one leaves from the peer's io_context, on its timer.
    std::vector<std::string> later;
    std::atomic<bool> read = false;
    std::thread reader([&] {
        char buffer[64];
        if (readable(program.socket.get(), 5s)) {
            ssize_t n = ::recv(program.socket.get(), buffer, sizeof buffer, 0);
            if (n > 0) later.emplace_back(buffer, static_cast<std::size_t>(n));
        }
        read = true;
    });
    party.poll_until([&] { return read.load(); });
    reader.join();
    EXPECT_THAT(later, ::testing::ElementsAre("late"));
    EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(util::Clock::now() - sent).count(), 80);
    EXPECT_THAT(fault_events(party.transcript),
                ::testing::ElementsAre("fault: the datagram \"late\" to the program is delayed by 80 ms"));
}

TEST(PeerFaults, DatagramsFromTheProgramMeetTheFaultsToo) {
    Faults faults;
    faults.duplicate = 1;
    faults.direction = Faults::Direction::from_program;
    Party party(PeerKind::udp_client, faults);
    ASSERT_EQ(party.peer->open(0), "");
    Fd program = bound_socket(SOCK_DGRAM);
    auto to = loopback(party.peer->local_port());
    ASSERT_EQ(::sendto(program.get(), "p1", 2, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 2);
    EXPECT_TRUE(party.run_until([&] { return party.peer->datagrams().size() >= 2; }));
    ASSERT_EQ(party.peer->datagrams().size(), 2u);
    EXPECT_EQ(party.peer->datagrams()[0].bytes, "p1");
    EXPECT_EQ(party.peer->datagrams()[1].bytes, "p1");
}

// The fault choices of a peer that sends the same bytes with a given seed.
std::vector<std::string> choices_with_seed(std::uint64_t seed) {
    Fd listener = bound_socket(SOCK_STREAM);
    Faults faults;
    faults.split = {{1, 5}};
    faults.reset_after_sent = {{2, 9}};
    Party party(PeerKind::tcp_client, faults, seed);
    EXPECT_EQ(party.connect(local_port(listener.get())), "");
    Fd program = accept_one(listener);
    for (int i = 1; i <= 10; ++i) EXPECT_EQ(party.send("linha " + std::to_string(i) + "\n"), "");
    return fault_events(party.transcript);
}

TEST(PeerFaults, TheSameSeedMakesTheSameChoices) {
    auto first = choices_with_seed(77);
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(first, choices_with_seed(77));
    EXPECT_NE(first, choices_with_seed(78));
}

// The fates a lossy path gives 30 datagrams with a given seed.
std::vector<std::string> fates_with_seed(std::uint64_t seed) {
    UdpProgram program;
    Faults faults;
    faults.drop = 0.3;
    faults.duplicate = 0.3;
    faults.reorder = 0.3;
    Party party(PeerKind::udp_client, faults, seed);
    EXPECT_EQ(party.peer->open(0), "");
    for (int i = 1; i <= 30; ++i) EXPECT_EQ(party.send("d" + std::to_string(i), program.port), "");
    return fault_events(party.transcript);
}

TEST(PeerFaults, TheSameSeedGivesDatagramsTheSameFates) {
    auto first = fates_with_seed(5);
    EXPECT_GE(first.size(), 10u);
    EXPECT_EQ(first, fates_with_seed(5));
    EXPECT_NE(first, fates_with_seed(6));
}

}  // namespace
}  // namespace sockgrade::peers
