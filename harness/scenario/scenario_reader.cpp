#include "scenario/scenario_reader.hpp"

#include <algorithm>
#include <climits>
#include <map>

#include "scenario/faults_reader.hpp"
#include "scenario/step_reader.hpp"
#include "util/did_you_mean.hpp"

namespace sockgrade::scenario::detail {

namespace {

std::string quote(std::string_view text) { return "'" + std::string(text) + "'"; }

const std::vector<std::pair<std::string, PeerKind>> peer_kinds{{"tcp-client", PeerKind::tcp_client},
                                                               {"tcp-server", PeerKind::tcp_server},
                                                               {"udp-client", PeerKind::udp_client},
                                                               {"udp-server", PeerKind::udp_server}};

bool is_server(PeerKind kind) { return kind == PeerKind::tcp_server || kind == PeerKind::udp_server; }

// A choice among fixed words (role, protocol): its index, or a reported error.
std::optional<std::size_t> read_choice(const Field& field, const std::vector<std::string>& choices,
                                       Diagnostics& diagnostics) {
    auto text = read_scalar(field, diagnostics, join_words(choices, " or "));
    if (!text) return std::nullopt;
    auto found = std::find(choices.begin(), choices.end(), *text);
    if (found != choices.end()) return std::size_t(found - choices.begin());
    diagnostics.error(field.value_mark, quote(field.key) + " must be " + join_words(choices, " or ") + ", got " +
                                            describe(field.value) + util::did_you_mean(*text, choices));
    return std::nullopt;
}

Program read_program(const Field& field, Diagnostics& diagnostics) {
    Program program;
    if (!expect_map(field.value, field.value_mark, "a map like {role: server, protocol: tcp, port: 5000}",
                    diagnostics))
        return program;
    MapReader keys(field.value, std::vector<std::string>{"role", "protocol", "port"}, diagnostics);
    if (const Field* role = keys.get("role")) {
        if (auto index = read_choice(*role, {"server", "client"}, diagnostics))
            program.role = *index == 0 ? Role::server : Role::client;
    }
    if (const Field* protocol = keys.get("protocol")) {
        if (auto index = read_choice(*protocol, {"tcp", "udp"}, diagnostics))
            program.protocol = *index == 0 ? Protocol::tcp : Protocol::udp;
    }
    if (const Field* port = keys.get("port")) {
        if (auto value = read_int(*port, diagnostics, 1, 65535)) program.port = *value;
    }
    return program;
}

Limits read_limits(const Field& field, Diagnostics& diagnostics) {
    Limits limits;
    if (!expect_map(field.value, field.value_mark, "a map of limits, like {test: 20s, within: 2s}", diagnostics))
        return limits;
    MapReader keys(field.value,
                   std::vector<std::string>{"test", "ready", "within", "output", "peer_output", "cpu", "memory",
                                            "processes", "open_files"},
                   diagnostics);
    auto duration = [&](const char* key, Duration& out) {
        if (const Field* value = keys.get(key))
            if (auto parsed = read_duration(*value, diagnostics)) out = *parsed;
    };
    auto size = [&](const char* key, std::int64_t& out) {
        if (const Field* value = keys.get(key))
            if (auto parsed = read_size(*value, diagnostics, 1)) out = *parsed;
    };
    auto whole = [&](const char* key, int& out) {
        if (const Field* value = keys.get(key))
            if (auto parsed = read_int(*value, diagnostics, 1, INT_MAX)) out = *parsed;
    };
    duration("test", limits.test);
    duration("ready", limits.ready);
    duration("within", limits.within);
    size("output", limits.output_bytes);
    size("peer_output", limits.peer_bytes);
    if (const Field* cpu = keys.get("cpu"))
        if (auto parsed = read_duration(*cpu, diagnostics)) limits.cpu_seconds = double(parsed->count()) / 1000;
    size("memory", limits.memory_bytes);
    whole("processes", limits.processes);
    whole("open_files", limits.open_files);
    return limits;
}

// A peer that cannot take part with this program: wrong protocol, or a role
// that leaves nobody to connect to.
void check_peer_fits_program(const Peer& peer, const Program& program, Diagnostics& diagnostics) {
    const std::string name = quote(peer.name) + " is a " + kind_name(peer.kind);
    const bool program_tcp = program.protocol == Protocol::tcp;
    if (is_tcp(peer.kind) != program_tcp) {
        diagnostics.error(peer.mark, "peer " + name + ", but the program speaks " + (program_tcp ? "tcp" : "udp") +
                                         " (see program: protocol)");
        return;
    }
    const std::string server_kind = program_tcp ? "tcp-server" : "udp-server";
    if (program.role == Role::client && !is_server(peer.kind)) {
        diagnostics.error(peer.mark, "peer " + name + ", but the program is a client: nothing listens for it to " +
                                         "reach; use a " + server_kind + " peer");
    } else if (program.role == Role::server && is_server(peer.kind) && !peer.port) {
        diagnostics.error(peer.mark, "peer " + name + " on the program's own port " + std::to_string(program.port) +
                                         "; give it another, like {kind: " + server_kind + ", port: 6000}");
    }
}

std::optional<PeerKind> read_peer_kind(const Field& field, Diagnostics& diagnostics) {
    std::vector<std::string> names;
    for (const auto& [name, kind] : peer_kinds) names.push_back(name);
    auto text = read_scalar(field, diagnostics, "a peer kind (" + join_words(names, ", ") + ")");
    if (!text) return std::nullopt;
    for (const auto& [name, kind] : peer_kinds)
        if (name == *text) return kind;
    std::string hint = util::did_you_mean(*text, names);
    diagnostics.error(field.value_mark, "unknown peer kind " + quote(*text) +
                                            (hint.empty() ? "; expected " + join_words(names, " or ") : hint));
    return std::nullopt;
}

// Fills context.peers with the well-declared peers and notes the others.
void read_peers(const Field& field, const Program& program, TestContext& context, Diagnostics& diagnostics) {
    const std::string hint = field.value.IsSequence() ? " (write peers: {A: tcp-client, B: tcp-client})" : "";
    if (!expect_map(field.value, field.value_mark, "a map of peers", diagnostics, hint)) {
        context.peers_unreadable = true;
        return;
    }
    MapReader names(field.value, std::nullopt, diagnostics);
    for (const Field& entry : names.fields()) {
        Peer peer;
        peer.name = entry.key;
        peer.mark = entry.key_mark;
        bool ok = true;
        if (!is_plain_name(peer.name)) {
            diagnostics.error(entry.key_mark, "peer name " + quote(peer.name) + " may hold only letters, digits, - and _");
            ok = false;
        }
        if (entry.value.IsMap()) {
            MapReader keys(entry.value, std::vector<std::string>{"kind", "port"}, diagnostics);
            const Field* kind = keys.get("kind");
            if (!kind) {
                diagnostics.error(entry.value_mark, "peer " + quote(peer.name) + " needs a kind, like {kind: tcp-server, port: 6000}");
                ok = false;
            } else if (auto value = read_peer_kind(*kind, diagnostics)) {
                peer.kind = *value;
            } else {
                ok = false;
            }
            if (const Field* port = keys.get("port")) {
                auto value = read_int(*port, diagnostics, 1, 65535);
                if (value) peer.port = *value;
                ok = ok && value;
                if (kind && ok && !is_server(peer.kind)) {
                    diagnostics.error(port->key_mark, "'port' is only for server peers (tcp-server, udp-server); a " +
                                                          kind_name(peer.kind) + " uses the program's port");
                    ok = false;
                }
            }
        } else if (auto value = read_peer_kind(entry, diagnostics)) {
            peer.kind = *value;
        } else {
            ok = false;
        }
        if (ok) {
            check_peer_fits_program(peer, program, diagnostics);
            context.peers.push_back(peer);
        } else {
            context.broken_peers.push_back(peer.name);
        }
    }
}

std::string test_label(const Test& test) {
    return test.name.empty() ? std::string("this test") : "test " + quote(test.name);
}

std::optional<Test> read_test(const YAML::Node& node, const Program& program, Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.count();
    Test test;
    test.mark = mark_of(node);
    if (!expect_map(node, test.mark, "a test (a map with name, peers, steps...)", diagnostics)) return std::nullopt;
    MapReader keys(node,
                   std::vector<std::string>{"name", "title", "points", "hidden", "peers", "faults", "steps", "feedback", "env"},
                   diagnostics);
    if (const Field* name = keys.get("name")) {
        if (auto value = read_name(*name, diagnostics, "test name")) test.name = *value;
    } else {
        diagnostics.error(test.mark, "a test needs a name, like name: broadcast");
    }
    if (const Field* title = keys.get("title"))
        if (auto value = read_text(*title, diagnostics)) test.title = *value;
    if (const Field* points = keys.get("points"))
        if (auto value = read_number(*points, diagnostics, 0)) test.points = *value;
    if (const Field* hidden = keys.get("hidden"))
        if (auto value = read_bool(*hidden, diagnostics)) test.hidden = *value;
    TestContext context;
    if (const Field* peers = keys.get("peers")) read_peers(*peers, program, context, diagnostics);
    if (const Field* faults = keys.get("faults")) read_faults(*faults, context, diagnostics);
    test.peers = context.peers;
    if (const Field* feedback = keys.get("feedback"))
        if (auto value = read_text(*feedback, diagnostics)) test.feedback = *value;
    if (const Field* env = keys.get("env"))
        if (auto value = read_env(*env, diagnostics)) test.env = *value;

    const Field* steps = keys.get("steps");
    if (!steps || (steps->value.IsSequence() && steps->value.size() == 0)) {
        diagnostics.error(steps ? steps->value_mark : test.mark, test_label(test) + " has no steps");
    } else if (expect_list(steps->value, steps->value_mark, "a list of steps", diagnostics)) {
        for (const auto& step_node : steps->value)
            if (auto step = read_step(step_node, context, diagnostics)) test.steps.push_back(*step);
    }
    if (diagnostics.count() != errors_before) return std::nullopt;
    return test;
}

std::vector<Test> read_tests(const Field& field, const Program& program, Diagnostics& diagnostics) {
    std::vector<Test> tests;
    if (!expect_list(field.value, field.value_mark, "a list of tests", diagnostics)) return tests;
    if (field.value.size() == 0) {
        diagnostics.error(field.value_mark, "'tests' is empty: a scenario needs at least one test");
        return tests;
    }
    std::map<std::string, int> first_line;
    for (const auto& node : field.value) {
        // Names are checked for repeats even in tests that have other errors.
        if (node.IsMap() && node["name"].IsDefined() && node["name"].IsScalar()) {
            const std::string& name = node["name"].Scalar();
            const Mark mark = mark_of(node["name"]);
            auto [seen, inserted] = first_line.emplace(name, mark.line);
            if (!inserted) {
                diagnostics.error(mark, "duplicate test name " + quote(name) + " (first at line " +
                                            std::to_string(seen->second) + ")");
            }
        }
        if (auto test = read_test(node, program, diagnostics)) tests.push_back(std::move(*test));
    }
    return tests;
}

}  // namespace

std::optional<Scenario> read_scenario(const YAML::Node& root, const std::string& path, Diagnostics& diagnostics) {
    const Mark top = mark_of(root, Mark{1, 1});
    if (!expect_map(root, top, "a map at the top of the file (scenario:, program:, tests: ...)", diagnostics))
        return std::nullopt;
    MapReader keys(root, std::vector<std::string>{"scenario", "title", "program", "limits", "env", "tests"},
                   diagnostics,
                   {{"name", "unknown key 'name': a scenario's short name is written scenario: NAME"}});
    Scenario scenario;
    scenario.path = path;
    if (const Field* name = keys.get("scenario")) {
        if (auto value = read_name(*name, diagnostics, "scenario name")) scenario.name = *value;
    } else if (!root["name"].IsDefined()) {  // a misplaced name: was reported as such
        diagnostics.error(top, "missing 'scenario': the scenario's short name, like scenario: chat-server");
    }
    if (const Field* title = keys.get("title"))
        if (auto value = read_text(*title, diagnostics)) scenario.title = *value;
    if (const Field* program = keys.get("program")) scenario.program = read_program(*program, diagnostics);
    if (const Field* limits = keys.get("limits")) scenario.limits = read_limits(*limits, diagnostics);
    if (const Field* env = keys.get("env"))
        if (auto value = read_env(*env, diagnostics)) scenario.env = *value;
    if (const Field* tests = keys.get("tests")) {
        scenario.tests = read_tests(*tests, scenario.program, diagnostics);
    } else {
        diagnostics.error(top, "missing 'tests': a list of tests, each with a name and steps");
    }
    if (diagnostics.count() != 0) return std::nullopt;
    return scenario;
}

}  // namespace sockgrade::scenario::detail
