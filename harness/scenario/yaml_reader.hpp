// Internal to the loader: reading YAML nodes into values while collecting
// every problem with its position. Readers report and return nullopt; they
// never throw, so one bad value does not hide the next.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenario/loader.hpp"
#include "scenario/scenario.hpp"

namespace sockgrade::scenario::detail {

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}
    void error(Mark where, std::string message);
    std::size_t count() const { return errors_.size(); }
    // In file order (stable for errors at one position), repeats removed.
    std::vector<Error> sorted() const;

private:
    std::string file_;
    std::vector<Error> errors_;
};

// 1-based position of a node; `fallback` for nodes that have none.
Mark mark_of(const YAML::Node& node, Mark fallback = {});

// What a node is, for "expected X, got Y": "a list", "a map", "nothing",
// a number as written, or a short quoted text.
std::string describe(const YAML::Node& node);

using util::join_words;

// "two" for 2: counts in messages.
std::string count_word(std::size_t count);

// A key of a map and its value.
struct Field {
    std::string key;
    YAML::Node value;
    Mark key_mark;
    Mark value_mark;  // the key's position when the value is left empty
};

// A map's keys, checked: duplicates, keys that are not plain texts, and keys
// that are not in `allowed` (with a "did you mean") are reported once here.
class MapReader {
public:
    // A key that is not allowed but deserves its own explanation.
    using Hint = std::pair<std::string, std::string>;

    // `allowed` nullopt: any key (peers, env).
    MapReader(const YAML::Node& map, const std::optional<std::vector<std::string>>& allowed, Diagnostics& diagnostics,
              const std::vector<Hint>& hints = {});

    const Field* get(std::string_view key) const;
    // Allowed keys, in file order (the first of any duplicates).
    const std::vector<Field>& fields() const { return fields_; }
    bool had_unknown_keys() const { return had_unknown_keys_; }

private:
    std::vector<Field> fields_;
    bool had_unknown_keys_ = false;
};

// Each reader checks one field's value and reports what was expected.
std::optional<std::string> read_scalar(const Field& field, Diagnostics& diagnostics, std::string_view expected = "a text");
std::optional<std::string> read_name(const Field& field, Diagnostics& diagnostics, std::string_view what);
std::optional<bool> read_bool(const Field& field, Diagnostics& diagnostics);
std::optional<double> read_number(const Field& field, Diagnostics& diagnostics, double minimum, bool minimum_allowed = true);
std::optional<int> read_int(const Field& field, Diagnostics& diagnostics, int minimum, int maximum);
std::optional<Duration> read_duration(const Field& field, Diagnostics& diagnostics);
std::optional<std::int64_t> read_size(const Field& field, Diagnostics& diagnostics, std::int64_t minimum);
std::optional<Text> read_text(const Field& field, Diagnostics& diagnostics);
std::optional<std::map<std::string, std::string>> read_env(const Field& field, Diagnostics& diagnostics);

// True if `value` is a map; else reports "expected <what>, got ...".
bool expect_map(const YAML::Node& value, Mark where, std::string_view what, Diagnostics& diagnostics,
                std::string_view hint = "");
bool expect_list(const YAML::Node& value, Mark where, std::string_view what, Diagnostics& diagnostics);

// Letters, digits, - and _ (test, scenario and peer names).
bool is_plain_name(std::string_view name);

}  // namespace sockgrade::scenario::detail
