// A job summary for $GITHUB_STEP_SUMMARY (GitHub-flavoured Markdown):
// a heading with the score, a table test | result | points, then a
// <details> block per failure with the reason, the hint and the transcript.
// GitHub renders inline HTML there, so text outside code blocks is escaped.
#include <algorithm>

#include <fmt/format.h>

#include "report/detail.hpp"

namespace sockgrade::report::detail {

namespace {

// Text safe in a Markdown paragraph or table cell: no HTML, no table breaks.
std::string markdown_text(std::string_view raw) {
    std::string out;
    for (const char c : printable(raw)) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '|': out += "\\|"; break;
            case '\\': out += "\\\\"; break;
            case '`': out += "\\`"; break;
            case '*': out += "\\*"; break;
            case '_': out += "\\_"; break;
            case '[': out += "\\["; break;
            case ']': out += "\\]"; break;
            default: out += c;
        }
    }
    return out;
}

// One line: a table cell or a heading.
std::string markdown_line(std::string_view raw) {
    std::string text = markdown_text(raw);
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

// A fenced code block whose fence is longer than any backtick run inside.
std::string code_block(const std::vector<std::string>& lines) {
    std::size_t longest_run = 0;
    for (const auto& line : lines) {
        std::size_t run = 0;
        for (const char c : line) {
            run = c == '`' ? run + 1 : 0;
            longest_run = std::max(longest_run, run);
        }
    }
    const std::string fence(std::max<std::size_t>(3, longest_run + 1), '`');
    std::string out = fence + "text\n";
    for (const auto& line : lines) out += line + "\n";
    return out + fence + "\n";
}

std::string result_cell(const TestResult& test, const Labels& labels) {
    std::string cell = test.passed ? fmt::format("✅ {}", labels.passed) : fmt::format("❌ {}", labels.failed);
    if (test.flaky()) cell += fmt::format(" ({})", labels.flaky(test.passes, test.runs));
    return cell;
}

std::string table(const ScenarioResult& result, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    std::string out = fmt::format("| {} | {} | {} |\n|---|---|---:|\n", labels.test, labels.result, labels.points);
    for (const auto& test : result.tests) {
        std::string name = fmt::format("`{}`", printable(test.name, false));
        if (std::find(test.name.begin(), test.name.end(), '`') != test.name.end() ||
            test.name.find('|') != std::string::npos)
            name = markdown_line(test.name);
        if (hides_detail(test, options)) {
            name += fmt::format(" ({})", labels.hidden_test);
        } else {
            if (const auto& title = test.title.in(options.lang); !title.empty()) name += " " + markdown_line(title);
            if (test.hidden) name += fmt::format(" ({})", labels.hidden_marker);
        }
        out += fmt::format("| {} | {} | {} |\n", name, result_cell(test, labels),
                           points_fraction(test.points, test.max_points));
    }
    return out;
}

std::string failure_details(const TestResult& test, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    std::string out = fmt::format("<details><summary>{}: {}</summary>\n\n", markdown_line(test.name),
                                  markdown_line(test.title.in(options.lang)));
    if (const auto& message = test.message.in(options.lang); !message.empty())
        out += markdown_text(message) + "\n\n";
    if (const auto& feedback = test.feedback.in(options.lang); !feedback.empty()) {
        for (const auto& line : split_lines(markdown_text(feedback))) out += "> " + line + "\n";
        out += "\n";
    }
    if (const auto where = visible_where(test, options); !where.empty())
        out += fmt::format("{} {}\n\n", labels.at, markdown_line(where));
    if (shows_transcript(test, options))
        out += code_block(transcript_lines(test.transcript, transcript_excerpt_entries, labels)) + "\n";
    for (const auto& line : picture_lines(test, options)) out += markdown_line(line) + "\n\n";
    return out + "</details>\n";
}

}  // namespace

std::string render_markdown(const ScenarioResult& result, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    const std::string& title = result.title.in(options.lang);
    std::string out = fmt::format("## {} {}: {} {}\n\n", result.passed() ? "✅" : "❌",
                                  markdown_line(title.empty() ? result.scenario : title), labels.score,
                                  points_fraction(result.score, result.max_score));
    out += labels.tests_passed(passed_count(result), result.tests.size()) + "\n\n";
    out += table(result, options);
    for (const auto& test : result.tests)
        if (!test.passed && !hides_detail(test, options)) out += "\n" + failure_details(test, options);
    if (!result.notes.empty()) {
        out += fmt::format("\n**{}**\n\n", labels.notes);
        for (const auto& note : result.notes) out += "- " + markdown_line(note) + "\n";
    }
    return out;
}

}  // namespace sockgrade::report::detail
