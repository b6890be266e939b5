#include "cli/cli.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string_view>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"

namespace sockgrade::cli {

int main(int argc, char** argv) {
    // A peer that vanishes must be an error code on a socket, never the grader's death.
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app{"sockgrade: grades socket programs (TCP/UDP labs) against YAML scenarios"};
    app.set_version_flag("--version", SOCKGRADE_VERSION);
    app.require_subcommand(1);
    app.footer("Exit status: 0 every check passed, 1 some check failed, 2 usage, scenario or grader error.\n"
               "Docs: docs/scenarios.md (writing scenarios), README.md (tour).");

    RunArgs run;
    auto* run_cmd = app.add_subcommand("run", "grade one program against a scenario");
    add_run_options(*run_cmd, run);

    std::vector<std::string> validate_files;
    auto* validate_cmd = app.add_subcommand("validate", "check scenario files; errors as file:line:col");
    validate_cmd->add_option("scenarios", validate_files, "scenario files or names")->required();

    SelftestArgs selftest;
    auto* selftest_cmd = app.add_subcommand("selftest", "scenarios vs reference programs (must pass) and mutants (must fail)");
    add_selftest_options(*selftest_cmd, selftest);

    CheckArgs check;
    auto* check_cmd = app.add_subcommand("check", "grade the program in a folder: its .sockgrade.yaml, or the lab and program guessed from its files (student self-check)");
    add_check_options(*check_cmd, check);

    GradeArgs grade;
    auto* grade_cmd = app.add_subcommand("grade", "grade every submission folder in DIR (teacher mode): gradebook.csv, report.html, feedback/");
    add_grade_options(*grade_cmd, grade);

    MergeArgs merge;
    auto* merge_cmd = app.add_subcommand("merge", "join the outputs of `grade --shard K/N` runs into one gradebook and report");
    add_merge_options(*merge_cmd, merge);

    BuildArgs build;
    auto* build_cmd = app.add_subcommand("build", "run a build line in DIR in the sandbox a submission's build gets (for CI templates)");
    add_build_options(*build_cmd, build);

    // Everything after the first "--" is the program's command line, untouched
    // (CLI11 would still read "-c" in "-- sh -c '...'" as an option).
    int cli_argc = argc;
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == "--") {
            cli_argc = i;
            run.command.assign(argv + i + 1, argv + argc);
            break;
        }

    try {
        app.parse(cli_argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? ExitStatus::passed : ExitStatus::error;
    }

    if (*run_cmd) {
        if (run.command.empty()) {
            const bool portuguese = language_of(run.lang) == "pt";
            std::cerr << (portuguese ? "sockgrade run: nenhum programa para avaliar: dê a linha de comando dele depois de --, "
                                       "por exemplo:\n"
                                     : "sockgrade run: no program to grade: give its command line after --, e.g.\n")
                      << "  sockgrade run chat-server -- python3 servidor.py\n";
            return ExitStatus::error;
        }
        return run_command(run);
    }
    if (*validate_cmd) return validate_command(validate_files);
    if (*selftest_cmd) return selftest_command(selftest);
    if (*check_cmd) return check_command(check);
    if (*grade_cmd) return grade_command(grade);
    if (*merge_cmd) return merge_command(merge);
    if (*build_cmd) return build_command(build);
    return ExitStatus::error;
}

}  // namespace sockgrade::cli
