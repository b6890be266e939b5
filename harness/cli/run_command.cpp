#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "report/report.hpp"
#include "runner/runner.hpp"
#include "sandbox/sandbox.hpp"
#include "scenario/loader.hpp"
#include "util/did_you_mean.hpp"

namespace sockgrade::cli {

namespace fs = std::filesystem;

std::vector<std::string> scenario_search_dirs() {
    std::vector<std::string> dirs;
    if (const char* extra = std::getenv("SOCKGRADE_SCENARIOS")) dirs.emplace_back(extra);
    dirs.emplace_back("scenarios");
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back((exe.parent_path() / "../share/sockgrade/scenarios").string());
        dirs.push_back((exe.parent_path() / "scenarios").string());
    }
    dirs.emplace_back(SOCKGRADE_SOURCE_DIR "/scenarios");
    return dirs;
}

std::optional<scenario::Scenario> load_scenario(const std::string& name_or_path, const std::string& lang) {
    auto path = scenario::find_scenario(name_or_path, scenario_search_dirs());
    if (!path) {
        util::Text error{fmt::format("no scenario '{}' (not a file, nor a shipped scenario name)", name_or_path),
                         fmt::format("não há cenário '{}' (não é um arquivo nem o nome de um cenário do sockgrade)",
                                     name_or_path)};
        auto names = scenario::scenario_names(scenario_search_dirs());
        if (auto meant = util::closest_match(name_or_path, names)) {
            error.en += fmt::format("; did you mean '{}'?", *meant);
            error.pt += fmt::format("; você quis dizer '{}'?", *meant);
        } else if (!names.empty()) {
            error.en += fmt::format("; the scenarios: {}", fmt::join(names, ", "));
            error.pt += fmt::format("; os cenários: {}", fmt::join(names, ", "));
        }
        print_error(lang, error);
        return std::nullopt;
    }
    auto loaded = scenario::load_file(*path);
    if (!loaded.ok()) {
        std::cerr << scenario::format_errors(loaded.errors);
        return std::nullopt;
    }
    return std::move(loaded.scenario);
}

void add_replay_options(CLI::App& command, std::optional<std::uint64_t>& seed, std::vector<std::string>& only,
                        double& timeout_scale) {
    command.add_option("--seed", seed,
                       "seed of the faults and nonces: run r of each test uses SEED + r - 1 (default: a fresh "
                       "seed, printed in the report so the run can be replayed)");
    command.add_option("--only", only, "run only this test (may be repeated)")->allow_extra_args(false);
    command.add_option("--timeout-scale", timeout_scale, "multiply every deadline, for slow machines")
        ->check(CLI::Range(0.1, 100.0));
}

util::Text unknown_test_error(const scenario::Scenario& scenario, const std::vector<std::string>& only) {
    for (const auto& name : only) {
        bool known = false;
        for (const auto& test : scenario.tests) known |= test.name == name;
        if (known) continue;
        std::string names;
        for (const auto& test : scenario.tests) names += (names.empty() ? "" : ", ") + test.name;
        return {fmt::format("no test '{}' in {} (tests: {})", name, scenario.name, names),
                fmt::format("não há teste '{}' em {} (testes: {})", name, scenario.name, names)};
    }
    return {};
}

void add_run_options(CLI::App& command, RunArgs& args) {
    command.add_option("scenario", args.scenario, "scenario file, or a shipped scenario's name (e.g. chat-server)")
        ->required();
    command.add_option("command", args.command, "the program to grade, after --");
    command.add_option("--port", args.port, "the port the program uses (default: the scenario's)")
        ->check(CLI::Range(1, 65535));
    command.add_option("--format", args.formats, "text (default), json, junit, gradescope, classroom, github, markdown; "
                                                 "may be given more than once")
        ->take_all()
        ->allow_extra_args(false);
    command.add_option("--output", args.outputs, "write the report of the matching --format to this file")
        ->take_all()
        ->allow_extra_args(false);
    command.add_option("--lang", args.lang, "feedback language: en or pt (default: from LANG)")
        ->check(CLI::IsMember({"en", "pt"}));
    command.add_option("--repeat", args.repeat, "run every test N times; tests that pass only sometimes are flaky")
        ->check(CLI::Range(1, 1000));
    add_replay_options(command, args.seed, args.only, args.timeout_scale);
    command.add_option("--jobs", args.jobs, "test runs at once (with --repeat), each in its own sandbox")
        ->check(CLI::Range(1, 64));
    command.add_flag("--stress", args.stress,
                     "load every CPU with busy low-priority processes while each test runs, so races show");
    command.add_option("--dir", args.dir, "the program's working folder (default: the current one); it sees it read-only");
    command.add_option("--writable", args.writable,
                       "a folder the program may write, shown at its own path (may be repeated; by default it may "
                       "write only its private /tmp and HOME)")
        ->check(CLI::ExistingDirectory)
        ->allow_extra_args(false);  // one folder each time: the scenario follows
    command.add_option("--env", args.env, "add KEY=VALUE to the program's environment (may be repeated)")
        ->allow_extra_args(false);
    command.add_option("--user", args.user, "one user every program runs as when sockgrade is root (default: a user and group of its own for the run)");
    command.add_flag("--student", args.student, "student view: hidden tests show only pass or fail");
    add_picture_options(command, args.capture_dir, args.capture_all, args.diagram_dir);
}

namespace {

bool write_file_atomically(const std::string& path, const std::string& text) {
    auto temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary);
        out << text;
        if (!out) return false;
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    return !ec;
}

}  // namespace

int run_command(const RunArgs& args) {
    const std::string lang = language_of(args.lang);
    auto scenario = load_scenario(args.scenario, lang);
    if (!scenario) return ExitStatus::error;

    std::vector<report::Format> formats;
    for (const auto& name : args.formats.empty() ? std::vector<std::string>{"text"} : args.formats) {
        auto format = report::parse_format(name);
        if (!format) {
            constexpr const char* known = "text, json, junit, gradescope, classroom, github, markdown";
            print_error(lang, {fmt::format("unknown format '{}' ({})", name, known),
                               fmt::format("formato desconhecido '{}' ({})", name, known)});
            return ExitStatus::error;
        }
        formats.push_back(*format);
    }
    if (args.outputs.size() > formats.size()) {
        print_error(lang, {"more --output than --format options: each --output goes with one --format, in order",
                           "mais opções --output do que --format: cada --output acompanha um --format, na ordem"});
        return ExitStatus::error;
    }
    if (auto error = unknown_test_error(*scenario, args.only); !error.en.empty()) {
        print_error(lang, error);
        return ExitStatus::error;
    }
    if (!args.user.empty())
        if (auto error = sandbox::set_program_user(args.user)) {
            std::cerr << "sockgrade: --user: " << *error << "\n";
            return ExitStatus::error;
        }

    auto folders = prepare_picture_folders(args.capture_dir, args.diagram_dir, lang);
    if (!folders) return ExitStatus::error;

    runner::RunOptions options;
    options.capture_dir = folders->capture;
    options.capture_all = args.capture_all;
    options.command = args.command;
    options.cwd = args.dir.empty() ? fs::current_path().string() : fs::absolute(args.dir).string();
    for (const auto& dir : args.writable) options.writable_paths.push_back(fs::absolute(dir).lexically_normal().string());
    options.port = args.port;
    options.timeout_scale = args.timeout_scale;
    options.repeat = args.repeat;
    options.seed = args.seed;
    options.jobs = args.jobs;
    options.stress = args.stress;
    options.only = args.only;
    for (const auto& pair : args.env) {
        auto equals = pair.find('=');
        if (equals == std::string::npos || equals == 0) {
            print_error(lang, {fmt::format("--env wants KEY=VALUE, got '{}'", pair),
                               fmt::format("--env espera CHAVE=VALOR, mas recebeu '{}'", pair)});
            return ExitStatus::error;
        }
        options.env[pair.substr(0, equals)] = pair.substr(equals + 1);
    }

    report::Options view;
    view.lang = lang;
    view.student_view = args.student;

    bool progress = ::isatty(STDERR_FILENO);
    auto result = runner::run_scenario(*scenario, options, [&](const runner::TestResult& test) {
        if (progress) std::cerr << fmt::format("  {} {}\n", test.passed ? "ok  " : "FAIL", test.name);
    });
    drop_hidden_captures(result, view.student_view);
    if (!folders->diagram.empty())
        for (const auto& path : write_diagrams(result, folders->diagram, view.lang, view.student_view))
            result.errors.push_back(fmt::format("could not write {}", path));

    bool text_on_terminal = false;
    for (std::size_t i = 0; i < formats.size(); ++i) {
        bool to_file = i < args.outputs.size();
        report::Options this_view = view;
        this_view.colour = !to_file && formats[i] == report::Format::text && report::colour_wanted(STDOUT_FILENO);
        auto text = report::render(result, formats[i], this_view);
        if (to_file) {
            if (!write_file_atomically(args.outputs[i], text)) {
                print_error(lang, {fmt::format("could not write {}", args.outputs[i]),
                                   fmt::format("não foi possível escrever {}", args.outputs[i])});
                return ExitStatus::error;
            }
        } else {
            std::cout << text;
            text_on_terminal |= formats[i] == report::Format::text;
        }
    }
    // Text still goes to the terminal when every report went to a file.
    if (!text_on_terminal && args.outputs.size() == formats.size()) {
        view.colour = report::colour_wanted(STDOUT_FILENO);
        std::cout << report::render(result, report::Format::text, view);
    }
    std::cout.flush();
    if (!result.errors.empty()) {
        for (const auto& error : result.errors) print_error(lang, {"grader error: " + error, "erro do corretor: " + error});
        return ExitStatus::error;
    }
    return result.passed() ? ExitStatus::passed : ExitStatus::failed;
}

int validate_command(const std::vector<std::string>& files) {
    bool all_ok = true;
    for (const auto& name : files) {
        auto path = scenario::find_scenario(name, scenario_search_dirs());
        auto loaded = scenario::load_file(path.value_or(name));
        if (loaded.ok()) {
            std::cout << fmt::format("{}: ok ({} tests, {} points)\n", path.value_or(name), loaded.scenario->tests.size(),
                                     loaded.scenario->max_score());
        } else {
            all_ok = false;
            std::cerr << scenario::format_errors(loaded.errors);
        }
    }
    return all_ok ? ExitStatus::passed : ExitStatus::error;
}

}  // namespace sockgrade::cli
