// Grading a whole class: every submission in its own child grader process
// (up to `jobs` at once), each building in a scratch copy and running the
// scenario with runner::run_scenario; results stored one file per student as
// they arrive, so an interrupted run resumes where it stopped.
//
// The calling process must be single-threaded: children are forked from it,
// and they fork the sandbox workers that enter namespaces.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "batch/detect.hpp"
#include "batch/outputs.hpp"
#include "batch/record.hpp"
#include "batch/roster.hpp"
#include "batch/subprocess.hpp"
#include "scenario/scenario.hpp"

namespace sockgrade::batch {

struct GradeProgress {
    int done = 0;       // graded or skipped so far (of this run's students)
    int total = 0;
    int passing = 0;    // of those done, how many have full marks
    int skipped = 0;    // unchanged since an earlier run: not graded again
    double eta_seconds = -1;  // -1 while unknown
    const Record* last = nullptr;  // the submission just finished (nullptr for a plain update)
    bool reused = false;           // `last` was kept from an earlier run
};

// How long a build may take, unless --build-timeout says otherwise (`grade` and `check`).
inline constexpr std::chrono::seconds default_build_timeout{60};

struct GradeOptions {
    std::string scenario_file;   // the scenario's file (its bytes are part of the grading key)
    std::string out_dir = "sockgrade-out";
    int jobs = 1;
    std::optional<std::pair<int, int>> shard;
    bool force = false;          // grade again even when unchanged
    std::string run;             // --run: the run line for every submission
    std::string build;           // --build: the build line for every submission
    std::optional<int> port;
    int repeat = 1;
    double timeout_scale = 1.0;
    std::chrono::seconds build_timeout = default_build_timeout;
    FeedbackOptions feedback;
    int interrupt_fd = -1;       // when it becomes readable, stop (keeping what is done)
    std::function<void(const GradeProgress&)> progress;
    std::string work_dir;        // scratch space (default: a new folder under $TMPDIR or /tmp)
    // Packet captures of failing tests (of all tests with capture_all) in
    // OUT/captures/<student>/<test>.pcapng, linked from report.html.
    bool capture = false;
    bool capture_all = false;
};

struct GradeSummary {
    int students = 0;     // in this run (this shard)
    int graded = 0;       // graded now
    int skipped = 0;      // unchanged, kept from before
    int full_marks = 0;
    int not_full = 0;     // graded, with some test failed (or not gradable: a student's failure)
    int errors = 0;       // the grader failed on them (not the student's fault)
    bool interrupted = false;
    std::vector<std::string> problems;  // class-level lines
    std::vector<std::string> write_failures;
    std::string fatal;    // nothing could be graded (e.g. DIR does not exist)
};

GradeSummary grade_class(const scenario::Scenario& scenario, const std::string& class_path, const GradeOptions& options);

// Grades one submission in this process (what each child grader does).
Record grade_submission(const Student& student, const scenario::Scenario& scenario, const GradeOptions& options,
                        const std::string& scratch_root, const std::string& hash, const std::string& key);

// The lab a scenario grades, as detect() wants it (name, server or client, tcp or udp).
Lab lab_of(const scenario::Scenario& scenario);

struct PrepareOptions {
    std::string run;    // overrides the run line (--run)
    std::string build;  // overrides the build line (--build)
    std::chrono::seconds build_timeout = default_build_timeout;
};

// A submission made ready to run: copied to `scratch`, its program found as
// detect() finds it (Python 2 or 3 asked of the Pythons here) and built there
// in a sandbox worker as the program's user, within the build time limit.
struct Prepared {
    std::string status = "graded";  // else a status word: no-program, cannot-run, build-failed, bad-config, error
    util::Text problem;             // the one line that says why it is not ready, in English and Portuguese
    std::string build_log;          // the compiler's (or Python's) message when it did not build
    Plan plan;                      // its run line is final (e.g. the executable make built)
    std::string program;            // the run line, once a build was tried
    std::string workdir;            // absolute: where the program runs, inside the scratch copy
    std::vector<std::string> notes; // what was chosen and why, what was not copied
    bool ready() const { return status == "graded"; }
};
// The calling process must be single-threaded (the build runs in a forked worker).
Prepared prepare_submission(const std::string& dir, const std::string& scratch, const Lab& lab,
                            const PrepareOptions& options);

// Runs a build line (through /bin/sh) in `dir` as a submission's build runs:
// in a sandbox worker and its jail, as the submission's user, within the
// build limits (processes, memory, file size, a bounded /tmp) and `timeout`.
// The calling process must be single-threaded.
CommandOutcome build_in_sandbox(const std::string& line, const std::string& dir,
                                const std::map<std::string, std::string>& env, std::chrono::seconds timeout);

// What, besides the submission itself, a grade depends on.
std::string grading_key(const scenario::Scenario& scenario, const GradeOptions& options);

// How Python 2 is started here: e.g. {"python2", {PYENV_VERSION=2.7.18}};
// nullopt when there is none.
struct Python2 {
    std::string command;
    std::map<std::string, std::string> env;
};
std::optional<Python2> find_python2();

struct MergeSummary {
    int students = 0;
    int missing = 0;  // listed by a shard but with no result (it was interrupted)
    std::vector<std::string> errors;  // fatal: different labs or options
    std::vector<std::string> warnings;
    std::vector<std::string> write_failures;
};

// Joins the outputs of shards (each an --out folder) into one in out_dir.
MergeSummary merge_outputs(const std::vector<std::string>& shard_dirs, const std::string& out_dir,
                           const FeedbackOptions& feedback);

// Reads OUT/results/*.json.
std::vector<Record> read_records(const std::string& out_dir);

}  // namespace sockgrade::batch
