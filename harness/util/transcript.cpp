#include "util/transcript.hpp"

#include <utility>

#include <fmt/format.h>

#include "util/text.hpp"

namespace sockgrade::util {

namespace {
constexpr std::pair<Mark, std::string_view> mark_names[] = {
    {Mark::connect, "connect"}, {Mark::accept, "accept"},           {Mark::fin, "fin"},
    {Mark::rst, "rst"},         {Mark::program_fin, "program-fin"}, {Mark::program_rst, "program-rst"},
};
}  // namespace

std::string_view mark_name(Mark mark) {
    for (const auto& [known, name] : mark_names)
        if (known == mark) return name;
    return "";
}

std::optional<Mark> parse_mark(std::string_view name) {
    if (name.empty()) return Mark::none;
    for (const auto& [mark, known] : mark_names)
        if (known == name) return mark;
    return std::nullopt;
}

double Transcript::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Transcript::data(std::string_view party, char direction, std::string_view bytes) {
    add({elapsed(), std::string(party), direction, quoted(bytes, 160)});
}

void Transcript::event(std::string_view party, std::string text, Mark mark) {
    add({elapsed(), std::string(party), '*', std::move(text), mark});
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
