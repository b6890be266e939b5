// The step rules of docs/scenarios.md: one action, its target, its value,
// its modifiers, and the peer kinds it works with. Steps start on line 7.
#include <gtest/gtest.h>

#include "scenario_text.hpp"

namespace sockgrade::scenario {
namespace {

using test_text::errors_of;
using test_text::one_test;
using test_text::tcp_peers;

std::string step_errors(const std::string& steps, const std::string& peers = tcp_peers) {
    return errors_of(one_test(peers, steps));
}

TEST(StepRules, ExactlyOneAction) {
    EXPECT_EQ(step_errors("      - {peer: A, within: 1s}\n"),
              "t.yaml:7:9: a step needs exactly one action (connect, send, ...), found none\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, send: x, expect_line: x}\n"),
              "t.yaml:8:28: a step needs exactly one action (connect, send, ...), found two: send and expect_line\n");
    EXPECT_EQ(step_errors("      - {connect: A, send: x, close: fin}\n"),
              "t.yaml:7:22: a step needs exactly one action (connect, send, ...), found three: connect, send and close\n");
}

TEST(StepRules, MisspeltActionSaysDidYouMeanOnly) {
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, expect_lines: x}\n"),
              "t.yaml:8:19: unknown key 'expect_lines' (did you mean 'expect_line'?)\n");
}

TEST(StepRules, ProgramAliveHint) {
    EXPECT_EQ(step_errors("      - {program: alive}\n"),
              "t.yaml:7:9: a step needs exactly one action (connect, send, ...), found none (to check that the program "
              "still runs, write expect_alive: true)\n");
}

TEST(StepRules, CaptureBelongsInTheMatcher) {
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, expect_line: {regex: '(x)'}, capture: {n: 1}}\n"),
              "t.yaml:8:48: 'capture' goes inside the matcher, next to its regex: expect_line: {regex: R, capture: "
              "{name: 1}}\n");
}

TEST(StepRules, AStepIsAMap) {
    EXPECT_EQ(step_errors("      - expect_alive\n"),
              "t.yaml:7:9: a step is a map with one action, like {peer: A, send: TEXT}, got 'expect_alive'\n");
}

TEST(StepRules, StepsMustBeAList) {
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - {name: t, steps: {expect_alive: true}}\n"),
              "t.yaml:3:22: expected a list of steps, got a map\n");
}

TEST(StepRules, UndeclaredPeer) {
    EXPECT_EQ(step_errors("      - connect: [A, E]\n"),
              "t.yaml:7:22: peer 'E' is used but not declared in this test's peers (declared: A, B, S)\n");
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - name: t\n    steps: [{peer: A, send: x}]\n"),
              "t.yaml:4:20: peer 'A' is used but not declared in this test's peers (this test declares none)\n");
}

TEST(StepRules, TargetRules) {
    EXPECT_EQ(step_errors("      - {send: x}\n"), "t.yaml:7:9: 'send' needs a target: peer: NAME or peers: [NAMES]\n");
    EXPECT_EQ(step_errors("      - {expect_line: x}\n"),
              "t.yaml:7:9: 'expect_line' needs a target: peer: NAME, peers: [NAMES] or program: stdout\n");
    EXPECT_EQ(step_errors("      - {program: stdout, send: x}\n"),
              "t.yaml:7:10: 'send' acts on peers, not on the program (to write to the program's standard input, use "
              "stdin: TEXT)\n");
    EXPECT_EQ(step_errors("      - {program: stdout, expect_datagram: x}\n", "{U: udp-client}"),
              "t.yaml:5:13: peer 'U' is a udp-client, but the program speaks tcp (see program: protocol)\n"
              "t.yaml:7:10: 'expect_datagram' acts on peers, not on the program\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, program: stdout, expect_line: x}\n"),
              "t.yaml:8:19: a step has one target: use only one of peer, peers and program\n");
    EXPECT_EQ(step_errors("      - {stdin: x, peer: A}\n"), "t.yaml:7:20: 'stdin' acts on the program itself; remove 'peer'\n");
    EXPECT_EQ(step_errors("      - {connect: A, peer: A}\n"),
              "t.yaml:7:22: 'connect' names its peers in its value, like connect: A or connect: [A, B]; remove 'peer'\n");
    EXPECT_EQ(step_errors("      - {program: out, expect_line: x}\n"),
              "t.yaml:7:19: 'program' must be stdout or stderr, got 'out'\n");
}

TEST(StepRules, PeerLists) {
    EXPECT_EQ(step_errors("      - connect: [A, B]\n      - {peers: [A, A], send: x}\n"),
              "t.yaml:8:21: peer 'A' is listed twice\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: [A], send: x}\n"),
              "t.yaml:8:16: 'peer' names one peer; for several write peers: [A, B]\n");
    EXPECT_EQ(step_errors("      - connect: []\n"), "t.yaml:7:18: 'connect' needs at least one peer\n");
    EXPECT_EQ(step_errors("      - connect: {A: 1}\n"),
              "t.yaml:7:18: 'connect' must be a peer name or a list of them, like [A, B], got a map\n");
}

TEST(StepRules, WrongPeerKinds) {
    EXPECT_EQ(step_errors("      - expect_accept: A\n"),
              "t.yaml:7:24: 'expect_accept' needs a tcp-server peer; 'A' is a tcp-client (it connects itself: use "
              "connect: A)\n");
    EXPECT_EQ(step_errors("      - connect: S\n"),
              "t.yaml:7:18: 'connect' needs a tcp-client peer; 'S' is a tcp-server (the program connects to it: use "
              "expect_accept: S)\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, expect_datagram: x}\n"),
              "t.yaml:8:16: 'expect_datagram' needs a udp peer; 'A' is a tcp-client (use expect_line for TCP)\n");
    const std::string udp = one_test("{U: udp-client}",
                                     "      - connect: U\n"
                                     "      - {peer: U, expect_line: x}\n"
                                     "      - {peer: U, close: fin}\n"
                                     "      - expect_close: U\n",
                                     "{protocol: udp}");
    EXPECT_EQ(errors_of(udp),
              "t.yaml:7:18: 'connect' needs a tcp-client peer; 'U' is a udp-client (UDP has no connections: just send)\n"
              "t.yaml:8:16: 'expect_line' needs a tcp peer; 'U' is a udp-client (use expect_datagram for UDP)\n"
              "t.yaml:9:16: 'close' needs a tcp peer; 'U' is a udp-client (UDP has no connections)\n"
              "t.yaml:10:23: 'expect_close' needs a tcp peer; 'U' is a udp-client (UDP has no connections)\n");
}

TEST(StepRules, TcpPeersConnectFirst) {
    EXPECT_EQ(step_errors("      - {peer: A, send: x}\n      - {peer: S, expect_line: x}\n"),
              "t.yaml:7:16: peer 'A' is used before it connects; add a step connect: A before this one\n"
              "t.yaml:8:16: peer 'S' is used before the program connects to it; add a step expect_accept: S before "
              "this one\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - connect: A\n"),
              "t.yaml:8:18: peer 'A' is already connected (since line 7)\n");
    // A mistaken expect_accept did not connect A, so the connect after it is right.
    EXPECT_EQ(step_errors("      - expect_accept: A\n      - connect: A\n"),
              "t.yaml:7:24: 'expect_accept' needs a tcp-server peer; 'A' is a tcp-client (it connects itself: use "
              "connect: A)\n");
    // After a close, lines that arrived before it may still be expected, and
    // the peer may connect again.
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, close: fin}\n      - {peer: A, expect_line: bye}\n"
                          "      - connect: A\n"),
              "");
}

TEST(StepRules, Values) {
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, close: rst}\n"),
              "t.yaml:8:26: 'close' must be fin or reset, got 'rst'\n");
    EXPECT_EQ(step_errors("      - {expect_exit: 300}\n      - {expect_exit: ok}\n"),
              "t.yaml:7:23: 'expect_exit' must be an exit status from 0 to 255 or any, got 300\n"
              "t.yaml:8:23: 'expect_exit' must be an exit status from 0 to 255 or any, got 'ok'\n");
    EXPECT_EQ(step_errors("      - {close_stdin: false}\n      - {expect_alive: no}\n"),
              "t.yaml:7:23: 'close_stdin' takes only true (leave the step out to keep stdin open)\n"
              "t.yaml:8:24: 'expect_alive' must be true or false, got 'no'\n");
    EXPECT_EQ(step_errors("      - {expect_alive: false}\n"),
              "t.yaml:7:24: 'expect_alive' takes only true (to expect an end, use expect_exit: any)\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, send: {x: 1}}\n      - {peer: A, send: }\n"),
              "t.yaml:8:25: 'send' must be a text, got a map\n"
              "t.yaml:9:19: 'send' must be a text, got nothing\n");
    EXPECT_EQ(step_errors("      - {program: stdout, expect_silence: 2 s}\n      - {expect_idle: 0s}\n"),
              "t.yaml:7:43: bad duration '2 s': write a number and a unit with no space, like 2s or 500ms\n"
              "t.yaml:8:23: 'expect_idle' must be longer than 0, got 0s\n");
}

TEST(StepRules, Matchers) {
    const std::string connect = "      - connect: A\n";
    EXPECT_EQ(step_errors(connect + "      - {peer: A, expect_line: {contains: x, regex: y}}\n"),
              "t.yaml:8:46: a matcher takes one of equals, ends_with, contains or regex, found two: contains and regex\n");
    EXPECT_EQ(step_errors(connect + "      - {peer: A, expect_line: {contans: x}}\n"),
              "t.yaml:8:33: unknown key 'contans' (did you mean 'contains'?)\n");
    EXPECT_EQ(step_errors(connect + "      - {peer: A, expect_line: {}}\n"),
              "t.yaml:8:32: a matcher takes one of equals, ends_with, contains or regex, found none\n");
    EXPECT_EQ(step_errors(connect + "      - {peer: A, expect_line: [x]}\n"),
              "t.yaml:8:32: 'expect_line' must be a text or a matcher like {contains: TEXT}, got a list\n");
    EXPECT_EQ(step_errors(connect + "      - {peer: A, expect_line: {contains: x, capture: {n: 1}}}\n"),
              "t.yaml:8:46: 'capture' needs a regex: it keeps what a regex group matched\n");
}

TEST(StepRules, Modifiers) {
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, send: x, within: 1s, count: 2, max_bytes: 1, "
                          "cpu_percent: 5}\n"),
              "t.yaml:8:28: 'within' does not apply to 'send', which does not wait\n"
              "t.yaml:8:40: 'count' is only for burst and expect_burst\n"
              "t.yaml:8:50: 'max_bytes' is only for expect_silence\n"
              "t.yaml:8:64: 'cpu_percent' is only for expect_idle\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, send: x, unread: true}\n"
                          "      - {peer: A, expect_silence: 1s, unread: maybe}\n"),
              "t.yaml:8:28: 'unread' is only for expect_silence\n"
              "t.yaml:9:47: 'unread' must be true or false, got 'maybe'\n");
    EXPECT_EQ(step_errors("      - {expect_idle: 1s, within: 2s, cpu_percent: 150}\n"),
              "t.yaml:7:27: 'within' does not apply to 'expect_idle': its own duration is the time it watches\n"
              "t.yaml:7:52: 'cpu_percent' is a share of one core, at most 100, got 150\n");
    EXPECT_EQ(step_errors("      - connect: A\n      - {peer: A, burst: 'x{i}'}\n      - {peer: A, burst: 'x{i}', count: 0}\n"),
              "t.yaml:8:9: 'burst' needs 'count': how many copies to send\n"
              "t.yaml:9:41: 'count' must be a whole number >= 1, got 0\n");
    EXPECT_EQ(step_errors("      - {program: stdout, expect_silence: 1s, max_bytes: -1}\n"),
              "t.yaml:7:58: bad size '-1': a size cannot be negative\n");
    EXPECT_EQ(step_errors("      - {expect_alive: true, within: 1s}\n"),
              "t.yaml:7:30: 'within' does not apply to 'expect_alive', which does not wait\n");
    EXPECT_EQ(step_errors("      - {expect_exit: 0, within: 0}\n"), "t.yaml:7:34: 'within' must be longer than 0, got 0\n");
}

TEST(StepRules, StepFeedback) {
    EXPECT_EQ(step_errors("      - {expect_alive: true, feedback: {en: x, de: y}}\n"),
              "t.yaml:7:48: unknown key 'de'; expected en or pt\n");
}

}  // namespace
}  // namespace sockgrade::scenario
