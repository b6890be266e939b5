#include "scenario/utf8_check.hpp"

namespace sockgrade::scenario::detail {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the well-formed character at bytes[i], or 0 if it is not one
// (the table of well-formed sequences in the Unicode standard, 3.9).
std::size_t character_length(std::string_view bytes, std::size_t i) {
    auto at = [&](std::size_t k) -> unsigned char { return i + k < bytes.size() ? bytes[i + k] : 0; };
    const unsigned char lead = at(0);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
    } else {
        return 0;
    }
    if (at(1) < low || at(1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (!is_continuation(at(k))) return 0;
    return length;
}

}  // namespace

std::optional<BadByte> find_invalid_utf8(std::string_view bytes) {
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < bytes.size();) {
        std::size_t length = character_length(bytes, i);
        if (length == 0) {
            // Point at the start of the broken character: for text saved as
            // Latin-1 that is the accented letter itself.
            return BadByte{i, line, int(i - line_start) + 1, static_cast<unsigned char>(bytes[i])};
        }
        if (bytes[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
        i += length;
    }
    return std::nullopt;
}

}  // namespace sockgrade::scenario::detail
