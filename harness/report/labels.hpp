// The words of the reports, in English and Portuguese.
#pragma once

#include <string>
#include <string_view>

namespace sockgrade::report::detail {

struct Labels {
    std::string_view score;          // "score 7/10"
    std::string_view points;         // table column
    std::string_view test;           // table column
    std::string_view result;         // table column
    std::string_view passed;
    std::string_view failed;
    std::string_view hidden_test;    // what a student sees of a hidden test
    std::string_view hidden_marker;  // a hidden test as a teacher sees it
    std::string_view at;             // "at chat-server.yaml:40"
    std::string_view transcript;
    std::string_view hint;           // heading of the scenario's feedback
    std::string_view note;           // one of the scenario's notes
    std::string_view notes;
    std::string_view program;        // the command that was graded
    std::string_view pictures;       // "pictures: every-line.svg, every-line.pcapng"
    std::string_view capture;        // "capture: cut at 8 MiB: ..."

    std::string flaky(int passes, int runs) const;             // "flaky: passed 7 of 10 runs"
    std::string earlier_entries(std::size_t count) const;      // "… 3 earlier entries"
    std::string tests_passed(int passed, std::size_t total) const;  // "4 of 5 tests passed"
    // "11 sequence diagrams (SVG) in DIR" / "2 packet captures (pcapng, for Wireshark) in DIR"
    std::string diagrams_in(std::size_t count, std::string_view dir) const;
    std::string captures_in(std::size_t count, std::string_view dir) const;

    bool portuguese = false;
};

// The labels for "en" or "pt" (anything else: English).
const Labels& labels_for(const std::string& lang);

}  // namespace sockgrade::report::detail
