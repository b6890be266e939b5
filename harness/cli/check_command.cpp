// `sockgrade check [DIR]`: a student grades their own folder before handing in.
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "batch/submission.hpp"
#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "report/report.hpp"
#include "runner/runner.hpp"

namespace sockgrade::cli {

void add_check_options(CLI::App& command, CheckArgs& args) {
    command.add_option("dir", args.dir, "the folder with the program and its .sockgrade.yaml (default: here)");
    command.add_option("--lang", args.lang, "feedback language: en or pt (default: from LANG)")
        ->check(CLI::IsMember({"en", "pt"}));
    command.add_flag("--teacher", args.teacher, "show the detail of hidden tests too");
    add_picture_options(command, args.capture_dir, args.capture_all, args.diagram_dir);
}

int check_command(const CheckArgs& args) {
    const std::string lang = language_of(args.lang);
    util::Text error;
    auto config = batch::load_submission_config(args.dir, error);
    if (!config) {
        print_error(lang, error);
        return ExitStatus::error;
    }
    auto scenario = load_scenario(config->lab, lang);
    if (!scenario) return ExitStatus::error;
    if (!config->build.empty()) {
        print_error(lang, {"'build' in .sockgrade.yaml is not supported by `check` yet; build first, then check",
                           "'build' no .sockgrade.yaml ainda não é aceito pelo `check`; compile antes, depois rode o check"});
        return ExitStatus::error;
    }

    std::string capture_dir, diagram_dir;
    util::Text folder_error;
    if (!args.capture_dir.empty()) capture_dir = prepare_folder(args.capture_dir, "--capture", folder_error).value_or("");
    if (folder_error.empty() && !args.diagram_dir.empty())
        diagram_dir = prepare_folder(args.diagram_dir, "--diagram", folder_error).value_or("");
    if (!folder_error.empty()) {
        print_error(lang, folder_error);
        return ExitStatus::error;
    }

    runner::RunOptions options;
    options.capture_dir = capture_dir;
    options.capture_all = args.capture_all;
    options.command = batch::shell_command(config->run);
    options.cwd = config->dir;
    options.port = config->port;
    report::Options view;
    view.lang = lang;
    view.student_view = !args.teacher;
    view.colour = report::colour_wanted(STDOUT_FILENO);

    auto result = runner::run_scenario(*scenario, options);
    // The report prints this line as it is: it is said in the reader's language here.
    result.command = util::Text{fmt::format("{} (in {})", config->run, config->dir),
                                fmt::format("{} (em {})", config->run, config->dir)}
                         .in(lang);
    drop_hidden_captures(result, view.student_view);
    if (!diagram_dir.empty())
        for (const auto& path : write_diagrams(result, diagram_dir, view.lang, view.student_view))
            result.errors.push_back(fmt::format("could not write {}", path));
    std::cout << report::render(result, report::Format::text, view);
    if (!result.errors.empty()) {
        for (const auto& e : result.errors) print_error(lang, {"grader error: " + e, "erro do corretor: " + e});
        return ExitStatus::error;
    }
    return result.passed() ? ExitStatus::passed : ExitStatus::failed;
}

}  // namespace sockgrade::cli
