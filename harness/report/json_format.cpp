// `--format json`, the contract in design.md "Interfaces":
//   {"scenario", "passed", "score", "max_score", "flaky": [names],
//    "tests": [{"name", "passed", "points", "max_points", "message", "transcript": [...]}]}
// plus "title", "command", "seconds", "notes" at the top and "title", "hidden",
// "feedback", "where", "seconds", "runs", "passes" per test. Every key is
// always present (empty when the reader may not see it), so consumers can rely
// on the shape. Transcript entries are {"t", "party", "dir", "text"}.
//
// Also the wire form of a TestResult (to_wire/from_wire): lossless, both languages.
#include <stdexcept>

#include "report/base64.hpp"
#include "report/detail.hpp"

namespace sockgrade::report {

namespace detail {

namespace {

Json transcript_json(const std::vector<TranscriptEntry>& transcript) {
    Json entries = Json::array();
    for (const auto& entry : transcript)
        entries.push_back({{"t", json_seconds(entry.seconds)},
                           {"party", valid_utf8(entry.party)},
                           {"dir", std::string(1, entry.direction)},
                           {"text", valid_utf8(entry.text)}});
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
    json["transcript"] = shows_transcript(test, options) ? transcript_json(test.transcript) : Json::array();
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

// --- wire --------------------------------------------------------------------

namespace {

constexpr int wire_version = 1;

nlohmann::json wire_string(const std::string& text) {
    if (detail::is_valid_utf8(text)) return text;
    return {{"base64", base64_encode(text)}};
}

std::string string_from_wire(const nlohmann::json& json) {
    if (!json.is_object()) return json.get<std::string>();
    auto bytes = base64_decode(json.at("base64").get<std::string>());
    if (!bytes) throw std::invalid_argument("report::from_wire: bad base64 string");
    return *bytes;
}

nlohmann::json wire_text(const scenario::Text& text) {
    return {{"en", wire_string(text.en)}, {"pt", wire_string(text.pt)}};
}

scenario::Text text_from_wire(const nlohmann::json& json) {
    return {string_from_wire(json.at("en")), string_from_wire(json.at("pt"))};
}

}  // namespace

nlohmann::json to_wire(const runner::TestResult& test) {
    nlohmann::json transcript = nlohmann::json::array();
    for (const auto& entry : test.transcript)
        transcript.push_back({{"t", entry.seconds},
                              {"party", wire_string(entry.party)},
                              {"dir", std::string(1, entry.direction)},
                              {"text", wire_string(entry.text)}});
    return {{"version", wire_version},
            {"name", wire_string(test.name)},
            {"title", wire_text(test.title)},
            {"passed", test.passed},
            {"points", test.points},
            {"max_points", test.max_points},
            {"hidden", test.hidden},
            {"message", wire_text(test.message)},
            {"feedback", wire_text(test.feedback)},
            {"where", wire_string(test.where)},
            {"transcript", std::move(transcript)},
            {"seconds", test.seconds},
            {"runs", test.runs},
            {"passes", test.passes}};
}

runner::TestResult from_wire(const nlohmann::json& wire) {
    if (wire.at("version").get<int>() != wire_version)
        throw std::invalid_argument("report::from_wire: unknown wire version");
    runner::TestResult test;
    test.name = string_from_wire(wire.at("name"));
    test.title = text_from_wire(wire.at("title"));
    test.passed = wire.at("passed").get<bool>();
    test.points = wire.at("points").get<double>();
    test.max_points = wire.at("max_points").get<double>();
    test.hidden = wire.at("hidden").get<bool>();
    test.message = text_from_wire(wire.at("message"));
    test.feedback = text_from_wire(wire.at("feedback"));
    test.where = string_from_wire(wire.at("where"));
    for (const auto& json : wire.at("transcript")) {
        runner::TranscriptEntry entry;
        entry.seconds = json.at("t").get<double>();
        entry.party = string_from_wire(json.at("party"));
        const auto direction = json.at("dir").get<std::string>();
        if (direction.size() != 1) throw std::invalid_argument("report::from_wire: bad transcript direction");
        entry.direction = direction[0];
        entry.text = string_from_wire(json.at("text"));
        test.transcript.push_back(std::move(entry));
    }
    test.seconds = wire.at("seconds").get<double>();
    test.runs = wire.at("runs").get<int>();
    test.passes = wire.at("passes").get<int>();
    return test;
}

}  // namespace sockgrade::report
