#include "runner/wire.hpp"

#include <nlohmann/json.hpp>

namespace sockgrade::runner {

using nlohmann::json;

namespace {
TestResult read(const json& j);
json text(const Text& t) { return {{"en", t.en}, {"pt", t.pt}}; }
Text text(const json& j) { return {j.value("en", ""), j.value("pt", "")}; }

json entries(const std::vector<TranscriptEntry>& transcript) {
    json out = json::array();
    for (const auto& e : transcript) {
        json entry = {{"t", e.seconds}, {"party", e.party}, {"dir", std::string(1, e.direction)}, {"text", e.text.en}};
        // Only for an event with words of its own in Portuguese: data and results stored earlier read the same.
        if (!e.text.pt.empty()) entry["text_pt"] = e.text.pt;
        if (e.mark != util::Mark::none) entry["mark"] = util::mark_name(e.mark);
        out.push_back(std::move(entry));
    }
    return out;
}
std::vector<TranscriptEntry> entries(const json& j) {
    std::vector<TranscriptEntry> out;
    for (const auto& e : j) {
        auto dir = e.value("dir", std::string("*"));
        auto mark = util::parse_mark(e.value("mark", std::string()));
        out.push_back({e.value("t", 0.0), e.value("party", ""), dir.empty() ? '*' : dir[0],
                       Text{e.value("text", ""), e.value("text_pt", "")}, mark.value_or(util::Mark::none)});
    }
    return out;
}
}  // namespace

std::string to_wire(const TestResult& r) {
    json transcript = entries(r.transcript);
    json j = {{"name", r.name},         {"title", text(r.title)},       {"passed", r.passed},
              {"points", r.points},     {"max_points", r.max_points},   {"hidden", r.hidden},
              {"message", text(r.message)}, {"feedback", text(r.feedback)}, {"where", r.where},
              {"seconds", r.seconds},   {"runs", r.runs},               {"passes", r.passes},
              {"transcript", transcript}, {"run", r.run},                {"seed", r.seed},
              {"failed_runs", r.failed_runs}};
    if (r.passing_run > 0) {
        j["passing_run"] = r.passing_run;
        j["passing_seed"] = r.passing_seed;
        j["passing_transcript"] = entries(r.passing_transcript);
    }
    if (r.failed_at)
        j["failed_at"] = {{"party", r.failed_at->party}, {"since", r.failed_at->since}, {"due", r.failed_at->due},
                          {"at", r.failed_at->at}};
    // Written only when set, so results stored by earlier versions read the same.
    if (!r.capture.empty()) j["capture"] = r.capture;
    if (!r.capture_note.empty()) j["capture_note"] = r.capture_note;
    if (!r.isolation_note.empty()) j["isolation_note"] = r.isolation_note;
    if (!r.diagram.empty()) j["diagram"] = r.diagram;
    // Program output may hold any bytes; replace what is not UTF-8 rather than fail.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<TestResult> from_wire(const std::string& bytes) {
    json j = json::parse(bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        return read(j);
    } catch (const json::exception&) {
        return std::nullopt;  // a field of the wrong type: not what to_wire made
    }
}

namespace {
TestResult read(const json& j) {
    TestResult r;
    r.name = j.value("name", "");
    r.title = text(j.value("title", json::object()));
    r.passed = j.value("passed", false);
    r.points = j.value("points", 0.0);
    r.max_points = j.value("max_points", 0.0);
    r.hidden = j.value("hidden", false);
    r.message = text(j.value("message", json::object()));
    r.feedback = text(j.value("feedback", json::object()));
    r.where = j.value("where", "");
    r.seconds = j.value("seconds", 0.0);
    r.runs = j.value("runs", 1);
    r.passes = j.value("passes", 0);
    r.transcript = entries(j.value("transcript", json::array()));
    r.run = j.value("run", 1);
    r.seed = j.value("seed", std::uint64_t{0});
    r.failed_runs = j.value("failed_runs", std::vector<int>{});
    r.passing_run = j.value("passing_run", 0);
    r.passing_seed = j.value("passing_seed", std::uint64_t{0});
    r.passing_transcript = entries(j.value("passing_transcript", json::array()));
    if (auto at = j.find("failed_at"); at != j.end() && at->is_object())
        r.failed_at = FailedAt{at->value("party", ""), at->value("since", 0.0), at->value("due", 0.0), at->value("at", 0.0)};
    r.capture = j.value("capture", "");
    r.capture_note = j.value("capture_note", "");
    r.isolation_note = j.value("isolation_note", "");
    r.diagram = j.value("diagram", "");
    return r;
}
}  // namespace

}  // namespace sockgrade::runner
