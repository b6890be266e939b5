// Failures as the CLI reports them: a student's failure is exit 1 with a
// message that says what happened; a usage or scenario mistake is exit 2.
#include <fstream>
#include <regex>

#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(e2eErrors, ACommandThatDoesNotExistIsAFailedCheckNotAGraderError) {
    const std::string missing = "sockgrade-e2e-no-such-command-" + random_token();
    auto run = run_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--format", "json", "--", missing});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto test = test_named(parse_json(run), "listens-on-port");
    EXPECT_EQ(test.value("passed", true), false);
    EXPECT_THAT(test.value("message", ""), HasSubstr("command not found")) << run.describe();
    EXPECT_THAT(test.value("message", ""), HasSubstr(missing));
    EXPECT_THAT(run.err, Not(HasSubstr("grader error"))) << run.describe();
}

TEST(e2eErrors, AnUnknownScenarioNameIsExit2WithAClearMessage) {
    auto run = run_sockgrade({"run", "no-such-lab-e2e", "--", "python3", fixture("hardcoded_5000.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_THAT(run.err, HasSubstr("no scenario 'no-such-lab-e2e'")) << run.describe();
    EXPECT_THAT(run.err, HasSubstr("; the scenarios: chat-client, chat-server, chat-server-robust, tcp-client, tcp-server, "
                                   "udp-client, udp-server"))
        << run.describe();
    EXPECT_EQ(run.out, "") << run.describe();
}

TEST(e2eErrors, APictureFolderThatCannotBeMadeIsExit2BeforeAnythingRuns) {
    TempDir dir;
    std::ofstream(dir.path() / "file") << "a file, not a folder\n";
    const auto under_a_file = (dir.path() / "file" / "pictures").string();
    auto run = run_sockgrade({"run", "tcp-server", "--diagram", under_a_file, "--", "python3", fixture("hardcoded_5000.py")});
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_EQ(run.err, "sockgrade: --diagram " + under_a_file + ": cannot make that folder: Not a directory\n");
    EXPECT_EQ(run.out, "") << run.describe();
    auto check = run_sockgrade({"check", (fs::path(SOCKGRADE_TESTS_DIR).parent_path() / "examples" / "tcp-server-ok").string(),
                                "--capture", under_a_file, "--lang", "pt"});
    EXPECT_EQ(check.exit_code, 2) << check.describe();
    EXPECT_EQ(check.err, "sockgrade: --capture " + under_a_file + ": não foi possível criar essa pasta: Not a directory\n");
}

TEST(e2eErrors, AMisspeltScenarioNameGetsADidYouMean) {
    auto run = run_sockgrade({"run", "chat-sever", "--", "python3", fixture("hardcoded_5000.py")});
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_EQ(run.err, "sockgrade: no scenario 'chat-sever' (not a file, nor a shipped scenario name); did you mean "
                       "'chat-server'?\n");
    auto pt = run_sockgrade({"run", "tcp_server", "--lang", "pt", "--", "python3", fixture("hardcoded_5000.py")});
    EXPECT_EQ(pt.exit_code, 2) << pt.describe();
    EXPECT_THAT(pt.err, HasSubstr("; você quis dizer 'tcp-server'?\n")) << pt.describe();
}

TEST(e2eErrors, OnlyWithAnUnknownTestIsExit2AndListsTheTests) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "no-such-test", "--", "python3", fixture("hardcoded_5000.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_THAT(run.err, HasSubstr("no-such-test")) << run.describe();
    for (const char* name : {"listens-on-port", "prints-message", "prints-client-address", "prints-accents",
                             "closes-connection"})
        EXPECT_THAT(run.err, HasSubstr(name)) << run.describe();
    EXPECT_EQ(run.out, "") << run.describe();
}

TEST(e2eErrors, ABrokenScenarioFileIsExit2WithFileLineColumn) {
    // broken.yaml misspells "steps" as "stepz" on line 9, column 5.
    auto run = run_sockgrade({"run", fixture("broken.yaml"), "--", "python3", fixture("hardcoded_5000.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_TRUE(std::regex_search(run.err, std::regex(R"(broken\.yaml:9:5: )"))) << run.describe();
    EXPECT_THAT(run.err, HasSubstr("stepz")) << run.describe();
    EXPECT_EQ(run.out, "") << run.describe();
}

TEST(e2eErrors, AProgramKilledBySigsegvIsNamedInTheMessage) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--format", "json", "--", "python3",
                              fixture("segfault_on_connect.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto test = test_named(parse_json(run), "prints-message");
    EXPECT_EQ(test.value("passed", true), false);
    EXPECT_THAT(test.value("message", ""), HasSubstr("signal 11 (SIGSEGV)")) << run.describe();
}

TEST(e2eErrors, HowTheProgramEndedReadsAsASentence) {
    // Not "the program had was killed by signal 11": the exit is described once, grammatically.
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--format", "json", "--", "python3",
                              fixture("segfault_on_connect.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    auto message = test_named(parse_json(run), "prints-message").value("message", "");
    EXPECT_THAT(message, HasSubstr("the program was killed by signal 11 (SIGSEGV)")) << run.describe();
    EXPECT_THAT(message, Not(HasSubstr("had was"))) << run.describe();
}

TEST(e2eErrors, HowTheProgramEndedIsInPortugueseWithLangPt) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--lang", "pt", "--format", "json", "--",
                              "python3", fixture("segfault_on_connect.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    auto message = test_named(parse_json(run), "prints-message").value("message", "");
    EXPECT_THAT(message, HasSubstr("sinal 11 (SIGSEGV)")) << run.describe();
    EXPECT_THAT(message, Not(HasSubstr("killed by signal"))) << run.describe();
}

TEST(e2eErrors, AWaitCutShortByTheTestLimitDoesNotClaimItsOwnDeadline) {
    // deadline.yaml: test limit 3s, one expect_line with within: 60s. It fails at about 3 s,
    // so "within 60.0 s" would tell the student something that did not happen.
    auto run = run_sockgrade({"run", fixture("deadline.yaml"), "--format", "json", "--", "python3",
                              fixture("hardcoded_5000.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto test = test_named(parse_json(run), "waits-past-the-limit");
    EXPECT_LT(test.value("seconds", 1e9), 3.0 + 3.0) << run.describe();
    auto message = test.value("message", "");
    EXPECT_THAT(message, Not(HasSubstr("60.0 s"))) << run.describe();
    EXPECT_TRUE(std::regex_search(message, std::regex(R"(\b3(\.0)? s\b)")))
        << "the limit that ended the wait, 3 s, is not named\n" << run.describe();
}

TEST(e2eErrors, AServerThatHangsBeforeListeningFailsWithinTheReadyLimit) {
    // tcp-server.yaml: ready 5s, test 15s. The fixture never binds and ignores SIGTERM.
    auto run = run_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--format", "json", "--", "python3",
                              fixture("hang_before_listen.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto test = test_named(parse_json(run), "listens-on-port");
    EXPECT_EQ(test.value("passed", true), false);
    EXPECT_THAT(test.value("message", ""), HasSubstr("not listening on TCP port 5000")) << run.describe();
    EXPECT_GE(run.seconds, 5.0) << "gave up before the ready limit\n" << run.describe();
    EXPECT_LT(run.seconds, 5.0 + 8.0) << "took far longer than the ready limit\n" << run.describe();
}

TEST(e2eErrors, AServerOnTheWrongPortIsToldWhichPortItUses) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--format", "json", "--", "python3",
                              fixture("wrong_port_5001.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto message = test_named(parse_json(run), "listens-on-port").value("message", "");
    EXPECT_THAT(message, HasSubstr("5001")) << run.describe();
    EXPECT_THAT(message, HasSubstr("port 5000")) << run.describe();
    // It listens elsewhere and waits: told after a second of that, not at the 5 s ready limit.
    EXPECT_LT(run.seconds, 4.5) << run.describe();
}

// What a student meets before any test runs is said in their language too:
// from --lang, else from LANG.
TEST(e2eErrors, AnUnknownScenarioNameIsSaidInPortuguese) {
    auto run = run_sockgrade({"run", "chat-cliente", "--", "python3", fixture("hardcoded_5000.py")},
                             {.env = {{"LANG", "pt_BR.UTF-8"}}});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_THAT(run.err, HasSubstr("sockgrade: não há cenário 'chat-cliente'")) << run.describe();
    EXPECT_THAT(run.err, Not(HasSubstr("no scenario"))) << run.describe();
}

TEST(e2eErrors, ACommandThatDoesNotExistIsSaidInPortuguese) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--lang", "pt", "--", "pyhton3", "x.py"});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("o programa não pôde ser iniciado: comando não encontrado: 'pyhton3'")) << run.describe();
    EXPECT_THAT(run.out, Not(HasSubstr("command not found"))) << run.describe();
}

TEST(e2eErrors, CheckSaysWhatIsWrongWithSockgradeYamlInPortuguese) {
    // No .sockgrade.yaml and no program: the lab cannot be guessed, and check says how to tell it.
    TempDir missing;
    auto none = run_sockgrade({"check", missing.str(), "--lang", "pt"});
    EXPECT_EQ(none.exit_code, 2) << none.describe();
    EXPECT_EQ(none.err, "sockgrade: não dá para saber qual é o exercício: nenhum programa encontrado (um arquivo .py, .c, "
                        ".cpp ou .java com main); diga qual com --lab NOME, ou com lab: no .sockgrade.yaml\n")
        << none.describe();

    TempDir wrong;
    std::ofstream(wrong.path() / ".sockgrade.yaml") << "lab: tcp-server\nrun: python3 servidor.py\nlanguage: pt\n";
    auto bad = run_sockgrade({"check", wrong.str()}, {.env = {{"LC_MESSAGES", "pt_PT.UTF-8"}}});
    EXPECT_EQ(bad.exit_code, 2) << bad.describe();
    EXPECT_THAT(bad.err, HasSubstr(".sockgrade.yaml:3:1: chave desconhecida 'language' (as chaves válidas são lab, build, "
                                   "run, port, expect)"))
        << bad.describe();
    auto english = run_sockgrade({"check", wrong.str()});
    EXPECT_THAT(english.err, HasSubstr(".sockgrade.yaml:3:1: unknown key 'language' (expected lab, build, run, port, expect)"))
        << english.describe();
}

TEST(e2eErrors, CheckNamesTheProgramsFolderInPortuguese) {
    TempDir folder(true);
    std::ofstream(folder.path() / ".sockgrade.yaml") << "lab: tcp-server\nrun: python3 " << fixture("hardcoded_5000.py")
                                                     << "\n";
    auto run = run_sockgrade({"check", folder.str(), "--lang", "pt"});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_THAT(run.out, HasSubstr(" (numa cópia de " + folder.str() + ")\n")) << run.describe();
    EXPECT_THAT(run.out, Not(HasSubstr(" (in a copy of "))) << run.describe();
}

}  // namespace
}  // namespace e2e
