// Internal to the loader: a test's `faults:`, a map from a peer's name to
// what that peer does to its traffic, checked against the peer's kind.
#pragma once

#include "scenario/step_reader.hpp"
#include "scenario/yaml_reader.hpp"

namespace sockgrade::scenario::detail {

// Sets the Faults of the peers in context.peers; every problem is reported.
void read_faults(const Field& field, TestContext& context, Diagnostics& diagnostics);

}  // namespace sockgrade::scenario::detail
