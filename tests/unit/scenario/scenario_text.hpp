// Helpers for the loader's tests: small scenarios written inline.
#pragma once

#include <string>

#include "scenario/loader.hpp"

namespace sockgrade::scenario::test_text {

// The formatted errors of a scenario text, as `sockgrade validate` prints them.
inline std::string errors_of(const std::string& yaml) { return format_errors(load_string(yaml, "t.yaml").errors); }

// A scenario with one test; its steps start on line 7, each written as
// "      - {...}\n" (the step's map at column 9).
inline std::string one_test(const std::string& peers, const std::string& steps,
                            const std::string& program = "{role: server, protocol: tcp}") {
    return "scenario: s\n"
           "program: " + program + "\n"
           "tests:\n"
           "  - name: t\n"
           "    peers: " + peers + "\n"
           "    steps:\n" + steps;
}

// Peers for a tcp server program: two clients and a server on another port.
inline const std::string tcp_peers = "{A: tcp-client, B: tcp-client, S: {kind: tcp-server, port: 6000}}";

}  // namespace sockgrade::scenario::test_text
