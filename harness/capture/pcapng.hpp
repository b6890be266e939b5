// The pcapng file format (what Wireshark and tshark open), as far as a capture
// of one test needs it: a section header with a comment, one Ethernet
// interface (`lo`) with nanosecond timestamps, and one block per packet with
// its own comment. Pure functions: recorder.cpp feeds them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::capture {

struct Packet {
    std::int64_t time_ns = 0;         // since the Unix epoch
    std::uint32_t original_length = 0;  // on the wire; bytes may hold less (cut at the snap length)
    std::string bytes;                // the frame, from its Ethernet header
    std::string comment;              // UTF-8; empty for none
};

struct Section {
    std::string comment;      // UTF-8: what was captured, whose ports are which
    std::string application;  // "sockgrade 0.1.0"
    std::uint32_t snap_length = 262144;
};

// A whole pcapng file (little-endian). Comments that are not valid UTF-8 get
// U+FFFD for their bad bytes: readers reject invalid option text.
std::string encode_pcapng(const Section& section, const std::vector<Packet>& packets);

// The transport of an Ethernet frame carrying IPv4 or IPv6, as far as a
// comment needs it.
struct Flow {
    bool tcp = false;  // else UDP
    int source_port = 0;
    int destination_port = 0;
    std::uint8_t tcp_flags = 0;  // FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10
    std::size_t payload_bytes = 0;
};
// nullopt for anything else (ARP, ICMP, a frame cut before its ports).
std::optional<Flow> flow_of(std::string_view frame);

}  // namespace sockgrade::capture
