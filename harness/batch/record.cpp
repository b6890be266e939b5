#include "batch/record.hpp"

#include <stdexcept>

#include "runner/wire.hpp"

namespace sockgrade::batch {

using nlohmann::json;

namespace {

constexpr int record_version = 1;

json text_json(const scenario::Text& text) { return {{"en", text.en}, {"pt", text.pt}}; }
scenario::Text text_from(const json& j) { return {j.value("en", ""), j.value("pt", "")}; }

json result_json(const runner::ScenarioResult& result) {
    json tests = json::array();
    // Each test as runner/wire.hpp carries it out of a sandbox worker (a JSON object).
    for (const auto& test : result.tests) tests.push_back(json::parse(runner::to_wire(test)));
    return {{"scenario", result.scenario}, {"title", text_json(result.title)}, {"command", result.command},
            {"tests", std::move(tests)},   {"score", result.score},          {"max_score", result.max_score},
            {"seconds", result.seconds},   {"notes", result.notes},          {"errors", result.errors}};
}

runner::ScenarioResult result_from(const json& j) {
    runner::ScenarioResult result;
    result.scenario = j.at("scenario").get<std::string>();
    result.title = text_from(j.at("title"));
    result.command = j.at("command").get<std::string>();
    for (const auto& test : j.at("tests")) {
        auto parsed = runner::from_wire(test.dump(-1, ' ', false, json::error_handler_t::replace));
        if (!parsed) throw std::invalid_argument("a test result that is not in the wire format");
        result.tests.push_back(std::move(*parsed));
    }
    result.score = j.at("score").get<double>();
    result.max_score = j.at("max_score").get<double>();
    result.seconds = j.at("seconds").get<double>();
    result.notes = j.at("notes").get<std::vector<std::string>>();
    result.errors = j.at("errors").get<std::vector<std::string>>();
    return result;
}

}  // namespace

bool Record::flaky() const {
    for (const auto& test : result.tests)
        if (test.flaky()) return true;
    return false;
}

json record_to_json(const Record& r) {
    json j = {{"version", record_version}, {"student", r.student}, {"slug", r.slug},          {"hash", r.hash},
              {"key", r.key},              {"status", r.status},   {"problem", r.problem.en}, {"how", r.how},
              {"program", r.program},      {"notes", r.notes},     {"build_log", r.build_log},
              {"source", r.source},        {"seconds", r.seconds}, {"result", result_json(r.result)}};
    // Only when there is one: records written before it read the same.
    if (!r.problem.pt.empty()) j["problem_pt"] = r.problem.pt;
    return j;
}

std::optional<Record> record_from_json(const json& j) {
    try {
        if (!j.is_object() || j.value("version", 0) != record_version) return std::nullopt;
        Record r;
        r.student = j.at("student").get<std::string>();
        r.slug = j.at("slug").get<std::string>();
        r.hash = j.at("hash").get<std::string>();
        r.key = j.at("key").get<std::string>();
        r.status = j.at("status").get<std::string>();
        r.problem = {j.at("problem").get<std::string>(), j.value("problem_pt", "")};
        r.how = j.at("how").get<std::string>();
        r.program = j.at("program").get<std::string>();
        r.notes = j.at("notes").get<std::vector<std::string>>();
        r.build_log = j.at("build_log").get<std::string>();
        r.source = j.at("source").get<std::string>();
        r.seconds = j.at("seconds").get<double>();
        r.result = result_from(j.at("result"));
        return r;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string dump_record(const Record& record) {
    return record_to_json(record).dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<Record> parse_record(const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return record_from_json(j);
}

scenario::Text status_sentence(const std::string& status) {
    if (status == "no-program") return {"not graded: no program was found", "não avaliado: nenhum programa foi encontrado"};
    if (status == "cannot-run") return {"not graded: the program cannot run here", "não avaliado: o programa não pode rodar aqui"};
    if (status == "build-failed") return {"not graded: the program did not build", "não avaliado: o programa não compilou"};
    if (status == "bad-config") return {"not graded: .sockgrade.yaml is not valid", "não avaliado: o .sockgrade.yaml não é válido"};
    if (status == "error") return {"not graded: the grader failed (not the student's fault)", "não avaliado: o corretor falhou (não é culpa do aluno)"};
    return {"graded", "avaliado"};
}

runner::ScenarioResult zero_result(const scenario::Scenario& scenario, const scenario::Text& why) {
    runner::ScenarioResult result;
    result.scenario = scenario.name;
    result.title = scenario.title;
    for (const auto& test : scenario.tests) {
        runner::TestResult t;
        t.name = test.name;
        t.title = test.title;
        t.hidden = test.hidden;
        t.max_points = test.points;
        t.message = why;
        t.runs = 1;
        result.max_score += test.points;
        result.tests.push_back(std::move(t));
    }
    return result;
}

}  // namespace sockgrade::batch
