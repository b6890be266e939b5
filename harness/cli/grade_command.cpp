// `sockgrade grade SCENARIO DIR`: a teacher grades a whole class.
// `sockgrade merge OUT...`: joins the outputs of shards (--shard K/N).
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fcntl.h>
#include <sched.h>
#include <iostream>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "batch/files.hpp"
#include "batch/grade.hpp"
#include "batch/outputs.hpp"
#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "report/report.hpp"
#include "sandbox/sandbox.hpp"
#include "scenario/loader.hpp"

namespace sockgrade::cli {

namespace fs = std::filesystem;

void add_grade_options(CLI::App& command, GradeArgs& args) {
    command.add_option("scenario", args.scenario, "scenario file, or a shipped scenario's name (e.g. chat-server)")
        ->required();
    command.add_option("dir", args.dir, "a folder with one folder per student, or a .zip of them")->required();
    command.add_option("--jobs,-j", args.jobs, "submissions graded at once (default: the number of CPUs)")
        ->check(CLI::Range(1, 256));
    command.add_option("--out", args.out, "where gradebook.csv, report.html and feedback/ go (default: ./sockgrade-out)");
    command.add_option("--shard", args.shard, "grade only the K-th of N slices of the class, e.g. 2/3 (join them with `merge`)");
    command.add_flag("--force", args.force, "grade every submission again, even those unchanged since the last run");
    command.add_option("--run", args.run, "the shell line that starts every student's program (overrides their own)");
    command.add_option("--build", args.build, "the shell line that builds every student's program (overrides their own)");
    command.add_option("--lang", args.lang, "feedback language: en or pt (default: from LANG)")
        ->check(CLI::IsMember({"en", "pt"}));
    command.add_option("--port", args.port, "the port the programs use (default: the scenario's)")->check(CLI::Range(1, 65535));
    command.add_option("--repeat", args.repeat, "run every test N times; tests that pass only sometimes are flaky")
        ->check(CLI::Range(1, 100));
    command.add_option("--timeout-scale", args.timeout_scale, "multiply every deadline, for slow machines")
        ->check(CLI::Range(0.1, 100.0));
    command.add_option("--build-timeout", args.build_timeout, "seconds a build may take (default: 60)")
        ->check(CLI::Range(1, 3600));
    command.add_flag("--teacher-feedback", args.teacher_feedback,
                     "feedback files show hidden tests' detail too (default: what a student may see)");
    command.add_option("--user", args.user, "one user programs and builds run as when sockgrade is root (default: builds as nobody, each test's program as a user of its own in nobody's group)");
    auto* capture = command.add_flag("--capture", args.capture,
                                     "keep a packet capture (pcapng, opens in Wireshark) of every failing test in "
                                     "OUT/captures/<student>/, linked from report.html");
    command.add_flag("--capture-all", args.capture_all, "with --capture: keep the captures of passing tests too")->needs(capture);
}

void add_merge_options(CLI::App& command, MergeArgs& args) {
    command.add_option("outputs", args.outputs, "the --out folders of the shards")->required();
    command.add_option("--out", args.out, "where the joined gradebook and report go (default: ./sockgrade-out)");
    command.add_option("--lang", args.lang, "feedback language: en or pt (default: from LANG)")
        ->check(CLI::IsMember({"en", "pt"}));
    command.add_flag("--teacher-feedback", args.teacher_feedback, "feedback files show hidden tests' detail too");
}

namespace {

// Ctrl-C (and SIGTERM, e.g. a batch system's preemption) only writes a byte:
// the grading loop sees it among its other events and stops cleanly.
int interrupt_pipe[2] = {-1, -1};

void on_interrupt(int) {
    int saved = errno;
    if (interrupt_pipe[1] >= 0) [[maybe_unused]] auto ignored = ::write(interrupt_pipe[1], "!", 1);
    errno = saved;
}

// The CPUs this process may run on (a Slurm task or a container may have fewer than the machine).
int usable_cpus() {
    cpu_set_t set;
    if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::string clock_text(double seconds) {
    if (seconds < 0) return "?";
    auto s = static_cast<long>(seconds + 0.5);
    return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

class ProgressPrinter {
public:
    explicit ProgressPrinter(double max_score) : terminal_(::isatty(STDERR_FILENO)), max_(max_score) {}

    void operator()(const batch::GradeProgress& p) {
        if (!p.last) return;
        const auto& r = *p.last;
        auto score = fmt::format("{}/{}", batch::format_points(r.result.score), batch::format_points(max_));
        auto what = r.status == "graded" ? (r.full_marks() ? std::string("ok") : std::string("some tests failed"))
                                         : r.status + ": " + r.problem.en;
        if (p.reused) what = "unchanged, kept from the last run";
        auto status = fmt::format("[{}/{}] {} with full marks{}", p.done, p.total, p.passing,
                                  p.eta_seconds >= 0 && p.done < p.total ? ", about " + clock_text(p.eta_seconds) + " left"
                                                                         : std::string());
        if (terminal_) {
            std::cerr << fmt::format("\r\x1b[K  {} {:<28} {:>9}  {}\n", r.full_marks() ? "\u2714" : "\u2718", r.student,
                                     score, what);
            std::cerr << status << std::flush;
        } else {
            std::cerr << fmt::format("sockgrade: [{}/{}] {}: {} {} ({} with full marks so far{})\n", p.done, p.total,
                                     r.student, score, what, p.passing,
                                     p.eta_seconds >= 0 && p.done < p.total ? ", about " + clock_text(p.eta_seconds) + " left"
                                                                            : std::string());
        }
    }
    void finish() {
        if (terminal_) std::cerr << "\r\x1b[K" << std::flush;
    }

private:
    bool terminal_;
    double max_;
};

}  // namespace

int grade_command(const GradeArgs& args) {
    auto scenario = load_scenario(args.scenario, language_of(args.lang));
    if (!scenario) return ExitStatus::error;
    auto scenario_file = scenario::find_scenario(args.scenario, scenario_search_dirs()).value_or(args.scenario);

    batch::GradeOptions options;
    options.scenario_file = scenario_file;
    options.out_dir = args.out;
    options.jobs = args.jobs > 0 ? args.jobs : usable_cpus();
    if (!args.shard.empty()) {
        options.shard = batch::parse_shard(args.shard);
        if (!options.shard) {
            std::cerr << fmt::format("sockgrade: --shard wants K/N with 1 <= K <= N (e.g. 2/3), got '{}'\n", args.shard);
            return ExitStatus::error;
        }
    }
    options.force = args.force;
    options.run = args.run;
    options.build = args.build;
    options.port = args.port;
    options.repeat = args.repeat;
    options.timeout_scale = args.timeout_scale;
    options.build_timeout = std::chrono::seconds(args.build_timeout);
    options.feedback.lang = args.lang.empty() ? report::lang_from_env() : args.lang;
    options.feedback.student_view = !args.teacher_feedback;
    options.capture = args.capture;
    options.capture_all = args.capture_all;
    if (!args.user.empty())
        if (auto error = sandbox::set_program_user(args.user)) {
            std::cerr << "sockgrade: --user: " << *error << "\n";
            return ExitStatus::error;
        }

    ProgressPrinter printer(scenario->max_score());
    options.progress = [&](const batch::GradeProgress& p) { printer(p); };

    if (::pipe2(interrupt_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        std::cerr << "sockgrade: pipe: " << std::strerror(errno) << "\n";
        return ExitStatus::error;
    }
    options.interrupt_fd = interrupt_pipe[0];
    struct sigaction stop {}, old_int {}, old_term {};
    stop.sa_handler = on_interrupt;
    sigemptyset(&stop.sa_mask);
    ::sigaction(SIGINT, &stop, &old_int);
    ::sigaction(SIGTERM, &stop, &old_term);

    auto summary = batch::grade_class(*scenario, args.dir, options);

    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    ::close(interrupt_pipe[0]);
    ::close(interrupt_pipe[1]);
    interrupt_pipe[0] = interrupt_pipe[1] = -1;
    printer.finish();

    for (const auto& problem : summary.problems) std::cerr << "sockgrade: " << problem << "\n";
    if (!summary.fatal.empty()) {
        std::cerr << "sockgrade: " << summary.fatal << "\n";
        return ExitStatus::error;
    }
    for (const auto& path : summary.write_failures) std::cerr << "sockgrade: could not write " << path << "\n";
    auto out = fs::absolute(args.out).lexically_normal().string();
    if (summary.interrupted) {
        std::cerr << fmt::format("sockgrade: interrupted: {} of {} submissions graded; the rest will be graded by the "
                                 "same command (graded ones are kept)\n",
                                 summary.graded + summary.skipped - 0, summary.students);
        std::cout << fmt::format("partial results in {}/gradebook.csv and {}/report.html\n", out, out);
        return 130;
    }
    std::cout << fmt::format("{} submissions: {} with full marks, {} not, {} grader errors{}\n", summary.students,
                             summary.full_marks, summary.not_full, summary.errors,
                             summary.skipped ? fmt::format(" ({} unchanged, not graded again)", summary.skipped) : "");
    std::cout << fmt::format("gradebook: {}/gradebook.csv\nreport:    {}/report.html\nfeedback:  {}/feedback/\n", out, out, out);
    if (summary.students == 0 && !options.shard) return ExitStatus::error;
    if (summary.errors > 0 || !summary.write_failures.empty()) return ExitStatus::error;
    return summary.not_full > 0 ? ExitStatus::failed : ExitStatus::passed;
}

int merge_command(const MergeArgs& args) {
    batch::FeedbackOptions feedback;
    feedback.lang = args.lang.empty() ? report::lang_from_env() : args.lang;
    feedback.student_view = !args.teacher_feedback;
    auto summary = batch::merge_outputs(args.outputs, args.out, feedback);
    for (const auto& warning : summary.warnings) std::cerr << "sockgrade: " << warning << "\n";
    for (const auto& error : summary.errors) std::cerr << "sockgrade: " << error << "\n";
    if (!summary.errors.empty()) return ExitStatus::error;
    for (const auto& path : summary.write_failures) std::cerr << "sockgrade: could not write " << path << "\n";
    auto out = fs::absolute(args.out).lexically_normal().string();
    std::cout << fmt::format("{} students from {} folders{}\ngradebook: {}/gradebook.csv\nreport:    {}/report.html\n",
                             summary.students, args.outputs.size(),
                             summary.missing ? fmt::format(" ({} not graded yet: a shard was interrupted)", summary.missing)
                                             : "",
                             out, out);
    if (!summary.write_failures.empty()) return ExitStatus::error;
    return summary.missing ? ExitStatus::error : ExitStatus::passed;
}

}  // namespace sockgrade::cli
