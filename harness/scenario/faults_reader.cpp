#include "scenario/faults_reader.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "util/durations.hpp"

namespace sockgrade::scenario::detail {

namespace {

std::string quote(std::string_view text) { return "'" + std::string(text) + "'"; }

const std::vector<std::string> tcp_keys{"split", "coalesce", "gap", "read", "receive_buffer", "reset"};
const std::vector<std::string> udp_keys{"drop", "duplicate", "reorder", "delay", "direction"};

// The bounds of a range: one value (low = high) or a list of two.
struct Bounds {
    YAML::Node low, high;
    Mark low_mark, high_mark;
};

std::optional<Bounds> range_nodes(const Field& field, std::string_view example, Diagnostics& diagnostics) {
    if (field.value.IsScalar()) return Bounds{field.value, field.value, field.value_mark, field.value_mark};
    if (field.value.IsSequence() && field.value.size() == 2 && field.value[0].IsScalar() && field.value[1].IsScalar())
        return Bounds{field.value[0], field.value[1], mark_of(field.value[0], field.value_mark),
                      mark_of(field.value[1], field.value_mark)};
    diagnostics.error(field.value_mark, quote(field.key) + " must be " + std::string(example) + ", got " +
                                            (field.value.IsSequence() ? "a list of " + std::to_string(field.value.size())
                                                                      : describe(field.value)));
    return std::nullopt;
}

template <typename T>
bool ordered(const Field& field, const Range<T>& range, const Bounds& bounds, Diagnostics& diagnostics) {
    if (range.low <= range.high) return true;
    diagnostics.error(bounds.low_mark, quote(field.key) + " goes from " + bounds.low.Scalar() + " down to " +
                                           bounds.high.Scalar() + "; write the smaller bound first");
    return false;
}

std::optional<Range<int>> read_count_range(const Field& field, Diagnostics& diagnostics, std::string_view unit) {
    const std::string example = "a whole number of " + std::string(unit) + " >= 1 or a range like [1, 3]";
    auto bounds = range_nodes(field, example, diagnostics);
    if (!bounds) return std::nullopt;
    auto whole = [&](const YAML::Node& node, Mark mark) -> std::optional<int> {
        const std::string& text = node.Scalar();
        int value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && end == text.data() + text.size() && value >= 1) return value;
        diagnostics.error(mark, quote(field.key) + " must be " + example + ", got " + describe(node));
        return std::nullopt;
    };
    auto low = whole(bounds->low, bounds->low_mark);
    auto high = field.value.IsScalar() ? low : whole(bounds->high, bounds->high_mark);
    if (!low || !high) return std::nullopt;
    Range<int> range{*low, *high};
    if (!ordered(field, range, *bounds, diagnostics)) return std::nullopt;
    return range;
}

std::optional<Range<Duration>> read_duration_range(const Field& field, Diagnostics& diagnostics) {
    const std::string example = "a duration like 2ms or a range like [0ms, 5ms]";
    auto bounds = range_nodes(field, example, diagnostics);
    if (!bounds) return std::nullopt;
    auto duration = [&](const YAML::Node& node, Mark mark) -> std::optional<Duration> {
        auto parsed = util::parse_duration(node.Scalar());
        if (!parsed.ok()) diagnostics.error(mark, quote(field.key) + ": " + parsed.error);
        return parsed.value;
    };
    auto low = duration(bounds->low, bounds->low_mark);
    auto high = field.value.IsScalar() ? low : duration(bounds->high, bounds->high_mark);
    if (!low || !high) return std::nullopt;
    Range<Duration> range{*low, *high};
    if (!ordered(field, range, *bounds, diagnostics)) return std::nullopt;
    return range;
}

std::optional<double> read_probability(const Field& field, Diagnostics& diagnostics) {
    std::optional<double> value;
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        double parsed = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (ec == std::errc{} && end == text.data() + text.size() && std::isfinite(parsed)) value = parsed;
    }
    if (value && *value >= 0 && *value <= 1) return value;
    const std::string hint =
        value && *value > 1 && *value <= 100 ? fmt::format(" (a percentage? {:g}% is written {:g})", *value, *value / 100) : "";
    diagnostics.error(field.value_mark, quote(field.key) + " is a probability from 0 to 1 (0.1: one datagram in ten), got " +
                                            describe(field.value) + hint);
    return std::nullopt;
}

// read: none, or {size: N, every: DURATION}.
bool read_read(const Field& field, Faults& faults, Diagnostics& diagnostics) {
    const std::string expected = "none or a map like {size: 16, every: 20ms}";
    if (field.value.IsScalar()) {
        if (field.value.Scalar() == "none") {
            faults.read = Faults::Read::none;
            return true;
        }
        diagnostics.error(field.value_mark, "'read' must be " + expected + ", got " + describe(field.value));
        return false;
    }
    if (!expect_map(field.value, field.value_mark, "'read' to be " + expected, diagnostics)) return false;
    MapReader keys(field.value, std::vector<std::string>{"size", "every"}, diagnostics);
    const Field* size = keys.get("size");
    const Field* every = keys.get("every");
    if (!size && !keys.had_unknown_keys()) {
        diagnostics.error(field.value_mark, "'read' needs 'size': how many bytes each read takes, like {size: 16, every: 20ms}");
        return false;
    }
    std::optional<int> bytes = size ? read_int(*size, diagnostics, 1, 1 << 20) : std::nullopt;
    std::optional<Duration> pause = every ? read_duration(*every, diagnostics) : Duration{0};
    if (!bytes || !pause || keys.had_unknown_keys()) return false;
    faults.read = Faults::Read::slow;
    faults.read_size = *bytes;
    faults.read_every = *pause;
    return true;
}

// reset: {after_received: N} or {after_sent: N}, in lines.
bool read_reset(const Field& field, Faults& faults, Diagnostics& diagnostics) {
    const std::string example = "{after_received: [5, 15]} or {after_sent: 3}";
    if (!expect_map(field.value, field.value_mark, "'reset' to be a map like " + example, diagnostics)) return false;
    MapReader keys(field.value, std::vector<std::string>{"after_received", "after_sent"}, diagnostics);
    if (keys.had_unknown_keys()) return false;
    if (keys.fields().size() != 1) {
        diagnostics.error(keys.fields().empty() ? field.value_mark : keys.fields()[1].key_mark,
                          "'reset' takes one moment, after_received or after_sent, like " + example);
        return false;
    }
    const Field& moment = keys.fields()[0];
    auto lines = read_count_range(moment, diagnostics, "lines");
    if (!lines) return false;
    (moment.key == "after_received" ? faults.reset_after_received : faults.reset_after_sent) = lines;
    return true;
}

bool read_direction(const Field& field, Faults& faults, Diagnostics& diagnostics) {
    static const std::vector<std::pair<std::string, Faults::Direction>> names{
        {"both", Faults::Direction::both},
        {"to_program", Faults::Direction::to_program},
        {"from_program", Faults::Direction::from_program}};
    auto text = read_scalar(field, diagnostics, "both, to_program or from_program");
    if (!text) return false;
    for (const auto& [name, direction] : names) {
        if (name == *text) {
            faults.direction = direction;
            return true;
        }
    }
    diagnostics.error(field.value_mark, "'direction' must be both, to_program or from_program, got " + describe(field.value));
    return false;
}

// One peer's faults; false when anything was wrong (already reported).
bool read_peer_faults(const Field& entry, const Peer& peer, Faults& faults, Diagnostics& diagnostics) {
    if (!expect_map(entry.value, entry.value_mark,
                    "the faults of peer " + quote(peer.name) + ", a map like {split: [1, 3], gap: 2ms}", diagnostics))
        return false;
    std::vector<std::string> allowed = tcp_keys;
    allowed.insert(allowed.end(), udp_keys.begin(), udp_keys.end());
    MapReader keys(entry.value, allowed, diagnostics);
    if (keys.fields().empty()) {
        if (!keys.had_unknown_keys())
            diagnostics.error(entry.value_mark, "no faults given for " + quote(peer.name) +
                                                    "; leave it out, or give one like split: [1, 3]");
        return false;
    }
    const bool tcp = is_tcp(peer.kind);
    bool ok = !keys.had_unknown_keys();
    for (const Field& field : keys.fields()) {
        const bool tcp_key = std::find(tcp_keys.begin(), tcp_keys.end(), field.key) != tcp_keys.end();
        if (tcp_key != tcp) {
            diagnostics.error(field.key_mark,
                              tcp_key ? quote(field.key) + " is a TCP fault, but " + quote(peer.name) + " is a " +
                                            kind_name(peer.kind) + " (UDP faults: drop, duplicate, reorder, delay)"
                                      : quote(field.key) + " is a UDP fault, but " + quote(peer.name) + " is a " +
                                            kind_name(peer.kind) +
                                            ": TCP resends what a network loses (TCP faults: split, coalesce, gap, "
                                            "read, receive_buffer, reset)");
            ok = false;
            continue;
        }
        bool read_ok = true;
        if (field.key == "split") {
            faults.split = read_count_range(field, diagnostics, "bytes");
            read_ok = faults.split.has_value();
        } else if (field.key == "coalesce") {
            if (field.value.IsScalar() && field.value.Scalar() == "all") {
                faults.coalesce = Range<int>{INT_MAX, INT_MAX};
            } else {
                faults.coalesce = read_count_range(field, diagnostics, "copies (or all)");
                read_ok = faults.coalesce.has_value();
            }
        } else if (field.key == "gap" || field.key == "delay") {
            auto range = read_duration_range(field, diagnostics);
            (field.key == "gap" ? faults.gap : faults.delay) = range;
            read_ok = range.has_value();
        } else if (field.key == "read") {
            read_ok = read_read(field, faults, diagnostics);
        } else if (field.key == "receive_buffer") {
            faults.receive_buffer = read_size(field, diagnostics, 1);
            read_ok = faults.receive_buffer.has_value();
        } else if (field.key == "reset") {
            read_ok = read_reset(field, faults, diagnostics);
        } else if (field.key == "direction") {
            read_ok = read_direction(field, faults, diagnostics);
        } else {
            auto probability = read_probability(field, diagnostics);
            read_ok = probability.has_value();
            if (probability)
                (field.key == "drop" ? faults.drop : field.key == "duplicate" ? faults.duplicate : faults.reorder) =
                    *probability;
        }
        ok = ok && read_ok;
    }
    if (!ok) return false;
    const Field* direction = keys.get("direction");
    if (direction && !keys.get("drop") && !keys.get("duplicate") && !keys.get("reorder") && !keys.get("delay")) {
        diagnostics.error(direction->key_mark, "'direction' says which way the UDP faults act; give drop, duplicate, "
                                               "reorder or delay too");
        return false;
    }
    if (faults.read == Faults::Read::none && faults.reset_after_received) {
        diagnostics.error(keys.get("reset")->value_mark,
                          "'after_received' counts lines the peer reads, but " + quote(peer.name) + " has read: none");
        return false;
    }
    return true;
}

}  // namespace

void read_faults(const Field& field, TestContext& context, Diagnostics& diagnostics) {
    if (!expect_map(field.value, field.value_mark, "a map from a peer's name to its faults, like {A: {split: [1, 3]}}",
                    diagnostics))
        return;
    MapReader names(field.value, std::nullopt, diagnostics);
    std::vector<std::string> declared;
    for (const auto& peer : context.peers) declared.push_back(peer.name);
    std::map<std::string, int> given_at;  // peer -> line of its faults
    for (const Field& entry : names.fields()) {
        // "R01 R02 R03": the same faults for several peers (each draws its own choices).
        std::vector<Peer*> peers;
        bool known = true;
        std::istringstream words(entry.key);
        for (std::string name; words >> name;) {
            auto peer = std::find_if(context.peers.begin(), context.peers.end(),
                                     [&](const Peer& p) { return p.name == name; });
            if (peer == context.peers.end()) {
                known = false;
                const auto& broken = context.broken_peers;
                if (context.peers_unreadable || std::find(broken.begin(), broken.end(), name) != broken.end()) continue;
                diagnostics.error(entry.key_mark, "faults for " + quote(name) + ", which is not a peer of this test (" +
                                                      (declared.empty() ? std::string("it declares none")
                                                                        : "declared: " + join_words(declared, ", ")) +
                                                      ")");
                continue;
            }
            if (auto [seen, fresh] = given_at.emplace(name, entry.key_mark.line); !fresh) {
                known = false;
                diagnostics.error(entry.key_mark, "faults for " + quote(name) + " are given twice (first at line " +
                                                      std::to_string(seen->second) + ")");
                continue;
            }
            if (!peers.empty() && is_tcp(peer->kind) != is_tcp(peers.front()->kind)) {
                known = false;
                diagnostics.error(entry.key_mark, "faults for " + quote(peers.front()->name) + " (a " +
                                                      kind_name(peers.front()->kind) + ") and " + quote(name) + " (a " +
                                                      kind_name(peer->kind) +
                                                      ") in one entry: TCP and UDP faults differ, give each its own");
                continue;
            }
            peers.push_back(&*peer);
        }
        if (!known || peers.empty()) continue;
        Faults faults;
        faults.mark = entry.key_mark;
        if (!read_peer_faults(entry, *peers.front(), faults, diagnostics)) continue;
        for (Peer* peer : peers) peer->faults = faults;
    }
}

}  // namespace sockgrade::scenario::detail
