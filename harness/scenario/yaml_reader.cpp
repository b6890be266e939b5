#include "scenario/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <map>
#include <tuple>

#include "util/did_you_mean.hpp"
#include "util/durations.hpp"

namespace sockgrade::scenario::detail {

void Diagnostics::error(Mark where, std::string message) {
    errors_.push_back(Error{file_, where.line, where.column, std::move(message)});
}

std::vector<Error> Diagnostics::sorted() const {
    std::vector<Error> out = errors_;
    std::stable_sort(out.begin(), out.end(), [](const Error& a, const Error& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    auto same = [](const Error& a, const Error& b) {
        return a.line == b.line && a.column == b.column && a.message == b.message;
    };
    out.erase(std::unique(out.begin(), out.end(), same), out.end());
    return out;
}

Mark mark_of(const YAML::Node& node, Mark fallback) {
    if (!node.IsDefined()) return fallback;
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0) return fallback;
    return Mark{mark.line + 1, mark.column + 1};
}

namespace {

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<long long> parse_whole(std::string_view text) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::string quote(std::string_view text) { return "'" + std::string(text) + "'"; }

bool is_env_name(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

}  // namespace

std::string describe(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) return "nothing";
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a map";
    const std::string& text = node.Scalar();
    if (parse_number(text)) return text;
    if (text.size() > 40) return quote(text.substr(0, 37) + "...");
    return quote(text);
}

std::string count_word(std::size_t count) {
    static const char* const words[] = {"none", "one", "two", "three", "four", "five", "six"};
    return count < std::size(words) ? words[count] : std::to_string(count);
}

bool is_plain_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

MapReader::MapReader(const YAML::Node& map, const std::optional<std::vector<std::string>>& allowed,
                     Diagnostics& diagnostics, const std::vector<Hint>& hints) {
    // yaml-cpp 0.7 keeps every pair when iterating (lookups find the first),
    // so duplicates are found here, with both positions.
    std::map<std::string, int, std::less<>> first_line;
    for (const auto& pair : map) {
        const YAML::Node key = pair.first;  // copies: yaml-cpp's iterator hands out temporaries
        const Mark key_mark = mark_of(key);
        if (!key.IsScalar()) {
            diagnostics.error(key_mark, "a key must be a plain name, got " + describe(key));
            continue;
        }
        const std::string name = key.Scalar();
        if (auto seen = first_line.find(name); seen != first_line.end()) {
            diagnostics.error(key_mark, "duplicate key " + quote(name) + " (first at line " +
                                            std::to_string(seen->second) + ")");
            continue;
        }
        first_line.emplace(name, key_mark.line);
        if (allowed && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
            had_unknown_keys_ = true;
            auto hint = std::find_if(hints.begin(), hints.end(), [&](const Hint& h) { return h.first == name; });
            if (hint != hints.end()) {
                diagnostics.error(key_mark, hint->second);
            } else if (auto match = util::closest_match(name, *allowed)) {
                diagnostics.error(key_mark, "unknown key " + quote(name) + " (did you mean " + quote(*match) + "?)");
            } else {
                diagnostics.error(key_mark, "unknown key " + quote(name) + "; expected " + join_words(*allowed, " or "));
            }
            continue;
        }
        const YAML::Node value = pair.second;
        // yaml-cpp places an empty value at the start of the next token, often
        // the next line; the key is where the reader should look.
        Mark value_mark = value.IsNull() ? key_mark : mark_of(value, key_mark);
        fields_.push_back(Field{name, value, key_mark, value_mark});
    }
}

const Field* MapReader::get(std::string_view key) const {
    for (const auto& field : fields_)
        if (field.key == key) return &field;
    return nullptr;
}

std::optional<std::string> read_scalar(const Field& field, Diagnostics& diagnostics, std::string_view expected) {
    if (!field.value.IsScalar()) {
        diagnostics.error(field.value_mark,
                          quote(field.key) + " must be " + std::string(expected) + ", got " + describe(field.value));
        return std::nullopt;
    }
    return field.value.Scalar();
}

std::optional<std::string> read_name(const Field& field, Diagnostics& diagnostics, std::string_view what) {
    auto name = read_scalar(field, diagnostics, "a name");
    if (!name) return std::nullopt;
    if (!is_plain_name(*name)) {
        diagnostics.error(field.value_mark, std::string(what) + " " + quote(*name) +
                                                " may hold only letters, digits, - and _");
        return std::nullopt;
    }
    return name;
}

std::optional<bool> read_bool(const Field& field, Diagnostics& diagnostics) {
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        if (text == "true" || text == "True" || text == "TRUE") return true;
        if (text == "false" || text == "False" || text == "FALSE") return false;
    }
    diagnostics.error(field.value_mark, quote(field.key) + " must be true or false, got " + describe(field.value));
    return std::nullopt;
}

std::optional<double> read_number(const Field& field, Diagnostics& diagnostics, double minimum, bool minimum_allowed) {
    // `minimum` is a whole number in every use, so it prints as one.
    std::optional<double> value;
    if (field.value.IsScalar()) value = parse_number(field.value.Scalar());
    if (value && (minimum_allowed ? *value >= minimum : *value > minimum)) return value;
    std::string bound = (minimum_allowed ? ">= " : "> ") + std::to_string(static_cast<long long>(minimum));
    diagnostics.error(field.value_mark,
                      quote(field.key) + " must be a number " + bound + ", got " + describe(field.value));
    return std::nullopt;
}

std::optional<int> read_int(const Field& field, Diagnostics& diagnostics, int minimum, int maximum) {
    std::optional<long long> value;
    if (field.value.IsScalar()) value = parse_whole(field.value.Scalar());
    if (value && *value >= minimum && *value <= maximum) return int(*value);
    std::string range = maximum == INT_MAX ? ">= " + std::to_string(minimum)
                                           : "from " + std::to_string(minimum) + " to " + std::to_string(maximum);
    diagnostics.error(field.value_mark,
                      quote(field.key) + " must be a whole number " + range + ", got " + describe(field.value));
    return std::nullopt;
}

std::optional<Duration> read_duration(const Field& field, Diagnostics& diagnostics) {
    auto text = read_scalar(field, diagnostics, "a duration like 2s or 500ms");
    if (!text) return std::nullopt;
    auto parsed = util::parse_duration(*text);
    if (!parsed.ok()) {
        diagnostics.error(field.value_mark, parsed.error);
        return std::nullopt;
    }
    if (parsed.value->count() == 0) {
        diagnostics.error(field.value_mark, quote(field.key) + " must be longer than 0, got " + *text);
        return std::nullopt;
    }
    return parsed.value;
}

std::optional<std::int64_t> read_size(const Field& field, Diagnostics& diagnostics, std::int64_t minimum) {
    auto text = read_scalar(field, diagnostics, "a size like 4096 or 64KiB");
    if (!text) return std::nullopt;
    auto parsed = util::parse_size(*text);
    if (!parsed.ok()) {
        diagnostics.error(field.value_mark, parsed.error);
        return std::nullopt;
    }
    if (*parsed.value < minimum) {
        diagnostics.error(field.value_mark, quote(field.key) + " must be at least " + std::to_string(minimum) +
                                                (minimum == 1 ? " byte" : " bytes") + ", got " + *text);
        return std::nullopt;
    }
    return parsed.value;
}

std::optional<Text> read_text(const Field& field, Diagnostics& diagnostics) {
    if (field.value.IsScalar()) return Text{field.value.Scalar(), {}};
    if (!field.value.IsMap()) {
        diagnostics.error(field.value_mark, quote(field.key) + " must be a text or a map {en: ..., pt: ...}, got " +
                                                describe(field.value));
        return std::nullopt;
    }
    MapReader languages(field.value, std::vector<std::string>{"en", "pt"}, diagnostics);
    Text text;
    bool ok = true;
    if (const Field* en = languages.get("en")) {
        auto value = read_scalar(*en, diagnostics);
        ok = ok && value;
        if (value) text.en = *value;
    } else {
        diagnostics.error(field.value_mark, quote(field.key) + " in two languages needs 'en' (pt is optional)");
        ok = false;
    }
    if (const Field* pt = languages.get("pt")) {
        auto value = read_scalar(*pt, diagnostics);
        ok = ok && value;
        if (value) text.pt = *value;
    }
    if (!ok) return std::nullopt;
    return text;
}

std::optional<std::map<std::string, std::string>> read_env(const Field& field, Diagnostics& diagnostics) {
    if (!expect_map(field.value, field.value_mark, "a map of environment variables", diagnostics)) return std::nullopt;
    MapReader variables(field.value, std::nullopt, diagnostics);
    std::map<std::string, std::string> env;
    bool ok = true;
    for (const Field& variable : variables.fields()) {
        if (!is_env_name(variable.key)) {
            diagnostics.error(variable.key_mark, "environment variable " + quote(variable.key) +
                                                     " may hold only letters, digits and _, and not start with a digit");
            ok = false;
            continue;
        }
        if (variable.key == "PORT") {
            diagnostics.error(variable.key_mark,
                              "'PORT' is set by sockgrade from the program's port; set program: {port: N} instead");
            ok = false;
            continue;
        }
        auto value = read_scalar(variable, diagnostics, "a text (write '' for an empty value)");
        if (!value) {
            ok = false;
            continue;
        }
        env[variable.key] = *value;
    }
    if (!ok) return std::nullopt;
    return env;
}

bool expect_map(const YAML::Node& value, Mark where, std::string_view what, Diagnostics& diagnostics,
                std::string_view hint) {
    if (value.IsMap()) return true;
    diagnostics.error(where, "expected " + std::string(what) + ", got " + describe(value) + std::string(hint));
    return false;
}

bool expect_list(const YAML::Node& value, Mark where, std::string_view what, Diagnostics& diagnostics) {
    if (value.IsSequence()) return true;
    diagnostics.error(where, "expected " + std::string(what) + ", got " + describe(value));
    return false;
}

}  // namespace sockgrade::scenario::detail
