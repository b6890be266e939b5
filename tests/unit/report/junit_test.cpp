// The JUnit report is well-formed XML whatever bytes the texts hold.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "report/report.hpp"
#include "sample_results.hpp"
#include "xml_check.hpp"

namespace sockgrade::report {
namespace {

using testing::xml_error;

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

Options student() {
    Options options;
    options.student_view = true;
    return options;
}

Options portuguese() {
    Options options;
    options.lang = "pt";
    return options;
}

// A result whose every text holds every byte value, markup and quotes.
runner::ScenarioResult hostile() {
    std::string bytes;
    for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
    bytes += "<&\"']]>\xEF\xBF\xBE";  // U+FFFE is forbidden in XML too
    auto result = testing::mixed();
    result.scenario = "chat<&\"" + bytes;
    result.title = {bytes, bytes};
    result.command = bytes;
    result.notes.push_back(bytes);
    for (auto& test : result.tests) {
        test.name += bytes;
        test.message = {bytes, bytes};
        test.feedback = {bytes, bytes};
        test.where = bytes + ":12";
        test.transcript.push_back({1.0, bytes, '<', {bytes, {}}});
    }
    return result;
}

TEST(JunitReport, IsWellFormedForEverySample) {
    for (const auto& options : {Options{}, student(), portuguese()}) {
        for (const auto& result : {testing::all_passing(), testing::mixed()}) {
            const auto xml = render(result, Format::junit, options);
            EXPECT_EQ(xml_error(xml), std::nullopt) << xml;
        }
    }
}

TEST(JunitReport, StaysWellFormedWithEveryByteInEveryText) {
    const auto xml = render(hostile(), Format::junit, {});
    EXPECT_EQ(xml_error(xml), std::nullopt);
    EXPECT_EQ(xml.find('\x01'), std::string::npos);
    EXPECT_EQ(xml.find('\x1b'), std::string::npos);
}

TEST(JunitReport, CountsTestsAndFailures) {
    const auto result = testing::mixed();
    const auto xml = render(result, Format::junit, {});
    EXPECT_EQ(count(xml, "<testcase "), result.tests.size());
    EXPECT_EQ(count(xml, "<failure "), 3u);
    EXPECT_NE(xml.find(R"(<testsuite name="chat-server" tests="5" failures="3" errors="0")"), std::string::npos);
    EXPECT_NE(xml.find(R"(<testsuites name="sockgrade" tests="5" failures="3")"), std::string::npos);
}

TEST(JunitReport, EscapesMarkupAndWritesControlCharactersVisibly) {
    const auto xml = render(testing::mixed(), Format::junit, {});
    // In an attribute, quotes are escaped as well; in the body they may stay.
    EXPECT_NE(xml.find(R"(message="B received &quot;sai\x01 &lt;&amp;&gt;&quot; instead of)"), std::string::npos);
    EXPECT_NE(xml.find(R"(>B received "sai\x01 &lt;&amp;&gt;" instead of)"), std::string::npos);
    EXPECT_NE(xml.find("ação"), std::string::npos);  // UTF-8 as is
}

TEST(JunitReport, KeepsNewlinesInAttributesAsReferences) {
    auto result = testing::mixed();
    result.tests[1].message.en = "first\nsecond";
    const auto xml = render(result, Format::junit, {});
    EXPECT_NE(xml.find(R"(message="first&#10;second")"), std::string::npos);
}

TEST(JunitReport, HidesHiddenTestsDetailFromStudents) {
    const auto xml = render(testing::mixed(), Format::junit, student());
    EXPECT_EQ(xml.find("4 MiB"), std::string::npos);
    EXPECT_EQ(xml.find("chat-server.yaml:"), std::string::npos);
    EXPECT_NE(xml.find(R"(<failure message="hidden test" type="hidden-test">hidden test</failure>)"),
              std::string::npos);
}

TEST(XmlChecker, RejectsWhatAParserRejects) {
    EXPECT_EQ(xml_error("<a><b x=\"1\"/></a>"), std::nullopt);
    EXPECT_NE(xml_error("<a><b></a>"), std::nullopt);
    EXPECT_NE(xml_error("<a>&</a>"), std::nullopt);
    EXPECT_NE(xml_error("<a>&#1;</a>"), std::nullopt);
    EXPECT_NE(xml_error("<a>\x01</a>"), std::nullopt);
    EXPECT_NE(xml_error("<a x=\"<\"/>"), std::nullopt);
    EXPECT_NE(xml_error("<a x=\"1\" x=\"2\"/>"), std::nullopt);
    EXPECT_NE(xml_error("<a/><b/>"), std::nullopt);
    EXPECT_NE(xml_error("<a>\xff</a>"), std::nullopt);
}

// A second opinion from a real parser, where the machine has one.
TEST(JunitReport, ParsesWithPythonsXmlParser) {
    if (std::system("python3 -c 'import xml.dom.minidom' >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "python3 with xml.dom.minidom is not available";
    const auto path = std::filesystem::temp_directory_path() /
                      ("sockgrade-junit-" + std::to_string(::getpid()) + ".xml");
    std::ofstream(path, std::ios::binary) << render(hostile(), Format::junit, {});
    const std::string command = "python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' " +
                                path.string() + " 2>&1";
    const int status = std::system(command.c_str());
    std::filesystem::remove(path);
    EXPECT_EQ(status, 0);
}

}  // namespace
}  // namespace sockgrade::report
