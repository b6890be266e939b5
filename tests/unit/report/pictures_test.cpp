// The reports say where a test's pictures are: a line for each failing test,
// one summary line for the run, keys in the JSON; never a hidden test's to a student.
#include <gtest/gtest.h>

#include "report/report.hpp"
#include "sample_results.hpp"

namespace sockgrade::report {
namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

runner::ScenarioResult with_pictures() {
    auto result = testing::mixed();
    for (auto& test : result.tests) test.diagram = "/out/pics/" + test.name + ".svg";
    for (auto& test : result.tests)
        if (!test.passed) test.capture = "/out/caps/" + test.name + ".pcapng";
    return result;
}

TEST(ReportPictures, AFailingTestNamesItsFiles) {
    auto result = with_pictures();
    Options options;
    auto text = render(result, Format::text, options);
    for (const auto& test : result.tests) {
        if (test.passed) continue;
        EXPECT_TRUE(contains(text, "    pictures: /out/pics/" + test.name + ".svg, /out/caps/" + test.name + ".pcapng\n"))
            << text;
    }
    EXPECT_TRUE(contains(text, "\npictures: ")) << text;
    EXPECT_TRUE(contains(text, "sequence diagrams (SVG) in /out/pics/")) << text;
    EXPECT_TRUE(contains(text, "(pcapng, for Wireshark) in /out/caps/")) << text;
    options.lang = "pt";
    EXPECT_TRUE(contains(render(result, Format::text, options), "imagens: ")) << render(result, Format::text, options);
}

TEST(ReportPictures, NothingIsSaidWithoutPictures) {
    auto text = render(testing::mixed(), Format::text, Options{});
    EXPECT_FALSE(contains(text, "pictures")) << text;
    auto json = render(testing::mixed(), Format::json, Options{});
    EXPECT_FALSE(contains(json, "\"diagram\"")) << json;
    EXPECT_FALSE(contains(json, "\"capture\"")) << json;
}

TEST(ReportPictures, JsonCarriesThePaths) {
    auto result = with_pictures();
    auto json = nlohmann::json::parse(render(result, Format::json, Options{}));
    for (const auto& test : json["tests"]) {
        EXPECT_EQ(test["diagram"], "/out/pics/" + test["name"].get<std::string>() + ".svg");
        EXPECT_EQ(test.contains("capture"), !test["passed"].get<bool>());
    }
}

TEST(ReportPictures, ACutCaptureIsSaidOnItsTest) {
    auto result = with_pictures();
    for (auto& test : result.tests)
        if (!test.passed) test.capture_note = "cut at 8.0 MiB: 10 more packets (1 KiB) not kept";
    auto text = render(result, Format::text, Options{});
    EXPECT_TRUE(contains(text, "    capture: cut at 8.0 MiB: 10 more packets (1 KiB) not kept\n")) << text;
}

TEST(ReportPictures, AStudentSeesNoneOfAHiddenTest) {
    auto result = with_pictures();
    for (auto& test : result.tests) test.hidden = true;
    Options student;
    student.student_view = true;
    auto text = render(result, Format::text, student);
    EXPECT_FALSE(contains(text, "/out/")) << text;
    auto json = render(result, Format::json, student);
    EXPECT_FALSE(contains(json, "/out/")) << json;
}

}  // namespace
}  // namespace sockgrade::report
