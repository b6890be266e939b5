// libFuzzer target: scenario::load_string on arbitrary bytes.
//
// The loader's contract (harness/scenario/loader.hpp): nothing throws, and a
// result is either a scenario with no errors or no scenario with at least one
// error, each with a sane position. A crash, a sanitizer report, an uncaught
// exception, a hang (-timeout) or a broken contract is a finding.
//
// Build and run: scripts/sanitizers.sh fuzz [SECONDS]   (see fuzz/CMakeLists.txt)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scenario/loader.hpp"

namespace {

[[noreturn]] void broken(const char* what, const sockgrade::scenario::LoadResult& result) {
    std::fprintf(stderr, "scenario_loader_fuzz: %s (scenario %s, %zu errors)\n", what,
                 result.scenario ? "set" : "unset", result.errors.size());
    for (const auto& error : result.errors) std::fprintf(stderr, "  %s\n", error.to_string().c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string yaml(reinterpret_cast<const char*>(data), size);
    const auto result = sockgrade::scenario::load_string(yaml, "fuzz.yaml");
    if (result.scenario.has_value() && !result.errors.empty()) broken("a scenario and errors", result);
    if (!result.scenario.has_value() && result.errors.empty()) broken("no scenario and no error", result);
    for (const auto& error : result.errors) {
        if (error.line < 0 || error.column < 0) broken("a negative position", result);
        if (error.message.empty()) broken("an empty message", result);
        if (error.file != "fuzz.yaml") broken("an error about another file", result);
    }
    const std::string text = sockgrade::scenario::format_errors(result.errors);
    if (!result.errors.empty() && text.empty()) broken("errors that format to nothing", result);
    return 0;
}
