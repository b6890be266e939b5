// Format names and the dispatch to each format's renderer.
#include <array>
#include <utility>

#include "report/detail.hpp"

namespace sockgrade::report {

namespace {

constexpr std::array<std::pair<std::string_view, Format>, 7> format_names{{
    {"text", Format::text},
    {"json", Format::json},
    {"junit", Format::junit},
    {"gradescope", Format::gradescope},
    {"classroom", Format::classroom},
    {"github", Format::github},
    {"markdown", Format::markdown},
}};

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
    for (const auto& [text, format] : format_names)
        if (text == name) return format;
    return std::nullopt;
}

std::string_view format_name(Format format) {
    for (const auto& [text, known] : format_names)
        if (known == format) return text;
    return "text";
}

std::string render(const runner::ScenarioResult& result, Format format, const Options& options) {
    switch (format) {
        case Format::text: return detail::render_text(result, options);
        case Format::json: return detail::render_json(result, options);
        case Format::junit: return detail::render_junit(result, options);
        case Format::gradescope: return detail::render_gradescope(result, options);
        case Format::classroom: return detail::render_classroom(result, options);
        case Format::github: return detail::render_github(result, options);
        case Format::markdown: return detail::render_markdown(result, options);
    }
    return detail::render_text(result, options);
}

}  // namespace sockgrade::report
