// `--format json` keeps the shape design.md promises, whatever the texts hold.
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/report.hpp"
#include "sample_results.hpp"

namespace sockgrade::report {
namespace {

using nlohmann::json;

std::set<std::string> keys(const json& object) {
    std::set<std::string> names;
    for (const auto& [key, value] : object.items()) names.insert(key);
    return names;
}

json render_parsed(const runner::ScenarioResult& result, const Options& options = {}) {
    return json::parse(render(result, Format::json, options));
}

TEST(JsonReport, IsOneObjectWithTheDocumentedKeys) {
    const auto report = render_parsed(testing::mixed());
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(keys(report), (std::set<std::string>{"scenario", "title", "command", "passed", "score", "max_score",
                                                   "seconds", "flaky", "seed", "stress", "notes", "tests"}));
    ASSERT_EQ(report["tests"].size(), 5u);
    for (const auto& test : report["tests"]) {
        EXPECT_EQ(keys(test), (std::set<std::string>{"name", "title", "passed", "hidden", "points", "max_points",
                                                     "seconds", "runs", "passes", "message", "feedback", "where",
                                                     "transcript", "run", "seed", "failed_runs", "passing_run",
                                                     "passing_transcript"}));
        for (const auto& entry : test["transcript"])
            EXPECT_EQ(keys(entry), (std::set<std::string>{"t", "party", "dir", "text"}));
    }
}

TEST(JsonReport, HasTheRightTypesAndValues) {
    const auto report = render_parsed(testing::mixed());
    EXPECT_EQ(report["scenario"], "chat-server");
    EXPECT_EQ(report["passed"], false);
    EXPECT_TRUE(report["score"].is_number());
    EXPECT_EQ(report["score"], 3);
    EXPECT_EQ(report["max_score"], 10);
    EXPECT_EQ(report["flaky"], (json{"late-join", "burst-order"}));
    const auto& reset = report["tests"][1];
    EXPECT_EQ(reset["name"], "reset-leave");
    EXPECT_EQ(reset["passed"], false);
    EXPECT_EQ(reset["where"], "chat-server.yaml:40");
    EXPECT_EQ(reset["transcript"].size(), 26u);  // all of it: JSON readers get everything
    EXPECT_EQ(reset["transcript"][25], (json{{"t", 0.412}, {"party", "stdout"}, {"dir", "<"},
                                             {"text", R"("sai\x01 <&>\n")"}}));
    EXPECT_EQ(report["tests"][0]["transcript"], json::array());  // passed: no transcript
}

TEST(JsonReport, SpeaksTheChosenLanguage) {
    Options options;
    options.lang = "pt";
    const auto report = render_parsed(testing::mixed(), options);
    EXPECT_EQ(report["title"], "Servidor de chat");
    EXPECT_EQ(report["tests"][1]["message"], "B recebeu \"sai\x01 <&>\" em vez de \"ola 7f3a ação\".");
    EXPECT_EQ(report["tests"][2]["title"], "A client joins later");  // no Portuguese given
    // Transcript events too, as the message; "party" stays the name scripts match.
    EXPECT_EQ(report["tests"][1]["transcript"][0], (json{{"t", 0}, {"party", "program"}, {"dir", "*"}, {"text", "iniciado"}}));
    EXPECT_EQ(render_parsed(testing::mixed(), Options{})["tests"][1]["transcript"][0]["text"], "started");
}

TEST(JsonReport, ShowsStudentsOnlyTheOutcomeOfHiddenTests) {
    Options options;
    options.student_view = true;
    const auto report = render_parsed(testing::mixed(), options);
    const auto& secret = report["tests"][3];
    EXPECT_EQ(secret["name"], "secret-flood");
    EXPECT_EQ(secret["hidden"], true);
    EXPECT_EQ(secret["points"], 0);
    EXPECT_EQ(secret["max_points"], 2);
    EXPECT_EQ(secret["title"], "");
    EXPECT_EQ(secret["message"], "");
    EXPECT_EQ(secret["feedback"], "");
    EXPECT_EQ(secret["transcript"], json::array());
    for (const auto& test : report["tests"]) EXPECT_EQ(test["where"], "");
}

TEST(JsonReport, NeverThrowsOnInvalidUtf8) {
    auto result = testing::mixed();
    result.tests[1].message.en = "bad \xff\xfe bytes";
    result.tests[1].transcript[0].text = {"\xc3", {}};
    std::string text;
    ASSERT_NO_THROW(text = render(result, Format::json, {}));
    const auto report = json::parse(text);
    EXPECT_EQ(report["tests"][1]["message"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

TEST(JsonReport, ToJsonIsTheReportsTestObject) {
    const auto result = testing::mixed();
    const auto report = render_parsed(result);
    for (std::size_t i = 0; i < result.tests.size(); ++i) EXPECT_EQ(to_json(result.tests[i], "en"), report["tests"][i]);
}

}  // namespace
}  // namespace sockgrade::report
