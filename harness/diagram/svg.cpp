// Draws a Plan (rows.cpp) as SVG: lanes across, time down, one row at a time.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "diagram/diagram.hpp"
#include "diagram/rows.hpp"

namespace sockgrade::diagram {

namespace {

using detail::Plan;
using detail::Row;
using detail::Style;
using detail::shorten;
using detail::xml_text;
using Kind = Row::Kind;

// Geometry, in pixels. Text is monospace, so a label's width is its length
// times char_width: cutting labels to fit needs no font metrics.
constexpr int time_column = 84;
constexpr int lane_width = 176;
constexpr int title_height = 52;
constexpr int header_height = 26;
constexpr int rows_top = title_height + header_height + 14;
constexpr double char_width = 6.7;  // 11 px monospace
constexpr int message_height = 26;
constexpr int note_height = 24;
constexpr int gap_height = 20;
constexpr int failure_height = 46;
constexpr int bottom_margin = 16;

struct Words {
    const char* terminal;
    const char* program;    // the program's lane
    const char* passed;
    const char* failed;
    const char* due;        // "expected by +{}s"
    const char* since;      // "waiting since +{}s"
    const char* silence;    // "{:.2f} s without a message"
    const char* more;       // "{} more entries not drawn"
    const char* aria;       // "Sequence diagram of {}"
};

const Words& words_for(const std::string& lang) {
    static const Words en{"terminal", "program", "passed", "failed", "expected by +{:.2f}s", "waited from +{:.2f}s",
                          "{:.2f} s without a message", "… {} more transcript entries not drawn",
                          "Sequence diagram of the test {}"};
    static const Words pt{"terminal", "programa", "passou", "falhou", "esperado até +{:.2f}s", "esperou desde +{:.2f}s",
                          "{:.2f} s sem mensagens", "… {} entradas da transcrição não desenhadas",
                          "Diagrama de sequência do teste {}"};
    return lang == "pt" ? pt : en;
}

int lane_x(int lane) { return time_column + lane * lane_width + lane_width / 2; }

int row_height(const Row& row) {
    switch (row.kind) {
        case Kind::message: return message_height;
        case Kind::note: return note_height;
        case Kind::gap: return gap_height + static_cast<int>(std::min(40.0, 12 * (row.last_time - row.time)));
        case Kind::failure: return failure_height;
        case Kind::more: return note_height;
    }
    return message_height;
}

struct Stroke {
    const char* colour;
    double width;
    const char* dash;  // "" for a solid line
};

Stroke stroke_of(Style style) {
    switch (style) {
        case Style::data: return {"#222222", 1.4, ""};
        case Style::stderr_data: return {"#a15c00", 1.4, ""};
        case Style::stdin_data: return {"#6d28a8", 1.4, ""};
        case Style::connect: return {"#2b8a3e", 1.4, "6 3"};
        case Style::fin: return {"#707070", 1.4, "4 3"};
        case Style::rst: return {"#c2410c", 2.2, "4 3"};
        case Style::eof: return {"#6d28a8", 1.4, "4 3"};
    }
    return {"#222222", 1.4, ""};
}

std::string seconds(double s) { return fmt::format("+{:.3f}s", s); }

class Svg {
public:
    void add(const std::string& text) { out_ += text; }
    // <text> with a white halo so it stays readable over lifelines.
    void text(double x, double y, std::string_view content, const std::string& attributes = "") {
        out_ += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" stroke="#ffffff" stroke-width="3" paint-order="stroke" {}>{}</text>)",
                            x, y, attributes, xml_text(content));
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

void arrowhead(Svg& svg, int from_x, int to_x, double y, const char* colour) {
    double d = to_x >= from_x ? 1 : -1;
    svg.add(fmt::format(R"(<polygon points="{},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}" fill="{}"/>)", to_x, y, to_x - d * 9, y - 4.5,
                        to_x - d * 9, y + 4.5, colour));
}

// "20× "rajada 1 …\n" … "rajada 20 …\n"", cut to `max` characters.
std::string message_label(const Row& row, std::size_t max) {
    if (row.count <= 1) return shorten(row.first, max);
    auto prefix = fmt::format("{}× ", row.count);
    std::size_t room = max > detail::length(prefix) + 3 ? max - detail::length(prefix) - 3 : 8;
    return prefix + shorten(row.first, room / 2) + " … " + shorten(row.last, room - room / 2);
}

void draw_message(Svg& svg, const Row& row, double y) {
    auto stroke = stroke_of(row.style);
    int from_x = lane_x(row.from);
    int far_x = from_x;
    for (int lane : row.to)
        if (std::abs(lane_x(lane) - from_x) > std::abs(far_x - from_x)) far_x = lane_x(lane);
    double line_y = y + 17;
    svg.add("<g>");
    std::string tooltip = seconds(row.time) + (row.count > 1 ? " - " + seconds(row.last_time) : "") + "  " +
                          shorten(row.first, 2000) + (row.count > 1 ? " … " + shorten(row.last, 2000) : "");
    svg.add("<title>" + xml_text(tooltip) + "</title>");
    svg.add(fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}" stroke-width="{}"{}/>)", from_x, line_y, far_x,
                        line_y, stroke.colour, stroke.width,
                        *stroke.dash ? fmt::format(R"( stroke-dasharray="{}")", stroke.dash) : std::string()));
    for (int lane : row.to) arrowhead(svg, from_x, lane_x(lane), line_y, stroke.colour);
    int span = std::abs(far_x - from_x);
    auto max_chars = static_cast<std::size_t>(std::max(span - 14, lane_width + lane_width / 3) / char_width);
    int left = std::min(from_x, far_x) + 7;
    std::string label = message_label(row, std::min<std::size_t>(max_chars, 96));
    if (row.to.size() > 1) label = fmt::format("→{} ", row.to.size()) + label;
    svg.text(left, y + 12, label, fmt::format(R"(fill="{}")", stroke.colour));
    svg.add("</g>");
}

void draw_note(Svg& svg, const Row& row, double y, int width) {
    int x = lane_x(row.from) + 8;
    auto max_chars = static_cast<std::size_t>(std::max(16.0, (width - x - 16) / char_width));
    auto text = shorten(row.first, max_chars);
    double box = static_cast<double>(detail::length(text)) * char_width + 10;
    svg.add("<g><title>" + xml_text(seconds(row.time) + "  " + shorten(row.first, 2000)) + "</title>");
    svg.add(fmt::format(R"(<rect x="{}" y="{:.1f}" width="{:.1f}" height="18" rx="3" fill="#f4f4f4" stroke="#c4c4c4"/>)", x - 4,
                        y + 3, box));
    svg.add(fmt::format(R"(<text x="{}" y="{:.1f}" fill="#444444">{}</text>)", x + 1, y + 16, xml_text(text)));
    svg.add("</g>");
}

}  // namespace

std::string render_svg(const runner::TestResult& test, const Options& options) {
    const Words& words = words_for(options.lang);
    Plan plan = detail::plan(test, options.max_rows, options.lang);
    const int lanes = static_cast<int>(plan.lanes.names.size());
    const int width = std::max(time_column + lanes * lane_width + 24, 640);
    int height = rows_top;
    for (const auto& row : plan.rows) height += row_height(row);
    height += bottom_margin;

    Svg svg;
    auto title = test.name + (test.title.in(options.lang).empty() ? "" : " — " + test.title.in(options.lang));
    svg.add(fmt::format(R"(<svg{3} class="sockgrade-diagram" width="{0}" height="{1}" )"
                        R"(viewBox="0 0 {0} {1}" role="img" aria-label="{2}" )"
                        R"(font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">)",
                        width, height, xml_text(fmt::format(fmt::runtime(words.aria), test.name)),
                        options.in_html ? "" : R"( xmlns="http://www.w3.org/2000/svg")"));
    svg.add(fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", width, height));

    // Title and outcome.
    svg.add(fmt::format(R"(<text x="10" y="20" font-size="13" font-weight="bold" fill="#111111">{}</text>)",
                        xml_text(shorten(title, static_cast<std::size_t>((width - 20) / 8)))));
    std::string outcome = test.passed ? fmt::format("✔ {}", words.passed)
                                      : fmt::format("✘ {}: {}", words.failed, test.message.in(options.lang));
    svg.add(fmt::format(R"(<text x="10" y="38" fill="{}">{}</text>)", test.passed ? "#1e7b34" : "#a3001b",
                        xml_text(shorten(outcome, static_cast<std::size_t>((width - 20) / char_width)))));

    // Lane heads and lifelines.
    for (int lane = 0; lane < lanes; ++lane) {
        int x = lane_x(lane);
        const auto& name = lane == plan.lanes.terminal  ? std::string(words.terminal)
                           : lane == plan.lanes.program ? std::string(words.program)
                                                        : plan.lanes.names[static_cast<std::size_t>(lane)];
        svg.add(fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="2" shape-rendering="crispEdges"/>)", x,
                            title_height + header_height, height - 6, lifeline_colour));
        svg.add(fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="#e9f0f9" stroke="{}"/>)", x - 66,
                            title_height, 132, header_height, lifeline_colour));
        svg.add(fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" font-weight="bold" fill="#10325a">{}</text>)", x,
                            title_height + 17, xml_text(shorten(name, 18))));
    }

    // Where each row starts.
    std::vector<double> tops;
    double y = rows_top;
    for (const auto& row : plan.rows) {
        tops.push_back(y);
        y += row_height(row);
    }

    // The failed step's wait, as a band on its lane, under everything else.
    if (plan.failure_row >= 0) {
        const auto& failure = plan.rows[static_cast<std::size_t>(plan.failure_row)];
        double top = tops[static_cast<std::size_t>(plan.since_row)];
        double bottom = tops[static_cast<std::size_t>(plan.failure_row)] + 14;
        svg.add(fmt::format(R"(<rect x="{}" y="{:.1f}" width="12" height="{:.1f}" fill="{}" fill-opacity="0.16"/>)",
                            lane_x(failure.from) - 6, top, std::max(4.0, bottom - top), failure_colour));
    }

    for (std::size_t i = 0; i < plan.rows.size(); ++i) {
        const auto& row = plan.rows[i];
        double top = tops[i];
        if (row.kind != Kind::gap && row.kind != Kind::more)
            svg.add(fmt::format(R"(<text x="8" y="{:.1f}" fill="#777777">{}</text>)", top + 16, seconds(row.time)));
        switch (row.kind) {
            case Kind::message: draw_message(svg, row, top); break;
            case Kind::note: draw_note(svg, row, top, width); break;
            case Kind::gap:
                svg.add(fmt::format(R"(<text x="8" y="{:.1f}" fill="#999999" font-style="italic">⋮ {}</text>)", top + 14,
                                    xml_text(fmt::format(fmt::runtime(words.silence), row.last_time - row.time))));
                break;
            case Kind::more:
                svg.add(fmt::format(R"(<text x="8" y="{:.1f}" fill="#777777" font-style="italic">{}</text>)", top + 16,
                                    xml_text(fmt::format(fmt::runtime(words.more), row.count))));
                break;
            case Kind::failure: {
                int x = lane_x(row.from);
                double cy = top + 13;
                const auto& at = *test.failed_at;
                svg.add("<g class=\"failure\"><title>" + xml_text(test.message.in(options.lang)) + "</title>");
                svg.add(fmt::format(R"(<circle cx="{}" cy="{:.1f}" r="9" fill="{}"/>)", x, cy, failure_colour));
                svg.add(fmt::format(R"(<path d="M{} {:.1f}l8 8m0 -8l-8 8" stroke="#ffffff" stroke-width="2"/>)", x - 4, cy - 4));
                auto due = fmt::format(fmt::runtime(words.due), at.due) + ", " + fmt::format(fmt::runtime(words.since), at.since);
                bool right = x + 16 + static_cast<double>(detail::length(due)) * char_width < width;
                svg.text(right ? x + 15 : x - 15, cy + 4, due,
                         fmt::format(R"(fill="{}" font-weight="bold"{})", failure_colour, right ? "" : R"( text-anchor="end")"));
                auto message = shorten(test.message.in(options.lang), static_cast<std::size_t>((width - time_column - 8) / char_width));
                svg.text(time_column, top + 38, message, R"(fill="#a3001b")");
                svg.add("</g>");
                break;
            }
        }
    }
    svg.add("</svg>\n");
    return svg.take();
}

}  // namespace sockgrade::diagram
