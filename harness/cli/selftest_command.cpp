#include <iostream>

#include "cli/cli.hpp"
#include "cli/commands.hpp"

namespace sockgrade::cli {

void add_selftest_options(CLI::App& command, SelftestArgs& args) {
    command.add_option("labs", args.labs, "only these labs (default: all six)");
    command.add_option("--reference-dir", args.reference_dir, "where the built reference programs are");
    command.add_option("--repeat", args.repeat, "runs of each test")->check(CLI::Range(1, 1000));
    command.add_flag("--verbose", args.verbose, "print every report");
}

int selftest_command(const SelftestArgs&) {
    std::cerr << "sockgrade selftest: not built yet\n";
    return ExitStatus::error;
}

}  // namespace sockgrade::cli
