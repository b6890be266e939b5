// UTF-8 checks and the escaping every format needs before text reaches a reader.
#include <fmt/format.h>

#include "report/detail.hpp"

namespace sockgrade::report::detail {

namespace {

// Length of the valid UTF-8 sequence at text[pos] and its code point, or 0 when
// the bytes there are not valid UTF-8 (overlong, surrogate, > U+10FFFF, cut short).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& code_point) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    std::size_t length = 0;
    char32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, minimum = 0x80, code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, minimum = 0x800, code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, minimum = 0x10000, code_point = lead & 0x07;
    } else {
        return 0;
    }
    if (pos + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80) return 0;
        code_point = (code_point << 6) | (byte(pos + i) & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF) return 0;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
    return length;
}

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD

// Control characters that could drive a terminal or that XML 1.0 forbids.
bool is_unprintable(char32_t c, bool keep_newlines) {
    if (c == '\n' || c == '\t') return !keep_newlines;
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF;
}

std::string escape_code_point(char32_t c) {
    if (c <= 0xFF) return fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    return fmt::format("\\u{:04x}", static_cast<unsigned>(c));
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    char32_t code_point = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t length = decode_utf8(text, pos, code_point);
        if (length == 0) return false;
        pos += length;
    }
    return true;
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    char32_t code_point = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t length = decode_utf8(text, pos, code_point);
        if (length == 0) {
            out += replacement_character;
            ++pos;
        } else {
            out.append(text.substr(pos, length));
            pos += length;
        }
    }
    return out;
}

std::string printable(std::string_view text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    char32_t code_point = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t length = decode_utf8(text, pos, code_point);
        if (length == 0) {
            out += replacement_character;
            ++pos;
            continue;
        }
        if (is_unprintable(code_point, keep_newlines))
            out += escape_code_point(code_point);
        else
            out.append(text.substr(pos, length));
        pos += length;
    }
    return out;
}

std::size_t display_width(std::string_view text) {
    // Counts code points: close enough for party names and test names.
    std::size_t width = 0;
    for (const char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
    return width;
}

std::string pad_right(std::string_view text, std::size_t width) {
    std::string out(text);
    const std::size_t current = display_width(text);
    if (current < width) out.append(width - current, ' ');
    return out;
}

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.emplace_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::string indent_lines(std::string_view text, std::string_view indent) {
    std::string out;
    for (const auto& line : split_lines(text)) {
        if (!line.empty()) out.append(indent).append(line);
        out += '\n';
    }
    if (!out.empty() && (text.empty() || text.back() != '\n')) out.pop_back();
    return out;
}

std::string dump_json(const Json& json, int indent) {
    return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sockgrade::report::detail
