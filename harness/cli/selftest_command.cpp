// `sockgrade selftest`: proves the shipped scenarios. Every scenario must give
// its reference program full points, and every mutant (a reference with one
// realistic defect) must fail the tests named for that defect.
#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "runner/runner.hpp"

namespace sockgrade::cli {

namespace fs = std::filesystem;

namespace {

// Every shipped scenario and the reference program that must pass it: the six
// labs, and chat-server-robust (extra credit), which grades lab 5's server.
const std::vector<std::pair<std::string, std::string>> shipped_scenarios = {
    {"tcp-server", "tcp-server"}, {"tcp-client", "tcp-client"},   {"udp-server", "udp-server"},
    {"udp-client", "udp-client"}, {"chat-server", "chat-server"}, {"chat-client", "chat-client"},
    {"chat-server-robust", "chat-server"}};

struct Mutant {
    std::string name;
    std::string lab;
    std::string scenario;  // the scenario whose tests it must fail: its lab's, unless the manifest says another
    std::string defect;
    std::vector<std::string> must_fail;
};

std::optional<std::vector<Mutant>> read_manifest(const std::string& path, std::string& error) {
    std::vector<Mutant> mutants;
    try {
        auto root = YAML::LoadFile(path);
        for (const auto& item : root) {
            auto lab = item["lab"].as<std::string>();
            Mutant m{item["mutant"].as<std::string>(), lab, item["scenario"].as<std::string>(lab),
                     item["defect"].as<std::string>(""), item["must_fail"].as<std::vector<std::string>>()};
            mutants.push_back(std::move(m));
        }
    } catch (const YAML::Exception& e) {
        error = fmt::format("{}: {}", path, e.what());
        return std::nullopt;
    }
    return mutants;
}

std::string default_reference_dir() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("reference") : (exe.parent_path() / "reference").string();
}

std::string failed_tests(const runner::ScenarioResult& result) {
    std::string names;
    for (const auto& test : result.tests)
        if (!test.passed) names += (names.empty() ? "" : ", ") + test.name;
    return names.empty() ? "-" : names;
}

}  // namespace

void add_selftest_options(CLI::App& command, SelftestArgs& args) {
    command.add_option("labs", args.labs,
                       "only these scenarios (default: the six labs and chat-server-robust)");
    command.add_option("--reference-dir", args.reference_dir,
                       "where the built reference programs are (default: reference/ beside sockgrade)");
    command.add_option("--repeat", args.repeat, "runs of each test")->check(CLI::Range(1, 1000));
    command.add_flag("--verbose", args.verbose, "say why each failing test failed");
}

int selftest_command(const SelftestArgs& args) {
    auto reference_dir = args.reference_dir.empty() ? default_reference_dir() : args.reference_dir;
    if (!fs::exists(fs::path(reference_dir) / "tcp-server")) {
        std::cerr << fmt::format("sockgrade selftest: no reference programs in {} (build them, or pass --reference-dir)\n",
                                 reference_dir);
        return ExitStatus::error;
    }
    std::string error;
    auto manifest_path = std::string(SOCKGRADE_SOURCE_DIR) + "/reference/mutants/mutants.yaml";
    auto mutants = read_manifest(manifest_path, error);
    if (!mutants) {
        std::cerr << "sockgrade selftest: " << error << "\n";
        return ExitStatus::error;
    }
    std::vector<std::string> labs = args.labs;
    if (labs.empty())
        for (const auto& [scenario, reference] : shipped_scenarios) labs.push_back(scenario);

    bool all_as_expected = true;
    bool grader_error = false;
    auto started = std::chrono::steady_clock::now();
    std::cout << fmt::format("{:<19} {:<34} {:<8} {:<10} {}\n", "lab", "program", "expect", "verdict", "failed tests");
    for (const auto& lab : labs) {
        auto scenario = load_scenario(lab, language_of(""));
        if (!scenario) return ExitStatus::error;
        // A scenario of our own grades its lab's reference; any other is taken to share its name.
        std::string reference_program = lab;
        for (const auto& [name, reference] : shipped_scenarios)
            if (name == lab) reference_program = reference;
        auto grade = [&](const std::string& program, const std::vector<std::string>& only) {
            runner::RunOptions options;
            options.command = {program};
            options.cwd = fs::current_path().string();
            options.repeat = args.repeat;
            options.only = only;
            auto result = runner::run_scenario(*scenario, options);
            grader_error |= !result.errors.empty();
            return result;
        };

        auto reference = grade((fs::path(reference_dir) / reference_program).string(), {});
        bool reference_ok = reference.passed() && reference.score == reference.max_score && reference.errors.empty();
        all_as_expected &= reference_ok;
        std::cout << fmt::format("{:<19} {:<34} {:<8} {:<10} {}\n", lab, "reference", "pass",
                                 reference_ok ? "ok" : "WRONG", failed_tests(reference));
        if (args.verbose || !reference_ok)
            for (const auto& test : reference.tests)
                if (!test.passed) std::cout << fmt::format("    {}: {}\n", test.name, test.message.en);

        for (const auto& mutant : *mutants) {
            if (mutant.scenario != lab) continue;
            auto program = fs::path(reference_dir) / "mutants" / mutant.name;
            // Only the tests named for the defect: each must fail.
            auto result = grade(program.string(), mutant.must_fail);
            bool caught = result.tests.size() == mutant.must_fail.size() && result.errors.empty();
            for (const auto& test : result.tests) caught &= !test.passed;
            all_as_expected &= caught;
            auto short_name = mutant.name.substr(mutant.name.find("--") + 2);
            std::cout << fmt::format("{:<19} {:<34} {:<8} {:<10} {}\n", lab, "mutant " + short_name, "fail",
                                     caught ? "caught" : "MISSED", failed_tests(result));
            if (args.verbose || !caught)
                for (const auto& test : result.tests)
                    std::cout << fmt::format("    {} {}: {}\n", test.passed ? "passed" : "failed", test.name,
                                             test.passed ? std::string("(should have failed: ") + mutant.defect + ")"
                                                         : test.message.en);
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << fmt::format("\nselftest: {} in {:.1f} s\n", all_as_expected ? "every scenario proven" : "SOME RESULTS ARE WRONG",
                             seconds);
    if (grader_error) return ExitStatus::error;
    return all_as_expected ? ExitStatus::passed : ExitStatus::failed;
}

}  // namespace sockgrade::cli
