// The words of the reports, in English and Portuguese.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
    std::string pass_rate(int passes, int runs) const;         // "passed 10 of 10 runs"
    std::string failed_runs(const std::vector<int>& runs) const;  // "failed: runs 3, 5 and 9"
    // "transcript of run 3 of 10 (failed; replay it with --seed 1236 --only burst-order)"
    std::string run_transcript(int run, int runs, bool passed, std::uint64_t seed, std::string_view test) const;
    std::string seed(std::uint64_t seed) const;                // "seed 1234 (replay with --seed 1234)"
    std::string_view stress;                                   // what --stress did
    std::string earlier_entries(std::size_t count) const;      // "… 3 earlier entries"
    std::string tests_passed(int passed, std::size_t total) const;  // "4 of 5 tests passed"
    // "11 sequence diagrams (SVG) in DIR" / "2 packet captures (pcapng, for Wireshark) in DIR"
    std::string diagrams_in(std::size_t count, std::string_view dir) const;
    std::string captures_in(std::size_t count, std::string_view dir) const;

    // A transcript's party as the reader names it: "programa" for "program";
    // peers' names and stdin/stdout/stderr are the same in both languages.
    std::string_view party(std::string_view name) const;

    bool portuguese = false;
    std::string_view lang = "en";  // for util::Text::in
};

// The labels for "en" or "pt" (anything else: English).
const Labels& labels_for(const std::string& lang);

}  // namespace sockgrade::report::detail
