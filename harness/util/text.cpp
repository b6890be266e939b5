#include "util/text.hpp"

#include <charconv>
#include <random>

#include <fmt/format.h>

namespace sockgrade::util {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char lead = byte(i);
    std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > s.size()) return 0;
    if (length == 2 && lead < 0xC2) return 0;  // overlong
    if (length >= 3) {
        unsigned char second = byte(i + 1);
        if (length == 3 && ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F))) return 0;  // overlong, surrogate
        if (length == 4 && (lead > 0xF4 || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))) return 0;
    }
    for (std::size_t k = 1; k < length; ++k)
        if ((byte(i + k) >> 6) != 0x2) return 0;
    return length;
}

}  // namespace

std::string printable(std::string_view bytes, std::size_t max_bytes) {
    std::string out;
    std::size_t i = 0;
    while (i < bytes.size() && i < max_bytes) {
        unsigned char c = static_cast<unsigned char>(bytes[i]);
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
        else if (c < 0x80) out += static_cast<char>(c);
        else if (auto n = utf8_sequence_length(bytes, i)) {
            out.append(bytes.substr(i, n));
            i += n;
            continue;
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
        ++i;
    }
    if (i < bytes.size()) out += fmt::format("… (+{} bytes)", bytes.size() - i);
    return out;
}

std::string quoted(std::string_view bytes, std::size_t max_bytes) {
    return "\"" + printable(bytes, max_bytes) + "\"";
}

std::string make_nonce() {
    static std::mt19937_64 generator{std::random_device{}()};
    return fmt::format("{:06x}", generator() & 0xFFFFFF);
}

std::string fill_text(std::string_view seed, std::size_t count) {
    static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::seed_seq sequence(seed.begin(), seed.end());
    std::mt19937 generator(sequence);
    std::string out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) out += alphabet[generator() % alphabet.size()];
    return out;
}

std::string regex_escape(std::string_view text) {
    static constexpr std::string_view special = R"(\^$.|?*+()[]{}/-)";
    std::string out;
    for (char c : text) {
        if (special.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::optional<std::string> substitute(std::string_view pattern, const Variables& vars, bool escape_for_regex,
                                      std::string* unknown) {
    std::string out;
    std::size_t i = 0;
    while (i < pattern.size()) {
        char c = pattern[i];
        if (c == '{' && i + 1 < pattern.size() && pattern[i + 1] == '{') {
            out += '{';
            i += 2;
            continue;
        }
        if (c == '}' && i + 1 < pattern.size() && pattern[i + 1] == '}') {
            out += '}';
            i += 2;
            continue;
        }
        auto close = c == '{' ? pattern.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            out += c;
            ++i;
            continue;
        }
        std::string_view name = pattern.substr(i + 1, close - i - 1);
        std::string value;
        if (name.starts_with("fill:")) {
            std::size_t count = 0;
            auto digits = name.substr(5);
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
            auto nonce = vars.find("nonce");
            if (ec != std::errc{} || end != digits.data() + digits.size() || nonce == vars.end()) {
                if (unknown) *unknown = std::string(name);
                return std::nullopt;
            }
            value = fill_text(nonce->second, count);
        } else if (auto found = vars.find(name); found != vars.end()) {
            value = found->second;
        } else {
            if (unknown) *unknown = std::string(name);
            return std::nullopt;
        }
        out += escape_for_regex ? regex_escape(value) : value;
        i = close + 1;
    }
    return out;
}

std::string join_words(const std::vector<std::string>& words, std::string_view last_separator) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += (i + 1 == words.size()) ? std::string(last_separator) : ", ";
        out += words[i];
    }
    return out;
}

}  // namespace sockgrade::util
