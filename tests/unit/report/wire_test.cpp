// to_wire/from_wire carry a TestResult between processes without loss.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/report.hpp"
#include "sample_results.hpp"

namespace sockgrade::report {
namespace {

void expect_same(const runner::TestResult& a, const runner::TestResult& b) {
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.title.en, b.title.en);
    EXPECT_EQ(a.title.pt, b.title.pt);
    EXPECT_EQ(a.passed, b.passed);
    EXPECT_EQ(a.points, b.points);  // exact: doubles travel as shortest round-trip text
    EXPECT_EQ(a.max_points, b.max_points);
    EXPECT_EQ(a.hidden, b.hidden);
    EXPECT_EQ(a.message.en, b.message.en);
    EXPECT_EQ(a.message.pt, b.message.pt);
    EXPECT_EQ(a.feedback.en, b.feedback.en);
    EXPECT_EQ(a.feedback.pt, b.feedback.pt);
    EXPECT_EQ(a.where, b.where);
    EXPECT_EQ(a.seconds, b.seconds);
    EXPECT_EQ(a.runs, b.runs);
    EXPECT_EQ(a.passes, b.passes);
    ASSERT_EQ(a.transcript.size(), b.transcript.size());
    for (std::size_t i = 0; i < a.transcript.size(); ++i) {
        EXPECT_EQ(a.transcript[i].seconds, b.transcript[i].seconds);
        EXPECT_EQ(a.transcript[i].party, b.transcript[i].party);
        EXPECT_EQ(a.transcript[i].direction, b.transcript[i].direction);
        EXPECT_EQ(a.transcript[i].text, b.transcript[i].text);
    }
}

// Through text, as between a sandbox worker and the grader.
runner::TestResult through_text(const runner::TestResult& test) {
    return from_wire(nlohmann::json::parse(to_wire(test).dump()));
}

TEST(Wire, RoundTripsEveryFieldOfEverySample) {
    for (const auto& result : {testing::all_passing(), testing::mixed()})
        for (const auto& test : result.tests) expect_same(test, through_text(test));
}

TEST(Wire, RoundTripsOddValues) {
    runner::TestResult test = testing::mixed().tests[1];
    test.name = "bytes \xff\xfe\x00 not UTF-8";
    test.name.push_back('\0');
    test.message = {"en \x80", "pt \xc3"};  // cut UTF-8
    test.feedback = {"", "só pt"};
    test.where = "";
    test.points = 0.1 + 0.2;
    test.max_points = 1.0 / 3.0;
    test.seconds = 1e-9;
    test.runs = 1000;
    test.passes = 999;
    test.transcript.push_back({123.456789, "\xfe", '>', std::string("\x00\x01\xff", 3)});
    expect_same(test, through_text(test));
}

TEST(Wire, CarriesBothLanguages) {
    const auto wire = to_wire(testing::mixed().tests[1]);
    EXPECT_EQ(wire["message"]["en"], "B received \"sai\x01 <&>\" instead of \"ola 7f3a ação\".");
    EXPECT_EQ(wire["message"]["pt"], "B recebeu \"sai\x01 <&>\" em vez de \"ola 7f3a ação\".");
}

TEST(Wire, RejectsWhatToWireDidNotMake) {
    EXPECT_THROW(from_wire(nlohmann::json::object()), nlohmann::json::exception);
    auto wire = to_wire(testing::mixed().tests[0]);
    wire["passed"] = "yes";
    EXPECT_THROW(from_wire(wire), nlohmann::json::exception);
    wire = to_wire(testing::mixed().tests[0]);
    wire["version"] = 2;
    EXPECT_THROW(from_wire(wire), std::invalid_argument);
    wire = to_wire(testing::mixed().tests[0]);
    wire["name"] = {{"base64", "***"}};
    EXPECT_THROW(from_wire(wire), std::invalid_argument);
}

}  // namespace
}  // namespace sockgrade::report
