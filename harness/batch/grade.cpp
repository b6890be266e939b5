#include "batch/grade.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <fmt/format.h>

#include "batch/files.hpp"
#include "batch/similarity.hpp"
#include "batch/subprocess.hpp"
#include "batch/submission.hpp"
#include "runner/runner.hpp"
#include "sandbox/cgroup.hpp"
#include "sandbox/children.hpp"
#include "sandbox/jail.hpp"
#include "sandbox/sandbox.hpp"

namespace sockgrade::batch {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// --- toolchain --------------------------------------------------------------

namespace {

// A record's problem when the grader, not the student, failed.
util::Text grader_failed(const std::string& why) {
    return {"the grader failed: " + why, "o corretor falhou: " + why};
}

// What a student's build may use (and a test's program, from its scenario's limits).
struct BuildLimits {
    int processes = 256;
    std::int64_t memory_bytes = std::int64_t(1) << 30;  // javac and g++ need a few hundred MiB
    std::int64_t file_bytes = 64 << 20;
    std::int64_t tmp_bytes = 256 << 20;  // a compiler's temporary files
    // An eighth of a test program's CPU weight: a build is not timed to the
    // millisecond, a neighbour's test is (a fork bomb in a build must not
    // starve the submission graded beside it).
    int cpu_shares = 128;
};
constexpr BuildLimits build_limits;

// The scratch copy's tmpfs: the copy itself is at most 200 MiB.
constexpr std::int64_t scratch_bytes = std::int64_t(512) << 20;
constexpr int scratch_files = 65536;

const char* compile_check = "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')";

// Everything the grader runs for a submission (its build, and the Python
// probes that read its code) runs as a build does (sandbox/jail.hpp): in its
// own namespaces and jail, as the submission's user, with caps on processes,
// memory, file size and disk (the scratch tmpfs, a bounded /tmp and HOME).
// An empty cwd shows no work folder at all (the probe for a Python 2).
CommandOutcome run_sandboxed(const std::vector<std::string>& argv, const std::string& cwd,
                             const std::map<std::string, std::string>& extra_env, std::chrono::milliseconds timeout) {
    CommandSpec spec;
    spec.argv = argv;
    spec.cwd = cwd.empty() ? std::string("/tmp") : cwd;
    spec.env = helper_environment(spec.cwd);
    for (const auto& [k, v] : extra_env) spec.env[k] = v;
    spec.timeout = timeout;
    spec.run_as = sandbox::program_credentials();
    spec.max_processes = build_limits.processes;
    spec.max_file_bytes = build_limits.file_bytes;
    sandbox::WorkerOptions worker;
    worker.timeout = timeout + std::chrono::seconds(15);
    auto outcome = sandbox::run_in_worker(
        [&](const sandbox::Isolation& isolation) {
            auto cgroup = sandbox::Cgroup::create(build_limits.processes, build_limits.memory_bytes, build_limits.cpu_shares);
            if (cgroup) {
                spec.join_cgroups = cgroup->procs_files();
                spec.max_processes *= 2;  // the pids group says no first, as for a test
            }
            if (isolation.namespaces) {
                sandbox::JailSpec jail;
                jail.work_dir = cwd;
                jail.work_dir_writable = true;
                jail.tmp_bytes = build_limits.tmp_bytes;
                jail.read_only_paths = sandbox::toolchain_paths({spec.env.begin(), spec.env.end()});
                spec.env["HOME"] = jail.home;
                spec.env["TMPDIR"] = "/tmp";
                spec.jail = std::move(jail);
            }
            return outcome_to_json(run_command(spec));
        },
        worker);
    if (!outcome.payload) {
        CommandOutcome failed;
        failed.error = outcome.error;
        return failed;
    }
    return outcome_from_json(*outcome.payload);
}

}  // namespace

std::optional<Python2> find_python2() {
    // Asked once per process (the parent asks before it forks the child graders).
    static std::optional<std::optional<Python2>> cached;
    if (cached) return *cached;
    cached.emplace();
    std::vector<Python2> candidates = {{"python2", {{"PYENV_VERSION", "2.7.18"}}}, {"python2", {}}, {"python2.7", {}}};
    for (const auto& candidate : candidates) {
        auto probe = run_sandboxed({candidate.command, "-c", "import sys; sys.exit(0 if sys.version_info[0] == 2 else 1)"}, "",
                                   candidate.env, std::chrono::seconds(20));
        if (probe.ok()) {
            *cached = candidate;
            break;
        }
    }
    return *cached;
}

std::string grading_key(const scenario::Scenario& scenario, const GradeOptions& options) {
    Sha256 hash;
    hash.update("sockgrade " SOCKGRADE_VERSION "\n");
    hash.update(read_file(options.scenario_file).value_or(scenario.name));
    hash.update(fmt::format("\nrun={}\nbuild={}\nport={}\nrepeat={}\nscale={}\nbuild_timeout={}\n", options.run,
                            options.build, options.port ? std::to_string(*options.port) : std::string("-"),
                            options.repeat, options.timeout_scale, options.build_timeout.count()));
    // Only when asked for, so the keys of results graded without captures stay as they were;
    // asking for captures grades again the submissions that have none.
    if (options.capture) hash.update(options.capture_all ? "capture=all\n" : "capture=failing\n");
    return hash.hex();
}

// --- one submission ---------------------------------------------------------

Lab lab_of(const scenario::Scenario& scenario) {
    Lab lab;
    lab.name = scenario.name;
    lab.server = scenario.program.role == scenario::Role::server;
    lab.protocol = scenario.program.protocol == scenario::Protocol::udp ? "udp" : "tcp";
    return lab;
}

namespace {

// Python 2 that happens to compile as Python 3 (the slides' client does):
// it calls what only Python 2 has, in its code (a commented-out raw_input(
// or one in a string says nothing).
bool uses_python2_builtins(const std::string& source) {
    static const std::regex python2_only(R"(\b(raw_input|xrange|unicode|execfile)\s*\(|\.has_key\s*\()");
    return std::regex_search(python_code_only(source), python2_only);
}

PythonVerdict probe_python(const std::string& file, const std::optional<Python2>& python2) {
    auto folder = fs::path(file).parent_path().string();
    auto name = fs::path(file).filename().string();
    auto check = [&](const std::string& command, const std::map<std::string, std::string>& env) {
        return run_sandboxed({command, "-c", compile_check, name}, folder, env, std::chrono::seconds(30));
    };
    auto python3 = check("python3", {});
    if (!python3.started) return {3, ""};  // no python3 to ask: the run will say what is wrong
    if (python3.ok()) {
        if (python2 && uses_python2_builtins(read_file(file).value_or("")) && check(python2->command, python2->env).ok())
            return {2, ""};
        return {3, ""};
    }
    if (python2 && check(python2->command, python2->env).ok()) return {2, ""};
    return {0, python3.output};
}

std::string normalised_sources(const std::string& dir, const std::vector<std::string>& files) {
    std::string text;
    for (const auto& file : files) {
        auto source = read_file((fs::path(dir) / file).string());
        if (!source) continue;
        text += normalise_source(*source, fs::path(file).extension().string());
        if (text.size() > (256 << 10)) break;
    }
    return text;
}

}  // namespace

CommandOutcome build_in_sandbox(const std::string& line, const std::string& dir, const std::map<std::string, std::string>& env,
                                std::chrono::seconds timeout) {
    return run_sandboxed(shell_command(line), dir, env, timeout);
}

Prepared prepare_submission(const std::string& dir, const std::string& scratch, const Lab& lab,
                            const PrepareOptions& options) {
    Prepared prepared;
    auto not_ready = [&](const std::string& status, const util::Text& problem) {
        prepared.status = status;
        prepared.problem = problem;
        return prepared;
    };

    // A scratch copy that the submission's user owns (programs write logs,
    // __pycache__...), on a bounded tmpfs of its own where the grader is root.
    remove_tree(scratch);
    if (auto why = sandbox::mount_scratch(scratch, scratch_bytes, scratch_files))
        prepared.notes.push_back("the scratch copy is not bounded: " + *why);
    auto copied = copy_tree(dir, scratch, std::uint64_t(200) << 20);
    for (const auto& skipped : copied.skipped) prepared.notes.push_back("not copied: " + to_utf8(skipped));
    if (copied.too_big)
        return not_ready("no-program", {"the submission is larger than 200 MiB; it was not graded",
                                        "a entrega tem mais de 200 MiB; não foi avaliada"});
    // Its build and its programs run as its own user and group: no one else may look.
    if (auto credentials = sandbox::program_credentials()) chown_tree(scratch, credentials->uid, credentials->gid);
    ::chmod(scratch.c_str(), 0700);

    DetectOptions detect_options;
    detect_options.run = options.run;
    detect_options.build = options.build;
    std::optional<Python2> python2;
    if (const char* command = std::getenv("SOCKGRADE_PYTHON2_COMMAND"); command && *command) {
        python2 = Python2{command, {}};
    } else if (!std::getenv("SOCKGRADE_NO_PYTHON2")) {
        python2 = find_python2();
    }
    if (python2) {
        detect_options.python2_command = python2->command;
        detect_options.python2_env = python2->env;
    }
    detect_options.python = [&](const std::string& file) { return probe_python(file, python2); };
    prepared.plan = detect(scratch, lab, detect_options);
    auto& plan = prepared.plan;
    for (const auto& note : plan.notes) prepared.notes.push_back(note);
    if (plan.status != PlanStatus::ok) {
        prepared.build_log = plan.detail;
        if (plan.status == PlanStatus::build_failed && plan.how == "python3" && !python2)
            prepared.build_log += "\n(no Python 2 here to try it with)";
        return not_ready(status_word(plan.status), plan.problem);
    }

    prepared.workdir = (fs::path(scratch) / plan.workdir).lexically_normal().string();
    auto before = list_files(prepared.workdir);
    if (!plan.build.empty()) {
        auto built = build_in_sandbox(plan.build, prepared.workdir, plan.env, options.build_timeout);
        if (!built.ok()) {
            prepared.build_log = built.output;
            if (built.dropped) prepared.build_log += fmt::format("\n[... {} more bytes]", built.dropped);
            prepared.program = plan.run;
            if (!built.started)
                return not_ready("error", {"the build could not be started: " + built.error,
                                           "não foi possível iniciar a compilação: " + built.error});
            const auto limit = options.build_timeout.count();
            return not_ready("build-failed",
                             built.timed_out
                                 ? util::Text{fmt::format("the build (`{}`) did not finish within {} s", plan.build, limit),
                                              fmt::format("a compilação (`{}`) não terminou em {} s", plan.build, limit)}
                                 : util::Text{fmt::format("the build (`{}`) failed: it {}", plan.build, built.describe()),
                                              fmt::format("a compilação (`{}`) falhou: {}", plan.build,
                                                          built.describe_pt())});
        }
    }
    if (plan.run_built_executable()) {
        auto executable = pick_built_executable(prepared.workdir, before, lab);
        if (!executable)
            return not_ready("no-program", {"make ran, but it built no program to run",
                                            "o make rodou, mas não gerou nenhum programa para executar"});
        plan.run = "./" + shell_quote(*executable);
        prepared.notes.push_back(fmt::format("make built {}", to_utf8(*executable)));
    }
    prepared.program = plan.run;
    return prepared;
}

Record grade_submission(const Student& student, const scenario::Scenario& scenario, const GradeOptions& options,
                        const std::string& scratch_root, const std::string& hash, const std::string& key) {
    auto started = Clock::now();
    Record record;
    record.student = student.name;
    record.slug = student_slug(student.name);
    record.hash = hash;
    record.key = key;
    record.notes = student.notes;
    // Captures of an earlier grading of this submission are stale whatever happens now.
    auto captures = fs::absolute(fs::path(options.out_dir) / "captures" / record.slug).lexically_normal();
    remove_tree(captures.string());
    auto finish = [&](Record& r) -> Record {
        r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return r;
    };

    auto scratch = (fs::path(scratch_root) / record.slug).string();
    auto lab = lab_of(scenario);
    auto prepared = prepare_submission(student.dir, scratch, lab, {options.run, options.build, options.build_timeout});
    const auto& plan = prepared.plan;
    for (const auto& note : prepared.notes) record.notes.push_back(note);
    record.how = plan.how;
    record.source = normalised_sources(student.dir, plan.sources);
    record.program = prepared.program;
    if (!prepared.ready()) {
        record.status = prepared.status;
        record.problem = prepared.problem;
        record.build_log = prepared.build_log;
        record.result = zero_result(scenario, status_sentence(prepared.status));
        return finish(record);
    }

    runner::RunOptions run;
    run.command = shell_command(plan.run);
    run.cwd = prepared.workdir;
    run.writable_cwd = true;
    run.port = options.port ? options.port : plan.port;
    run.env = plan.env;
    run.timeout_scale = options.timeout_scale;
    run.repeat = options.repeat;
    if (options.capture) {
        run.capture_dir = captures.string();
        run.capture_all = options.capture_all;
    }
    record.result = runner::run_scenario(scenario, run);
    // Stored relative to OUT: report.html links them from there, and OUT may move.
    for (auto& test : record.result.tests)
        if (!test.capture.empty())
            test.capture = (fs::path("captures") / record.slug / fs::path(test.capture).filename()).string();
    record.result.command = plan.run;
    if (!record.result.errors.empty()) {
        record.status = "error";
        record.problem = grader_failed(record.result.errors.front());
    }
    sandbox::unmount_scratch(scratch);
    remove_tree(scratch);
    return finish(record);
}

// --- the class --------------------------------------------------------------

std::vector<Record> read_records(const std::string& out_dir) {
    std::vector<Record> records;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(out_dir) / "results", ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".json") continue;
        auto text = read_file(it->path().string());
        if (!text) continue;
        if (auto record = parse_record(*text)) records.push_back(std::move(*record));
    }
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) { return a.student < b.student; });
    return records;
}

namespace {

std::chrono::milliseconds child_time_limit(const scenario::Scenario& scenario, const GradeOptions& options) {
    double ms = 0;
    for (std::size_t i = 0; i < scenario.tests.size(); ++i)
        ms += static_cast<double>(scenario.limits.test.count()) * options.timeout_scale + 10000;
    ms *= std::max(1, options.repeat);
    ms += static_cast<double>(options.build_timeout.count()) * 1000 + 15000;  // the build and its worker
    ms += 120000;                                                             // copying, Python checks, slack
    return std::chrono::milliseconds(static_cast<long>(ms));
}

std::string make_work_dir() {
    const char* tmp = std::getenv("TMPDIR");
    auto pattern = (fs::path(tmp && *tmp ? tmp : "/tmp") / "sockgrade-grade-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return "";
    return pattern;
}

}  // namespace

GradeSummary grade_class(const scenario::Scenario& scenario, const std::string& class_path, const GradeOptions& options) {
    GradeSummary summary;
    bool own_work_dir = options.work_dir.empty();
    auto work_dir = own_work_dir ? make_work_dir() : options.work_dir;
    if (work_dir.empty()) {
        summary.fatal = fmt::format("cannot make a scratch folder: {}", std::strerror(errno));
        return summary;
    }
    std::error_code ec;
    fs::create_directories(work_dir, ec);
    ::chmod(work_dir.c_str(), 0711);  // the program's user may pass through to its own copy, not list others
    struct Cleanup {
        std::string dir;
        bool own;
        ~Cleanup() {
            if (own) remove_tree(dir);
        }
    } cleanup{work_dir, own_work_dir};

    auto roster = read_roster(class_path, (fs::path(work_dir) / "input").string());
    summary.problems = roster.problems;
    if (!roster.error.empty()) {
        summary.fatal = roster.error;
        return summary;
    }
    // `--out` inside the class folder (the default ./sockgrade-out when run there) is not a student.
    auto out_canonical = fs::weakly_canonical(options.out_dir, ec);
    std::erase_if(roster.students, [&](const Student& student) {
        std::error_code same_error;
        return fs::weakly_canonical(student.dir, same_error) == out_canonical;
    });
    auto students = options.shard ? take_shard(roster.students, options.shard->first, options.shard->second)
                                  : roster.students;
    auto key = grading_key(scenario, options);
    auto info = class_info_for(scenario);
    info.key = key;
    info.problems = roster.problems;
    if (options.shard) info.shard = fmt::format("{}/{}", options.shard->first, options.shard->second);
    for (const auto& student : students) info.students.push_back(student.name);
    summary.students = static_cast<int>(students.size());

    std::map<std::string, Record> records;  // by slug
    for (auto& record : read_records(options.out_dir)) records[record.slug] = std::move(record);
    auto results_dir = fs::path(options.out_dir) / "results";
    fs::create_directories(results_dir, ec);
    if (ec) {
        summary.fatal = fmt::format("cannot write into {}: {}", options.out_dir, ec.message());
        return summary;
    }

    GradeProgress progress;
    progress.total = summary.students;
    auto report = [&](const Record* record, bool reused) {
        progress.last = record;
        progress.reused = reused;
        if (options.progress) options.progress(progress);
    };

    // Unchanged submissions keep their grade.
    std::vector<std::string> hashes(students.size());
    std::vector<std::size_t> queue;  // the students to grade now
    for (std::size_t i = 0; i < students.size(); ++i) {
        hashes[i] = tree_hash(students[i].dir);
        auto slug = student_slug(students[i].name);
        auto found = records.find(slug);
        bool keep = !options.force && found != records.end() && found->second.key == key &&
                    found->second.hash == hashes[i] && found->second.status != "error" &&
                    found->second.student == students[i].name;
        if (keep) {
            ++progress.done;
            ++progress.skipped;
            ++summary.skipped;
            progress.passing += found->second.full_marks();
            report(&found->second, true);
        } else {
            records.erase(slug);
            queue.push_back(i);
        }
    }

    if (!queue.empty() && !std::getenv("SOCKGRADE_PYTHON2_COMMAND") && !std::getenv("SOCKGRADE_NO_PYTHON2"))
        find_python2();  // once, here: every child inherits the answer
    auto scratch_root = (fs::path(work_dir) / "scratch").string();
    fs::create_directories(scratch_root, ec);
    ::chmod(scratch_root.c_str(), 0711);
    auto child_tmp = (fs::path(work_dir) / "tmp").string();
    fs::create_directories(child_tmp, ec);
    ::chmod(child_tmp.c_str(), 0711);
    const auto time_limit = child_time_limit(scenario, options);
    auto started = Clock::now();
    int graded_now = 0;

    auto error_record = [&](std::size_t index, const std::string& why) {
        Record failed;
        failed.student = students[index].name;
        failed.slug = student_slug(students[index].name);
        failed.hash = hashes[index];
        failed.key = key;
        failed.status = "error";
        failed.problem = grader_failed(why);
        failed.notes = students[index].notes;
        failed.result = zero_result(scenario, status_sentence("error"));
        return failed;
    };

    // A child grader per submission: its own process group (Ctrl-C at the
    // terminal reaches only this parent), and the submission's own user.
    auto grade_one = [&](std::size_t slot) {
        const auto index = queue[slot];
        sandbox::new_submission_user();  // this student's uid and gid, no one else's
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        // Temporary folders (the test workers' HOMEs) go inside the scratch space, which the
        // parent removes at the end even if this child is killed.
        ::setenv("TMPDIR", child_tmp.c_str(), 1);
        try {
            return dump_record(grade_submission(students[index], scenario, options, scratch_root, hashes[index], key));
        } catch (const std::exception& e) {
            return dump_record(error_record(index, e.what()));
        }
    };

    std::size_t ended = 0;
    auto finished = [&](std::size_t slot, sandbox::ChildEnd end) {
        ++ended;
        if (end.how == sandbox::ChildEnd::How::interrupted) return;  // graded next time
        const auto index = queue[slot];
        std::optional<Record> record;
        if (end.how == sandbox::ChildEnd::How::gave) record = parse_record(end.payload);
        if (!record) {
            using How = sandbox::ChildEnd::How;
            record = error_record(
                index, end.how == How::timed_out
                           ? fmt::format("grading took longer than {} s and was stopped",
                                         std::chrono::duration_cast<std::chrono::seconds>(time_limit).count())
                       : end.how == How::not_started ? end.failure
                                                     : "the child grader ended without a result");
        }
        ++graded_now;
        ++summary.graded;
        ++progress.done;
        progress.passing += record->full_marks();
        auto path = results_dir / (record->slug + ".json");
        if (!write_file_atomically(path.string(), dump_record(*record))) summary.write_failures.push_back(path.string());
        double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        auto left = queue.size() - ended;
        progress.eta_seconds = graded_now > 0 ? elapsed / graded_now * static_cast<double>(left) : -1;
        auto slug = record->slug;
        records[slug] = std::move(*record);
        report(&records[slug], false);
    };

    sandbox::ChildPoolOptions pool;
    pool.jobs = std::max(1, options.jobs);
    pool.timeout = time_limit;
    pool.own_process_group = true;
    pool.interrupt_fd = options.interrupt_fd;
    // Stopped by the interrupt: what is done stays; submissions in flight are graded next time.
    const bool interrupted = !sandbox::run_in_children(queue.size(), grade_one, pool, finished);
    summary.interrupted = interrupted;

    std::vector<Record> ordered;
    for (const auto& student : students) {
        auto found = records.find(student_slug(student.name));
        if (found == records.end()) continue;
        const auto& record = found->second;
        if (record.status == "error") ++summary.errors;
        else if (record.full_marks()) ++summary.full_marks;
        else ++summary.not_full;
        ordered.push_back(record);
    }
    info.complete = !interrupted && ordered.size() == students.size();
    auto failures = write_outputs(options.out_dir, info, ordered, options.feedback);
    summary.write_failures.insert(summary.write_failures.end(), failures.begin(), failures.end());
    return summary;
}

// --- merge ------------------------------------------------------------------

MergeSummary merge_outputs(const std::vector<std::string>& shard_dirs, const std::string& out_dir,
                           const FeedbackOptions& feedback) {
    MergeSummary summary;
    std::optional<ClassInfo> merged;
    std::set<std::string> students;
    std::map<std::string, Record> records;
    std::map<std::string, std::string> shard_of;  // student -> the folder their record came from
    for (const auto& dir : shard_dirs) {
        auto text = read_file((fs::path(dir) / "class.json").string());
        auto json = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
        auto info = text && !json.is_discarded() ? class_info_from_json(json) : std::nullopt;
        if (!info) {
            summary.errors.push_back(fmt::format("{}: not the output of `sockgrade grade` (no readable class.json)", dir));
            continue;
        }
        if (!merged) {
            merged = *info;
            merged->problems.clear();
            merged->students.clear();
            merged->shard.clear();
        } else if (info->scenario != merged->scenario || info->key != merged->key) {
            summary.errors.push_back(fmt::format(
                "{}: graded {} with other options or another version of the scenario than the first folder; "
                "shards must be graded alike",
                dir, info->scenario));
            continue;
        }
        for (const auto& problem : info->problems)
            if (std::find(merged->problems.begin(), merged->problems.end(), problem) == merged->problems.end())
                merged->problems.push_back(problem);
        merged->complete = merged->complete && info->complete;
        std::set<std::string> listed(info->students.begin(), info->students.end());
        for (const auto& name : info->students)
            if (!students.insert(name).second)
                summary.warnings.push_back(fmt::format("{}: '{}' is in more than one shard; the first one is kept", dir, name));
        for (auto& record : read_records(dir)) {
            if (!listed.contains(record.student) || record.key != merged->key) continue;
            auto name = record.student;
            if (records.emplace(name, std::move(record)).second) shard_of.emplace(name, dir);
        }
    }
    if (!summary.errors.empty() || !merged) {
        if (!merged && summary.errors.empty()) summary.errors.push_back("nothing to merge");
        return summary;
    }
    merged->students.assign(students.begin(), students.end());
    std::vector<Record> ordered;
    for (const auto& name : merged->students) {
        auto found = records.find(name);
        if (found == records.end()) {
            ++summary.missing;
            continue;
        }
        ordered.push_back(found->second);
    }
    merged->complete = merged->complete && summary.missing == 0;
    summary.students = static_cast<int>(merged->students.size());
    for (const auto& record : ordered) {
        auto path = fs::path(out_dir) / "results" / (record.slug + ".json");
        if (!write_file_atomically(path.string(), dump_record(record))) summary.write_failures.push_back(path.string());
        // Captures travel with their record: report.html links them relative to OUT.
        auto from = fs::path(shard_of[record.student]) / "captures" / record.slug;
        auto to = fs::path(out_dir) / "captures" / record.slug;
        std::error_code ec;
        if (fs::is_directory(from, ec) && !fs::equivalent(from, to, ec)) {
            remove_tree(to.string());
            fs::create_directories(to.parent_path(), ec);
            fs::copy(from, to, fs::copy_options::recursive, ec);
            if (ec) summary.write_failures.push_back(to.string());
        }
    }
    auto failures = write_outputs(out_dir, *merged, ordered, feedback);
    summary.write_failures.insert(summary.write_failures.end(), failures.begin(), failures.end());
    return summary;
}

}  // namespace sockgrade::batch
