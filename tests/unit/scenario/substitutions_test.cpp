// {name} substitutions, regexes and captures, checked at load time.
#include <gtest/gtest.h>

#include "scenario/substitutions.hpp"
#include "scenario_text.hpp"

namespace sockgrade::scenario {
namespace {

using test_text::errors_of;
using test_text::one_test;
using test_text::tcp_peers;

// Steps after "connect: [A, B]" on line 7; the step under test is on line 8.
std::string after_connect(const std::string& steps) {
    return errors_of(one_test(tcp_peers, "      - connect: [A, B]\n" + steps));
}

TEST(Substitutions, KnownNamesPass) {
    EXPECT_EQ(after_connect("      - {peer: A, send: '{nonce} {port} {fill:100} {A.port} {S.port} {{literal} }} x}'}\n"),
              "");
}

TEST(Substitutions, UnknownNameWithSuggestion) {
    EXPECT_EQ(after_connect("      - {peer: A, send: 'hi {nonse}'}\n"),
              "t.yaml:8:25: unknown substitution '{nonse}' (did you mean '{nonce}'?)\n");
}

TEST(Substitutions, UnknownNameListsWhatIsKnown) {
    EXPECT_EQ(after_connect("      - {peer: A, send: '{\"cmd\": 1}'}\n"),
              "t.yaml:8:25: unknown substitution '{\"cmd\": 1}' (known here: {nonce}, {port}, {fill:N}, {A.port}, "
              "{B.port}, {S.port}; write {{ for a literal {)\n");
}

TEST(Substitutions, CopyNumberOnlyInBursts) {
    EXPECT_EQ(after_connect("      - {peer: A, send: 'x{i}'}\n"),
              "t.yaml:8:25: '{i}' is only known in burst and expect_burst (the copy number, 1 to count)\n");
    EXPECT_EQ(after_connect("      - {peer: A, burst: 'x{i}', count: 3}\n      - {peer: B, expect_burst: 'x{i}', count: 3}\n"),
              "");
    EXPECT_EQ(errors_of(one_test(tcp_peers, "      - {stdin: 'x{i}'}\n")),
              "t.yaml:7:17: '{i}' is only known in burst and expect_burst (the copy number, 1 to count)\n");
}

TEST(Substitutions, PeerPortNeedsADeclaredPeer) {
    EXPECT_EQ(after_connect("      - {peer: A, send: '{E.port}'}\n"),
              "t.yaml:8:25: '{E.port}': peer 'E' is not declared in this test's peers (declared: A, B, S)\n");
    EXPECT_EQ(after_connect("      - {peer: A, send: '{A.host}'}\n"),
              "t.yaml:8:25: unknown substitution '{A.host}': a peer offers only {A.port}\n");
}

TEST(Substitutions, FillNeedsACount) {
    EXPECT_EQ(after_connect("      - {peer: A, send: '{fill:x}{fill:0}{fill:2000000000}'}\n"),
              "t.yaml:8:25: '{fill:x}': N must be a whole number of bytes, like {fill:1000}\n"
              "t.yaml:8:25: '{fill:0}': N must be from 1 to 1073741824\n"
              "t.yaml:8:25: '{fill:2000000000}': N must be from 1 to 1073741824\n");
}

TEST(Substitutions, CapturedNamesAreKnownInLaterStepsOnly) {
    EXPECT_EQ(after_connect("      - {peer: A, send: '{nick}'}\n"
                            "      - {peer: A, expect_line: {regex: 'I am (\\w+)', capture: {nick: 1}}}\n"
                            "      - {peer: B, expect_line: {ends_with: '{nick} joined'}}\n"),
              "t.yaml:8:25: unknown substitution '{nick}' (known here: {nonce}, {port}, {fill:N}, {A.port}, {B.port}, "
              "{S.port}; write {{ for a literal {)\n");
}

TEST(Substitutions, InMatchers) {
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {contains: '{nonc}'}}\n"),
              "t.yaml:8:43: unknown substitution '{nonc}' (did you mean '{nonce}'?)\n");
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: '{x}'}\n"),
              "t.yaml:8:32: unknown substitution '{x}' (known here: {nonce}, {port}, {fill:N}, {A.port}, {B.port}, "
              "{S.port}; write {{ for a literal {)\n");
}

TEST(Regexes, InvalidRegex) {
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '(a'}}\n"),
              "t.yaml:8:40: invalid regex '(a': a '(' or ')' has no partner\n");
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '[a'}}\n"),
              "t.yaml:8:40: invalid regex '[a': a '[' has no closing ']'\n");
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '*a'}}\n"),
              "t.yaml:8:40: invalid regex '*a': '*' follows nothing it could repeat (write \\* for the character itself)\n");
}

TEST(Regexes, RepeatOfNothing) {
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: 'a|+b'}}\n"),
              "t.yaml:8:40: invalid regex 'a|+b': '+' follows nothing it could repeat (write \\+ for the character "
              "itself)\n");
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '(?:a)?[*+](\\*x)'}}\n"), "");
}

TEST(Regexes, RepetitionNeedsDoubledBrace) {
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '\\d{2,3}'}}\n"),
              "t.yaml:8:40: '{2,3}' in a regex is read as a substitution; write {{2,3} for a repetition\n");
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '\\d{{2,3}'}}\n"), "");
}

TEST(Regexes, SubstitutedValuesDoNotBreakTheRegex) {
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '^\\[{nonce}\\] (.*)$'}}\n"), "");
}

TEST(Captures, GroupsNamesAndTargets) {
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: '(\\d+)', capture: {port: 1, n: 2, 9x: 1, ok: 0}}}\n"),
              "t.yaml:8:59: {port} is a built-in substitution; pick another name\n"
              "t.yaml:8:71: capture 'n' asks for group 2, but the regex has 1 group\n"
              "t.yaml:8:74: capture name '9x' may hold only letters, digits and _, and not start with a digit\n");
    EXPECT_EQ(after_connect("      - {peers: [A, B], expect_line: {regex: '(x)', capture: {n: 1}}}\n"),
              "t.yaml:8:53: 'capture' needs a single target: with 2 peers, which one's value to keep would be unclear\n");
    EXPECT_EQ(after_connect("      - {peer: A, expect_line: {regex: 'x', capture: {n: 1}}}\n"),
              "t.yaml:8:58: capture 'n' asks for group 1, but the regex has no groups\n");
}

TEST(SampleValues, ReplaceNamesAndUndoubleBraces) {
    EXPECT_EQ(detail::with_sample_values("a{nonce}b{{2}}c{x"), "axb{2}c{x");
}

}  // namespace
}  // namespace sockgrade::scenario
