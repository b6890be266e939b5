#include "capture/recorder.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <map>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <fmt/format.h>

#include "capture/pcapng.hpp"

namespace sockgrade::capture {

namespace asio = boost::asio;

namespace {

// A loopback frame is at most 14 + 65535 bytes; room for more costs nothing.
constexpr std::size_t buffer_bytes = 256 * 1024;
constexpr int packets_per_wakeup = 64;  // then let the test's other coroutines run

std::int64_t wall_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

std::string size_text(std::uint64_t bytes) {
    if (bytes >= (1u << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
    if (bytes >= 1024) return fmt::format("{} KiB", (bytes + 1023) / 1024);
    return fmt::format("{} bytes", bytes);
}

std::string flags_text(std::uint8_t flags) {
    std::string out;
    auto add = [&](std::uint8_t bit, const char* name) {
        if (flags & bit) out += (out.empty() ? "" : ",") + std::string(name);
    };
    add(0x02, "SYN");
    add(0x01, "FIN");
    add(0x04, "RST");
    return out;
}

}  // namespace

struct Recorder::Raw {
    explicit Raw(asio::any_io_executor executor, int fd) : socket(executor, fd), buffer(buffer_bytes) {}
    asio::posix::stream_descriptor socket;
    std::vector<char> buffer;
    std::vector<Packet> packets;
};

std::unique_ptr<Recorder> Recorder::start(asio::any_io_executor executor, std::int64_t max_bytes,
                                          const std::function<double()>& transcript_clock, std::string& error) {
    unsigned index = ::if_nametoindex("lo");
    if (index == 0) {
        error = fmt::format("no loopback interface: {}", std::strerror(errno));
        return nullptr;
    }
    // Protocol 0: the socket hears nothing until bind() names lo and ETH_P_ALL.
    // Opening it with ETH_P_ALL and binding after would register the tap twice,
    // and re-registering waits for an RCU grace period (about 10 ms).
    int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = fmt::format("cannot open a packet socket: {}", std::strerror(errno));
        return nullptr;
    }
    // A looped-back packet passes the socket twice, leaving and arriving: keep
    // the arriving copy only. Older kernels lack the option; drain() filters too.
    int one = 1;
    ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    int buffer = 4 << 20;  // a burst must not overflow it before the io_context gets to read
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) < 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = static_cast<int>(index);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
        error = fmt::format("cannot bind a packet socket to lo: {}", std::strerror(errno));
        ::close(fd);
        return nullptr;
    }
    std::unique_ptr<Recorder> recorder(new Recorder(std::move(executor), fd, max_bytes));
    // Both clocks read together, once everything slow is done.
    recorder->transcript_seconds_ = transcript_clock();
    recorder->started_ns_ = wall_ns();
    recorder->read_loop();
    return recorder;
}

Recorder::Recorder(asio::any_io_executor executor, int fd, std::int64_t max_bytes)
    : raw_(std::make_unique<Raw>(std::move(executor), fd)), max_bytes_(max_bytes) {}

Recorder::~Recorder() = default;

void Recorder::read_loop() {
    raw_->socket.async_wait(asio::posix::descriptor_base::wait_read, [this](boost::system::error_code ec) {
        if (ec) return;  // cancelled: the recorder may be gone, touch nothing
        drain(packets_per_wakeup);
        if (!stopped_) read_loop();
    });
}

bool Recorder::drain(int limit) {
    int fd = raw_->socket.native_handle();
    for (int i = 0; i < limit; ++i) {
        sockaddr_ll from{};
        iovec data{raw_->buffer.data(), raw_->buffer.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
        msghdr message{};
        message.msg_name = &from;
        message.msg_namelen = sizeof from;
        message.msg_iov = &data;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        // MSG_TRUNC: the frame's real length even when it did not fit.
        ssize_t n = ::recvmsg(fd, &message, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;  // EAGAIN: nothing queued
        }
        if (from.sll_pkttype == PACKET_OUTGOING) continue;
        std::int64_t time = wall_ns();
        for (auto* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                timespec stamp{};
                std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
                time = static_cast<std::int64_t>(stamp.tv_sec) * 1'000'000'000 + stamp.tv_nsec;
            }
        auto length = static_cast<std::size_t>(n);
        auto captured = std::min(length, raw_->buffer.size());
        // Once one packet did not fit, none after it is kept: the file stays a prefix of the traffic.
        if (counts_.packets_over > 0 || static_cast<std::int64_t>(counts_.bytes + captured) > max_bytes_) {
            ++counts_.packets_over;
            counts_.bytes_over += length;
            continue;
        }
        ++counts_.packets;
        counts_.bytes += captured;
        raw_->packets.push_back({time, static_cast<std::uint32_t>(length), std::string(raw_->buffer.data(), captured), {}});
    }
    return true;
}

void Recorder::stop() {
    if (stopped_) return;
    stopped_ = true;
    // Bounded: a program that floods lo until the end must not keep us here.
    for (int round = 0; round < 1000 && drain(packets_per_wakeup); ++round) {
    }
    tpacket_stats stats{};
    socklen_t size = sizeof stats;
    if (::getsockopt(raw_->socket.native_handle(), SOL_PACKET, PACKET_STATISTICS, &stats, &size) == 0)
        counts_.packets_lost = stats.tp_drops;
    boost::system::error_code ignored;
    raw_->socket.close(ignored);
}

std::string Recorder::pcapng(std::string_view title, const std::vector<PortOwner>& owners) const {
    std::map<int, std::string> owner_of;
    std::string ports;
    for (const auto& owner : owners) {
        if (owner.port <= 0) continue;
        owner_of.emplace(owner.port, owner.party);
        ports += fmt::format("{}{} = port {}", ports.empty() ? "" : ", ", owner.party, owner.port);
    }
    Section section;
    section.application = "sockgrade " SOCKGRADE_VERSION;
    section.comment = fmt::format(
        "{}\nports: {}\nEach packet's comment says who sent it to whom, and when on the test's transcript clock "
        "(+seconds since the test started).{}",
        title, ports.empty() ? std::string("none known") : ports, note().empty() ? "" : "\n" + note());
    // Every port that is not a fake peer's is the program's (nothing else runs in the namespace).
    auto name = [&](int port) {
        auto found = owner_of.find(port);
        return found != owner_of.end() ? found->second : fmt::format("program (port {})", port);
    };
    std::vector<Packet> packets = raw_->packets;
    for (auto& packet : packets) {
        double seconds = transcript_seconds_ + static_cast<double>(packet.time_ns - started_ns_) / 1e9;
        auto flow = flow_of(packet.bytes);
        if (!flow) {
            packet.comment = fmt::format("+{:.3f}s", seconds);
            continue;
        }
        auto flags = flow->tcp ? flags_text(flow->tcp_flags) : std::string();
        packet.comment = fmt::format("+{:.3f}s {} -> {}{}{}", seconds, name(flow->source_port), name(flow->destination_port),
                                     flags.empty() ? "" : " " + flags,
                                     flow->payload_bytes ? fmt::format(", {} bytes", flow->payload_bytes) : "");
    }
    return encode_pcapng(section, packets);
}

std::string Recorder::note() const {
    std::string out;
    if (counts_.packets_over > 0)
        out = fmt::format("cut at {}: {} more packets ({}) not kept", size_text(static_cast<std::uint64_t>(max_bytes_)),
                          counts_.packets_over, size_text(counts_.bytes_over));
    if (counts_.packets_lost > 0)
        out += fmt::format("{}{} packets lost (the capture's buffer was full)", out.empty() ? "" : "; ",
                           counts_.packets_lost);
    return out;
}

}  // namespace sockgrade::capture
