// `--format json`, sockgrade's own report (docs/ci.md lists its fields):
//   {"scenario", "passed", "score", "max_score", "flaky": [names],
//    "tests": [{"name", "passed", "points", "max_points", "message", "transcript": [...]}]}
// plus "title", "command", "seconds", "notes" at the top and "title", "hidden",
// "feedback", "where", "seconds", "runs", "passes" per test; "seed" (of the
// first run; null when unknown) and "stress" at the top, and per test "run"
// (which run is shown: the first failing one), its "seed", "failed_runs", and
// for a flaky test "passing_run" with "passing_transcript" (else 0 and []). Every key is
// always present (empty when the reader may not see it), so consumers can rely
// on the shape. Transcript entries are {"t", "party", "dir", "text"}.
//
#include <stdexcept>

#include "report/base64.hpp"
#include "report/detail.hpp"

namespace sockgrade::report {

namespace detail {

namespace {

// Events in the report's language, as "message" is; "party" stays the name a script matches.
Json transcript_json(const std::vector<TranscriptEntry>& transcript, const std::string& lang) {
    Json entries = Json::array();
    for (const auto& entry : transcript)
        entries.push_back({{"t", json_seconds(entry.seconds)},
                           {"party", valid_utf8(entry.party)},
                           {"dir", std::string(1, entry.direction)},
                           {"text", valid_utf8(entry.text.in(lang))}});
    return entries;
}

}  // namespace

Json test_json(const TestResult& test, const Options& options) {
    const bool hide = hides_detail(test, options);
    const auto shown = [&](const std::string& text) { return hide ? std::string() : valid_utf8(text); };
    Json json;
    json["name"] = valid_utf8(test.name);
    json["title"] = shown(test.title.in(options.lang));
    json["passed"] = test.passed;
    json["hidden"] = test.hidden;
    json["points"] = json_number(test.points);
    json["max_points"] = json_number(test.max_points);
    json["seconds"] = json_seconds(test.seconds);
    json["runs"] = test.runs;
    json["passes"] = test.passes;
    json["message"] = shown(test.message.in(options.lang));
    json["feedback"] = shown(test.feedback.in(options.lang));
    json["where"] = visible_where(test, options);
    json["transcript"] = shows_transcript(test, options) ? transcript_json(test.transcript, options.lang) : Json::array();
    json["run"] = test.run;
    json["seed"] = test.seed;
    json["failed_runs"] = test.failed_runs;
    json["passing_run"] = test.passing_run;
    json["passing_transcript"] =
        shows_transcript(test, options) ? transcript_json(test.passing_transcript, options.lang) : Json::array();
    // Only when there are pictures, so reports without them keep their shape.
    if (!hide) {
        if (!test.diagram.empty()) json["diagram"] = valid_utf8(test.diagram);
        if (!test.capture.empty()) json["capture"] = valid_utf8(test.capture);
        if (!test.capture_note.empty()) json["capture_note"] = valid_utf8(test.capture_note);
    }
    return json;
}

std::string render_json(const ScenarioResult& result, const Options& options) {
    Json json;
    json["scenario"] = valid_utf8(result.scenario);
    json["title"] = valid_utf8(result.title.in(options.lang));
    json["command"] = valid_utf8(result.command);
    json["passed"] = result.passed();
    json["score"] = json_number(result.score);
    json["max_score"] = json_number(result.max_score);
    json["seconds"] = json_seconds(result.seconds);
    json["flaky"] = flaky_names(result);
    json["seed"] = result.seed ? Json(*result.seed) : Json(nullptr);
    json["stress"] = result.stress;
    json["notes"] = Json::array();
    for (const auto& note : result.notes) json["notes"].push_back(valid_utf8(note));
    json["tests"] = Json::array();
    for (const auto& test : result.tests) json["tests"].push_back(test_json(test, options));
    return dump_json(json, 2) + "\n";
}

}  // namespace detail

nlohmann::json to_json(const runner::TestResult& test, const std::string& lang) {
    Options options;
    options.lang = lang;
    return nlohmann::json(detail::test_json(test, options));
}

}  // namespace sockgrade::report
