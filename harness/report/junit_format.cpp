// JUnit XML, as CI servers read it.
// Sources followed:
//  - GitLab "Unit test reports" (docs.gitlab.com/ci/testing/unit_test_reports):
//    parses testsuites/testsuite time, testcase classname (shown as the suite
//    name), name, file, time; the *content* of <failure>/<error>/<skipped>
//    (GitLab long ignored the message attribute, gitlab-foss#53668), and
//    <system-out>/<system-err> only inside <testcase>.
//  - The common JUnit/Ant shape that Jenkins and GitHub Actions reporters read:
//    <testsuites><testsuite name tests failures errors skipped time>
//    <testcase name classname time><failure message type>body</failure>.
// So the reason goes in both failure/@message and the body, followed by the
// hint, where and the transcript excerpt; flaky passes are told in <system-out>.
// XML 1.0 forbids most C0 controls even as character references: printable()
// writes them as \xNN before escaping. Output is UTF-8.
#include <fmt/format.h>

#include "report/detail.hpp"

namespace sockgrade::report::detail {

namespace {

std::string xml_escape(std::string_view raw, bool attribute) {
    const std::string text = printable(raw);
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += attribute ? "&quot;" : "\""; break;
            // Attribute values are normalised (newlines become spaces) unless referenced.
            case '\n': out += attribute ? "&#10;" : "\n"; break;
            case '\t': out += attribute ? "&#9;" : "\t"; break;
            default: out += c;
        }
    }
    return out;
}

std::string attr(std::string_view text) { return xml_escape(text, true); }
std::string body(std::string_view text) { return xml_escape(text, false); }

int failure_count(const ScenarioResult& result) {
    return static_cast<int>(result.tests.size()) - passed_count(result);
}

std::string testcase(const TestResult& test, const std::string& classname, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    std::string out = fmt::format(R"(    <testcase name="{}" classname="{}" time="{}")", attr(test.name),
                                  attr(classname), format_seconds(test.seconds));
    const std::string detail = plain_detail(test, options);
    if (test.passed) {
        if (detail.empty()) return out + "/>\n";
        return out + fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n", body(detail));
    }
    std::string reason = hides_detail(test, options) ? std::string(labels.hidden_test)
                                                     : test.message.in(options.lang);
    if (reason.empty()) reason = labels.failed;
    out += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n", attr(reason),
                       test.hidden ? "hidden-test" : "failure", body(detail));
    return out + "    </testcase>\n";
}

}  // namespace

std::string render_junit(const ScenarioResult& result, const Options& options) {
    const std::string suite = result.scenario.empty() ? std::string("sockgrade") : result.scenario;
    const std::string seconds = format_seconds(result.seconds);
    const int tests = static_cast<int>(result.tests.size());
    const int failures = failure_count(result);

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format(R"(<testsuites name="sockgrade" tests="{}" failures="{}" errors="0" time="{}">)", tests,
                       failures, seconds) + "\n";
    out += fmt::format(R"(  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="0" time="{}">)",
                       attr(suite), tests, failures, seconds) + "\n";
    out += "    <properties>\n";
    const auto property = [&](std::string_view name, const std::string& value) {
        out += fmt::format(R"(      <property name="{}" value="{}"/>)", name, attr(value)) + "\n";
    };
    property("title", result.title.in(options.lang));
    property("command", result.command);
    property("score", format_points(result.score));
    property("max_score", format_points(result.max_score));
    for (const auto& note : result.notes) property("note", note);
    out += "    </properties>\n";
    for (const auto& test : result.tests) out += testcase(test, suite, options);
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace sockgrade::report::detail
