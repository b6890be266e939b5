// Matching what arrived against what a step expects, and saying why not.
// Pure functions: the runner does the waiting.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"
#include "util/text.hpp"

namespace sockgrade::checks {

using scenario::Text;

// A matcher with its substitutions done.
struct LineMatcher {
    scenario::Matcher::Kind kind = scenario::Matcher::Kind::equals;
    std::string text;  // the expected text (for a regex, the pattern)
    std::optional<std::regex> regex;
    std::map<std::string, int> capture;
};

// Substitutes the pattern; an error message when a name is unknown or the regex is bad.
std::optional<LineMatcher> resolve(const scenario::Matcher& matcher, const util::Variables& vars, std::string& error);

// Does the line match? Captured groups are stored into `captures`.
bool matches(const LineMatcher& matcher, std::string_view line, util::Variables* captures = nullptr);

// The first line at or after `from` that matches.
std::optional<std::size_t> find_line(const std::vector<std::string>& lines, std::size_t from,
                                     const LineMatcher& matcher, util::Variables* captures = nullptr);

// "a line ending with "ola 7f3a"" / "uma linha terminada em ..."
Text describe(const LineMatcher& matcher);

// Why no line matched: the nearest thing that did arrive, in a sentence.
Text explain_miss(const std::vector<std::string>& lines, std::size_t from, const std::string& partial,
                  const LineMatcher& matcher);

// For a burst expected in order: the first problem, or nullopt when all
// `expected` lines arrived after `from`, in order.
struct BurstCheck {
    bool complete = false;  // every line found, in order
    std::size_t next_from = 0;
    Text problem;  // when not complete: what is missing or out of order
};
BurstCheck check_burst(const std::vector<std::string>& lines, std::size_t from,
                       const std::vector<LineMatcher>& expected);

}  // namespace sockgrade::checks
