// The record of a test: every byte in and out and every event, with its time.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/text.hpp"

namespace sockgrade::util {

// What an event means for a connection, so pictures (diagram/) need not read
// the event's words: who opened or closed which connection, and how.
enum class Mark : char {
    none,
    connect,      // the party (a tcp-client peer) connected to the program
    accept,       // the party (a tcp-server peer) accepted the program's connection
    fin,          // the party closed its connection (FIN)
    rst,          // the party reset its connection (RST)
    program_fin,  // the program closed the party's connection (FIN)
    program_rst,  // the program reset the party's connection (RST)
};

// "connect", "accept", "fin", "rst", "program-fin", "program-rst"; "" for none.
std::string_view mark_name(Mark mark);
// The inverse of mark_name; nullopt for a name it does not make.
std::optional<Mark> parse_mark(std::string_view name);

// One line of what happened, as a student reads it:
//   +0.412s B < "ola 7f3a"      (B received)
//   +0.401s A > "ola 7f3a\n"    (A sent)
//   +0.000s program * started    (an event)
struct TranscriptEntry {
    double seconds = 0;    // since the test started
    std::string party;     // "A", "program", "stdout", "stderr", "stdin", "grader"
    char direction = '*';  // '<' party received, '>' party sent, '*' event
    // Quoted and escaped for display when direction is '<' or '>' (then en
    // only: bytes are not translated); an event's words in both languages.
    Text text;
    Mark mark = Mark::none;
};

// Past its cap a transcript keeps its first half and its most recent half
// and counts what fell between: a flood must not grow memory, and the end,
// where a test usually fails, is the part a student needs to see.
class Transcript {
public:
    explicit Transcript(std::size_t max_entries = 4000)
        : start_(std::chrono::steady_clock::now()),
          head_cap_((max_entries + 1) / 2),
          tail_cap_(max_entries - head_cap_) {}

    void data(std::string_view party, char direction, std::string_view bytes);
    // An event as a student reads it, in English and Portuguese: the report
    // shows the reader's language (the pictures read `mark`, not the words).
    void event(std::string_view party, Text text, Mark mark = Mark::none);

    double elapsed() const;
    // The entries kept, in order (without the note of what was dropped).
    std::vector<TranscriptEntry> entries() const;
    std::size_t dropped() const { return dropped_; }
    // The entries, with a note where entries were dropped when the cap was hit.
    std::vector<TranscriptEntry> take();

private:
    void add(TranscriptEntry entry);
    std::chrono::steady_clock::time_point start_;
    std::size_t head_cap_;
    std::size_t tail_cap_;
    std::size_t dropped_ = 0;
    std::vector<TranscriptEntry> head_;
    std::deque<TranscriptEntry> tail_;
};

}  // namespace sockgrade::util
