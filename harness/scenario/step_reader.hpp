// Internal to the loader: one step of a test, checked against the action
// table in docs/scenarios.md and against what the earlier steps did.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenario/scenario.hpp"
#include "scenario/yaml_reader.hpp"

namespace sockgrade::scenario::detail {

// What a test knows while its steps are read in order.
struct TestContext {
    std::vector<Peer> peers;
    // Peers whose declaration was wrong (already reported): their uses are not
    // checked again. With peers_unreadable, no use is.
    std::vector<std::string> broken_peers;
    bool peers_unreadable = false;
    std::vector<std::string> captured;  // names captured by the steps read so far
    // TCP peers: whether a connection is open after the steps read so far.
    struct Connection {
        bool open = false;
        bool ever_opened = false;
        int opened_at_line = 0;
    };
    std::map<std::string, Connection> connections;
};

// Reads one step; every problem is reported. nullopt when it had any.
std::optional<Step> read_step(const YAML::Node& node, TestContext& context, Diagnostics& diagnostics);

}  // namespace sockgrade::scenario::detail
