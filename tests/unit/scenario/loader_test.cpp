// The loader on whole files: a valid scenario into structs, and the
// file-level, scenario-level and test-level rules, each with its exact message.
#include "scenario/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenario_text.hpp"

namespace sockgrade::scenario {
namespace {

using std::chrono::milliseconds;
using test_text::errors_of;
using test_text::one_test;

const char* const chat_server = R"yaml(scenario: chat-server
title: {en: Chat server, pt: Servidor de chat}
program: {role: server, protocol: tcp, port: 5001}
limits: {test: 30s, ready: 3s, within: 1500ms, output: 64KiB, peer_output: 2MiB, cpu: 5s, memory: 512MiB, processes: 32, open_files: 128}
env: {LANG: C.UTF-8, DEBUG: 1}
tests:
  - name: broadcast
    title: Every client hears a message
    points: 2.5
    hidden: true
    peers: {A: tcp-client, B: tcp-client, S: {kind: tcp-server, port: 6000}}
    env: {MODE: test}
    steps:
      - connect: [A, B]
      - {peer: A, send: "ola {nonce} ação\n"}
      - {peers: [B], expect_line: {ends_with: "ola {nonce} ação"}, within: 3s, feedback: {en: Look, pt: Olhe}}
      - {peer: A, expect_line: {regex: "port (\\d+)", capture: {announced: 1}}}
      - {peer: B, send: "{announced} {A.port} {fill:10}\n"}
      - {peer: A, burst: "m{i}\n", count: 20}
      - {program: stderr, expect_burst: "m{i}", count: 20}
      - {peer: B, expect_silence: 500ms, max_bytes: 1KiB}
      - {peer: B, close: reset}
      - {peer: A, close: fin}
      - expect_accept: S
      - expect_close: S
      - stdin: "hello\n"
      - close_stdin: true
      - expect_alive: true
      - {expect_idle: 1s, cpu_percent: 5}
      - {expect_exit: 3, within: 2s}
    feedback: {en: Forward every line, pt: Repasse cada linha}
  - name: any-exit
    steps:
      - {program: stdout, expect_line: {contains: x}}
      - expect_exit: any
)yaml";

TEST(Loader, ReadsAValidScenarioIntoStructs) {
    auto result = load_string(chat_server, "chat.yaml");
    ASSERT_EQ(format_errors(result.errors), "");
    ASSERT_TRUE(result.ok());
    const Scenario& s = *result.scenario;
    EXPECT_EQ(s.name, "chat-server");
    EXPECT_EQ(s.path, "chat.yaml");
    EXPECT_EQ(s.title.en, "Chat server");
    EXPECT_EQ(s.title.pt, "Servidor de chat");
    EXPECT_EQ(s.program.role, Role::server);
    EXPECT_EQ(s.program.protocol, Protocol::tcp);
    EXPECT_EQ(s.program.port, 5001);
    EXPECT_EQ(s.limits.test, milliseconds(30'000));
    EXPECT_EQ(s.limits.ready, milliseconds(3000));
    EXPECT_EQ(s.limits.within, milliseconds(1500));
    EXPECT_EQ(s.limits.output_bytes, 64 * 1024);
    EXPECT_EQ(s.limits.peer_bytes, 2 << 20);
    EXPECT_EQ(s.limits.cpu_seconds, 5.0);
    EXPECT_EQ(s.limits.memory_bytes, 512 << 20);
    EXPECT_EQ(s.limits.processes, 32);
    EXPECT_EQ(s.limits.open_files, 128);
    EXPECT_EQ(s.env, (std::map<std::string, std::string>{{"LANG", "C.UTF-8"}, {"DEBUG", "1"}}));
    ASSERT_EQ(s.tests.size(), 2u);
    EXPECT_EQ(s.max_score(), 3.5);

    const scenario::Test& t = s.tests[0];
    EXPECT_EQ(t.name, "broadcast");
    EXPECT_EQ(t.title.en, "Every client hears a message");
    EXPECT_EQ(t.title.pt, "");
    EXPECT_EQ(t.points, 2.5);
    EXPECT_TRUE(t.hidden);
    EXPECT_EQ(t.env, (std::map<std::string, std::string>{{"MODE", "test"}}));
    EXPECT_EQ(t.feedback.pt, "Repasse cada linha");
    EXPECT_EQ(t.mark.line, 7);
    EXPECT_EQ(t.mark.column, 5);
    ASSERT_EQ(t.peers.size(), 3u);
    EXPECT_EQ(t.peers[0].name, "A");
    EXPECT_EQ(t.peers[0].kind, PeerKind::tcp_client);
    EXPECT_EQ(t.peers[0].port, std::nullopt);
    EXPECT_EQ(t.peers[0].mark.line, 11);
    EXPECT_EQ(t.peers[0].mark.column, 13);
    EXPECT_EQ(t.peers[2].kind, PeerKind::tcp_server);
    EXPECT_EQ(t.peers[2].port, 6000);
    ASSERT_EQ(t.steps.size(), 17u);

    using Action = Step::Action;
    const auto& st = t.steps;
    EXPECT_EQ(st[0].action, Action::connect);
    EXPECT_EQ(st[0].target.peers, (std::vector<std::string>{"A", "B"}));
    EXPECT_FALSE(st[0].target.program);
    EXPECT_EQ(st[0].within, milliseconds(0));  // 0: the runner applies limits.within
    EXPECT_EQ(st[0].mark.line, 14);
    EXPECT_EQ(st[0].mark.column, 9);

    EXPECT_EQ(st[1].action, Action::send);
    EXPECT_EQ(st[1].target.peers, std::vector<std::string>{"A"});
    EXPECT_EQ(st[1].text, "ola {nonce} ação\n");

    EXPECT_EQ(st[2].action, Action::expect_line);
    EXPECT_EQ(st[2].target.peers, std::vector<std::string>{"B"});
    EXPECT_EQ(st[2].matcher.kind, Matcher::Kind::ends_with);
    EXPECT_EQ(st[2].matcher.pattern, "ola {nonce} ação");
    EXPECT_EQ(st[2].matcher.mark.line, 16);
    EXPECT_EQ(st[2].within, milliseconds(3000));
    EXPECT_EQ(st[2].feedback.en, "Look");
    EXPECT_EQ(st[2].feedback.pt, "Olhe");

    EXPECT_EQ(st[3].matcher.kind, Matcher::Kind::regex);
    EXPECT_EQ(st[3].matcher.pattern, "port (\\d+)");
    EXPECT_EQ(st[3].matcher.capture, (std::map<std::string, int>{{"announced", 1}}));

    EXPECT_EQ(st[4].text, "{announced} {A.port} {fill:10}\n");

    EXPECT_EQ(st[5].action, Action::burst);
    EXPECT_EQ(st[5].count, 20);

    EXPECT_EQ(st[6].action, Action::expect_burst);
    EXPECT_TRUE(st[6].target.program);
    EXPECT_EQ(st[6].target.stream, Stream::stderr_);
    EXPECT_EQ(st[6].matcher.kind, Matcher::Kind::equals);
    EXPECT_EQ(st[6].matcher.pattern, "m{i}");
    EXPECT_EQ(st[6].count, 20);

    EXPECT_EQ(st[7].action, Action::expect_silence);
    EXPECT_EQ(st[7].for_, milliseconds(500));
    EXPECT_EQ(st[7].max_bytes, 1024);

    EXPECT_EQ(st[8].action, Action::close);
    EXPECT_TRUE(st[8].reset);
    EXPECT_FALSE(st[9].reset);

    EXPECT_EQ(st[10].action, Action::expect_accept);
    EXPECT_EQ(st[10].target.peers, std::vector<std::string>{"S"});
    EXPECT_EQ(st[11].action, Action::expect_close);

    EXPECT_EQ(st[12].action, Action::stdin_write);
    EXPECT_EQ(st[12].text, "hello\n");
    EXPECT_TRUE(st[12].target.program);
    EXPECT_EQ(st[13].action, Action::stdin_close);
    EXPECT_EQ(st[14].action, Action::expect_alive);

    EXPECT_EQ(st[15].action, Action::expect_idle);
    EXPECT_EQ(st[15].for_, milliseconds(1000));
    EXPECT_EQ(st[15].cpu_percent, 5);

    EXPECT_EQ(st[16].action, Action::expect_exit);
    EXPECT_EQ(st[16].exit_code, 3);
    EXPECT_EQ(st[16].within, milliseconds(2000));

    const scenario::Test& u = s.tests[1];
    EXPECT_EQ(u.points, 1);  // the default
    EXPECT_FALSE(u.hidden);
    EXPECT_TRUE(u.peers.empty());
    EXPECT_EQ(u.steps[0].target.stream, Stream::stdout_);
    EXPECT_EQ(u.steps[0].matcher.kind, Matcher::Kind::contains);
    EXPECT_EQ(u.steps[1].exit_code, std::nullopt);
}

TEST(Loader, AppliesTheDocumentedDefaults) {
    auto result = load_string("scenario: s\ntests:\n  - name: t\n    steps: [{expect_alive: true}]\n", "s.yaml");
    ASSERT_TRUE(result.ok()) << format_errors(result.errors);
    const Scenario& s = *result.scenario;
    EXPECT_EQ(s.program.role, Role::server);
    EXPECT_EQ(s.program.protocol, Protocol::tcp);
    EXPECT_EQ(s.program.port, 5000);
    // Unset limits keep the struct's defaults (those of docs/scenarios.md).
    const Limits defaults;
    EXPECT_EQ(s.limits.test, defaults.test);
    EXPECT_EQ(s.limits.ready, defaults.ready);
    EXPECT_EQ(s.limits.within, defaults.within);
    EXPECT_EQ(s.limits.output_bytes, defaults.output_bytes);
    EXPECT_EQ(s.limits.peer_bytes, defaults.peer_bytes);
    EXPECT_EQ(s.limits.cpu_seconds, defaults.cpu_seconds);
    EXPECT_EQ(s.limits.memory_bytes, defaults.memory_bytes);
    EXPECT_EQ(s.limits.processes, defaults.processes);
    EXPECT_EQ(s.limits.open_files, defaults.open_files);
    EXPECT_EQ(s.limits.within, milliseconds(2000));
    EXPECT_EQ(s.tests[0].points, 1);
    EXPECT_FALSE(s.tests[0].hidden);
}

TEST(Loader, ReadsUdpPeersAndClientPrograms) {
    auto udp = load_string(one_test("{U: udp-client}", "      - {peer: U, send: \"hi {nonce}\"}\n"
                                                       "      - {peer: U, expect_datagram: {contains: \"{nonce}\"}}\n",
                                    "{protocol: udp}"),
                           "u.yaml");
    ASSERT_TRUE(udp.ok()) << format_errors(udp.errors);
    EXPECT_EQ(udp.scenario->tests[0].peers[0].kind, PeerKind::udp_client);
    EXPECT_EQ(udp.scenario->tests[0].steps[1].action, Step::Action::expect_datagram);

    auto client = load_string(one_test("{S: tcp-server}", "      - expect_accept: S\n"
                                                          "      - {peer: S, expect_line: hello}\n",
                                       "{role: client}"),
                              "c.yaml");
    ASSERT_TRUE(client.ok()) << format_errors(client.errors);
    EXPECT_EQ(client.scenario->program.role, Role::client);
    EXPECT_EQ(client.scenario->tests[0].peers[0].port, std::nullopt);
}

TEST(Loader, ErrorToStringHasThePosition) {
    EXPECT_EQ((Error{"chat.yaml", 14, 9, "boom"}).to_string(), "chat.yaml:14:9: boom");
    EXPECT_EQ((Error{"chat.yaml", 0, 0, "no such file"}).to_string(), "chat.yaml: no such file");
    EXPECT_EQ(format_errors({{"a.yaml", 1, 2, "x"}, {"a.yaml", 3, 4, "y"}}), "a.yaml:1:2: x\na.yaml:3:4: y\n");
    EXPECT_EQ(format_errors({}), "");
}

// --- the file ---

TEST(LoaderFile, MissingFile) {
    auto result = load_file("/nonexistent/chat.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(format_errors(result.errors), "/nonexistent/chat.yaml: no such file\n");
}

TEST(LoaderFile, AFolderIsNotAFile) {
    EXPECT_EQ(format_errors(load_file(SOCKGRADE_TESTS_DIR).errors),
              std::string(SOCKGRADE_TESTS_DIR) + ": is a folder, not a scenario file\n");
}

TEST(LoaderFile, ReadsAFileFromDisk) {
    auto result = load_file(std::string(SOCKGRADE_TESTS_DIR) + "/golden/validate/valid-chat.yaml");
    ASSERT_TRUE(result.ok()) << format_errors(result.errors);
    EXPECT_EQ(result.scenario->path, std::string(SOCKGRADE_TESTS_DIR) + "/golden/validate/valid-chat.yaml");
}

TEST(LoaderFile, NotYaml) {
    EXPECT_EQ(errors_of("scenario: x\ntests: [a, b\n"), "t.yaml:3:1: not valid YAML: end of sequence flow not found; a '{' or '[' opened above is not closed, or a text "
              "inside it with ',' or ':' needs quotes\n");
    EXPECT_EQ(errors_of("a: b: c\n"), "t.yaml:1:5: not valid YAML: illegal map value; a text with ': ' in it must be quoted, e.g. en: \"After printing: close the socket\"\n");
}

// yaml-cpp 0.7's LoadAll loops forever on a stray ',' and Load reads it as
// an empty document; it must be a parse error.
TEST(LoaderFile, StrayCommaIsNotYaml) {
    EXPECT_EQ(errors_of(",\n"), "t.yaml:1:1: not valid YAML: unexpected ','\n");
    EXPECT_EQ(errors_of("# title\n, scenario: x\n"), "t.yaml:2:1: not valid YAML: unexpected ','\n");
}

TEST(LoaderFile, ANullDocumentIsNotAScenario) {
    EXPECT_EQ(errors_of("~\n"),
              "t.yaml:1:1: expected a map at the top of the file (scenario:, program:, tests: ...), got nothing\n");
}

TEST(LoaderFile, NotUtf8) {
    EXPECT_EQ(errors_of("scenario: x\ntitle: caf\xe9\n"),
              "t.yaml:2:11: the file is not UTF-8: byte 0xE9 at byte offset 22 is not valid UTF-8 (Latin-1 or "
              "Windows-1252, perhaps); save the file as UTF-8\n");
    EXPECT_EQ(errors_of("\xff\xfes\x00"), "t.yaml: the file is UTF-16; save it as UTF-8\n");
}

TEST(LoaderFile, EmptyFile) {
    EXPECT_EQ(errors_of(""), "t.yaml: the file is empty; a scenario starts with scenario: NAME\n");
    EXPECT_EQ(errors_of("# only a comment\n"), "t.yaml: the file is empty; a scenario starts with scenario: NAME\n");
}

TEST(LoaderFile, OneDocumentOnly) {
    EXPECT_EQ(errors_of("scenario: x\ntests: [{name: t, steps: [{expect_alive: true}]}]\n---\nb: 1\n"),
              "t.yaml:3:1: a scenario file holds one YAML document; another one starts here\n");
}

TEST(LoaderFile, TopMustBeAMap) {
    EXPECT_EQ(errors_of("- a\n- b\n"),
              "t.yaml:1:1: expected a map at the top of the file (scenario:, program:, tests: ...), got a list\n");
}

// --- the scenario ---

TEST(LoaderScenario, UnknownKeyWithSuggestion) {
    EXPECT_EQ(errors_of("scenario: x\nprogramm: {}\ntests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:1: unknown key 'programm' (did you mean 'program'?)\n");
}

TEST(LoaderScenario, UnknownKeyWithoutSuggestionListsTheKeys) {
    EXPECT_EQ(errors_of("scenario: x\ncolour: red\ntests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:1: unknown key 'colour'; expected scenario, title, program, limits, env or tests\n");
}

TEST(LoaderScenario, MissingNameAndTests) {
    EXPECT_EQ(errors_of("title: x\n"),
              "t.yaml:1:1: missing 'scenario': the scenario's short name, like scenario: chat-server\n"
              "t.yaml:1:1: missing 'tests': a list of tests, each with a name and steps\n");
    EXPECT_EQ(errors_of("name: x\ntests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:1:1: unknown key 'name': a scenario's short name is written scenario: NAME\n");
}

TEST(LoaderScenario, NamesAreLettersDigitsDashAndUnderscore) {
    EXPECT_EQ(errors_of("scenario: chat server\ntests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:1:11: scenario name 'chat server' may hold only letters, digits, - and _\n");
}

TEST(LoaderScenario, DuplicateKey) {
    EXPECT_EQ(errors_of("scenario: x\ntests: [{name: t, steps: [{expect_alive: true}]}]\nscenario: y\n"),
              "t.yaml:3:1: duplicate key 'scenario' (first at line 1)\n");
}

TEST(LoaderScenario, ProgramValues) {
    EXPECT_EQ(errors_of("scenario: x\nprogram: {role: sever, protocol: sctp, port: 70000}\n"
                        "tests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:17: 'role' must be server or client, got 'sever' (did you mean 'server'?)\n"
              "t.yaml:2:34: 'protocol' must be tcp or udp, got 'sctp'\n"
              "t.yaml:2:46: 'port' must be a whole number from 1 to 65535, got 70000\n");
    EXPECT_EQ(errors_of("scenario: x\nprogram: [server]\ntests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:10: expected a map like {role: server, protocol: tcp, port: 5000}, got a list\n");
}

TEST(LoaderScenario, LimitValues) {
    EXPECT_EQ(errors_of("scenario: x\nlimits: {test: 2 s, within: 0, output: 64kb, processes: 0, cpu: 5, tset: 1s}\n"
                        "tests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:16: bad duration '2 s': write a number and a unit with no space, like 2s or 500ms\n"
              "t.yaml:2:29: 'within' must be longer than 0, got 0\n"
              "t.yaml:2:40: bad size '64kb': unknown unit 'kb' (did you mean 'KB'?); use B, KiB, MiB, GiB (1024-based) "
              "or KB, MB, GB, like 4096, 64KiB or 1MiB\n"
              "t.yaml:2:57: 'processes' must be a whole number >= 1, got 0\n"
              "t.yaml:2:65: bad duration '5': add a unit (ms, s or m), like 2s or 500ms\n"
              "t.yaml:2:68: unknown key 'tset' (did you mean 'test'?)\n");
}

TEST(LoaderScenario, EnvValues) {
    EXPECT_EQ(errors_of("scenario: x\nenv: {PORT: '1', 1X: a, GOOD: [x]}\n"
                        "tests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:7: 'PORT' is set by sockgrade from the program's port; set program: {port: N} instead\n"
              "t.yaml:2:18: environment variable '1X' may hold only letters, digits and _, and not start with a digit\n"
              "t.yaml:2:31: 'GOOD' must be a text (write '' for an empty value), got a list\n");
}

TEST(LoaderScenario, Texts) {
    EXPECT_EQ(errors_of("scenario: x\ntitle: {pt: oi, de: hallo}\ntests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:8: 'title' in two languages needs 'en' (pt is optional)\n"
              "t.yaml:2:17: unknown key 'de'; expected en or pt\n");
    EXPECT_EQ(errors_of("scenario: x\ntitle: [a]\ntests: [{name: t, steps: [{expect_alive: true}]}]\n"),
              "t.yaml:2:8: 'title' must be a text or a map {en: ..., pt: ...}, got a list\n");
}

TEST(LoaderScenario, TestsMustBeANonEmptyList) {
    EXPECT_EQ(errors_of("scenario: x\ntests: []\n"), "t.yaml:2:8: 'tests' is empty: a scenario needs at least one test\n");
    EXPECT_EQ(errors_of("scenario: x\ntests: {a: 1}\n"), "t.yaml:2:8: expected a list of tests, got a map\n");
}

// --- tests ---

TEST(LoaderTest, DuplicateTestNames) {
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - {name: t, steps: [{expect_alive: true}]}\n"
                        "  - {name: t, steps: [{expect_alive: true}]}\n"),
              "t.yaml:4:12: duplicate test name 't' (first at line 3)\n");
}

TEST(LoaderTest, NoSteps) {
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - name: broadcast\n    steps: []\n  - name: other\n  - points: 1\n"),
              "t.yaml:4:12: test 'broadcast' has no steps\n"
              "t.yaml:5:5: test 'other' has no steps\n"
              "t.yaml:6:5: a test needs a name, like name: broadcast\n"
              "t.yaml:6:5: this test has no steps\n");
}

TEST(LoaderTest, PointsAndHidden) {
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - {name: t, points: -1, hidden: yes, steps: [{expect_alive: true}]}\n"),
              "t.yaml:3:23: 'points' must be a number >= 0, got -1\n"
              "t.yaml:3:35: 'hidden' must be true or false, got 'yes'\n");
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - {name: t, points: two, steps: [{expect_alive: true}]}\n"),
              "t.yaml:3:23: 'points' must be a number >= 0, got 'two'\n");
}

TEST(LoaderTest, TestNamesAreChecked) {
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - {name: my test, steps: [{expect_alive: true}]}\n"),
              "t.yaml:3:12: test name 'my test' may hold only letters, digits, - and _\n");
}

TEST(LoaderTest, UnknownTestKey) {
    EXPECT_EQ(errors_of("scenario: x\ntests:\n  - {name: t, feedbak: x, steps: [{expect_alive: true}]}\n"),
              "t.yaml:3:15: unknown key 'feedbak' (did you mean 'feedback'?)\n");
}

// --- peers ---

TEST(LoaderPeers, PeersMustBeAMap) {
    EXPECT_EQ(errors_of(one_test("[A, B]", "      - {peer: A, send: x}\n")),
              "t.yaml:5:12: expected a map of peers, got a list (write peers: {A: tcp-client, B: tcp-client})\n");
}

TEST(LoaderPeers, UnknownKind) {
    EXPECT_EQ(errors_of(one_test("{A: tcp_client, B: websocket}", "      - expect_alive: true\n")),
              "t.yaml:5:16: unknown peer kind 'tcp_client' (did you mean 'tcp-client'?)\n"
              "t.yaml:5:31: unknown peer kind 'websocket'; expected tcp-client, tcp-server, udp-client or udp-server\n");
}

TEST(LoaderPeers, AUseOfABrokenPeerIsNotReportedTwice) {
    EXPECT_EQ(errors_of(one_test("{A: tcp_client}", "      - connect: A\n")),
              "t.yaml:5:16: unknown peer kind 'tcp_client' (did you mean 'tcp-client'?)\n");
}

TEST(LoaderPeers, PortOnlyForServerPeers) {
    EXPECT_EQ(errors_of(one_test("{A: {kind: tcp-client, port: 4000}, S: {port: 6000}, T: {kind: tcp-server, port: 0}}",
                                 "      - expect_alive: true\n")),
              "t.yaml:5:35: 'port' is only for server peers (tcp-server, udp-server); a tcp-client uses the program's "
              "port\n"
              "t.yaml:5:51: peer 'S' needs a kind, like {kind: tcp-server, port: 6000}\n"
              "t.yaml:5:93: 'port' must be a whole number from 1 to 65535, got 0\n");
}

TEST(LoaderPeers, PeersMustFitTheProgram) {
    EXPECT_EQ(errors_of(one_test("{U: udp-client, S: tcp-server}", "      - expect_alive: true\n")),
              "t.yaml:5:13: peer 'U' is a udp-client, but the program speaks tcp (see program: protocol)\n"
              "t.yaml:5:28: peer 'S' is a tcp-server on the program's own port 5000; give it another, like {kind: "
              "tcp-server, port: 6000}\n");
    EXPECT_EQ(errors_of(one_test("{A: tcp-client}", "      - expect_alive: true\n", "{role: client}")),
              "t.yaml:5:13: peer 'A' is a tcp-client, but the program is a client: nothing listens for it to reach; "
              "use a tcp-server peer\n");
}

TEST(LoaderPeers, PeerNames) {
    EXPECT_EQ(errors_of(one_test("{A.1: tcp-client}", "      - expect_alive: true\n")),
              "t.yaml:5:13: peer name 'A.1' may hold only letters, digits, - and _\n");
}

TEST(LoaderErrors, EveryErrorInAFileIsReported) {
    auto result = load_string(
        "scenario: x\nlimits: {within: 2 s}\ntests:\n"
        "  - {name: a, points: -1, steps: [{expect_lines: x}, {expect_alive: true}]}\n"
        "  - {name: b, steps: []}\n",
        "t.yaml");
    EXPECT_FALSE(result.scenario.has_value());
    EXPECT_EQ(format_errors(result.errors),
              "t.yaml:2:18: bad duration '2 s': write a number and a unit with no space, like 2s or 500ms\n"
              "t.yaml:4:23: 'points' must be a number >= 0, got -1\n"
              "t.yaml:4:36: unknown key 'expect_lines' (did you mean 'expect_line'?)\n"
              "t.yaml:5:22: test 'b' has no steps\n");
}

}  // namespace
}  // namespace sockgrade::scenario
