// Internal to the loader: checking the {name} substitutions in a text or a
// pattern before anything runs, so a typo in {nonce} is an error at load time
// and not a failing test. The scan follows util::substitute (what the run does):
// "{{" and "}}" are literal braces, and "{" up to the next "}" is a name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::scenario::detail {

// The names a text may use at one step of one test.
struct SubstitutionScope {
    std::vector<std::string> peers;     // declared in the test: {A.port}
    std::vector<std::string> captured;  // captured by earlier steps
    bool copy_number = false;           // inside burst / expect_burst: {i}
};

enum class TextKind { text, regex };

// One message per problem (unknown name, {i} outside a burst, bad {fill:N}).
std::vector<std::string> check_substitutions(std::string_view text, const SubstitutionScope& scope, TextKind kind);

// `text` with every substitution replaced by a plain letter and doubled braces
// made single: what a regex looks like after substitution, to compile it.
std::string with_sample_values(std::string_view text);

// Names the loader gives values to itself; a capture may not take them.
bool is_builtin_substitution(std::string_view name);

}  // namespace sockgrade::scenario::detail
