#include "runner/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "runner/wire.hpp"
#include "sandbox/cpu_load.hpp"
#include "sandbox/sandbox.hpp"
#include "util/random.hpp"

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

// What a worker gave back, as a TestResult; a grader error (noted in summary) when it gave nothing usable.
TestResult result_of(sandbox::WorkerOutcome outcome, const scenario::Test& test, ScenarioResult& summary) {
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
    if (!result->isolation_note.empty() &&
        std::find(summary.notes.begin(), summary.notes.end(), result->isolation_note) == summary.notes.end())
        summary.notes.push_back(result->isolation_note);
    if (result->message.en.starts_with("grader error: ")) summary.errors.push_back(test.name + ": " + result->message.en);
    if (result->capture_note == capture_unavailable_note &&
        std::find(summary.notes.begin(), summary.notes.end(), result->capture_note) == summary.notes.end())
        summary.notes.push_back(result->capture_note);
    return std::move(*result);
}

// The runs of one test as one result: the first failing run is shown (with
// the first passing one beside it when the test is flaky), else the first run.
TestResult combine(std::vector<TestResult> runs, const scenario::Test& test) {
    std::optional<std::size_t> shown, passing;
    std::vector<int> failed;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        if (runs[r].passed) {
            if (!passing) passing = r;
        } else {
            failed.push_back(static_cast<int>(r) + 1);
            if (!shown) shown = r;
        }
    }
    TestResult result = std::move(runs[shown.value_or(0)]);
    result.runs = static_cast<int>(runs.size());
    result.passes = result.runs - static_cast<int>(failed.size());
    result.failed_runs = std::move(failed);
    // A test that passes only sometimes earns nothing: the grade must not depend on luck.
    result.passed = result.passes == result.runs;
    result.points = result.passed ? test.points : 0;
    if (result.flaky() && passing) {
        result.passing_run = runs[*passing].run;
        result.passing_seed = runs[*passing].seed;
        result.passing_transcript = std::move(runs[*passing].transcript);
    }
    return result;
}

}  // namespace

ScenarioResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options, const Progress& progress) {
    ScenarioResult summary;
    summary.scenario = scenario.name;
    summary.title = scenario.title;
    summary.stress = options.stress;
    for (const auto& word : options.command) summary.command += (summary.command.empty() ? "" : " ") + word;
    const std::uint64_t seed = options.seed.value_or(util::random_seed());
    summary.seed = seed;
    auto started = std::chrono::steady_clock::now();

    std::vector<const scenario::Test*> tests;
    for (const auto& test : scenario.tests)
        if (options.only.empty() || std::find(options.only.begin(), options.only.end(), test.name) != options.only.end())
            tests.push_back(&test);
    const int runs = std::max(1, options.repeat);

    sandbox::WorkerOptions worker;
    worker.host_port = options.port.value_or(scenario.program.port);
    // The worker's own limit: the test's, plus room to start and end everything.
    worker.timeout = std::chrono::milliseconds(
        static_cast<long>(static_cast<double>(scenario.limits.test.count()) * options.timeout_scale) + 10000);
    const auto cpu_limit = std::chrono::ceil<std::chrono::seconds>(worker.timeout);
    const int load_processes = sandbox::usable_cpus();

    // Every run of every test, in order: test k's run r is body k * runs + r.
    std::vector<sandbox::WorkerBody> bodies;
    for (const auto* test : tests) {
        for (int r = 0; r < runs; ++r) {
            const RunPlace place{false, r + 1, runs, seed + static_cast<std::uint64_t>(r)};
            bodies.push_back([&scenario, &options, test, place, cpu_limit,
                              load_processes](const sandbox::Isolation& isolation) {
                std::optional<sandbox::CpuLoad> load;
                if (options.stress) load.emplace(load_processes, cpu_limit);
                RunPlace here = place;
                here.own_network = isolation.namespaces;
                auto result = run_test_here(scenario, *test, options, here);
                load.reset();
                if (options.stress)
                    result.transcript.insert(
                        result.transcript.begin(),
                        {0, "grader", '*',
                         {fmt::format("--stress: {} busy processes at nice 19 load the CPUs", load_processes),
                          fmt::format("--stress: {} processos ocupados, com nice 19, carregam as CPUs", load_processes)}});
                if (!isolation.namespaces) {
                    result.transcript.insert(result.transcript.begin(), {0, "grader", '*', Text{isolation.note, {}}});
                    result.isolation_note = isolation.note;
                }
                return to_wire(result);
            });
        }
    }

    std::vector<std::vector<std::optional<TestResult>>> results(tests.size(), std::vector<std::optional<TestResult>>(runs));
    std::vector<int> finished(tests.size(), 0);
    std::size_t reported = 0;  // tests handed to progress, in order
    std::vector<std::optional<TestResult>> combined(tests.size());
    sandbox::run_in_workers(bodies, worker, options.jobs, [&](std::size_t index, sandbox::WorkerOutcome outcome) {
        const std::size_t k = index / static_cast<std::size_t>(runs);
        const int r = static_cast<int>(index % static_cast<std::size_t>(runs));
        auto result = result_of(std::move(outcome), *tests[k], summary);
        result.run = r + 1;
        result.seed = seed + static_cast<std::uint64_t>(r);
        results[k][static_cast<std::size_t>(r)] = std::move(result);
        if (++finished[k] < runs) return;
        std::vector<TestResult> all;
        for (auto& run : results[k]) all.push_back(std::move(*run));
        combined[k] = combine(std::move(all), *tests[k]);
        // Progress in the scenario's order, whichever test ended first.
        for (; reported < tests.size() && combined[reported]; ++reported)
            if (progress) progress(*combined[reported]);
    });

    for (std::size_t k = 0; k < tests.size(); ++k) {
        summary.max_score += tests[k]->points;
        summary.score += combined[k]->points;
        summary.tests.push_back(std::move(*combined[k]));
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace sockgrade::runner
