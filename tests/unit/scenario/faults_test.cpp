// A test's `faults:` (docs/scenarios.md, "Faults"): what each peer does to
// its traffic, read into scenario::Faults, and every mistake reported at its
// place. The faults map starts on line 6, the steps on line 8.
#include <climits>

#include <gtest/gtest.h>

#include "scenario_text.hpp"

namespace sockgrade::scenario {
namespace {

using test_text::errors_of;

std::string with_faults(const std::string& faults, const std::string& peers = "{A: tcp-client, B: tcp-client}",
                        const std::string& steps = "      - connect: [A]\n",
                        const std::string& program = "{role: server, protocol: tcp}") {
    return "scenario: s\n"
           "program: " + program + "\n"
           "tests:\n"
           "  - name: t\n"
           "    peers: " + peers + "\n"
           "    faults: " + faults + "\n"
           "    steps:\n" + steps;
}

std::string udp_faults(const std::string& faults) {
    return with_faults(faults, "{U: udp-client}", "      - {peer: U, send: x}\n", "{role: server, protocol: udp}");
}

const Faults& faults_of(const LoadResult& loaded, const std::string& peer) {
    static const Faults none;
    if (!loaded.ok()) return none;
    for (const auto& declared : loaded.scenario->tests.at(0).peers)
        if (declared.name == peer) return declared.faults;
    return none;
}

TEST(Faults, TcpFaultsAreRead) {
    auto loaded = load_string(with_faults("{A: {split: [1, 3], gap: [0ms, 5ms], reset: {after_sent: 4}},"
                                          " B: {read: {size: 16, every: 20ms}, receive_buffer: 4KiB,"
                                          " reset: {after_received: [5, 15]}}}"),
                              "t.yaml");
    ASSERT_TRUE(loaded.ok()) << format_errors(loaded.errors);
    const Faults& a = faults_of(loaded, "A");
    ASSERT_TRUE(a.split);
    EXPECT_EQ(a.split->low, 1);
    EXPECT_EQ(a.split->high, 3);
    ASSERT_TRUE(a.gap);
    EXPECT_EQ(a.gap->low.count(), 0);
    EXPECT_EQ(a.gap->high.count(), 5);
    ASSERT_TRUE(a.reset_after_sent);
    EXPECT_EQ(a.reset_after_sent->low, 4);
    EXPECT_EQ(a.reset_after_sent->high, 4);
    EXPECT_EQ(a.read, Faults::Read::normal);
    EXPECT_TRUE(a.any());

    const Faults& b = faults_of(loaded, "B");
    EXPECT_EQ(b.read, Faults::Read::slow);
    EXPECT_EQ(b.read_size, 16);
    EXPECT_EQ(b.read_every.count(), 20);
    EXPECT_EQ(b.receive_buffer, 4096);
    ASSERT_TRUE(b.reset_after_received);
    EXPECT_EQ(b.reset_after_received->high, 15);
    EXPECT_FALSE(b.tcp_send());
}

TEST(Faults, CoalesceAllOrACount) {
    auto all = load_string(with_faults("{A: {coalesce: all}}"), "t.yaml");
    ASSERT_TRUE(all.ok()) << format_errors(all.errors);
    EXPECT_EQ(faults_of(all, "A").coalesce->low, INT_MAX);
    auto some = load_string(with_faults("{A: {coalesce: [2, 5]}, B: {read: none}}"), "t.yaml");
    ASSERT_TRUE(some.ok()) << format_errors(some.errors);
    EXPECT_EQ(faults_of(some, "A").coalesce->high, 5);
    EXPECT_EQ(faults_of(some, "B").read, Faults::Read::none);
}

TEST(Faults, UdpFaultsAreRead) {
    auto loaded =
        load_string(udp_faults("{U: {drop: 0.2, duplicate: 1, reorder: 0.5, delay: [10ms, 40ms], direction: to_program}}"),
                    "t.yaml");
    ASSERT_TRUE(loaded.ok()) << format_errors(loaded.errors);
    const Faults& u = faults_of(loaded, "U");
    EXPECT_DOUBLE_EQ(u.drop, 0.2);
    EXPECT_DOUBLE_EQ(u.duplicate, 1);
    EXPECT_DOUBLE_EQ(u.reorder, 0.5);
    EXPECT_EQ(u.delay->low.count(), 10);
    EXPECT_EQ(u.direction, Faults::Direction::to_program);
}

TEST(Faults, APeerWithoutFaultsHasNone) {
    auto loaded = load_string(with_faults("{A: {split: 2}}"), "t.yaml");
    ASSERT_TRUE(loaded.ok()) << format_errors(loaded.errors);
    EXPECT_FALSE(faults_of(loaded, "B").any());
}

TEST(Faults, OneEntryMayNameSeveralPeers) {
    auto loaded = load_string(with_faults("{A B: {reset: {after_received: [2, 9]}}}"), "t.yaml");
    ASSERT_TRUE(loaded.ok()) << format_errors(loaded.errors);
    for (const char* peer : {"A", "B"}) {
        ASSERT_TRUE(faults_of(loaded, peer).reset_after_received) << peer;
        EXPECT_EQ(faults_of(loaded, peer).reset_after_received->high, 9) << peer;
    }
    EXPECT_EQ(errors_of(with_faults("{A C: {split: 2}}")),
              "t.yaml:6:14: faults for 'C', which is not a peer of this test (declared: A, B)\n");
    EXPECT_EQ(errors_of(with_faults("{A B: {split: 2}, B: {gap: 1ms}}")),
              "t.yaml:6:31: faults for 'B' are given twice (first at line 6)\n");
    EXPECT_EQ(errors_of(with_faults("{A U: {split: 2}}", "{A: tcp-client, U: udp-client}")),
              "t.yaml:5:28: peer 'U' is a udp-client, but the program speaks tcp (see program: protocol)\n"
              "t.yaml:6:14: faults for 'A' (a tcp-client) and 'U' (a udp-client) in one entry: TCP and UDP faults "
              "differ, give each its own\n");
}

TEST(Faults, OnlyDeclaredPeers) {
    EXPECT_EQ(errors_of(with_faults("{C: {split: 2}}")),
              "t.yaml:6:14: faults for 'C', which is not a peer of this test (declared: A, B)\n");
    EXPECT_EQ(errors_of(with_faults("[A]")),
              "t.yaml:6:13: expected a map from a peer's name to its faults, like {A: {split: [1, 3]}}, got a list\n");
}

TEST(Faults, UnknownAndEmpty) {
    EXPECT_EQ(errors_of(with_faults("{A: {splits: 2}}")), "t.yaml:6:18: unknown key 'splits' (did you mean 'split'?)\n");
    EXPECT_EQ(errors_of(with_faults("{A: {}}")),
              "t.yaml:6:17: no faults given for 'A'; leave it out, or give one like split: [1, 3]\n");
    EXPECT_EQ(errors_of(with_faults("{A: slow}")),
              "t.yaml:6:17: expected the faults of peer 'A', a map like {split: [1, 3], gap: 2ms}, got 'slow'\n");
}

TEST(Faults, KindsMatchTheProtocol) {
    EXPECT_EQ(errors_of(with_faults("{A: {drop: 0.5}}")),
              "t.yaml:6:18: 'drop' is a UDP fault, but 'A' is a tcp-client: TCP resends what a network loses (TCP "
              "faults: split, coalesce, gap, read, receive_buffer, reset)\n");
    EXPECT_EQ(errors_of(udp_faults("{U: {split: 2}}")),
              "t.yaml:6:18: 'split' is a TCP fault, but 'U' is a udp-client (UDP faults: drop, duplicate, reorder, "
              "delay)\n");
}

TEST(Faults, RangesAndNumbers) {
    EXPECT_EQ(errors_of(with_faults("{A: {split: 0}}")),
              "t.yaml:6:25: 'split' must be a whole number of bytes >= 1 or a range like [1, 3], got 0\n");
    EXPECT_EQ(errors_of(with_faults("{A: {split: [5, 2]}}")),
              "t.yaml:6:26: 'split' goes from 5 down to 2; write the smaller bound first\n");
    EXPECT_EQ(errors_of(with_faults("{A: {split: [1, 2, 3]}}")),
              "t.yaml:6:25: 'split' must be a whole number of bytes >= 1 or a range like [1, 3], got a list of 3\n");
    EXPECT_EQ(errors_of(with_faults("{A: {gap: [1ms, 2 s]}}")),
              "t.yaml:6:29: 'gap': bad duration '2 s': write a number and a unit with no space, like 2s or 500ms\n");
    EXPECT_EQ(errors_of(with_faults("{A: {coalesce: some}}")),
              "t.yaml:6:28: 'coalesce' must be a whole number of copies (or all) >= 1 or a range like [1, 3], got "
              "'some'\n");
    EXPECT_EQ(errors_of(udp_faults("{U: {drop: 20}}")),
              "t.yaml:6:24: 'drop' is a probability from 0 to 1 (0.1: one datagram in ten), got 20 (a percentage? 20% "
              "is written 0.2)\n");
    EXPECT_EQ(errors_of(udp_faults("{U: {duplicate: -0.1}}")),
              "t.yaml:6:29: 'duplicate' is a probability from 0 to 1 (0.1: one datagram in ten), got -0.1\n");
}

TEST(Faults, ReadAndReset) {
    EXPECT_EQ(errors_of(with_faults("{A: {read: slowly}}")),
              "t.yaml:6:24: 'read' must be none or a map like {size: 16, every: 20ms}, got 'slowly'\n");
    EXPECT_EQ(errors_of(with_faults("{A: {read: {every: 20ms}}}")),
              "t.yaml:6:24: 'read' needs 'size': how many bytes each read takes, like {size: 16, every: 20ms}\n");
    EXPECT_EQ(errors_of(with_faults("{A: {read: {size: 0}}}")),
              "t.yaml:6:31: 'size' must be a whole number from 1 to 1048576, got 0\n");
    EXPECT_EQ(errors_of(with_faults("{A: {reset: {after_sent: 2, after_received: 3}}}")),
              "t.yaml:6:41: 'reset' takes one moment, after_received or after_sent, like {after_received: [5, 15]} or "
              "{after_sent: 3}\n");
    EXPECT_EQ(errors_of(with_faults("{A: {reset: {}}}")),
              "t.yaml:6:25: 'reset' takes one moment, after_received or after_sent, like {after_received: [5, 15]} or "
              "{after_sent: 3}\n");
    EXPECT_EQ(errors_of(with_faults("{A: {read: none, reset: {after_received: 3}}}")),
              "t.yaml:6:37: 'after_received' counts lines the peer reads, but 'A' has read: none\n");
}

TEST(Faults, DirectionNeedsAUdpFault) {
    EXPECT_EQ(errors_of(udp_faults("{U: {direction: to_program}}")),
              "t.yaml:6:18: 'direction' says which way the UDP faults act; give drop, duplicate, reorder or delay too\n");
    EXPECT_EQ(errors_of(udp_faults("{U: {drop: 1, direction: inbound}}")),
              "t.yaml:6:38: 'direction' must be both, to_program or from_program, got 'inbound'\n");
}

TEST(Faults, APeerThatReadsNothingCannotBeExpectedToReceive) {
    EXPECT_EQ(errors_of(with_faults("{B: {read: none}}", "{A: tcp-client, B: tcp-client}",
                                    "      - connect: [A, B]\n      - {peer: B, expect_line: x}\n")),
              "t.yaml:9:16: 'expect_line' on 'B', which reads nothing (faults: read: none, line 6): it can never pass\n");
}

}  // namespace
}  // namespace sockgrade::scenario
