// A TestResult as bytes, to carry it out of the sandbox worker. Lossless for
// what the runner makes: transcript and message texts are already escaped to
// valid UTF-8 (util::printable); any other invalid byte would become U+FFFD.
#pragma once

#include <optional>
#include <string>

#include "runner/result.hpp"

namespace sockgrade::runner {

std::string to_wire(const TestResult& result);
std::optional<TestResult> from_wire(const std::string& bytes);

}  // namespace sockgrade::runner
