// Internal to the loader: the whole file (scenario, program, limits, tests,
// peers); steps are read by step_reader.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "scenario/scenario.hpp"
#include "scenario/yaml_reader.hpp"

namespace sockgrade::scenario::detail {

// Reads a parsed document; every problem is reported. nullopt when it had any.
std::optional<Scenario> read_scenario(const YAML::Node& root, const std::string& path, Diagnostics& diagnostics);

}  // namespace sockgrade::scenario::detail
