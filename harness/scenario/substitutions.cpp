#include "scenario/substitutions.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>

#include "scenario/yaml_reader.hpp"
#include "util/did_you_mean.hpp"

namespace sockgrade::scenario::detail {

namespace {

constexpr std::size_t max_fill = std::size_t(1) << 30;

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2", "2,", "2,5": a regex repetition that the author meant literally.
bool looks_like_repetition(std::string_view name) {
    auto comma = name.find(',');
    if (comma == std::string_view::npos) return all_digits(name);
    auto after = name.substr(comma + 1);
    return all_digits(name.substr(0, comma)) && (after.empty() || all_digits(after));
}

std::string braced(std::string_view name) { return "{" + std::string(name) + "}"; }
std::string quoted_braced(std::string_view name) { return "'" + braced(name) + "'"; }

std::vector<std::string> known_names(const SubstitutionScope& scope) {
    std::vector<std::string> names{"nonce", "port"};
    if (scope.copy_number) names.push_back("i");
    names.push_back("fill:N");
    for (const auto& peer : scope.peers) names.push_back(peer + ".port");
    for (const auto& name : scope.captured)
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    return names;
}

std::string check_peer_port(std::string_view name, std::string_view peer, const SubstitutionScope& scope) {
    const std::string attribute(name.substr(peer.size() + 1));
    if (attribute != "port") {
        return "unknown substitution " + quoted_braced(name) + ": a peer offers only {" + std::string(peer) + ".port}";
    }
    if (std::find(scope.peers.begin(), scope.peers.end(), peer) != scope.peers.end()) return {};
    std::string declared = scope.peers.empty() ? "this test declares no peers"
                                               : "declared: " + join_words(scope.peers, ", ");
    return quoted_braced(name) + ": peer '" + std::string(peer) + "' is not declared in this test's peers (" +
           declared + ")";
}

std::string check_fill(std::string_view name) {
    auto count = name.substr(5);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), value);
    if (ec != std::errc{} || end != count.data() + count.size() || count.empty()) {
        return quoted_braced(name) + ": N must be a whole number of bytes, like {fill:1000}";
    }
    if (value == 0 || value > max_fill) {
        return quoted_braced(name) + ": N must be from 1 to " + std::to_string(max_fill);
    }
    return {};
}

// "" when `name` has a value at this step, else what is wrong with it.
std::string check_name(std::string_view name, const SubstitutionScope& scope, TextKind kind) {
    if (name == "nonce" || name == "port") return {};
    if (name == "i") {
        return scope.copy_number ? std::string()
                                 : "'{i}' is only known in burst and expect_burst (the copy number, 1 to count)";
    }
    if (name.starts_with("fill:")) return check_fill(name);
    if (auto dot = name.find('.'); dot != std::string_view::npos) return check_peer_port(name, name.substr(0, dot), scope);
    if (std::find(scope.captured.begin(), scope.captured.end(), name) != scope.captured.end()) return {};
    if (kind == TextKind::regex && looks_like_repetition(name)) {
        return quoted_braced(name) + " in a regex is read as a substitution; write {" + braced(name) +
               " for a repetition";
    }
    const auto known = known_names(scope);
    std::string message = "unknown substitution " + quoted_braced(name);
    if (auto match = util::closest_match(name, known)) return message + " (did you mean " + quoted_braced(*match) + "?)";
    std::vector<std::string> shown;
    for (const auto& known_name : known) shown.push_back(braced(known_name));
    return message + " (known here: " + join_words(shown, ", ") + "; write {{ for a literal {)";
}

// Walks `text` as util::substitute does, calling on_name for each {name}
// and on_literal for every other piece.
void scan(std::string_view text, const std::function<void(std::string_view)>& on_name,
          const std::function<void(std::string_view)>& on_literal) {
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            on_literal(text.substr(i, 1));
            i += 2;
            continue;
        }
        auto close = c == '{' ? text.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            on_literal(text.substr(i, 1));
            ++i;
            continue;
        }
        on_name(text.substr(i + 1, close - i - 1));
        i = close + 1;
    }
}

}  // namespace

bool is_builtin_substitution(std::string_view name) {
    return name == "nonce" || name == "port" || name == "i" || name == "fill";
}

std::vector<std::string> check_substitutions(std::string_view text, const SubstitutionScope& scope, TextKind kind) {
    std::vector<std::string> problems;
    scan(
        text,
        [&](std::string_view name) {
            if (auto problem = check_name(name, scope, kind); !problem.empty()) problems.push_back(problem);
        },
        [](std::string_view) {});
    return problems;
}

std::string with_sample_values(std::string_view text) {
    std::string out;
    scan(
        text, [&](std::string_view) { out += 'x'; }, [&](std::string_view literal) { out += literal; });
    return out;
}

}  // namespace sockgrade::scenario::detail
