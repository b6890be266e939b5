// How points and times are written, the same in every format.
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "report/detail.hpp"

namespace sockgrade::report::detail {

std::string format_points(double points) {
    std::string text = fmt::format("{:.2f}", points);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    if (text == "-0") text = "0";
    return text;
}

std::string points_fraction(double points, double max_points) {
    return format_points(points) + "/" + format_points(max_points);
}

std::string format_seconds(double seconds) {
    return fmt::format("{:.3f}", seconds);
}

Json json_number(double value) {
    if (!std::isfinite(value)) return nullptr;
    // Sums of teacher-given points such as 0.1 + 0.2 should read 0.3.
    const double rounded = std::round(value * 1e6) / 1e6;
    if (rounded == std::trunc(rounded) && std::fabs(rounded) < 1e15)
        return static_cast<std::int64_t>(rounded);
    return rounded;
}

Json json_seconds(double seconds) {
    if (!std::isfinite(seconds)) return nullptr;
    return std::round(seconds * 1000) / 1000;
}

}  // namespace sockgrade::report::detail
