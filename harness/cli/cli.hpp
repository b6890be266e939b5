// The command line: parses arguments, calls the library, prints, and turns
// the outcome into an exit status (0 passed, 1 failed, 2 usage or grader error).
#pragma once

namespace sockgrade::cli {

enum ExitStatus { passed = 0, failed = 1, error = 2 };

int main(int argc, char** argv);

}  // namespace sockgrade::cli
