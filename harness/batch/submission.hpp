// A student's folder and how to grade it: which lab, how to build, how to run.
// Read from the folder's .sockgrade.yaml.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/text.hpp"

namespace sockgrade::batch {

struct SubmissionConfig {
    std::string dir;    // the student's folder (absolute)
    std::string lab;    // a scenario name or path; empty: not said (check guesses it, grade has its own)
    std::string build;  // a shell line, run once in dir before grading (may be empty)
    std::string run;    // a shell line that starts the program; empty: found as detect() finds it
    std::optional<int> port;
    std::string expect;  // "pass" or "fail": what a careful teacher would give (examples and fixtures)
};

// Reads DIR/.sockgrade.yaml; every key is optional. On failure, `error` says
// what is wrong as file:line:col, in English and Portuguese (a student reads it).
std::optional<SubmissionConfig> load_submission_config(const std::string& dir, util::Text& error);

// The program's argv for a shell line: /bin/sh -c LINE.
std::vector<std::string> shell_command(const std::string& line);

}  // namespace sockgrade::batch
