#include "batch/similarity.hpp"

#include <algorithm>
#include <functional>
#include <unordered_set>

namespace sockgrade::batch {

namespace {

// One pass over source code that drops comments, and keeps or empties string
// literals and keeps or drops whitespace, as asked.
struct Lexing {
    bool python = false;
    bool keep_literals = true;  // false: each literal becomes its bare quotes
    bool keep_spaces = false;
};

std::string lex(std::string_view source, const Lexing& how) {
    const bool python = how.python;
    std::string out;
    out.reserve(source.size());
    std::size_t i = 0;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (i < source.size()) {
        char c = source[i];
        // Comments.
        if (python && c == '#') {
            while (i < source.size() && source[i] != '\n') ++i;
            continue;
        }
        if (!python && c == '/' && i + 1 < source.size() && source[i + 1] == '/') {
            while (i < source.size() && source[i] != '\n') ++i;
            continue;
        }
        if (!python && c == '/' && i + 1 < source.size() && source[i + 1] == '*') {
            auto end = source.find("*/", i + 2);
            i = end == std::string_view::npos ? source.size() : end + 2;
            continue;
        }
        // String literals, whole (Python's triple quotes too).
        if (c == '"' || c == '\'') {
            std::size_t quote_length = 1;
            if (python && source.substr(i, 3) == std::string(3, c)) quote_length = 3;
            auto quote = source.substr(i, quote_length);
            std::size_t j = i + quote_length;
            while (j < source.size()) {
                if (source[j] == '\\') {
                    j += 2;
                    continue;
                }
                if (source.substr(j, quote_length) == quote) {
                    j += quote_length;
                    break;
                }
                if (quote_length == 1 && source[j] == '\n') break;  // unterminated
                ++j;
            }
            j = std::min(j, source.size());
            if (how.keep_literals) {
                out.append(source.substr(i, j - i));
            } else {
                out.append(quote);
                out.append(quote);
            }
            i = j;
            continue;
        }
        if (how.keep_spaces || !is_space(c)) out += c;
        ++i;
    }
    return out;
}

}  // namespace

std::string normalise_source(std::string_view source, std::string_view language) {
    return lex(source, {.python = language == ".py", .keep_literals = true, .keep_spaces = false});
}

std::string python_code_only(std::string_view source) {
    return lex(source, {.python = true, .keep_literals = false, .keep_spaces = true});
}

namespace {

std::unordered_set<std::size_t> pieces(std::string_view text) {
    constexpr std::size_t k = 5;
    std::unordered_set<std::size_t> set;
    if (text.size() < k) {
        set.insert(std::hash<std::string_view>{}(text));
        return set;
    }
    for (std::size_t i = 0; i + k <= text.size(); ++i) set.insert(std::hash<std::string_view>{}(text.substr(i, k)));
    return set;
}

double jaccard(const std::unordered_set<std::size_t>& a, const std::unordered_set<std::size_t>& b) {
    if (a.empty() && b.empty()) return 1;
    const auto& small = a.size() < b.size() ? a : b;
    const auto& large = a.size() < b.size() ? b : a;
    std::size_t shared = 0;
    for (auto piece : small) shared += large.count(piece);
    return static_cast<double>(shared) / static_cast<double>(a.size() + b.size() - shared);
}

}  // namespace

double similarity(std::string_view a, std::string_view b) {
    if (a == b) return 1;
    return jaccard(pieces(a), pieces(b));
}

std::vector<SimilarPair> similar_pairs(const std::vector<Fingerprint>& sources, double threshold, std::size_t min_length) {
    std::vector<const Fingerprint*> usable;
    for (const auto& source : sources)
        if (source.normalised.size() >= min_length) usable.push_back(&source);
    std::vector<std::unordered_set<std::size_t>> sets;
    for (const auto* source : usable) sets.push_back(pieces(source->normalised));
    std::vector<SimilarPair> pairs;
    for (std::size_t i = 0; i < usable.size(); ++i)
        for (std::size_t j = i + 1; j < usable.size(); ++j) {
            double score = usable[i]->normalised == usable[j]->normalised ? 1.0 : jaccard(sets[i], sets[j]);
            if (score + 1e-12 < threshold) continue;
            auto first = usable[i]->student, second = usable[j]->student;
            if (second < first) std::swap(first, second);
            pairs.push_back({first, second, score});
        }
    std::sort(pairs.begin(), pairs.end(), [](const SimilarPair& a, const SimilarPair& b) {
        if (a.similarity != b.similarity) return a.similarity > b.similarity;
        return std::tie(a.first, a.second) < std::tie(b.first, b.second);
    });
    return pairs;
}

}  // namespace sockgrade::batch
