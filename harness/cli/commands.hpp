// One function per subcommand; each returns the process exit status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "runner/result.hpp"
#include "scenario/scenario.hpp"
#include "util/text.hpp"

namespace sockgrade::cli {

// --- messages (messages.cpp) --------------------------------------------------

// The language of what a command says: --lang when given, else the first set
// of LC_ALL, LC_MESSAGES and LANG ("pt" or "en"), as the reports choose it.
std::string language_of(const std::string& lang_option);
// "sockgrade: TEXT" on stderr, TEXT in `lang`.
void print_error(const std::string& lang, const util::Text& text);

struct RunArgs {
    std::string scenario;
    std::vector<std::string> command;
    std::optional<int> port;
    std::vector<std::string> formats;
    std::vector<std::string> outputs;
    std::string lang;
    int repeat = 1;
    std::optional<std::uint64_t> seed;
    int jobs = 1;
    bool stress = false;
    std::vector<std::string> only;
    double timeout_scale = 1.0;
    std::string dir;
    std::vector<std::string> writable;  // --writable DIR: folders the program may write
    std::vector<std::string> env;
    std::string user;
    bool student = false;
    std::string capture_dir;  // --capture DIR
    bool capture_all = false;
    std::string diagram_dir;  // --diagram DIR
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
    std::optional<std::uint64_t> seed;
    std::vector<std::string> only;
    double timeout_scale = 1.0;
    std::string lab;  // --lab: when .sockgrade.yaml does not say it
    std::string lang;
    bool teacher = false;  // show hidden tests' detail
    std::string capture_dir;
    bool capture_all = false;
    std::string diagram_dir;
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
    bool capture = false;      // keep failing tests' captures in OUT/captures/<student>/
    bool capture_all = false;  // and passing tests' too
};
void add_grade_options(CLI::App& command, GradeArgs& args);
int grade_command(const GradeArgs& args);

struct BuildArgs {
    std::string dir;
    std::string line;
    int timeout_seconds = 300;
};
void add_build_options(CLI::App& command, BuildArgs& args);
int build_command(const BuildArgs& args);

struct MergeArgs {
    std::vector<std::string> outputs;
    std::string out = "sockgrade-out";
    std::string lang;
    bool teacher_feedback = false;
};
void add_merge_options(CLI::App& command, MergeArgs& args);
int merge_command(const MergeArgs& args);

// --- pictures (pictures.cpp) -----------------------------------------------

// Options shared by `run` and `check` to replay or narrow a run: --seed N, --only TEST, --timeout-scale F.
void add_replay_options(CLI::App& command, std::optional<std::uint64_t>& seed, std::vector<std::string>& only,
                        double& timeout_scale);
// For --only: an error naming the scenario's tests when `only` names a test it does not have, else empty.
util::Text unknown_test_error(const scenario::Scenario& scenario, const std::vector<std::string>& only);
// Options shared by `run` and `check`: --capture DIR, --capture-all, --diagram DIR.
void add_picture_options(CLI::App& command, std::string& capture_dir, bool& capture_all, std::string& diagram_dir);
// Both folders of --capture and --diagram prepared (empty when not asked for);
// nullopt, once it has said why, when one cannot be made.
struct PictureFolders {
    std::string capture;
    std::string diagram;
};
std::optional<PictureFolders> prepare_picture_folders(const std::string& capture_dir, const std::string& diagram_dir,
                                                      const std::string& lang);
// Writes DIR/<test>.svg for every test the reader may see and records each
// path in its result. Returns the files that could not be written.
std::vector<std::string> write_diagrams(runner::ScenarioResult& result, const std::string& dir, const std::string& lang,
                                        bool student_view);
// In the student view a hidden test keeps no capture: it would show what the test checks.
void drop_hidden_captures(runner::ScenarioResult& result, bool student_view);

// Where shipped scenarios are looked for, by short name.
std::vector<std::string> scenario_search_dirs();
// Loads a scenario by path or short name; prints errors and returns nullopt on
// failure ("no scenario" in `lang`; a scenario file's own errors, for its
// author, in English).
std::optional<scenario::Scenario> load_scenario(const std::string& name_or_path, const std::string& lang);

}  // namespace sockgrade::cli
