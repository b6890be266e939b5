#include "batch/outputs.hpp"

#include <regex>

#include <gtest/gtest.h>

#include "batch/files.hpp"
#include "batch/record.hpp"
#include "batch_support.hpp"

namespace sockgrade::batch {
namespace {

ClassInfo sample_class() {
    ClassInfo info;
    info.scenario = "tcp-server";
    info.title = {"TCP server", "Servidor TCP"};
    info.tests = {{"listens", {"Listens", "Escuta"}, 2, false}, {"prints", {"Prints", "Imprime"}, 3, false},
                  {"accents", {"Accents", "Acentos"}, 0.5, true}};
    info.key = "k";
    info.students = {"Silva, Ana", "bruno", "Érica"};
    info.problems = {"'notas.txt' is not a folder; it was ignored"};
    return info;
}

runner::TestResult test(const std::string& name, bool passed, double points, double max) {
    runner::TestResult t;
    t.name = name;
    t.passed = passed;
    t.points = points;
    t.max_points = max;
    t.message = {passed ? "ok" : "nothing arrived <b>", passed ? "ok" : "nada chegou"};
    t.transcript = {{0.01, "A", '>', {"ola \x01 mundo\n", {}}}};
    return t;
}

std::vector<Record> sample_records() {
    Record ana;
    ana.student = "Silva, Ana";
    ana.slug = student_slug(ana.student);
    ana.how = "python3";
    ana.program = "python3 servidor.py";
    ana.notes = {"several programs (a.py, b.py); chose \"b.py\""};
    ana.result.scenario = "tcp-server";
    ana.result.tests = {test("listens", true, 2, 2), test("prints", false, 0, 3), test("accents", true, 0.5, 0.5)};
    ana.result.score = 2.5;
    ana.result.max_score = 5.5;
    ana.result.tests[2].runs = 3;
    ana.result.tests[2].passes = 2;  // flaky
    Record erica;
    erica.student = "Érica";
    erica.slug = student_slug(erica.student);
    erica.status = "build-failed";
    erica.problem = {"the build (`gcc -o s s.c`) failed: it exited with status 1",
                     "a compilação (`gcc -o s s.c`) falhou: terminou com status 1"};
    erica.build_log = "s.c:3:1: error: expected ';'\n\x1b[31mred\x1b[0m";
    scenario::Scenario scenario;
    scenario.name = "tcp-server";
    erica.result.scenario = "tcp-server";
    erica.result.max_score = 5.5;
    for (const auto& name : {"listens", "prints", "accents"}) erica.result.tests.push_back(test(name, false, 0, 1));
    return {ana, erica};
}

TEST(Gradebook, ColumnsQuotingAndStatus) {
    auto csv = render_gradebook(sample_class(), sample_records());
    EXPECT_EQ(csv,
              "student,score,max,listens,prints,accents,flaky,status,note\r\n"
              "\"Silva, Ana\",2.5,5.5,2,0,0.5,yes,graded,\"several programs (a.py, b.py); chose \"\"b.py\"\"\"\r\n"
              "Érica,0,5.5,0,0,0,,build-failed,the build (`gcc -o s s.c`) failed: it exited with status 1\r\n");
}

TEST(RecordJson, RoundTrip) {
    for (const auto& record : sample_records()) {
        auto back = parse_record(dump_record(record));
        ASSERT_TRUE(back);
        EXPECT_EQ(back->student, record.student);
        EXPECT_EQ(back->status, record.status);
        EXPECT_EQ(back->problem, record.problem);
        EXPECT_EQ(back->notes, record.notes);
        EXPECT_EQ(back->build_log, record.build_log);
        ASSERT_EQ(back->result.tests.size(), record.result.tests.size());
        EXPECT_EQ(back->result.tests[0].transcript[0].text, record.result.tests[0].transcript[0].text);
        EXPECT_EQ(back->result.tests[2].passes, record.result.tests[2].passes);
        EXPECT_EQ(back->result.score, record.result.score);
        EXPECT_EQ(render_gradebook(sample_class(), {*back}), render_gradebook(sample_class(), {record}));
    }
    EXPECT_FALSE(parse_record("{\"version\": 99}"));
    EXPECT_FALSE(parse_record("not json"));
}

TEST(ClassInfoJson, RoundTrip) {
    auto info = sample_class();
    auto back = class_info_from_json(class_info_to_json(info));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->students, info.students);
    EXPECT_EQ(back->tests.size(), 3u);
    EXPECT_EQ(back->tests[2].points, 0.5);
    EXPECT_TRUE(back->tests[2].hidden);
}

TEST(Feedback, TextSaysWhatWasGradedAndWhy) {
    auto records = sample_records();
    auto ana = render_feedback_text(records[0], {"en", true});
    EXPECT_NE(ana.find("Student: Silva, Ana"), std::string::npos) << ana;
    EXPECT_NE(ana.find("Program: python3 servidor.py (python3)"), std::string::npos);
    auto erica = render_feedback_text(records[1], {"pt", true});
    EXPECT_NE(erica.find("Situação: não avaliado: o programa não compilou"), std::string::npos) << erica;
    EXPECT_NE(erica.find("    s.c:3:1: error: expected ';'"), std::string::npos);
    EXPECT_NE(erica.find("Problema: a compilação (`gcc -o s s.c`) falhou: terminou com status 1\n"), std::string::npos)
        << erica;
    EXPECT_EQ(erica.find("the build"), std::string::npos) << erica;
    auto erica_en = render_feedback_text(records[1], {"en", true});
    EXPECT_NE(erica_en.find("Problem: the build (`gcc -o s s.c`) failed: it exited with status 1\n"), std::string::npos)
        << erica_en;
    EXPECT_EQ(erica.find('\x1b'), std::string::npos);
    auto json = nlohmann::json::parse(render_feedback_json(records[1], {"en", true}));
    EXPECT_EQ(json["student"], "Érica");
    EXPECT_EQ(json["status"], "build-failed");
    EXPECT_EQ(json["score"], 0);
    EXPECT_TRUE(json.contains("tests"));
}

TEST(HtmlReport, OneRowPerStudentEscapedAndOffline) {
    auto records = sample_records();
    std::vector<SimilarPair> similar = {{"Silva, Ana", "Érica", 1.0}};
    auto html = render_html_report(sample_class(), records, similar, "en");
    EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
    std::regex row("<tbody class=\"student\"");
    EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), row), std::sregex_iterator()), 2);
    EXPECT_NE(html.find("data-name=\"Silva, Ana\""), std::string::npos);
    EXPECT_NE(html.find("nothing arrived &lt;b&gt;"), std::string::npos);
    EXPECT_EQ(html.find("nothing arrived <b>"), std::string::npos);
    EXPECT_NE(html.find("&#39;notas.txt&#39; is not a folder"), std::string::npos);
    EXPECT_NE(html.find("identical"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find('\x01'), std::string::npos);
    EXPECT_EQ(html.find('\x1b'), std::string::npos);
    EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
    EXPECT_NE(html.find("the build (`gcc -o s s.c`) failed: it exited with status 1"), std::string::npos);
    auto html_pt = render_html_report(sample_class(), records, similar, "pt");
    EXPECT_NE(html_pt.find("a compilação (`gcc -o s s.c`) falhou: terminou com status 1"), std::string::npos);
    EXPECT_EQ(html_pt.find("the build (`gcc"), std::string::npos);
    // The test that most failed comes first in the pass-rate table.
    EXPECT_LT(html.find("data-test=\"prints\""), html.find("data-test=\"listens\""));
    auto pt = render_html_report(sample_class(), records, {}, "pt");
    EXPECT_NE(pt.find("<html lang=\"pt\">"), std::string::npos);
    EXPECT_NE(pt.find("Servidor TCP"), std::string::npos);
}

TEST(HtmlReport, EmbedsTheDiagramsOfFailedTestsWithTheirCaptures) {
    auto records = sample_records();
    records[0].result.tests[1].capture = "captures/" + records[0].slug + "/prints.pcapng";
    records[0].result.tests[1].failed_at = runner::FailedAt{"A", 0.01, 2.01, 2.01};
    auto html = render_html_report(sample_class(), records, {}, "en");
    std::regex diagram("<svg class=\"sockgrade-diagram\"");
    // Ana failed one test; Érica's submission did not build, so it has no transcript to draw.
    EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), diagram), std::sregex_iterator()), 1);
    EXPECT_NE(html.find("aria-label=\"Sequence diagram of the test prints\""), std::string::npos);
    EXPECT_NE(html.find("href=\"captures/" + records[0].slug + "/prints.pcapng\""), std::string::npos);
    EXPECT_NE(html.find("id=\"s-" + records[0].slug + "\""), std::string::npos);  // report.html#s-<slug> opens it
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find('\x01'), std::string::npos);
    // The page's own SVG rules are the histogram's: they would recolour the diagrams.
    EXPECT_EQ(html.find("\nsvg text{"), std::string::npos);
}

TEST(WriteOutputs, EveryFileAppears) {
    testing::TempDir dir;
    auto records = sample_records();
    auto failed = write_outputs(dir.path(), sample_class(), records, {"en", true});
    EXPECT_TRUE(failed.empty());
    for (const char* file : {"gradebook.csv", "report.html", "class.json"})
        EXPECT_TRUE(std::filesystem::exists(dir / file)) << file;
    for (const auto& record : records) {
        EXPECT_TRUE(std::filesystem::exists(dir / ("feedback/" + record.slug + ".txt")));
        EXPECT_TRUE(std::filesystem::exists(dir / ("feedback/" + record.slug + ".json")));
    }
}

}  // namespace
}  // namespace sockgrade::batch
