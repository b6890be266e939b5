// Feedback that blames the right thing: when the program's state shows the
// cause of a failure (a client it never accepted, a client blocked in recv(),
// a program that could not start, a connection it closed mid-send), the
// message says that cause first and the test's own advice, about something
// else, is not given. Against the reference mutants, the examples and small
// fixtures; the exact phrases are asserted.
#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const fs::path project = fs::path(SOCKGRADE_TESTS_DIR).parent_path();

std::string lab_scenario(const std::string& lab) { return (project / "scenarios" / (lab + ".yaml")).string(); }
std::string example(const std::string& path) { return (project / "examples" / path).string(); }
std::string mutant(const std::string& name) { return reference_program("mutants/" + name); }

// Runs one test of a scenario against a program, in `lang`; its JSON result.
Json graded(const std::string& scenario, const std::string& test, const std::vector<std::string>& program,
            const std::string& lang = "en") {
    std::vector<std::string> args{"run", scenario, "--only", test, "--format", "json", "--lang", lang, "--"};
    args.insert(args.end(), program.begin(), program.end());
    auto run = run_sockgrade(args);
    EXPECT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << "the test must fail\n" << run.describe();
    auto result = test_named(parse_json(run), test);
    EXPECT_FALSE(result.value("passed", true)) << run.describe();
    return result;
}

std::string message(const Json& test) { return test.value("message", ""); }
std::string feedback(const Json& test) { return test.value("feedback", ""); }

// --- 1. a server that serves one client at a time --------------------------------------------

TEST(e2eFeedback, ClientsAServerNeverAcceptedAreNamedFirstInsteadOfTheTestsAdvice) {
    auto test = graded(lab_scenario("chat-server"), "broadcast", {mutant("chat-server--one-at-a-time")});
    EXPECT_THAT(message(test),
                StartsWith("the connections of B and C were never accepted: the program is still serving A; serve each "
                           "client at the same time (a thread per client, or select). B did not receive a line ending "
                           "with \"ola "))
        << test.dump(2);
    EXPECT_THAT(message(test), HasSubstr(": nothing arrived"));
    EXPECT_EQ(feedback(test), "") << "the broadcast advice (every OTHER client) is not the cause here";
}

TEST(e2eFeedback, TheStudentsOneAtATimeServerIsToldInPortuguese) {
    auto test = graded(lab_scenario("chat-server"), "concurrent-clients",
                       {"python3", example("chat-server-one-at-a-time/servidor.py")}, "pt");
    EXPECT_THAT(message(test), StartsWith("a conexão de B nunca foi aceita: o programa ainda está atendendo A; atenda "
                                          "cada cliente ao mesmo tempo (uma thread por cliente, ou select). "))
        << test.dump(2);
    EXPECT_EQ(feedback(test), "");
}

TEST(e2eFeedback, AServerThatAcceptedEveryoneKeepsTheTestsAdvice) {
    // The control: the echo-only mutant accepts every client; its fault is the broadcast itself.
    auto test = graded(lab_scenario("chat-server"), "broadcast", {mutant("chat-server--echo-only")});
    EXPECT_THAT(message(test), Not(HasSubstr("never accepted")));
    EXPECT_THAT(feedback(test), HasSubstr("every OTHER connected client"));
}

// --- 2. a chat client blocked in recv() after its first line ---------------------------------

const std::string blocked_en =
    "the program stopped after its first line: it is blocked in recv(), waiting for the server, and does not read "
    "what is typed; read the socket and standard input at the same time (a thread, or select). ";

TEST(e2eFeedback, ABlockingClientIsToldItStoppedAfterItsFirstLine) {
    auto test = graded(lab_scenario("chat-client"), "sends-lines", {mutant("chat-client--blocking-input")});
    EXPECT_THAT(message(test), StartsWith(blocked_en + "S did not receive the line \"tudo bem ")) << test.dump(2);
    EXPECT_EQ(feedback(test), "") << "the newline advice is not the cause here";
}

TEST(e2eFeedback, ABlockingClientThatNeverSeesTheEndOfInputIsToldWhy) {
    auto test = graded(lab_scenario("chat-client"), "exit-on-stdin-eof", {mutant("chat-client--blocking-input")});
    EXPECT_THAT(message(test), StartsWith(blocked_en + "The program did not exit")) << test.dump(2);
    EXPECT_EQ(feedback(test), "") << "the EOFError advice is not the cause here";
}

TEST(e2eFeedback, TheStudentsBlockingClientIsToldInPortuguese) {
    auto test = graded(lab_scenario("chat-client"), "sends-lines",
                       {"python3", example("chat-client-blocking/cliente.py")}, "pt");
    EXPECT_THAT(message(test), StartsWith("o programa parou depois da primeira linha: está bloqueado no recv(), "
                                          "esperando o servidor, e não lê o que é digitado; leia o socket e a entrada "
                                          "padrão ao mesmo tempo (uma thread, ou select). "))
        << test.dump(2);
    EXPECT_EQ(feedback(test), "");
}

TEST(e2eFeedback, AClientThatLeavesOutTheNewlineStillGetsTheNewlineAdvice) {
    auto test = graded(lab_scenario("chat-client"), "sends-lines", {mutant("chat-client--no-newline")});
    EXPECT_THAT(message(test), Not(HasSubstr("recv()")));
    EXPECT_THAT(message(test), HasSubstr("without a newline at its end"));
    EXPECT_THAT(feedback(test), HasSubstr("add it back"));
}

TEST(e2eFeedback, AClientThatIgnoresTheEndOfInputStillGetsTheEofAdvice) {
    auto test = graded(lab_scenario("chat-client"), "exit-on-stdin-eof", {mutant("chat-client--ignores-stdin-eof")});
    EXPECT_THAT(message(test), Not(HasSubstr("recv()")));
    EXPECT_THAT(feedback(test), HasSubstr("EOFError"));
}

// --- 5. lines that arrived, none of them the expected one -------------------------------------

TEST(e2eFeedback, LinesThatWereNotTheExpectedOneAreCountedInWords) {
    auto two = graded(lab_scenario("tcp-server"), "prints-message", {mutant("tcp-server--prints-byte-count")});
    EXPECT_THAT(message(two), HasSubstr(": 2 lines arrived, but none was the expected one; the last was \"127.0.0.1:"))
        << two.dump(2);
    auto one = graded(lab_scenario("tcp-server"), "prints-client-address", {mutant("tcp-server--no-address")}, "pt");
    EXPECT_THAT(message(one), HasSubstr(": chegou 1 linha, mas não a esperada: \"")) << one.dump(2);
}

// --- 3. a program that cannot start ----------------------------------------------------------

TEST(e2eFeedback, AProgramThatCannotBeStartedIsTheHeadlineOfEveryTest) {
    RunOptions options;
    options.cwd = example("tcp-server-ok");
    auto run = run_sockgrade({"run", "tcp-server", "--format", "json", "--", "pyhton3", "servidor.py"}, options);
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << "a program that cannot start is a failed check\n" << run.describe();
    auto tests = parse_json(run).value("tests", Json::array());
    ASSERT_FALSE(tests.empty()) << run.describe();
    for (const auto& test : tests) {
        EXPECT_THAT(message(test), StartsWith("the program could not be started: ")) << test.dump(2);
        EXPECT_EQ(feedback(test), "") << test.value("name", "");
    }
}

TEST(e2eFeedback, AProgramThatDiesAtStartUpShowsTheEndOfItsStderr) {
    RunOptions options;
    options.cwd = example("tcp-server-ok");
    auto run = run_sockgrade({"run", "tcp-server", "--format", "json", "--lang", "pt", "--", "python3", "nao_existe.py"},
                             options);
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto tests = parse_json(run).value("tests", Json::array());
    ASSERT_FALSE(tests.empty()) << run.describe();
    for (const auto& test : tests) {
        EXPECT_THAT(message(test), StartsWith("o programa terminou com status 2 antes de estar escutando na porta TCP "
                                              "5000; as últimas linhas da sua saída de erro: \""))
            << test.dump(2);
        EXPECT_THAT(message(test), HasSubstr("nao_existe.py': [Errno 2] No such file or directory\""));
        EXPECT_EQ(feedback(test), "") << test.value("name", "");
    }
}

// --- 4. a connection the program closes while a peer still sends ------------------------------

TEST(e2eFeedback, AConnectionClosedMidSendIsSaidAtOnce) {
    auto test = graded(fixture("cut-short.yaml"), "closed-mid-send", {"python3", fixture("reads_three_then_closes.py")});
    EXPECT_EQ(message(test), "A could not send: the program closed the connection after reading 3 of 19 bytes")
        << test.dump(2);
    // The 4th byte leaves about 3 s in; the send's deadline is 15 s.
    EXPECT_LT(test.value("seconds", 99.0), 9.0) << "it waited for the deadline";
}

TEST(e2eFeedback, AConnectionClosedMidSendIsSaidInPortuguese) {
    auto test = graded(fixture("cut-short.yaml"), "closed-mid-send", {"python3", fixture("reads_three_then_closes.py")},
                       "pt");
    EXPECT_EQ(message(test), "A não conseguiu enviar: o programa fechou a conexão depois de ler 3 de 19 bytes")
        << test.dump(2);
}

}  // namespace
}  // namespace e2e
