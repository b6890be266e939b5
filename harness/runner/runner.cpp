#include "runner/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "runner/wire.hpp"
#include "sandbox/sandbox.hpp"

namespace sockgrade::runner {

std::map<std::string, std::string> program_environment(const scenario::Scenario& scenario, const scenario::Test& test,
                                                       const RunOptions& options, const std::string& home, int port) {
    std::map<std::string, std::string> env;
    const char* path = std::getenv("PATH");
    env["PATH"] = path ? path : "/usr/local/bin:/usr/bin:/bin";
    env["HOME"] = home;
    env["LANG"] = "C.UTF-8";
    env["TERM"] = "dumb";
    env["PORT"] = std::to_string(port);
    // Toolchain managers need their own variables to find the interpreter the teacher chose.
    for (const char* name : {"PYENV_ROOT", "PYENV_VERSION", "JAVA_HOME"})
        if (const char* value = std::getenv(name)) env[name] = value;
    // A JVM commits 1/64 of the machine's RAM for its heap at start: past 32
    // times the memory limit that start alone would hit the limit, so tell it
    // how much memory it has (it says so on stderr: only on such machines).
    std::int64_t memory = scenario.limits.memory_bytes;
    std::int64_t ram = std::int64_t(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGE_SIZE);
    if (memory > 0 && ram / 32 > memory) env["JAVA_TOOL_OPTIONS"] = fmt::format("-XX:MaxRAM={}", memory);
    for (const auto& [key, value] : scenario.env) env[key] = value;
    for (const auto& [key, value] : test.env) env[key] = value;
    for (const auto& [key, value] : options.env) env[key] = value;
    return env;
}

std::string capture_file_name(const std::string& test, const RunPlace& place) {
    return place.runs > 1 ? fmt::format("{}.run{}.pcapng", test, place.run) : test + ".pcapng";
}

namespace {

TestResult run_once(const scenario::Scenario& scenario, const scenario::Test& test, const RunOptions& options,
                    RunPlace place, ScenarioResult& summary) {
    sandbox::WorkerOptions worker;
    int port = options.port.value_or(scenario.program.port);
    worker.host_port = port;
    // The worker's own limit: the test's, plus room to start and end everything.
    worker.timeout = std::chrono::milliseconds(
        static_cast<long>(static_cast<double>(scenario.limits.test.count()) * options.timeout_scale) + 10000);
    std::string note;
    auto outcome = sandbox::run_in_worker(
        [&](const sandbox::Isolation& isolation) {
            place.own_network = isolation.namespaces;
            auto result = run_test_here(scenario, test, options, place);
            if (!isolation.namespaces)
                result.transcript.insert(result.transcript.begin(), {0, "grader", '*', isolation.note});
            return to_wire(result);
        },
        worker);
    std::optional<TestResult> result;
    if (outcome.payload) result = from_wire(*outcome.payload);
    if (!result) {
        auto error = outcome.error.empty() ? std::string("the test worker sent an unreadable result") : outcome.error;
        summary.errors.push_back(fmt::format("{}: {}", test.name, error));
        TestResult failed;
        failed.name = test.name;
        failed.title = test.title;
        failed.hidden = test.hidden;
        failed.max_points = test.points;
        failed.message = {"grader error: " + error, "erro do corretor: " + error};
        return failed;
    }
    for (const auto& entry : result->transcript)
        if (entry.party == "grader" && entry.text.starts_with("network namespaces are not available") &&
            std::find(summary.notes.begin(), summary.notes.end(), entry.text) == summary.notes.end())
            summary.notes.push_back(entry.text);
    if (result->message.en.starts_with("grader error: ")) summary.errors.push_back(test.name + ": " + result->message.en);
    if (result->capture_note == capture_unavailable_note &&
        std::find(summary.notes.begin(), summary.notes.end(), result->capture_note) == summary.notes.end())
        summary.notes.push_back(result->capture_note);
    return *result;
}

}  // namespace

ScenarioResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options, const Progress& progress) {
    ScenarioResult summary;
    summary.scenario = scenario.name;
    summary.title = scenario.title;
    for (const auto& word : options.command) summary.command += (summary.command.empty() ? "" : " ") + word;
    auto started = std::chrono::steady_clock::now();
    for (const auto& test : scenario.tests) {
        if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), test.name) == options.only.end())
            continue;
        int runs = std::max(1, options.repeat);
        std::optional<TestResult> shown;  // the first failing run, else the first run
        int passes = 0;
        for (int run = 0; run < runs; ++run) {
            auto result = run_once(scenario, test, options, RunPlace{false, run + 1, runs}, summary);
            if (result.passed) ++passes;
            if (!shown || (shown->passed && !result.passed)) shown = std::move(result);
        }
        shown->runs = runs;
        shown->passes = passes;
        // A test that passes only sometimes earns nothing: the grade must not depend on luck.
        shown->passed = passes == runs;
        shown->points = shown->passed ? test.points : 0;
        summary.max_score += test.points;
        summary.score += shown->points;
        if (progress) progress(*shown);
        summary.tests.push_back(std::move(*shown));
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace sockgrade::runner
