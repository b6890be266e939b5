// Internals of diagram/: the transcript turned into lanes and rows, before
// anything is drawn (rows.cpp), and text made safe for XML (xml_text.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "runner/result.hpp"

namespace sockgrade::diagram::detail {

enum class Style { data, stderr_data, stdin_data, connect, fin, rst, eof };

struct Row {
    enum class Kind { message, note, failure, gap, more } kind = Kind::message;
    double time = 0;       // seconds since the test started (first entry of the row)
    double last_time = 0;  // last entry merged into it
    int from = -1;         // lane index; for a note or a failure, its lane
    std::vector<int> to;   // lane indexes: more than one when a message fanned out
    Style style = Style::data;
    std::string first;     // the text (a transcript entry's, already quoted for display)
    std::string last;      // the text of the last entry merged into it, when count > 1
    int count = 1;         // entries merged into this row
};

struct Lanes {
    std::vector<std::string> names;  // "terminal"?, "program", then the peers in order of appearance
    int terminal = -1;               // the program's stdin/stdout lane, -1 when it has none
    int program = 0;
};

struct Plan {
    Lanes lanes;
    std::vector<Row> rows;
    int failure_row = -1;  // index in rows, -1 for none
    int since_row = -1;    // the row where the failed step began, -1 for none
};

// Lanes and rows of a test; bursts and fan-outs collapsed, long silences
// marked, at most max_rows rows (the middle ones dropped and counted); the
// transcript's words in `lang` ("en" or "pt").
Plan plan(const runner::TestResult& test, std::size_t max_rows, std::string_view lang = "en");

// Text for an XML text node or attribute value: invalid UTF-8 as U+FFFD,
// control characters and noncharacters written out as \xNN or \uNNNN, and
// & < > " ' as entities.
std::string xml_text(std::string_view text);

// Code points of UTF-8 text (invalid bytes count one each).
std::size_t length(std::string_view text);
// At most `max` code points of text, the last one "…" when cut.
std::string shorten(std::string_view text, std::size_t max);

}  // namespace sockgrade::diagram::detail
