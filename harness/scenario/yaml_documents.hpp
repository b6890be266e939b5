// Internal to the loader: parsing the YAML text safely with yaml-cpp 0.7.
// YAML::LoadAll loops forever, allocating, on a stray ',' at block level
// (fixed upstream after 0.7), and YAML::Load returns an empty document for
// it; here that case is a parse error instead.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

namespace sockgrade::scenario::detail {

struct ParsedYaml {
    bool has_document = false;                  // false for an empty file or only comments
    YAML::Node root;                            // the first document
    std::optional<YAML::Mark> second_document;  // where a second document starts, if any
};

// Throws YAML::ParserException (with its position) when the text is not YAML.
ParsedYaml parse_yaml(const std::string& text);

}  // namespace sockgrade::scenario::detail
