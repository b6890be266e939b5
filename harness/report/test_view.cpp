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
    if (test.runs <= 1) return {};
    if (!test.flaky()) return labels.pass_rate(test.passes, test.runs);
    std::string note = labels.flaky(test.passes, test.runs);
    if (!test.failed_runs.empty()) note += "; " + labels.failed_runs(test.failed_runs);
    return note;
}

std::vector<TranscriptBlock> transcript_blocks(const TestResult& test, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    std::vector<TranscriptBlock> blocks;
    if (!shows_transcript(test, options)) return blocks;
    // Run numbers and seeds only mean something when there were several runs.
    if (test.runs <= 1 || test.seed == 0) {
        blocks.push_back({std::string(labels.transcript), &test.transcript});
        return blocks;
    }
    const bool shown_passed = std::find(test.failed_runs.begin(), test.failed_runs.end(), test.run) == test.failed_runs.end();
    blocks.push_back({labels.run_transcript(test.run, test.runs, shown_passed, test.seed, test.name), &test.transcript});
    if (test.passing_run > 0 && !test.passing_transcript.empty())
        blocks.push_back({labels.run_transcript(test.passing_run, test.runs, true, test.passing_seed, test.name),
                          &test.passing_transcript});
    return blocks;
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
        party_width = std::max(party_width, display_width(printable(labels.party(transcript[i].party), false)));

    for (std::size_t i = skipped; i < transcript.size(); ++i) {
        const auto& entry = transcript[i];
        lines.push_back(fmt::format("+{:.3f}s {} {} {}", entry.seconds,
                                    pad_right(printable(labels.party(entry.party), false), party_width),
                                    direction_symbol(entry.direction), printable(entry.text.in(labels.lang), false)));
    }
    return lines;
}

std::vector<std::string> picture_lines(const TestResult& test, const Options& options) {
    std::vector<std::string> lines;
    if (hides_detail(test, options)) return lines;
    const Labels& labels = labels_for(options.lang);
    std::string files;
    for (const auto* file : {&test.diagram, &test.capture})
        if (!file->empty()) files += (files.empty() ? "" : ", ") + printable(*file, false);
    if (!files.empty()) lines.push_back(fmt::format("{}: {}", labels.pictures, files));
    // The host-network note is the report's, said once; a cut or a loss is this test's.
    if (!test.capture_note.empty() && test.capture_note != runner::capture_unavailable_note)
        lines.push_back(fmt::format("{}: {}", labels.capture, printable(test.capture_note, false)));
    return lines;
}

std::string pictures_summary(const ScenarioResult& result, const Options& options) {
    const Labels& labels = labels_for(options.lang);
    // Files of one kind sit in one folder: name it, and how many are there.
    auto folder_of = [](const std::string& file) {
        auto slash = file.rfind('/');
        return slash == std::string::npos ? std::string("./") : file.substr(0, slash + 1);
    };
    std::size_t diagrams = 0, captures = 0;
    std::string diagram_dir, capture_dir;
    for (const auto& test : result.tests) {
        if (hides_detail(test, options)) continue;
        if (!test.diagram.empty()) {
            ++diagrams;
            diagram_dir = folder_of(test.diagram);
        }
        if (!test.capture.empty()) {
            ++captures;
            capture_dir = folder_of(test.capture);
        }
    }
    std::vector<std::string> parts;
    if (diagrams) parts.push_back(labels.diagrams_in(diagrams, printable(diagram_dir, false)));
    if (captures) parts.push_back(labels.captures_in(captures, printable(capture_dir, false)));
    if (parts.empty()) return {};
    std::string out = fmt::format("{}: {}", labels.pictures, parts.front());
    for (std::size_t i = 1; i < parts.size(); ++i) out += "; " + parts[i];
    return out;
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
    for (const auto& transcript : transcript_blocks(test, options)) {
        std::string block = fmt::format("{}:", transcript.heading);
        for (const auto& line : transcript_lines(*transcript.entries, transcript_excerpt_entries, labels))
            block += "\n  " + line;
        parts.push_back(block);
    }
    for (const auto& line : picture_lines(test, options)) parts.push_back(line);

    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += "\n";
        out += part;
    }
    return out;
}

}  // namespace sockgrade::report::detail
