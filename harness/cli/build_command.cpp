// `sockgrade build DIR LINE`: a build line run as `grade` runs a submission's
// build (its jail, its own user, the build limits), for CI templates that
// build a submission before `sockgrade run`: a hostile Makefile then sees
// only DIR, never the grader's files.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "batch/files.hpp"
#include "batch/grade.hpp"
#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "sandbox/sandbox.hpp"

namespace sockgrade::cli {

namespace fs = std::filesystem;

void add_build_options(CLI::App& command, BuildArgs& args) {
    command.add_option("dir", args.dir, "the folder to build in (a copy of the submission: the build may write there)")
        ->required()
        ->check(CLI::ExistingDirectory);
    command.add_option("line", args.line, "the build's shell line, e.g. 'make' or 'javac *.java'")->required();
    command.add_option("--timeout", args.timeout_seconds, "seconds the build may take (default 300)")
        ->check(CLI::Range(1, 3600));
    command.footer(
        "The build sees DIR (writable), the system's folders and toolchains (read-only), a private /tmp and HOME, "
        "and nothing else; as root it runs as a user of its own, which then owns DIR.\n"
        "Exit status: 0 built; 1 the build failed or ran out of time; 2 it could not be run.");
}

int build_command(const BuildArgs& args) {
    const auto dir = fs::absolute(args.dir).lexically_normal().string();
    // The build's user must be able to write what is there already.
    if (auto credentials = sandbox::program_credentials()) batch::chown_tree(dir, credentials->uid, credentials->gid);
    auto outcome = batch::build_in_sandbox(args.line, dir, {}, std::chrono::seconds(args.timeout_seconds));
    std::cout << outcome.output << std::flush;
    if (outcome.dropped > 0) std::cout << fmt::format("\n[{} more bytes of output not kept]\n", outcome.dropped);
    if (!outcome.started) {
        std::cerr << "sockgrade build: the build could not be run: " << outcome.describe() << "\n";
        return ExitStatus::error;
    }
    if (!outcome.ok()) {
        std::cerr << "sockgrade build: the build " << outcome.describe() << "\n";
        return ExitStatus::failed;
    }
    return ExitStatus::passed;
}

}  // namespace sockgrade::cli
