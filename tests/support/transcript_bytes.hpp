// The bytes behind a transcript entry's text: the inverse of util::quoted
// ("\"ola\\n\"" -> "ola\n"), for tests that compare a transcript with what
// really went over the wire.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sockgrade::testing {

// nullopt when the text is not a quoted entry, or was cut ("… (+N bytes)").
inline std::optional<std::string> unquote(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
    text = text.substr(1, text.size() - 2);
    // util::printable cuts long data with "… (+N bytes)": those bytes are not here.
    if (auto cut = text.rfind("… (+"); cut != std::string_view::npos && text.ends_with(" bytes)")) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '"') return std::nullopt;  // printable() always escapes a quote
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= text.size()) return std::nullopt;
        switch (text[i]) {
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case '\\': out += '\\'; break;
            case '"': out += '"'; break;
            case 'x': {
                auto hex = std::string(text.substr(i + 1, 2));
                if (hex.size() != 2 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
                out += static_cast<char>(std::stoi(hex, nullptr, 16));
                i += 2;
                break;
            }
            default: return std::nullopt;
        }
    }
    return out;
}

}  // namespace sockgrade::testing
