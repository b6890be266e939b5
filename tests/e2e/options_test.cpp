// The options of `sockgrade run` that scripts and teachers rely on:
// --repeat (flaky tests), --port and {port}, --format/--output pairs, --lang.
#include <regex>

#include <gmock/gmock.h>

#include "support.hpp"

namespace e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(e2eOptions, RepeatReportsATestThatPassesEveryOtherRunAsFlaky) {
    TempDir state(/*world_writable=*/true);  // the program (user nobody when root) keeps its counter here
    TempDir reports;
    const auto counter = state.str("counter");
    const auto json_path = reports.str("report.json");
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--repeat", "4", "--writable", state.str(),
                              "--env", "COUNTER=" + counter, "--format", "json", "--output", json_path, "--", "python3",
                              fixture("flaky_every_other.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_EQ(read_file(counter), "4") << "the program did not run 4 times";

    // Text, on stdout since the JSON went to a file.
    EXPECT_THAT(run.out, HasSubstr("passed 2 of 4")) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("flaky")) << run.describe();

    ASSERT_TRUE(fs::exists(json_path)) << run.describe();
    auto report = Json::parse(read_file(json_path));
    EXPECT_THAT(report.at("flaky"), ElementsAre("prints-message")) << report.dump(2);
    EXPECT_EQ(report.at("passed"), false);
    auto test = test_named(report, "prints-message");
    EXPECT_EQ(test.value("passed", true), false);
    EXPECT_EQ(test.value("points", -1.0), 0.0);
    EXPECT_EQ(test.value("runs", 0), 4);
    EXPECT_EQ(test.value("passes", 0), 2);
}

TEST(e2eOptions, PortGivesTheProgramItsPortInTheEnvironment) {
    auto run = run_sockgrade({"run", "tcp-server", "--port", "6123", "--format", "json", "--", "python3",
                              fixture("port_from_env.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    auto report = parse_json(run);
    EXPECT_EQ(report.value("passed", false), true) << run.describe();
    EXPECT_EQ(report["score"], report["max_score"]);
}

TEST(e2eOptions, PortReplacesPortPlaceholderInTheCommandLine) {
    auto run = run_sockgrade({"run", "tcp-server", "--port", "6123", "--format", "json", "--", "python3",
                              fixture("port_from_argv.py"), "{port}"});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    auto report = parse_json(run);
    EXPECT_EQ(report.value("passed", false), true) << run.describe();
    EXPECT_EQ(report["score"], report["max_score"]);
}

TEST(e2eOptions, PortIsWhatTheGraderChecks) {
    // The control for the two tests above: a server on 5000 fails when told --port 6123.
    auto run = run_sockgrade({"run", "tcp-server", "--port", "6123", "--only", "listens-on-port", "--format", "json",
                              "--", "python3", fixture("hardcoded_5000.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto message = test_named(parse_json(run), "listens-on-port").value("message", "");
    EXPECT_THAT(message, HasSubstr("6123")) << run.describe();
}

TEST(e2eOptions, RepeatableOptionsBeforeTheDoubleDashLeaveTheCommandsOwnOptionsAlone) {
    // "python3 -B server.py" and "java -cp . Server" are ordinary commands: everything after
    // "--" is the program's, whichever options of sockgrade come before it, even words that
    // look like sockgrade's own options ("--lang pt" here is the program's argument).
    auto run = run_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--env", "SOCKGRADE_E2E=1", "--format",
                              "json", "--", "python3", "-B", fixture("hardcoded_5000.py"), "--lang", "pt"});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_THAT(run.err, Not(HasSubstr("not expected"))) << run.describe();
    auto report = parse_json(run);
    EXPECT_EQ(report.value("passed", false), true) << run.describe();
    EXPECT_EQ(report.value("command", ""), "python3 -B " + fixture("hardcoded_5000.py") + " --lang pt") << run.describe();
    EXPECT_EQ(report.value("title", ""), "TCP server") << "sockgrade took the program's --lang\n" << run.describe();
}

TEST(e2eOptions, TwoFormatsEachToItsOwnFileAndTextStillOnStdout) {
    TempDir reports;
    const auto junit_path = reports.str("report.xml");
    const auto json_path = reports.str("report.json");
    auto run = run_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--format", "junit", "--output",
                              junit_path, "--format", "json", "--output", json_path, "--",
                              reference_program("tcp-server")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 0) << run.describe();

    ASSERT_TRUE(fs::exists(junit_path)) << run.describe();
    auto junit = read_file(junit_path);
    EXPECT_THAT(junit, HasSubstr("<testsuite"));
    EXPECT_THAT(junit, HasSubstr("listens-on-port"));
    EXPECT_THAT(junit, Not(HasSubstr("\"scenario\"")));  // not the JSON report

    ASSERT_TRUE(fs::exists(json_path)) << run.describe();
    auto report = Json::parse(read_file(json_path));
    EXPECT_EQ(report.at("scenario"), "tcp-server");
    EXPECT_EQ(report.at("passed"), true);
    EXPECT_EQ(report.at("tests").size(), 1u);

    // Text on stdout: the title line, the test, the score; neither XML nor JSON.
    EXPECT_THAT(run.out, HasSubstr("TCP server (tcp-server)")) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("listens-on-port")) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("score")) << run.describe();
    EXPECT_THAT(run.out, Not(HasSubstr("<testsuite"))) << run.describe();
    EXPECT_THAT(run.out, Not(HasSubstr("\"max_score\""))) << run.describe();
    // Written whole: no temporary files left beside them.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(reports.path())) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    EXPECT_THAT(names, ElementsAre("report.json", "report.xml"));
}

TEST(e2eOptions, LangPtGivesPortugueseMessages) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--lang", "pt", "--format", "json", "--",
                              "python3", fixture("prints_length.py")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    auto report = parse_json(run);
    EXPECT_EQ(report.value("title", ""), "Servidor TCP");
    auto message = test_named(report, "prints-message").value("message", "");
    EXPECT_THAT(message, HasSubstr("não recebeu")) << run.describe();
    EXPECT_THAT(message, Not(HasSubstr("did not receive"))) << run.describe();
}

TEST(e2eOptions, LangDefaultsFromTheLANGVariable) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "prints-message", "--", "python3",
                              fixture("prints_length.py")},
                             {.env = {{"LANG", "pt_BR.UTF-8"}}});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("Servidor TCP")) << run.describe();
    EXPECT_THAT(run.out, HasSubstr("não recebeu")) << run.describe();
}

// A failing reference mutant graded in Portuguese: the transcript's events,
// not only the verdict, are in Portuguese; in English they read as before.
TEST(e2eOptions, LangPtTranslatesTheTranscriptEvents) {
    const std::vector<std::string> args = {"run", "tcp-server", "--only", "closes-connection", "--",
                                           reference_program("mutants/tcp-server--never-closes")};
    auto pt_args = args;
    pt_args.insert(pt_args.begin() + 1, {"--lang", "pt"});
    auto pt = run_sockgrade(pt_args);
    ASSERT_FALSE(pt.timed_out) << pt.describe();
    EXPECT_EQ(pt.exit_code, 1) << pt.describe();
    const auto has_line = [](const std::string& text, const std::string& pattern) {
        return std::regex_search(text, std::regex(pattern, std::regex::multiline));
    };
    EXPECT_TRUE(has_line(pt.out, R"(^programa: .*tcp-server--never-closes$)")) << pt.describe();
    EXPECT_TRUE(has_line(pt.out, R"(^ +\+\d+\.\d{3}s programa · iniciado: .*tcp-server--never-closes$)")) << pt.describe();
    EXPECT_TRUE(has_line(pt.out, R"(^ +\+\d+\.\d{3}s programa · está escutando na porta TCP 5000$)")) << pt.describe();
    EXPECT_TRUE(has_line(pt.out, R"(^ +\+\d+\.\d{3}s A +· conectou-se a partir da porta \d+$)")) << pt.describe();
    EXPECT_TRUE(has_line(pt.out, R"(^ +\+\d+\.\d{3}s programa · foi morto pelo sinal 15 \(SIGTERM\)$)")) << pt.describe();
    for (const char* english : {"started", "listening", "connected from", "killed by", " program "})
        EXPECT_THAT(pt.out, Not(HasSubstr(english))) << pt.describe();

    auto en = run_sockgrade(args);
    ASSERT_FALSE(en.timed_out) << en.describe();
    EXPECT_TRUE(has_line(en.out, R"(^ +\+\d+\.\d{3}s program · started: .*tcp-server--never-closes$)")) << en.describe();
    EXPECT_TRUE(has_line(en.out, R"(^ +\+\d+\.\d{3}s program · is listening on TCP port 5000$)")) << en.describe();
    EXPECT_TRUE(has_line(en.out, R"(^ +\+\d+\.\d{3}s A +· connected from port \d+$)")) << en.describe();
    EXPECT_TRUE(has_line(en.out, R"(^ +\+\d+\.\d{3}s program · was killed by signal 15 \(SIGTERM\)$)")) << en.describe();
}

// The JSON report's transcript follows --lang as its "message" does.
TEST(e2eOptions, LangPtTranslatesTheJsonTranscriptToo) {
    auto run = run_sockgrade({"run", "tcp-server", "--only", "closes-connection", "--lang", "pt", "--format", "json",
                              "--", reference_program("mutants/tcp-server--never-closes")});
    ASSERT_FALSE(run.timed_out) << run.describe();
    auto transcript = test_named(parse_json(run), "closes-connection").value("transcript", Json::array());
    bool listening = false;
    for (const auto& entry : transcript)
        listening |= entry.value("party", "") == "program" && entry.value("text", "") == "está escutando na porta TCP 5000";
    EXPECT_TRUE(listening) << transcript.dump(2);
}

}  // namespace
}  // namespace e2e
