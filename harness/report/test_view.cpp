// What of a test a reader sees: the rules every format shares.
#include <algorithm>

#include <fmt/format.h>

#include "report/detail.hpp"

namespace sockgrade::report::detail {

bool hides_detail(const TestResult& test, const Options& options) {
    return test.hidden && options.student_view;
}

std::string visible_where(const TestResult& test, const Options& options) {
    // `where` points into the teacher's scenario file: of no use to a student,
    // and for a hidden test it would say what the test checks.
    return options.student_view ? std::string() : printable(test.where, false);
}

bool shows_transcript(const TestResult& test, const Options& options) {
    if (hides_detail(test, options) || test.transcript.empty()) return false;
    return !test.passed || options.show_transcript_on_pass;
}

std::string flaky_note(const TestResult& test, const Labels& labels) {
    return test.flaky() ? labels.flaky(test.passes, test.runs) : std::string();
}

std::vector<std::string> flaky_names(const ScenarioResult& result) {
    std::vector<std::string> names;
    for (const auto& test : result.tests)
        if (test.flaky()) names.push_back(test.name);
    return names;
}

int passed_count(const ScenarioResult& result) {
    return static_cast<int>(std::count_if(result.tests.begin(), result.tests.end(),
                                          [](const TestResult& t) { return t.passed; }));
}

namespace {

std::string_view direction_symbol(char direction) {
    switch (direction) {
        case '<': return "<";
        case '>': return ">";
        default: return "·";  // an event
    }
}

}  // namespace

std::vector<std::string> transcript_lines(const std::vector<TranscriptEntry>& transcript,
                                          std::size_t max_entries, const Labels& labels) {
    std::vector<std::string> lines;
    const std::size_t skipped = transcript.size() > max_entries ? transcript.size() - max_entries : 0;
    if (skipped > 0) lines.push_back(labels.earlier_entries(skipped));

    std::size_t party_width = 0;
    for (std::size_t i = skipped; i < transcript.size(); ++i)
        party_width = std::max(party_width, display_width(printable(transcript[i].party, false)));

    for (std::size_t i = skipped; i < transcript.size(); ++i) {
        const auto& entry = transcript[i];
        lines.push_back(fmt::format("+{:.3f}s {} {} {}", entry.seconds,
                                    pad_right(printable(entry.party, false), party_width),
                                    direction_symbol(entry.direction), printable(entry.text, false)));
    }
    return lines;
}

std::string plain_detail(const TestResult& test, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    if (hides_detail(test, options)) return std::string(labels.hidden_test);

    std::vector<std::string> parts;
    if (const auto& message = test.message.in(options.lang); !message.empty())
        parts.push_back(printable(message));
    if (const auto& feedback = test.feedback.in(options.lang); !feedback.empty() && !test.passed)
        parts.push_back(fmt::format("{}:\n{}", labels.hint, indent_lines(printable(feedback), "  ")));
    if (const auto where = visible_where(test, options); !where.empty())
        parts.push_back(fmt::format("{} {}", labels.at, where));
    if (const auto note = flaky_note(test, labels); !note.empty()) parts.push_back(note);
    if (shows_transcript(test, options)) {
        std::string block = fmt::format("{}:", labels.transcript);
        for (const auto& line : transcript_lines(test.transcript, transcript_excerpt_entries, labels))
            block += "\n  " + line;
        parts.push_back(block);
    }

    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += "\n";
        out += part;
    }
    return out;
}

}  // namespace sockgrade::report::detail
