// capture/pcapng: the file Wireshark opens, read back by an independent reader
// (tests/support/pcapng_reader.hpp), and the ports the comments are made from.
#include <gtest/gtest.h>

#include "capture/pcapng.hpp"
#include "support/pcapng_reader.hpp"

namespace sockgrade::capture {
namespace {

// An Ethernet + IPv4 + TCP (or UDP) frame from 127.0.0.1 to 127.0.0.1.
std::string frame(int protocol, int from, int to, std::uint8_t flags, std::string payload, std::uint32_t seq = 1000) {
    std::string f(14, '\0');
    f[12] = '\x08';  // IPv4
    std::size_t transport_header = protocol == 6 ? 20 : 8;
    std::size_t total = 20 + transport_header + payload.size();
    std::string ip(20, '\0');
    ip[0] = '\x45';
    ip[2] = static_cast<char>(total >> 8);
    ip[3] = static_cast<char>(total & 0xFF);
    ip[8] = 64;
    ip[9] = static_cast<char>(protocol);
    ip[12] = ip[16] = 127;
    ip[15] = ip[19] = 1;
    std::string t(transport_header, '\0');
    t[0] = static_cast<char>(from >> 8);
    t[1] = static_cast<char>(from & 0xFF);
    t[2] = static_cast<char>(to >> 8);
    t[3] = static_cast<char>(to & 0xFF);
    if (protocol == 6) {
        for (int k = 0; k < 4; ++k) t[4 + k] = static_cast<char>((seq >> (24 - 8 * k)) & 0xFF);
        t[12] = '\x50';
        t[13] = static_cast<char>(flags);
    } else {
        t[4] = static_cast<char>((8 + payload.size()) >> 8);
        t[5] = static_cast<char>((8 + payload.size()) & 0xFF);
    }
    return f + ip + t + payload;
}

TEST(Pcapng, ReadsBackWithEveryPacketAndComment) {
    Section section;
    section.comment = "sockgrade: chat-server / broadcast\nports: program = port 5000, A = port 41000";
    section.application = "sockgrade test";
    std::vector<Packet> packets;
    packets.push_back({1'700'000'000'123'456'789, 0, frame(6, 41000, 5000, 0x02, ""), "+0.001s A -> program SYN"});
    packets.push_back({1'700'000'000'223'456'789, 0, frame(6, 41000, 5000, 0x18, "ola\n", 1001), ""});
    packets.push_back({1'700'000'000'323'456'789, 0, frame(17, 40000, 5000, 0, "odd length!"), "udp"});
    auto bytes = encode_pcapng(section, packets);

    std::string error;
    auto file = testing::read_pcapng(bytes, error);
    ASSERT_TRUE(file) << error;
    ASSERT_EQ(file->section_comments.size(), 1u);
    EXPECT_EQ(file->section_comments[0], section.comment);
    EXPECT_EQ(file->application, "sockgrade test");
    EXPECT_EQ(file->link_type, 1);  // Ethernet
    EXPECT_EQ(file->interface_name, "lo");
    EXPECT_EQ(file->timestamp_resolution, 9);
    ASSERT_EQ(file->packets.size(), 3u);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(file->packets[i].bytes, packets[i].bytes);
        EXPECT_EQ(file->packets[i].timestamp, static_cast<std::uint64_t>(packets[i].time_ns));
        EXPECT_EQ(file->packets[i].original_length, packets[i].bytes.size());
        if (packets[i].comment.empty()) EXPECT_TRUE(file->packets[i].comments.empty());
        else EXPECT_EQ(file->packets[i].comments, std::vector<std::string>{packets[i].comment});
    }
}

TEST(Pcapng, KeepsTheOriginalLengthOfACutPacketAndCutsAtTheSnapLength) {
    Section section;
    section.snap_length = 64;
    std::vector<Packet> packets{{5, 70000, std::string(100, 'x'), ""}};
    std::string error;
    auto file = testing::read_pcapng(encode_pcapng(section, packets), error);
    ASSERT_TRUE(file) << error;
    ASSERT_EQ(file->packets.size(), 1u);
    EXPECT_EQ(file->packets[0].bytes, std::string(64, 'x'));
    EXPECT_EQ(file->packets[0].original_length, 70000u);
}

TEST(Pcapng, CommentsAreAlwaysValidUtf8) {
    Section section;
    section.comment = "bad \xff\xfe bytes \xc3";
    std::vector<Packet> packets{{0, 0, "abc", "\x80 alone"}};
    std::string error;
    auto file = testing::read_pcapng(encode_pcapng(section, packets), error);
    ASSERT_TRUE(file) << error;
    EXPECT_EQ(file->section_comments[0], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD");
    EXPECT_EQ(file->packets[0].comments[0], "\xEF\xBF\xBD alone");
}

TEST(Pcapng, AnEmptyCaptureIsStillAFile) {
    std::string error;
    auto file = testing::read_pcapng(encode_pcapng({}, {}), error);
    ASSERT_TRUE(file) << error;
    EXPECT_TRUE(file->packets.empty());
    EXPECT_TRUE(file->section_comments.empty());
}

TEST(PcapngFlow, ReadsPortsFlagsAndPayloadLength) {
    auto syn = flow_of(frame(6, 41000, 5000, 0x02, ""));
    ASSERT_TRUE(syn);
    EXPECT_TRUE(syn->tcp);
    EXPECT_EQ(syn->source_port, 41000);
    EXPECT_EQ(syn->destination_port, 5000);
    EXPECT_EQ(syn->tcp_flags, 0x02);
    EXPECT_EQ(syn->payload_bytes, 0u);

    auto data = flow_of(frame(6, 5000, 41000, 0x18, "hello"));
    ASSERT_TRUE(data);
    EXPECT_EQ(data->payload_bytes, 5u);

    auto datagram = flow_of(frame(17, 40000, 6000, 0, "dgram"));
    ASSERT_TRUE(datagram);
    EXPECT_FALSE(datagram->tcp);
    EXPECT_EQ(datagram->source_port, 40000);
    EXPECT_EQ(datagram->payload_bytes, 5u);
}

TEST(PcapngFlow, NothingForWhatHasNoPorts) {
    EXPECT_FALSE(flow_of(""));
    EXPECT_FALSE(flow_of(std::string(14, '\0')));                          // no IP
    EXPECT_FALSE(flow_of(frame(1, 0, 0, 0, "icmp")));                       // ICMP
    EXPECT_FALSE(flow_of(frame(6, 1, 2, 0, "").substr(0, 14 + 20 + 10)));  // cut inside TCP
    auto fragment = frame(17, 1, 2, 0, "x");
    fragment[14 + 7] = 1;  // a later fragment: its first bytes are data, not ports
    EXPECT_FALSE(flow_of(fragment));
}

}  // namespace
}  // namespace sockgrade::capture
