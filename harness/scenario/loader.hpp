// Loads a scenario file and validates it completely before anything runs.
// Every mistake in a file is reported, each as "file:line:col: message" that
// says what was expected. Nothing here throws.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace sockgrade::scenario {

struct Error {
    std::string file;
    int line = 0;    // 1-based; 0 when the error is about the whole file
    int column = 0;  // 1-based
    std::string message;

    // "file:line:col: message", or "file: message" without a position.
    std::string to_string() const;
};

struct LoadResult {
    std::optional<Scenario> scenario;  // set only when there are no errors
    std::vector<Error> errors;         // in the order of the file
    bool ok() const { return scenario.has_value() && errors.empty(); }
};

LoadResult load_file(const std::string& path);

// `yaml` holds the file's bytes; `file_name` is what errors and Scenario::path say.
LoadResult load_string(const std::string& yaml, const std::string& file_name);

// A scenario named by path, or by short name: "chat-server" finds
// <dir>/chat-server.yaml (or .yml) in the first of `search_dirs` that has it.
std::optional<std::string> find_scenario(const std::string& name_or_path, const std::vector<std::string>& search_dirs);

// The short names of the scenarios in `search_dirs` (their *.yaml and *.yml
// files), sorted, each once: what a misspelt name may have meant.
std::vector<std::string> scenario_names(const std::vector<std::string>& search_dirs);

// One error per line, each ended by a newline (what `sockgrade validate` prints).
std::string format_errors(const std::vector<Error>& errors);

}  // namespace sockgrade::scenario
