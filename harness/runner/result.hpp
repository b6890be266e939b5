// What grading produced: plain data that report/ renders and batch/ stores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "util/transcript.hpp"

namespace sockgrade::runner {

using scenario::Text;

using util::TranscriptEntry;

// Where the expectation that failed was due, for pictures: whose it was and
// when, in seconds since the test started (the transcript's clock).
struct FailedAt {
    std::string party;  // "B", "stdout", "program"
    double since = 0;   // when the step began
    double due = 0;     // its deadline (the moment it failed, for checks that do not wait)
    double at = 0;      // when the failure was known: `due` for a wait that ran out
};

// A test's capture_note when captures were asked for but tests ran on the
// host network; the report says it once.
inline constexpr const char* capture_unavailable_note =
    "no packet capture: network namespaces are not available here, and sockgrade does not record the host's traffic";

struct TestResult {
    std::string name;
    Text title;
    bool passed = false;
    double points = 0;      // points earned
    double max_points = 0;
    bool hidden = false;
    Text message;           // one sentence: why it failed (or what passed)
    Text feedback;          // the scenario's advice for this test, set when it failed
    std::string where;      // "file:line" of the step that failed, for teachers
    std::vector<TranscriptEntry> transcript;
    std::optional<FailedAt> failed_at;  // set when a step (or the set-up) failed
    std::string capture;        // the packet capture kept of this run (--capture), empty if none
    std::string capture_note;   // what the capture left out, or why there is none
    std::string isolation_note; // why this test ran on the host network (no namespaces), said once in the report
    std::string diagram;        // the sequence diagram written for this test (--diagram), set by cli
    double seconds = 0;     // wall time of the run
    // With --repeat: how many runs were made and how many passed.
    int runs = 1;
    int passes = 0;
    bool flaky() const { return passes > 0 && passes < runs; }
    // Which run this is (1-based: the first failing one, else the first) and
    // its seed: `--seed <seed>` replays it as a first run.
    int run = 1;
    std::uint64_t seed = 0;
    std::vector<int> failed_runs;  // 1-based, in order
    // When flaky: the first passing run, to read next to the failing one.
    int passing_run = 0;           // 0: none shown
    std::uint64_t passing_seed = 0;
    std::vector<TranscriptEntry> passing_transcript;
};

struct ScenarioResult {
    std::string scenario;
    Text title;
    std::string command;     // the program that was graded, as given
    std::vector<TestResult> tests;
    double score = 0;
    double max_score = 0;
    double seconds = 0;
    std::vector<std::string> notes;  // e.g. "network namespaces unavailable: ..."
    std::optional<std::uint64_t> seed;  // of the first run; run r used seed + r - 1
    bool stress = false;             // the runs had the CPUs loaded (--stress)
    // Failures of the grader itself (not the student's): the CLI exits 2.
    std::vector<std::string> errors;
    bool passed() const {
        for (const auto& t : tests)
            if (!t.passed) return false;
        return true;
    }
};

}  // namespace sockgrade::runner
