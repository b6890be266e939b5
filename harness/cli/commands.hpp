// One function per subcommand; each returns the process exit status.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scenario/scenario.hpp"

namespace sockgrade::cli {

struct RunArgs {
    std::string scenario;
    std::vector<std::string> command;
    std::optional<int> port;
    std::vector<std::string> formats;
    std::vector<std::string> outputs;
    std::string lang;
    int repeat = 1;
    std::vector<std::string> only;
    double timeout_scale = 1.0;
    std::string dir;
    std::vector<std::string> env;
    std::string user;
    bool student = false;
};
void add_run_options(CLI::App& command, RunArgs& args);
int run_command(const RunArgs& args);

int validate_command(const std::vector<std::string>& files);

struct SelftestArgs {
    std::vector<std::string> labs;
    std::string reference_dir;
    int repeat = 1;
    bool verbose = false;
};
void add_selftest_options(CLI::App& command, SelftestArgs& args);
int selftest_command(const SelftestArgs& args);

struct CheckArgs {
    std::string dir = ".";
    std::string lang;
    bool teacher = false;  // show hidden tests' detail
};
void add_check_options(CLI::App& command, CheckArgs& args);
int check_command(const CheckArgs& args);

struct GradeArgs {
    std::string scenario;
    std::string dir;
    int jobs = 0;  // 0: the number of CPUs
    std::string out = "sockgrade-out";
    std::string shard;
    bool force = false;
    std::string run;
    std::string build;
    std::string lang;
    std::optional<int> port;
    int repeat = 1;
    double timeout_scale = 1.0;
    int build_timeout = 60;
    bool teacher_feedback = false;
    std::string user;
};
void add_grade_options(CLI::App& command, GradeArgs& args);
int grade_command(const GradeArgs& args);

struct MergeArgs {
    std::vector<std::string> outputs;
    std::string out = "sockgrade-out";
    std::string lang;
    bool teacher_feedback = false;
};
void add_merge_options(CLI::App& command, MergeArgs& args);
int merge_command(const MergeArgs& args);

// Where shipped scenarios are looked for, by short name.
std::vector<std::string> scenario_search_dirs();
// Loads a scenario by path or short name; prints errors and returns nullopt on failure.
std::optional<scenario::Scenario> load_scenario(const std::string& name_or_path);

}  // namespace sockgrade::cli
