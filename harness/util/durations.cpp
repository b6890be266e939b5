#include "util/durations.hpp"

#include <array>
#include <limits>
#include <utility>

#include "util/did_you_mean.hpp"

namespace sockgrade::util {

namespace {

// A decimal number split exactly as numerator / 10^decimals, so 1.1s is
// 1100ms and never 1099.9999ms.
struct Decimal {
    std::int64_t numerator = 0;
    std::int64_t denominator = 1;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads digits[.digits] from the front of `text`; `rest` gets what follows.
std::optional<Decimal> read_decimal(std::string_view text, std::string_view& rest) {
    Decimal number;
    std::size_t i = 0;
    int digits = 0;
    bool seen_dot = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' && !seen_dot && i > 0) {
            seen_dot = true;
            continue;
        }
        if (!is_digit(c)) break;
        if (++digits > 15) return std::nullopt;  // past this, int64 arithmetic could overflow
        number.numerator = number.numerator * 10 + (c - '0');
        if (seen_dot) number.denominator *= 10;
    }
    if (digits == 0 || text[i - 1] == '.') return std::nullopt;
    rest = text.substr(i);
    return number;
}

// numerator * factor / denominator, if that is a whole number that fits.
std::optional<std::int64_t> scale_exactly(Decimal number, std::int64_t factor) {
    if (number.numerator > std::numeric_limits<std::int64_t>::max() / factor) return std::nullopt;
    std::int64_t scaled = number.numerator * factor;
    if (scaled % number.denominator != 0) return std::nullopt;
    return scaled / number.denominator;
}

bool has_space(std::string_view text) { return text.find_first_of(" \t") != std::string_view::npos; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

struct Unit {
    std::string_view name;
    std::int64_t factor;
};

constexpr std::array<Unit, 3> duration_units{{{"ms", 1}, {"s", 1000}, {"m", 60'000}}};

constexpr std::array<Unit, 7> size_units{{{"B", 1},
                                          {"KiB", std::int64_t(1) << 10},
                                          {"MiB", std::int64_t(1) << 20},
                                          {"GiB", std::int64_t(1) << 30},
                                          {"KB", 1000},
                                          {"MB", 1000 * 1000},
                                          {"GB", 1000 * 1000 * 1000}}};

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
    for (const auto& unit : units)
        if (unit.name == name) return &unit;
    return nullptr;
}

template <std::size_t N>
std::vector<std::string> unit_names(const std::array<Unit, N>& units) {
    std::vector<std::string> names;
    for (const auto& unit : units) names.emplace_back(unit.name);
    return names;
}

// Words people write for duration units that are too far from ms/s/m for
// an edit distance to find.
std::string duration_unit_hint(std::string_view unit) {
    static const std::array<std::pair<std::string_view, std::string_view>, 10> spelled{{
        {"sec", "s"}, {"secs", "s"}, {"second", "s"}, {"seconds", "s"}, {"min", "m"},
        {"mins", "m"}, {"minute", "m"}, {"minutes", "m"}, {"msec", "ms"}, {"millis", "ms"},
    }};
    for (const auto& [word, unit_name] : spelled)
        if (word == unit) return " (did you mean '" + std::string(unit_name) + "'?)";
    return did_you_mean(unit, unit_names(duration_units));
}

}  // namespace

Parsed<std::chrono::milliseconds> parse_duration(std::string_view text) {
    const std::string bad = "bad duration " + quoted(text) + ": ";
    const std::string example = "like 2s or 500ms";
    if (has_space(text)) return {std::nullopt, bad + "write a number and a unit with no space, " + example};
    if (text.starts_with('-')) return {std::nullopt, bad + "a duration cannot be negative"};
    std::string_view unit;
    auto number = read_decimal(text, unit);
    if (!number) return {std::nullopt, bad + "write a number and a unit, " + example};
    if (unit.empty() && number->numerator == 0) return {std::chrono::milliseconds(0), {}};  // 0 needs no unit
    if (unit.empty()) return {std::nullopt, bad + "add a unit (ms, s or m), " + example};
    const Unit* found = find_unit(duration_units, unit);
    if (!found) {
        return {std::nullopt, bad + "unknown unit " + quoted(unit) + duration_unit_hint(unit) + "; use ms, s or m, " + example};
    }
    auto milliseconds = scale_exactly(*number, found->factor);
    if (!milliseconds) return {std::nullopt, bad + "write whole milliseconds, like 1.5s or 1500ms"};
    return {std::chrono::milliseconds(*milliseconds), {}};
}

Parsed<std::int64_t> parse_size(std::string_view text) {
    const std::string bad = "bad size " + quoted(text) + ": ";
    const std::string example = "like 4096, 64KiB or 1MiB";
    if (has_space(text)) return {std::nullopt, bad + "write a number and a unit with no space, " + example};
    if (text.starts_with('-')) return {std::nullopt, bad + "a size cannot be negative"};
    std::string_view unit;
    auto number = read_decimal(text, unit);
    if (!number) return {std::nullopt, bad + "write a number of bytes, or a number and a unit, " + example};
    std::int64_t factor = 1;
    if (!unit.empty()) {
        const Unit* found = find_unit(size_units, unit);
        if (!found) {
            return {std::nullopt, bad + "unknown unit " + quoted(unit) + did_you_mean(unit, unit_names(size_units)) +
                                      "; use B, KiB, MiB, GiB (1024-based) or KB, MB, GB, " + example};
        }
        factor = found->factor;
    }
    auto bytes = scale_exactly(*number, factor);
    if (!bytes) return {std::nullopt, bad + "not a whole number of bytes (or too large), " + example};
    return {*bytes, {}};
}

std::string format_duration(std::chrono::milliseconds duration) {
    const auto ms = duration.count();
    if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
    if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    if (ms > 1000 && ms % 100 == 0) return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
    return std::to_string(ms) + "ms";
}

std::string format_size(std::int64_t bytes) {
    for (const char* unit : {"GiB", "MiB", "KiB"}) {
        const Unit* found = find_unit(size_units, unit);
        if (bytes != 0 && bytes % found->factor == 0) return std::to_string(bytes / found->factor) + unit;
    }
    return std::to_string(bytes);
}

}  // namespace sockgrade::util
