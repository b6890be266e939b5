// Durations ("500ms", "2s", "1.5s", "1m") and sizes ("4096", "64KiB", "1MiB")
// as teachers write them in scenarios, parsed strictly: a typo must be an
// error, never a silently different limit.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sockgrade::util {

// A parsed value, or a message that says what was wrong and how to write it.
template <typename T>
struct Parsed {
    std::optional<T> value;
    std::string error;
    bool ok() const { return value.has_value(); }
};

// A number (decimals allowed) and a unit with no space: ms, s, m (minutes).
// The result must be a whole number of milliseconds.
Parsed<std::chrono::milliseconds> parse_duration(std::string_view text);

// A whole number of bytes, or a number and a unit: B, KiB, MiB, GiB
// (1024-based) or KB, MB, GB (1000-based).
Parsed<std::int64_t> parse_size(std::string_view text);

// The shortest way to write a duration back: "2s", "500ms", "1.5s", "2m".
std::string format_duration(std::chrono::milliseconds duration);

// Bytes in the largest unit that divides them: "1MiB", "64KiB", "1000".
std::string format_size(std::int64_t bytes);

}  // namespace sockgrade::util
