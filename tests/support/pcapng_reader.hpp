// A strict reader of pcapng files, written from the specification
// independently of harness/capture/ so it can catch that writer's mistakes:
// every block's two lengths agree, blocks and options are 4-byte aligned,
// options end where their block does, packets are not longer than their
// block. Also: Ethernet/IPv4/TCP parsing and TCP reassembly per direction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::testing {

struct PcapPacket {
    std::uint64_t timestamp = 0;  // in the interface's units
    std::uint32_t original_length = 0;
    std::string bytes;
    std::vector<std::string> comments;
};

struct PcapFile {
    std::vector<std::string> section_comments;
    std::string application;
    int link_type = -1;
    std::uint32_t snap_length = 0;
    int timestamp_resolution = 6;  // 10^-N s; 6 when the interface does not say
    std::string interface_name;
    std::vector<PcapPacket> packets;
};

namespace pcap_detail {

inline std::uint32_t le32(std::string_view b, std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(b[i])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[i + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[i + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[i + 3])) << 24;
}
inline std::uint16_t le16(std::string_view b, std::size_t i) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(b[i]) | static_cast<unsigned char>(b[i + 1]) << 8);
}

// Options from `at` to `end`: code -> values. Sets error on any inconsistency.
inline std::multimap<int, std::string> options(std::string_view b, std::size_t at, std::size_t end, std::string& error) {
    std::multimap<int, std::string> out;
    bool ended = false;
    while (at < end) {
        if (end - at < 4) {
            error = "an option header is cut";
            return out;
        }
        int code = le16(b, at);
        std::size_t length = le16(b, at + 2);
        if (code == 0) {
            if (length != 0) error = "opt_endofopt with a length";
            ended = true;
            at += 4;
            break;
        }
        std::size_t padded = (length + 3) / 4 * 4;
        if (at + 4 + padded > end) {
            error = "an option runs past its block";
            return out;
        }
        out.emplace(code, std::string(b.substr(at + 4, length)));
        at += 4 + padded;
    }
    if (at != end) error = "bytes after opt_endofopt";
    if (!out.empty() && !ended) error = "options without opt_endofopt";
    return out;
}

}  // namespace pcap_detail

// nullopt and `error` set when the file breaks a rule.
inline std::optional<PcapFile> read_pcapng(std::string_view b, std::string& error) {
    using namespace pcap_detail;
    PcapFile file;
    std::size_t at = 0;
    bool seen_section = false, seen_interface = false;
    while (at < b.size()) {
        if (b.size() - at < 12) {
            error = "a block header is cut at byte " + std::to_string(at);
            return std::nullopt;
        }
        std::uint32_t type = le32(b, at);
        std::uint32_t total = le32(b, at + 4);
        if (total < 12 || total % 4 != 0 || at + total > b.size()) {
            error = "bad block length at byte " + std::to_string(at);
            return std::nullopt;
        }
        if (le32(b, at + total - 4) != total) {
            error = "the trailing length differs at byte " + std::to_string(at);
            return std::nullopt;
        }
        std::size_t body = at + 8, end = at + total - 4;
        if (type == 0x0A0D0D0A) {
            if (seen_section) {
                error = "a second section";
                return std::nullopt;
            }
            if (end - body < 16 || le32(b, body) != 0x1A2B3C4D || le16(b, body + 4) != 1 || le16(b, body + 6) != 0) {
                error = "bad section header";
                return std::nullopt;
            }
            auto opts = options(b, body + 16, end, error);
            for (auto [it, last] = opts.equal_range(1); it != last; ++it) file.section_comments.push_back(it->second);
            if (auto it = opts.find(4); it != opts.end()) file.application = it->second;
            seen_section = true;
        } else if (!seen_section) {
            error = "the first block is not a section header";
            return std::nullopt;
        } else if (type == 0x00000001) {
            if (end - body < 8) {
                error = "interface block too short";
                return std::nullopt;
            }
            file.link_type = le16(b, body);
            file.snap_length = le32(b, body + 4);
            auto opts = options(b, body + 8, end, error);
            if (auto it = opts.find(2); it != opts.end()) file.interface_name = it->second;
            if (auto it = opts.find(9); it != opts.end() && it->second.size() == 1) {
                if (static_cast<unsigned char>(it->second[0]) & 0x80) {
                    error = "binary timestamp resolution";
                    return std::nullopt;
                }
                file.timestamp_resolution = it->second[0];
            }
            seen_interface = true;
        } else if (type == 0x00000006) {
            if (!seen_interface || end - body < 20 || le32(b, body) != 0) {
                error = "packet block without its interface";
                return std::nullopt;
            }
            PcapPacket packet;
            packet.timestamp = static_cast<std::uint64_t>(le32(b, body + 4)) << 32 | le32(b, body + 8);
            std::uint32_t captured = le32(b, body + 12);
            packet.original_length = le32(b, body + 16);
            std::size_t data = body + 20, padded = (captured + 3) / 4 * 4;
            if (data + padded > end || captured > packet.original_length || captured > file.snap_length) {
                error = "packet data inconsistent with its block";
                return std::nullopt;
            }
            packet.bytes.assign(b.substr(data, captured));
            auto opts = options(b, data + padded, end, error);
            for (auto [it, last] = opts.equal_range(1); it != last; ++it) packet.comments.push_back(it->second);
            file.packets.push_back(std::move(packet));
        } else {
            error = "unexpected block type " + std::to_string(type);
            return std::nullopt;
        }
        if (!error.empty()) return std::nullopt;
        at += total;
    }
    if (!seen_section || !seen_interface) {
        error = "no section or no interface";
        return std::nullopt;
    }
    return file;
}

// A TCP segment of an Ethernet/IPv4 frame.
struct Segment {
    int source_port = 0, destination_port = 0;
    std::uint32_t seq = 0;
    std::uint8_t flags = 0;
    std::string payload;
};

inline std::optional<Segment> tcp_segment(std::string_view frame) {
    auto u8 = [&](std::size_t i) { return static_cast<unsigned char>(frame[i]); };
    auto be16 = [&](std::size_t i) { return u8(i) << 8 | u8(i + 1); };
    if (frame.size() < 14 + 20 || be16(12) != 0x0800 || u8(14 + 9) != 6) return std::nullopt;
    std::size_t ip = 14, ip_header = (u8(ip) & 0xF) * 4u, total = be16(ip + 2);
    std::size_t tcp = ip + ip_header;
    if (frame.size() < tcp + 20 || ip + total > frame.size()) return std::nullopt;
    std::size_t tcp_header = (u8(tcp + 12) >> 4) * 4u;
    Segment s;
    s.source_port = be16(tcp);
    s.destination_port = be16(tcp + 2);
    s.seq = static_cast<std::uint32_t>(u8(tcp + 4)) << 24 | static_cast<std::uint32_t>(u8(tcp + 5)) << 16 |
            static_cast<std::uint32_t>(u8(tcp + 6)) << 8 | u8(tcp + 7);
    s.flags = u8(tcp + 13);
    s.payload.assign(frame.substr(tcp + tcp_header, ip + total - tcp - tcp_header));
    return s;
}

// The byte stream each direction (source port -> destination port) carried,
// put together by sequence number from the SYN; a retransmission counts once.
// `error` is set when a stream has a hole.
inline std::map<std::pair<int, int>, std::string> tcp_streams(const PcapFile& file, std::string& error) {
    std::map<std::pair<int, int>, std::uint32_t> first_byte;  // ISN + 1
    std::map<std::pair<int, int>, std::map<std::uint32_t, std::string>> pieces;
    for (const auto& packet : file.packets) {
        auto segment = tcp_segment(packet.bytes);
        if (!segment) continue;
        std::pair<int, int> key{segment->source_port, segment->destination_port};
        if (segment->flags & 0x02) first_byte[key] = segment->seq + 1;
        if (segment->payload.empty()) continue;
        if (!first_byte.count(key)) {
            error = "data before the SYN of " + std::to_string(key.first) + "->" + std::to_string(key.second);
            continue;
        }
        pieces[key][segment->seq - first_byte[key]] = segment->payload;
    }
    std::map<std::pair<int, int>, std::string> streams;
    for (auto& [key, by_offset] : pieces) {
        std::string stream;
        for (auto& [offset, bytes] : by_offset) {
            if (offset > stream.size()) error = "a hole in " + std::to_string(key.first) + "->" + std::to_string(key.second);
            if (offset + bytes.size() > stream.size())
                stream += bytes.substr(stream.size() - std::min<std::size_t>(stream.size(), offset));
        }
        streams[key] = stream;
    }
    return streams;
}

}  // namespace sockgrade::testing
