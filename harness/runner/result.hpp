// What grading produced: plain data that report/ renders and batch/ stores.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "util/transcript.hpp"

namespace sockgrade::runner {

using scenario::Text;

using util::TranscriptEntry;

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
    double seconds = 0;     // wall time of the run
    // With --repeat: how many runs were made and how many passed.
    int runs = 1;
    int passes = 0;
    bool flaky() const { return passes > 0 && passes < runs; }
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
    // Failures of the grader itself (not the student's): the CLI exits 2.
    std::vector<std::string> errors;
    bool passed() const {
        for (const auto& t : tests)
            if (!t.passed) return false;
        return true;
    }
};

}  // namespace sockgrade::runner
