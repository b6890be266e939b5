#include "checks/match.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sockgrade::checks {

using Kind = scenario::Matcher::Kind;


std::optional<LineMatcher> resolve(const scenario::Matcher& matcher, const util::Variables& vars, std::string& error) {
    LineMatcher out;
    out.kind = matcher.kind;
    out.capture = matcher.capture;
    std::string unknown;
    auto text = util::substitute(matcher.pattern, vars, matcher.kind == Kind::regex, &unknown);
    if (!text) {
        error = fmt::format("unknown name {{{}}} in {}", unknown, util::quoted(matcher.pattern));
        return std::nullopt;
    }
    out.text = *text;
    if (matcher.kind == Kind::regex) {
        try {
            out.regex.emplace(out.text, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            error = fmt::format("bad regular expression {}: {}", util::quoted(out.text), e.what());
            return std::nullopt;
        }
    }
    return out;
}

bool matches(const LineMatcher& matcher, std::string_view line, util::Variables* captures) {
    switch (matcher.kind) {
        case Kind::equals: return line == matcher.text;
        case Kind::ends_with: return line.ends_with(matcher.text);
        case Kind::contains: return line.find(matcher.text) != std::string_view::npos;
        case Kind::regex: {
            std::match_results<std::string_view::const_iterator> groups;
            if (!std::regex_search(line.begin(), line.end(), groups, *matcher.regex)) return false;
            if (captures)
                for (const auto& [name, index] : matcher.capture)
                    if (index >= 0 && static_cast<std::size_t>(index) < groups.size())
                        (*captures)[name] = groups[static_cast<std::size_t>(index)].str();
            return true;
        }
    }
    return false;
}

std::optional<std::size_t> find_line(const std::vector<std::string>& lines, std::size_t from,
                                     const LineMatcher& matcher, util::Variables* captures) {
    for (std::size_t i = from; i < lines.size(); ++i)
        if (matches(matcher, lines[i], captures)) return i;
    return std::nullopt;
}

Text describe(const LineMatcher& matcher) {
    auto text = util::quoted(matcher.text, 80);
    switch (matcher.kind) {
        case Kind::equals: return {fmt::format("the line {}", text), fmt::format("a linha {}", text)};
        case Kind::ends_with:
            return {fmt::format("a line ending with {}", text), fmt::format("uma linha terminada em {}", text)};
        case Kind::contains:
            return {fmt::format("a line containing {}", text), fmt::format("uma linha contendo {}", text)};
        case Kind::regex:
            return {fmt::format("a line matching /{}/", matcher.text), fmt::format("uma linha que case com /{}/", matcher.text)};
    }
    return {};
}

namespace {

std::size_t common_prefix(std::string_view a, std::string_view b) {
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    return n;
}

// The received line most like the expected text: most leading bytes in common
// with it, or holding its first word (a nonce) somewhere.
std::optional<std::string_view> nearest(const std::vector<std::string>& lines, std::size_t from, std::string_view want) {
    std::optional<std::string_view> best;
    std::size_t best_score = 0;
    auto first_word = want.substr(0, want.find(' '));
    for (std::size_t i = from; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        std::size_t score = 0;
        for (std::size_t start = 0; start < line.size(); ++start)
            score = std::max(score, common_prefix(line.substr(start), want));
        if (first_word.size() >= 3 && line.find(first_word) != std::string_view::npos) score = std::max<std::size_t>(score, 3);
        if (score > best_score) {
            best_score = score;
            best = line;
        }
    }
    if (best_score >= std::min<std::size_t>(3, want.size())) return best;
    return std::nullopt;
}

// Nothing alike arrived: how many lines did, and the last of them (or the
// unfinished text after them), counted in words rather than "line(s)".
Text lines_that_were_not_it(const std::vector<std::string>& lines, std::size_t received, const std::string& partial) {
    Text said;
    if (received == 1) {
        auto line = util::quoted(lines.back(), 120);
        said = {fmt::format("1 line arrived, but not the expected one: {}", line),
                fmt::format("chegou 1 linha, mas não a esperada: {}", line)};
    } else if (received > 1) {
        auto line = util::quoted(lines.back(), 120);
        said = {fmt::format("{} lines arrived, but none was the expected one; the last was {}", received, line),
                fmt::format("chegaram {} linhas, mas nenhuma era a esperada; a última foi {}", received, line)};
    }
    if (partial.empty()) return said;
    auto rest = util::quoted(partial, 120);
    if (received == 0)
        return {fmt::format("only {} arrived, without a newline at its end", rest),
                fmt::format("só chegou {}, sem quebra de linha no fim", rest)};
    return {fmt::format("{}; then {}, without a newline at its end", said.en, rest),
            fmt::format("{}; depois {}, sem quebra de linha no fim", said.pt, rest)};
}

}  // namespace

Text explain_miss(const std::vector<std::string>& lines, std::size_t from, const std::string& partial,
                  const LineMatcher& matcher) {
    std::size_t received = lines.size() - std::min(from, lines.size());
    if (matcher.kind != Kind::regex && !partial.empty() && partial.find(matcher.text) != std::string::npos)
        return {fmt::format("{} arrived without a newline at its end: a line is only complete with \"\\n\"",
                            util::quoted(partial, 80)),
                fmt::format("{} chegou sem quebra de linha no fim: uma linha só termina com \"\\n\"", util::quoted(partial, 80))};
    if (received == 0 && partial.empty()) return {"nothing arrived", "nada chegou"};
    if (matcher.kind == Kind::ends_with || matcher.kind == Kind::equals) {
        for (std::size_t i = from; i < lines.size(); ++i)
            if (lines[i].find(matcher.text) != std::string::npos && !lines[i].ends_with(matcher.text))
                return {fmt::format("the text arrived inside {}, but a line must end with it", util::quoted(lines[i], 120)),
                        fmt::format("o texto chegou dentro de {}, mas a linha deve terminar com ele", util::quoted(lines[i], 120))};
    }
    if (matcher.kind != Kind::regex) {
        if (auto close = nearest(lines, from, matcher.text))
            return {fmt::format("the nearest line that arrived was {}", util::quoted(*close, 120)),
                    fmt::format("a linha mais parecida que chegou foi {}", util::quoted(*close, 120))};
    }
    return lines_that_were_not_it(lines, received, partial);
}

BurstCheck check_burst(const std::vector<std::string>& lines, std::size_t from, const std::vector<LineMatcher>& expected) {
    BurstCheck result;
    std::size_t cursor = from;
    for (std::size_t k = 0; k < expected.size(); ++k) {
        auto found = find_line(lines, cursor, expected[k]);
        if (found) {
            cursor = *found + 1;
            continue;
        }
        result.next_from = cursor;
        auto earlier = find_line(lines, from, expected[k]);
        if (earlier && k > 0) {
            result.problem = {fmt::format("message {} of the burst ({}) arrived before message {}: the order was changed",
                                          k + 1, util::quoted(expected[k].text, 60), k),
                              fmt::format("a mensagem {} da rajada ({}) chegou antes da mensagem {}: a ordem foi trocada",
                                          k + 1, util::quoted(expected[k].text, 60), k)};
        } else {
            result.problem = {fmt::format("message {} of {} in the burst ({}) did not arrive", k + 1, expected.size(),
                                          util::quoted(expected[k].text, 60)),
                              fmt::format("a mensagem {} de {} da rajada ({}) não chegou", k + 1, expected.size(),
                                          util::quoted(expected[k].text, 60))};
        }
        return result;
    }
    result.complete = true;
    result.next_from = cursor;
    return result;
}

}  // namespace sockgrade::checks
