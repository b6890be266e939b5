// diagram/: a test's transcript as a sequence diagram (SVG). One lifeline per
// party (the program's terminal when it has one, the program, then every fake
// peer), one arrow per message with its time and a short text, connects,
// FINs and RSTs marked, and the expectation that failed drawn where it was
// due. Reads runner's results, like report/; used by cli and batch.
#pragma once

#include <cstddef>
#include <string>

#include "runner/result.hpp"

namespace sockgrade::diagram {

struct Options {
    std::string lang = "en";     // "en" or "pt": the few words the picture has
    std::size_t max_rows = 240;  // rows drawn at most; the rest are counted in a row of their own
    bool in_html = false;        // for an HTML page: no xmlns (HTML knows <svg>), so the page names no URL
};

// An SVG document (no XML declaration, no <style>: nothing leaks into a page
// that embeds it). Every text is escaped for XML, whatever bytes the program sent.
std::string render_svg(const runner::TestResult& test, const Options& options = {});

// Colours nothing else in the picture uses, so a screenshot can be checked.
inline constexpr const char* lifeline_colour = "#2f6db5";
inline constexpr const char* failure_colour = "#d7191c";

}  // namespace sockgrade::diagram
