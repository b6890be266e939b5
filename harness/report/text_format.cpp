// The terminal report (the default format): one line per test, and for a
// failure what a student needs to act on it: the reason, the scenario's hint,
// where (teachers), and the last transcript entries.
//
//   ✔ broadcast    2/2  Broadcast to all clients
//   ✘ reset-leave  0/3  A client that resets leaves
//       B received nothing within 2s.
//         hint text, indented
//       at chat-server.yaml:40
//       transcript:
//         +0.412s B       < "ola 7f3a"
//   score 7/10
#include <algorithm>

#include <fmt/format.h>

#include "report/detail.hpp"

namespace sockgrade::report::detail {

namespace {

// ANSI SGR sequences, used only when Options::colour is set.
class Palette {
public:
    explicit Palette(bool enabled) : enabled_(enabled) {}
    std::string green(std::string_view s) const { return wrap("\x1b[32m", s); }
    std::string red(std::string_view s) const { return wrap("\x1b[31m", s); }
    std::string yellow(std::string_view s) const { return wrap("\x1b[33m", s); }
    std::string dim(std::string_view s) const { return wrap("\x1b[2m", s); }
    std::string bold(std::string_view s) const { return wrap("\x1b[1m", s); }

private:
    std::string wrap(std::string_view code, std::string_view s) const {
        if (!enabled_ || s.empty()) return std::string(s);
        return fmt::format("{}{}\x1b[0m", code, s);
    }
    bool enabled_;
};

constexpr std::string_view detail_indent = "    ";

struct Columns {
    std::size_t name = 0;
    std::size_t points = 0;
};

Columns measure(const ScenarioResult& result) {
    Columns columns;
    for (const auto& test : result.tests) {
        columns.name = std::max(columns.name, display_width(printable(test.name, false)));
        columns.points = std::max(columns.points, points_fraction(test.points, test.max_points).size());
    }
    return columns;
}

std::string test_line(const TestResult& test, const Columns& columns, const Options& options,
                      const Palette& palette) {
    const Labels& labels = labels_for(options.lang);
    const std::string symbol = test.passed ? palette.green("✔") : palette.red("✘");
    std::string title;
    if (hides_detail(test, options)) {
        title = palette.dim(labels.hidden_test);
    } else {
        title = printable(test.title.in(options.lang), false);
        if (test.hidden) title += fmt::format(" [{}]", labels.hidden_marker);
    }
    std::string line = fmt::format("{} {}  {}", symbol, pad_right(printable(test.name, false), columns.name),
                                   pad_right(points_fraction(test.points, test.max_points), columns.points));
    if (!title.empty()) line += "  " + title;
    // Trailing spaces from padding are noise in a terminal and in goldens.
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
}

std::string test_detail(const TestResult& test, const Options& options, const Palette& palette) {
    if (hides_detail(test, options)) return {};
    const Labels& labels = labels_for(options.lang);
    std::string out;
    const auto add = [&](const std::string& text) { out += indent_lines(text, detail_indent) + "\n"; };

    if (const auto note = flaky_note(test, labels); !note.empty()) add(palette.yellow(note));
    if (!test.passed) {
        if (const auto& message = test.message.in(options.lang); !message.empty()) add(printable(message));
        if (const auto& feedback = test.feedback.in(options.lang); !feedback.empty())
            add(indent_lines(printable(feedback), "  "));
        if (const auto where = visible_where(test, options); !where.empty())
            add(palette.dim(fmt::format("{} {}", labels.at, where)));
    }
    for (const auto& transcript : transcript_blocks(test, options)) {
        add(palette.dim(fmt::format("{}:", transcript.heading)));
        for (const auto& line : transcript_lines(*transcript.entries, transcript_excerpt_entries, labels))
            add("  " + palette.dim(line));
    }
    // Only where there is detail anyway: a passing test's files are in the footer's summary.
    if (!out.empty())
        for (const auto& line : picture_lines(test, options)) add(line);
    return out;
}

std::string header(const ScenarioResult& result, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    const std::string title = printable(result.title.in(options.lang), false);
    std::string out = title.empty() ? printable(result.scenario, false)
                                    : fmt::format("{} ({})", title, printable(result.scenario, false));
    out += "\n";
    if (!result.command.empty()) out += fmt::format("{}: {}\n", labels.program, printable(result.command, false));
    return out + "\n";
}

std::string footer(const ScenarioResult& result, const Options& options, const Palette& palette) {
    const Labels& labels = labels_for(options.lang);
    const std::string score = fmt::format("{} {}", labels.score, points_fraction(result.score, result.max_score));
    std::string out = "\n" + palette.bold(result.passed() ? palette.green(score) : palette.red(score));
    out += fmt::format("  ({})\n", labels.tests_passed(passed_count(result), result.tests.size()));
    for (const auto& note : result.notes)
        out += palette.yellow(fmt::format("{}: {}", labels.note, printable(note, false))) + "\n";
    if (auto pictures = pictures_summary(result, options); !pictures.empty()) out += pictures + "\n";
    if (result.stress) out += palette.dim(std::string(labels.stress)) + "\n";
    if (result.seed) out += palette.dim(labels.seed(*result.seed)) + "\n";
    return out;
}

}  // namespace

std::string render_text(const ScenarioResult& result, const Options& options) {
    const Palette palette(options.colour);
    const Columns columns = measure(result);
    std::string out = header(result, options);
    for (const auto& test : result.tests) {
        out += test_line(test, columns, options, palette);
        out += test_detail(test, options, palette);
    }
    return out + footer(result, options, palette);
}

}  // namespace sockgrade::report::detail
