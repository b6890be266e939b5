#include "util/transcript.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sockgrade::util {

double Transcript::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Transcript::data(std::string_view party, char direction, std::string_view bytes) {
    add({elapsed(), std::string(party), direction, quoted(bytes, 160)});
}

void Transcript::event(std::string_view party, std::string text) {
    add({elapsed(), std::string(party), '*', std::move(text)});
}

void Transcript::add(TranscriptEntry entry) {
    // Keep the beginning; past the cap only count (a flood must not grow memory).
    if (entries_.size() >= max_entries_) {
        ++dropped_;
        return;
    }
    entries_.push_back(std::move(entry));
}

std::vector<TranscriptEntry> Transcript::take() {
    auto out = std::move(entries_);
    if (dropped_ > 0) out.push_back({elapsed(), "grader", '*', fmt::format("{} more entries not kept", dropped_)});
    return out;
}

}  // namespace sockgrade::util
