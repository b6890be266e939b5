#include "util/transcript.hpp"

#include <iterator>
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
    add({elapsed(), std::string(party), direction, Text{quoted(bytes, 160), {}}});
}

void Transcript::event(std::string_view party, Text text, Mark mark) {
    add({elapsed(), std::string(party), '*', std::move(text), mark});
}

void Transcript::add(TranscriptEntry entry) {
    if (head_.size() < head_cap_) {
        head_.push_back(std::move(entry));
        return;
    }
    if (tail_cap_ == 0) {
        ++dropped_;
        return;
    }
    if (tail_.size() == tail_cap_) {
        tail_.pop_front();
        ++dropped_;
    }
    tail_.push_back(std::move(entry));
}

std::vector<TranscriptEntry> Transcript::entries() const {
    std::vector<TranscriptEntry> out(head_);
    out.insert(out.end(), tail_.begin(), tail_.end());
    return out;
}

std::vector<TranscriptEntry> Transcript::take() {
    auto out = std::move(head_);
    if (dropped_ > 0) {
        // Placed where the gap is, timed like the first entry after it.
        double at = tail_.empty() ? elapsed() : tail_.front().seconds;
        out.push_back({at, "grader", '*',
                       {fmt::format("{} entries not kept", dropped_),
                        fmt::format("{} {} não {}", dropped_, dropped_ == 1 ? "entrada" : "entradas",
                                    dropped_ == 1 ? "guardada" : "guardadas")}});
    }
    std::move(tail_.begin(), tail_.end(), std::back_inserter(out));
    head_.clear();
    tail_.clear();
    dropped_ = 0;
    return out;
}

}  // namespace sockgrade::util
