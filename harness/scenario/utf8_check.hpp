// Internal to the loader: finding the first byte that is not UTF-8, so a file
// saved as Latin-1 gets a clear message instead of garbled text on the wire.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sockgrade::scenario::detail {

struct BadByte {
    std::size_t offset = 0;  // from the start of the file, 0-based
    int line = 1;            // 1-based
    int column = 1;          // 1-based, in bytes
    unsigned char value = 0;
};

// The first byte of the first character that is not well-formed UTF-8
// (overlong forms, surrogates and code points past U+10FFFF included).
std::optional<BadByte> find_invalid_utf8(std::string_view bytes);

}  // namespace sockgrade::scenario::detail
