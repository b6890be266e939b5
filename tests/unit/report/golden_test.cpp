// Every format of every sample, compared verbatim with tests/golden/report/.
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/base64.hpp"
#include "report/report.hpp"
#include "golden.hpp"
#include "sample_results.hpp"

namespace sockgrade::report {
namespace {

using testing::expect_golden;

struct GoldenCase {
    std::string golden;  // file name under tests/golden/report/
    std::function<runner::ScenarioResult()> sample;
    Format format;
    Options options;
};

Options with(std::string lang, bool colour = false, bool student_view = false) {
    Options options;
    options.lang = std::move(lang);
    options.colour = colour;
    options.student_view = student_view;
    options.classroom = ClassroomContext{"networks-2026", "chat-server", "submit/2026-06-01T14-32-05Z-a1b2c3d",
                                         "https://github.com/networks-2026/chat-server-alice/commit/a1b2c3d",
                                         "https://github.com/networks-2026/chat-server-alice/releases/tag/submit%2F1",
                                         "", "2026-06-01T14:32:01Z"};
    return options;
}

std::vector<GoldenCase> cases() {
    std::vector<GoldenCase> all;
    const std::pair<std::string, std::function<runner::ScenarioResult()>> samples[] = {
        {"all_pass", testing::all_passing}, {"mixed", testing::mixed}};
    for (const auto& [name, sample] : samples) {
        all.push_back({name + ".txt", sample, Format::text, with("en")});
        all.push_back({name + ".colour.txt", sample, Format::text, with("en", true)});
        all.push_back({name + ".pt.txt", sample, Format::text, with("pt")});
        all.push_back({name + ".json", sample, Format::json, with("en")});
        all.push_back({name + ".junit.xml", sample, Format::junit, with("en")});
        all.push_back({name + ".gradescope.json", sample, Format::gradescope, with("en")});
        all.push_back({name + ".classroom.json", sample, Format::classroom, with("en")});
        all.push_back({name + ".github.json", sample, Format::github, with("en")});
        all.push_back({name + ".md", sample, Format::markdown, with("en")});
    }
    // What a student sees of hidden tests, and Portuguese in the other formats.
    all.push_back({"mixed.student.txt", testing::mixed, Format::text, with("en", false, true)});
    all.push_back({"mixed.student.pt.txt", testing::mixed, Format::text, with("pt", false, true)});
    all.push_back({"mixed.student.json", testing::mixed, Format::json, with("en", false, true)});
    all.push_back({"mixed.student.md", testing::mixed, Format::markdown, with("en", false, true)});
    all.push_back({"mixed.student.gradescope.json", testing::mixed, Format::gradescope, with("en", false, true)});
    all.push_back({"mixed.student.github.json", testing::mixed, Format::github, with("en", false, true)});
    all.push_back({"mixed.pt.md", testing::mixed, Format::markdown, with("pt")});
    all.push_back({"mixed.pt.junit.xml", testing::mixed, Format::junit, with("pt")});
    return all;
}

// gtest prints the parameter of a failing test: the golden's name says it all.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.golden; }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesFile) {
    const GoldenCase& c = GetParam();
    std::string rendered = render(c.sample(), c.format, c.options);
    if (c.format == Format::github) {
        // The golden keeps the decoded JSON, readable.
        const auto decoded = base64_decode(rendered);
        ASSERT_TRUE(decoded.has_value()) << "not base64: " << rendered;
        rendered = nlohmann::json::parse(*decoded).dump(2) + "\n";
    }
    expect_golden(c.golden, rendered);
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
    std::string name = info.param.golden;
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Report, Golden, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace sockgrade::report
