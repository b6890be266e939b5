// The cause of a failure that the runner found for itself, said before the
// failed expectation: when it applies, the test's own advice is about
// something else and is not shown. Pure wording; test_run.cpp finds the facts.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace sockgrade::runner {

using scenario::Text;

// "A", "A and B", "A, B and C" (pt: "A e B").
Text names_list(const std::vector<std::string>& names);

// Peers whose connections the program never accept()ed while it was still
// serving others (accepted, still open) at the failure: one client at a time.
Text never_accepted(const std::vector<std::string>& unaccepted, const std::vector<std::string>& serving);

// A client program that waits in recv() and no longer reads its standard
// input; `lines_sent`: lines its servers had received from it.
Text blocked_in_recv(std::size_t lines_sent);

// The last non-empty lines of a program's stderr, quoted, for a message:
// "\"a\" / \"b\"" (empty when it wrote nothing).
std::string stderr_tail(const std::vector<std::string>& lines, const std::string& partial, std::size_t count = 3);

// The cause first, then what the failed step saw ("B did not receive ...").
Text with_cause(const Text& cause, const Text& message);

}  // namespace sockgrade::runner
