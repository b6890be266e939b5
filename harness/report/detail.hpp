// Internals shared by the report formats (not part of report.hpp's API).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/labels.hpp"
#include "report/report.hpp"

namespace sockgrade::report::detail {

using runner::ScenarioResult;
using runner::TestResult;
using runner::TranscriptEntry;
using Json = nlohmann::ordered_json;  // keeps keys in the order written, for readers

// How many transcript entries a human-facing report shows (the last ones).
inline constexpr std::size_t transcript_excerpt_entries = 20;

// One renderer per format, each in its own <format>_format.cpp.
std::string render_text(const ScenarioResult&, const Options&);
std::string render_json(const ScenarioResult&, const Options&);
std::string render_junit(const ScenarioResult&, const Options&);
std::string render_gradescope(const ScenarioResult&, const Options&);
std::string render_classroom(const ScenarioResult&, const Options&);
std::string render_github(const ScenarioResult&, const Options&);
std::string render_markdown(const ScenarioResult&, const Options&);

// The JSON report's object for one test (json_format.cpp).
Json test_json(const TestResult&, const Options&);

// --- what a reader may see -------------------------------------------------

// A hidden test seen by a student: name, pass/fail and points only.
bool hides_detail(const TestResult&, const Options&);
// "file:line" of the failing step, empty when the reader must not see it.
std::string visible_where(const TestResult&, const Options&);
// Whether the transcript belongs in the report for this test.
bool shows_transcript(const TestResult&, const Options&);
// "flaky: passed 7 of 10 runs; failed: runs 3 and 5", or with --repeat
// "passed 10 of 10 runs"; empty when the test ran once.
std::string flaky_note(const TestResult&, const Labels&);

// The transcripts a reader sees for a test, each under its heading: the
// (first failing) run's, and for a flaky test a passing run's beside it.
struct TranscriptBlock {
    std::string heading;  // "transcript", or which run it is and how to replay it
    const std::vector<TranscriptEntry>* entries = nullptr;
};
std::vector<TranscriptBlock> transcript_blocks(const TestResult&, const Options&);
// Names of the flaky tests, in order.
std::vector<std::string> flaky_names(const ScenarioResult&);
int passed_count(const ScenarioResult&);

// --- numbers ----------------------------------------------------------------

// 2 -> "2", 0.5 -> "0.5", 0.1+0.2 -> "0.3" (two decimals at most).
std::string format_points(double points);
// "2/3"
std::string points_fraction(double points, double max_points);
// 0.4123 -> "0.412" (seconds with milliseconds)
std::string format_seconds(double seconds);
// An integer when whole (Classroom 50 wants ints), else rounded to 1e-6.
Json json_number(double value);
// Seconds rounded to milliseconds, as a JSON number.
Json json_seconds(double seconds);

// --- strings ----------------------------------------------------------------

// Invalid UTF-8 bytes become U+FFFD; valid text is returned unchanged.
std::string valid_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);
// Valid UTF-8, with control characters (C0 but \n and \t, DEL, C1) and the
// noncharacters U+FFFE/U+FFFF written as \xNN / \uNNNN: a program's bytes can
// then neither drive the reader's terminal nor break XML 1.0. With
// keep_newlines false, \n and \t are escaped too (one-line fields).
std::string printable(std::string_view text, bool keep_newlines = true);
// Code points, as a stand-in for terminal columns.
std::size_t display_width(std::string_view text);
std::string pad_right(std::string_view text, std::size_t width);
// Lines of text, without their '\n'.
std::vector<std::string> split_lines(std::string_view text);
// Every line of text prefixed by indent (empty lines stay empty).
std::string indent_lines(std::string_view text, std::string_view indent);
// JSON text that never throws: invalid UTF-8 is replaced.
std::string dump_json(const Json& json, int indent);

// --- transcript --------------------------------------------------------------

// "+0.412s B       < "ola"" lines for the last `max_entries` entries, parties
// padded to one width; a first line says how many earlier entries were left out.
std::vector<std::string> transcript_lines(const std::vector<TranscriptEntry>& transcript,
                                          std::size_t max_entries, const Labels& labels);

// --- pictures -----------------------------------------------------------------

// "pictures: DIR/every-line.svg, DIR/every-line.pcapng" for a test with files
// the reader may see, "" otherwise; then "capture: <note>" when its capture
// left something out.
std::vector<std::string> picture_lines(const TestResult&, const Options&);
// One line for the whole report saying where the pictures are, "" when there are none.
std::string pictures_summary(const ScenarioResult&, const Options&);

// The failure of one test as plain text, for formats that carry one text
// block per test (JUnit, Gradescope, GitHub): reason, feedback, where, flaky
// note, transcript excerpt. Empty for a passing test without those.
std::string plain_detail(const TestResult&, const Options&);

}  // namespace sockgrade::report::detail
