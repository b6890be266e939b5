// Text made safe for XML: what a program sent may be anything.
#include <fmt/format.h>

#include "diagram/rows.hpp"

namespace sockgrade::diagram::detail {

namespace {

// The code point at text[i] and its length; length 0 when the bytes there are not UTF-8.
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    if (lead < 0x80) return {lead, 1};
    std::size_t n = (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return {0, 0};
    char32_t value = lead & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) >> 6) != 0x2) return {0, 0};
        value = (value << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < smallest[n] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {0, 0};  // overlong, surrogate
    return {value, n};
}

}  // namespace

std::string xml_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        auto [c, n] = decode(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
            ++i;
            continue;
        }
        if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
        else if ((c >= 0x80 && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF) out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        else if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";  // also keeps "]]>" out of the text
        else if (c == '"') out += "&quot;";
        else if (c == '\'') out += "&apos;";
        else out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

std::size_t length(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size();) {
        auto [c, n] = decode(text, i);
        i += n == 0 ? 1 : n;
        ++count;
    }
    return count;
}

std::string shorten(std::string_view text, std::size_t max) {
    if (max == 0) return {};
    if (length(text) <= max) return std::string(text);
    std::string out;
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size() && count + 1 < max; ++count) {
        auto [c, n] = decode(text, i);
        std::size_t step = n == 0 ? 1 : n;
        out.append(text.substr(i, step));
        i += step;
    }
    return out + "…";
}

}  // namespace sockgrade::diagram::detail
