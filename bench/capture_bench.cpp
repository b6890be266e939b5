// What packet captures cost (issue 11): a passing program graded with
// runner::run_scenario, in this process, four ways interleaved round by round:
//
//   off          no --capture: the baseline
//   off-again    the same again: how far two identical runs differ here (noise)
//   capture      --capture DIR: every test recorded, nothing kept (they pass)
//   capture-all  --capture DIR --capture-all: recorded and written
//
//   capture_bench [--rounds N] [--scenario FILE] [--program PATH] [--json]
//
// It also checks what each way writes: without --capture nothing at all (its
// TMPDIR stays empty), with --capture nothing for passing tests, with
// --capture-all one file per test. Exits 1 when a test fails or a check does.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

#include "runner/runner.hpp"
#include "scenario/loader.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sockgrade;
using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

std::size_t entries(const fs::path& dir) {
    std::error_code ec;
    std::size_t count = 0;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        ++count;
    return count;
}

std::string make_dir(const char* stem) {
    auto pattern = (fs::temp_directory_path() / (std::string(stem) + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) return {};
    fs::permissions(pattern, fs::perms::all);  // the program runs as nobody; its HOME goes in TMPDIR
    return pattern;
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 10;
    std::string scenario_file = SOCKGRADE_SOURCE_DIR "/scenarios/tcp-server.yaml";
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    std::string program = (exe.parent_path().parent_path() / "reference" / "tcp-server").string();
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--rounds" && i + 1 < argc) rounds = std::clamp(std::atoi(argv[++i]), 1, 1000);
        else if (arg == "--scenario" && i + 1 < argc) scenario_file = argv[++i];
        else if (arg == "--program" && i + 1 < argc) program = argv[++i];
        else if (arg == "--json") json = true;
        else {
            std::fprintf(stderr, "usage: capture_bench [--rounds N] [--scenario FILE] [--program PATH] [--json]\n");
            return 2;
        }
    }
    auto loaded = scenario::load_file(scenario_file);
    if (!loaded.ok()) {
        std::fprintf(stderr, "%s", scenario::format_errors(loaded.errors).c_str());
        return 2;
    }
    const auto& scenario = *loaded.scenario;

    // Captures go outside TMPDIR, so "nothing written" can be checked on TMPDIR alone.
    auto tmp = make_dir("sockgrade-capture-bench-tmp");
    auto captures = make_dir("sockgrade-capture-bench-out");
    if (tmp.empty() || captures.empty()) {
        std::perror("capture_bench: mkdtemp");
        return 2;
    }
    ::setenv("TMPDIR", tmp.c_str(), 1);

    const std::vector<std::string> names = {"off", "off-again", "capture", "capture-all"};
    std::map<std::string, std::vector<double>> ms_per_test;
    int failures = 0;
    std::size_t written_without_capture = 0, kept_by_capture = 0, kept_by_capture_all = 0;
    bool namespaces = true;
    std::size_t tests = 0;
    auto budget = Clock::now() + std::chrono::minutes(4);  // every loop bounded in time too

    auto run = [&](const std::string& name) {
        runner::RunOptions options;
        options.command = {program};
        options.cwd = tmp;
        auto dir = fs::path(captures) / name;
        if (name == "capture" || name == "capture-all") {
            fs::remove_all(dir, ec);
            options.capture_dir = dir.string();
            options.capture_all = name == "capture-all";
        }
        auto started = Clock::now();
        auto result = runner::run_scenario(scenario, options);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        tests = result.tests.size();
        ms_per_test[name].push_back(ms / static_cast<double>(std::max<std::size_t>(tests, 1)));
        for (const auto& test : result.tests)
            if (!test.passed) {
                ++failures;
                std::fprintf(stderr, "capture_bench: %s failed (%s): %s\n", test.name.c_str(), name.c_str(),
                             test.message.en.c_str());
            }
        for (const auto& note : result.notes)
            if (note.find("namespaces are not available") != std::string::npos) namespaces = false;
        if (name == "off" || name == "off-again") written_without_capture += entries(tmp);
        if (name == "capture") kept_by_capture += entries(dir);
        if (name == "capture-all") kept_by_capture_all = entries(dir);
    };

    for (const auto& name : names) run(name);  // one unmeasured round: page cache, loader, first namespaces
    ms_per_test.clear();
    written_without_capture = kept_by_capture = 0;
    int done = 0;
    for (; done < rounds && Clock::now() < budget; ++done)
        for (std::size_t k = 0; k < names.size(); ++k)  // rotated, so no way always goes first
            run(names[(k + static_cast<std::size_t>(done)) % names.size()]);

    fs::remove_all(tmp, ec);
    fs::remove_all(captures, ec);
    double off = percentile(ms_per_test["off"], 0.5);
    auto ratio = [&](const std::string& name) { return off > 0 ? percentile(ms_per_test[name], 0.5) / off : 0; };
    auto added = [&](const std::string& name) { return percentile(ms_per_test[name], 0.5) - off; };
    bool files_ok = written_without_capture == 0 && kept_by_capture == 0 && (kept_by_capture_all == tests || !namespaces);

    if (json) {
        std::printf("{\"scenario\": \"%s\", \"program\": \"%s\", \"rounds\": %d, \"tests\": %zu, \"namespaces\": %s, "
                    "\"failures\": %d",
                    scenario.name.c_str(), program.c_str(), done, tests, namespaces ? "true" : "false", failures);
        for (const auto& name : names)
            std::printf(", \"%s\": {\"p50_ms_per_test\": %.3f, \"p90_ms_per_test\": %.3f, \"ratio\": %.3f}", name.c_str(),
                        percentile(ms_per_test[name], 0.5), percentile(ms_per_test[name], 0.9), ratio(name));
        std::printf(", \"written_without_capture\": %zu, \"kept_by_capture\": %zu, \"kept_by_capture_all\": %zu}\n",
                    written_without_capture, kept_by_capture, kept_by_capture_all);
    } else {
        std::printf("capture cost: %d rounds of %s (%zu tests, all passing) against %s (%s)\n", done, scenario.name.c_str(),
                    tests, program.c_str(), namespaces ? "network namespaces" : "NO namespaces: nothing is captured");
        std::printf("  %-12s %14s %14s\n", "variant", "p50 ms/test", "p90 ms/test");
        for (const auto& name : names)
            std::printf("  %-12s %14.2f %14.2f\n", name.c_str(), percentile(ms_per_test[name], 0.5),
                        percentile(ms_per_test[name], 0.9));
        std::printf("  ratio off-again/off (p50): %.3fx (two identical runs: the noise here)\n", ratio("off-again"));
        std::printf("  ratio capture/off (p50): %.3fx (%+.2f ms a test)\n", ratio("capture"), added("capture"));
        std::printf("  ratio capture-all/off (p50): %.3fx (%+.2f ms a test)\n", ratio("capture-all"), added("capture-all"));
        std::printf("  files written: without --capture %zu, --capture of passing tests %zu, --capture-all %zu (of %zu tests)\n",
                    written_without_capture, kept_by_capture, kept_by_capture_all, tests);
        if (failures) std::printf("  %d test runs failed\n", failures);
        if (!files_ok) std::printf("  FILES NOT AS EXPECTED\n");
    }
    return failures == 0 && files_ok ? 0 : 1;
}
