// Behaviour of the terminal report that goldens alone would not pin down.
#include <gtest/gtest.h>

#include "report/report.hpp"
#include "sample_results.hpp"

namespace sockgrade::report {
namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

Options options(std::string lang = "en", bool colour = false, bool student_view = false) {
    Options o;
    o.lang = std::move(lang);
    o.colour = colour;
    o.student_view = student_view;
    return o;
}

TEST(TextReport, UsesColourOnlyWhenAsked) {
    EXPECT_FALSE(contains(render(testing::mixed(), Format::text, options()), "\x1b"));
    const auto coloured = render(testing::mixed(), Format::text, options("en", true));
    EXPECT_TRUE(contains(coloured, "\x1b[32m✔\x1b[0m broadcast"));
    EXPECT_TRUE(contains(coloured, "\x1b[31m✘\x1b[0m reset-leave"));
    EXPECT_TRUE(contains(coloured, "\x1b[33mflaky: passed 7 of 10 runs\x1b[0m"));
}

TEST(TextReport, SaysWhichRunFailedAndShowsAPassingRunBesideIt) {
    auto result = testing::mixed();
    result.seed = 1000;
    auto& burst = result.tests[4];  // burst-order: passed 3 of 10 runs
    burst.run = 2;
    burst.seed = 1001;
    burst.failed_runs = {2, 3, 5, 6, 7, 8, 10};
    burst.passing_run = 1;
    burst.passing_seed = 1000;
    burst.passing_transcript = {{0.2, "B", '<', {R"("msg 1\nmsg 2\nmsg 3\n")", {}}}};
    const auto text = render(result, Format::text, options());
    EXPECT_TRUE(contains(text, "flaky: passed 3 of 10 runs; failed: runs 2, 3, 5, 6, 7, 8 and 10")) << text;
    const auto failed = text.find("transcript of run 2 of 10 (failed; replay it with --seed 1001 --only burst-order):");
    const auto passed = text.find("transcript of run 1 of 10 (passed; replay it with --seed 1000 --only burst-order):");
    ASSERT_NE(failed, std::string::npos) << text;
    ASSERT_NE(passed, std::string::npos) << text;
    EXPECT_LT(failed, passed) << "the failing run comes first";
    EXPECT_TRUE(contains(text.substr(passed), R"(+0.200s B < "msg 1\nmsg 2\nmsg 3\n")")) << text;
    EXPECT_TRUE(contains(text, "seed 1000 (replay with --seed 1000)")) << text;

    const auto pt = render(result, Format::text, options("pt"));
    EXPECT_TRUE(contains(pt, "transcrição da execução 2 de 10 (falhou; para repeti-la: --seed 1001 --only burst-order):"))
        << pt;
    EXPECT_TRUE(contains(pt, "semente 1000 (para repetir: --seed 1000)")) << pt;
}

TEST(TextReport, GivesThePassRateOfEveryRepeatedTest) {
    auto result = testing::mixed();
    result.tests[0].runs = 100;
    result.tests[0].passes = 100;
    const auto text = render(result, Format::text, options());
    EXPECT_TRUE(contains(text, "passed 100 of 100 runs")) << text;
    EXPECT_FALSE(contains(render(testing::mixed(), Format::text, options()), "passed 1 of 1 run"));
}

TEST(TextReport, NeverPassesAProgramsControlBytesToTheTerminal) {
    auto result = testing::mixed();
    result.tests[1].message.en = "evil \x1b[2J\x1b]0;title\x07 \xc2\x9b bytes";
    result.tests[1].transcript.back().text = {"\x1b[31m", {}};
    const auto text = render(result, Format::text, options());
    EXPECT_FALSE(contains(text, "\x1b"));
    EXPECT_FALSE(contains(text, "\x07"));
    EXPECT_FALSE(contains(text, "\xc2\x9b"));  // C1 CSI
    EXPECT_TRUE(contains(text, R"(evil \x1b[2J\x1b]0;title\x07 \x9b bytes)"));
}

TEST(TextReport, ShowsTheLastTwentyTranscriptEntries) {
    const auto text = render(testing::mixed(), Format::text, options());
    EXPECT_TRUE(contains(text, "… 6 earlier entries"));
    EXPECT_FALSE(contains(text, R"("line 5\n")"));
    EXPECT_TRUE(contains(text, R"(+0.060s B      < "line 6\n")"));
    EXPECT_TRUE(contains(text, R"(+0.412s stdout < "sai\x01 <&>\n")"));
    EXPECT_TRUE(contains(text, "+0.300s C      · reset"));
}

TEST(TextReport, ShowsStudentsOnlyTheOutcomeOfHiddenTests) {
    const auto text = render(testing::mixed(), Format::text, options("en", false, true));
    EXPECT_TRUE(contains(text, "✘ secret-flood  0/2  hidden test\n"));
    EXPECT_FALSE(contains(text, "Survives a flood"));
    EXPECT_FALSE(contains(text, "4 MiB"));
    EXPECT_FALSE(contains(text, "Read in a loop"));
    EXPECT_FALSE(contains(text, "status 139"));
    EXPECT_FALSE(contains(text, "chat-server.yaml"));  // no teacher's file:line at all
    const auto pt = render(testing::mixed(), Format::text, options("pt", false, true));
    EXPECT_TRUE(contains(pt, "✘ secret-flood  0/2  teste oculto\n"));
}

TEST(TextReport, ShowsTeachersWhereAndHiddenTestsDetail) {
    const auto text = render(testing::mixed(), Format::text, options());
    EXPECT_TRUE(contains(text, "    at chat-server.yaml:40\n"));
    EXPECT_TRUE(contains(text, "Survives a flood [hidden]"));
    EXPECT_TRUE(contains(text, "The program died after 4 MiB."));
}

TEST(TextReport, SpeaksPortuguese) {
    const auto text = render(testing::mixed(), Format::text, options("pt"));
    EXPECT_TRUE(contains(text, "nota 3/10"));
    EXPECT_TRUE(contains(text, "instável: passou em 7 de 10 execuções"));
    EXPECT_TRUE(contains(text, "em chat-server.yaml:40"));
    EXPECT_TRUE(contains(text, "A client joins later"));  // no Portuguese title: English
}

// The transcript's events and the program's name follow the language; what
// the program sent, peers' names and stdout are shown as they are.
TEST(TextReport, TranscriptEventsFollowTheLanguage) {
    const auto pt = render(testing::mixed(), Format::text, options("pt"));
    EXPECT_TRUE(contains(pt, "+0.000s programa · iniciado\n")) << pt;
    EXPECT_TRUE(contains(pt, "+1.500s programa · terminou com status 139\n")) << pt;
    EXPECT_TRUE(contains(pt, "+0.300s C      · resetou\n")) << pt;
    EXPECT_TRUE(contains(pt, R"(+0.412s stdout < "sai\x01 <&>\n")")) << pt;
    EXPECT_FALSE(contains(pt, "started")) << pt;
    EXPECT_FALSE(contains(pt, " program ")) << pt;

    const auto en = render(testing::mixed(), Format::text, options("en"));
    EXPECT_TRUE(contains(en, "+0.000s program · started\n")) << en;
    EXPECT_TRUE(contains(en, "+0.300s C      · reset\n")) << en;
    EXPECT_FALSE(contains(en, "iniciado")) << en;
}

TEST(TextReport, AnEventWithoutPortugueseWordsIsShownInEnglish) {
    auto result = testing::mixed();
    result.tests[3].transcript.push_back({2.0, "grader", '*', {"a note only in English", {}}});
    const auto pt = render(result, Format::text, options("pt"));
    EXPECT_TRUE(contains(pt, "+2.000s corretor · a note only in English\n")) << pt;
}

TEST(TextReport, ShowsPassingTranscriptsOnlyWhenAsked) {
    auto o = options();
    EXPECT_FALSE(contains(render(testing::all_passing(), Format::text, o), "ping"));
    o.show_transcript_on_pass = true;
    EXPECT_TRUE(contains(render(testing::all_passing(), Format::text, o), R"(+0.100s A       > "ping\n")"));
}

TEST(TextReport, EndsWithTheScoreAndNotes) {
    const auto text = render(testing::mixed(), Format::text, options());
    EXPECT_TRUE(contains(text, "\nscore 3/10  (2 of 5 tests passed)\n"));
    EXPECT_TRUE(contains(text, "note: network namespaces unavailable"));
}

}  // namespace
}  // namespace sockgrade::report
