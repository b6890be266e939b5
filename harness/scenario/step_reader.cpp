#include "scenario/step_reader.hpp"

#include <algorithm>
#include <climits>
#include <regex>
#include <tuple>

#include "scenario/substitutions.hpp"

namespace sockgrade::scenario::detail {

namespace {

// Where a step's target comes from (the "target" column of the docs' table).
enum class TargetRule {
    program_only,      // stdin, expect_exit...: no peer/peers/program key
    peers_in_value,    // connect: [A, B]
    peers,             // peer: A / peers: [A, B]
    peers_or_program,  // ... or program: stdout|stderr
};

// Which peer kinds an action works with.
enum class PeerNeed { any, tcp, udp, tcp_client, tcp_server };

struct ActionSpec {
    std::string_view key;
    Step::Action action;
    TargetRule target;
    PeerNeed need;
    bool waits;  // takes a `within` deadline
};

using A = Step::Action;
constexpr ActionSpec action_specs[] = {
    {"connect", A::connect, TargetRule::peers_in_value, PeerNeed::tcp_client, true},
    {"send", A::send, TargetRule::peers, PeerNeed::any, false},
    {"burst", A::burst, TargetRule::peers, PeerNeed::any, false},
    {"close", A::close, TargetRule::peers, PeerNeed::tcp, false},
    {"stdin", A::stdin_write, TargetRule::program_only, PeerNeed::any, false},
    {"close_stdin", A::stdin_close, TargetRule::program_only, PeerNeed::any, false},
    {"expect_accept", A::expect_accept, TargetRule::peers_in_value, PeerNeed::tcp_server, true},
    {"expect_line", A::expect_line, TargetRule::peers_or_program, PeerNeed::tcp, true},
    {"expect_burst", A::expect_burst, TargetRule::peers_or_program, PeerNeed::tcp, true},
    {"expect_datagram", A::expect_datagram, TargetRule::peers, PeerNeed::udp, true},
    {"expect_close", A::expect_close, TargetRule::peers_in_value, PeerNeed::tcp, true},
    {"expect_silence", A::expect_silence, TargetRule::peers_or_program, PeerNeed::any, false},
    {"expect_exit", A::expect_exit, TargetRule::program_only, PeerNeed::any, true},
    {"expect_alive", A::expect_alive, TargetRule::program_only, PeerNeed::any, false},
    {"expect_idle", A::expect_idle, TargetRule::program_only, PeerNeed::any, false},
};

const std::vector<std::string> target_keys{"peer", "peers", "program"};
const std::vector<std::string> modifier_keys{"within", "count", "max_bytes", "unread", "cpu_percent", "feedback"};

std::vector<std::string> step_keys() {
    std::vector<std::string> keys;
    for (const auto& spec : action_specs) keys.emplace_back(spec.key);
    keys.insert(keys.end(), target_keys.begin(), target_keys.end());
    keys.insert(keys.end(), modifier_keys.begin(), modifier_keys.end());
    return keys;
}

const ActionSpec* find_action(std::string_view key) {
    for (const auto& spec : action_specs)
        if (spec.key == key) return &spec;
    return nullptr;
}

std::string quote(std::string_view text) { return "'" + std::string(text) + "'"; }

bool satisfies(PeerKind kind, PeerNeed need) {
    switch (need) {
        case PeerNeed::any: return true;
        case PeerNeed::tcp: return is_tcp(kind);
        case PeerNeed::udp: return !is_tcp(kind);
        case PeerNeed::tcp_client: return kind == PeerKind::tcp_client;
        case PeerNeed::tcp_server: return kind == PeerKind::tcp_server;
    }
    return false;
}

std::string_view need_name(PeerNeed need) {
    switch (need) {
        case PeerNeed::any: return "any";
        case PeerNeed::tcp: return "tcp";
        case PeerNeed::udp: return "udp";
        case PeerNeed::tcp_client: return "tcp-client";
        case PeerNeed::tcp_server: return "tcp-server";
    }
    return "?";
}

// What to write instead, when an action meets a peer of the wrong kind.
std::string wrong_kind_hint(const ActionSpec& spec, const std::string& peer, PeerKind kind) {
    if (spec.need == PeerNeed::tcp_client)
        return kind == PeerKind::tcp_server ? " (the program connects to it: use expect_accept: " + peer + ")"
                                            : " (UDP has no connections: just send)";
    if (spec.need == PeerNeed::tcp_server)
        return kind == PeerKind::tcp_client ? " (it connects itself: use connect: " + peer + ")"
                                            : " (UDP has no connections)";
    if (spec.need == PeerNeed::udp) return " (use expect_line for TCP)";
    if (spec.action == A::expect_line || spec.action == A::expect_burst) return " (use expect_datagram for UDP)";
    return " (UDP has no connections)";
}

std::optional<int> exit_status(const YAML::Node& value) {
    if (!value.IsScalar()) return std::nullopt;
    const std::string& text = value.Scalar();
    if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    int status = std::stoi(text);
    return status <= 255 ? std::optional<int>(status) : std::nullopt;
}

struct PeerRef {
    std::string name;
    Mark mark;
};

// A peer name or a list of them; `what` is the key, for messages.
std::optional<std::vector<PeerRef>> read_peer_refs(const Field& field, Diagnostics& diagnostics, bool allow_list) {
    std::vector<PeerRef> refs;
    auto add = [&](const YAML::Node& node, Mark mark) {
        if (!node.IsScalar() || node.Scalar().empty()) return false;
        refs.push_back(PeerRef{node.Scalar(), mark});
        return true;
    };
    const std::string expected = allow_list ? "a peer name or a list of them, like [A, B]" : "one peer name";
    bool ok = true;
    if (field.value.IsSequence() && allow_list) {
        for (const auto& item : field.value) ok = add(item, mark_of(item, field.value_mark)) && ok;
        if (field.value.size() == 0) {
            diagnostics.error(field.value_mark, quote(field.key) + " needs at least one peer");
            return std::nullopt;
        }
    } else if (field.value.IsSequence() && field.key == "peer") {
        diagnostics.error(field.value_mark, "'peer' names one peer; for several write peers: [A, B]");
        return std::nullopt;
    } else {
        ok = add(field.value, field.value_mark);
    }
    if (!ok) {
        diagnostics.error(field.value_mark, quote(field.key) + " must be " + expected + ", got " + describe(field.value));
        return std::nullopt;
    }
    for (std::size_t i = 0; i < refs.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (refs[i].name == refs[j].name) {
                diagnostics.error(refs[i].mark, "peer " + quote(refs[i].name) + " is listed twice");
                return std::nullopt;
            }
        }
    }
    return refs;
}

class StepReader {
public:
    StepReader(const YAML::Node& node, TestContext& context, Diagnostics& diagnostics)
        : node_(node), context_(context), diagnostics_(diagnostics), errors_before_(diagnostics.count()) {}

    std::optional<Step> read();

private:
    void read_target(const MapReader& keys, const Field& action_field);
    void read_value(const Field& action_field);
    void read_modifiers(const MapReader& keys);
    void check_peers();
    void check_text(const std::string& text, Mark where, TextKind kind);
    std::optional<Matcher> read_matcher(const Field& field);
    void read_capture(const Field& field, Matcher& matcher);
    void check_regex(Matcher& matcher, Mark where);
    void remember_effects();

    const YAML::Node& node_;
    TestContext& context_;
    Diagnostics& diagnostics_;
    std::size_t errors_before_;
    const ActionSpec* spec_ = nullptr;
    Step step_;
    std::vector<PeerRef> peer_refs_;
    std::vector<std::string> new_captures_;
};

std::optional<Step> StepReader::read() {
    step_.mark = mark_of(node_);
    if (!node_.IsMap()) {
        diagnostics_.error(step_.mark, "a step is a map with one action, like {peer: A, send: TEXT}, got " +
                                           describe(node_));
        return std::nullopt;
    }
    MapReader keys(node_, step_keys(), diagnostics_,
                   {{"capture", "'capture' goes inside the matcher, next to its regex: "
                                "expect_line: {regex: R, capture: {name: 1}}"}});
    std::vector<const Field*> actions;
    for (const Field& field : keys.fields())
        if (find_action(field.key)) actions.push_back(&field);
    const std::string needs_one = "a step needs exactly one action (connect, send, ...), found ";
    if (actions.empty()) {
        // A misspelt action was already reported as an unknown key.
        if (keys.had_unknown_keys()) return std::nullopt;
        const Field* program = keys.get("program");
        const bool alive = program && program->value.IsScalar() && program->value.Scalar() == "alive";
        diagnostics_.error(step_.mark, needs_one + "none" +
                                           (alive ? " (to check that the program still runs, write expect_alive: true)"
                                                  : ""));
        return std::nullopt;
    }
    if (actions.size() > 1) {
        std::vector<std::string> names;
        for (const Field* field : actions) names.push_back(field->key);
        diagnostics_.error(actions[1]->key_mark, needs_one + count_word(actions.size()) + ": " + join_words(names));
        return std::nullopt;
    }
    spec_ = find_action(actions[0]->key);
    step_.action = spec_->action;
    read_target(keys, *actions[0]);
    read_value(*actions[0]);
    read_modifiers(keys);
    check_peers();
    remember_effects();
    if (diagnostics_.count() != errors_before_) return std::nullopt;
    return step_;
}

void StepReader::read_target(const MapReader& keys, const Field& action_field) {
    std::vector<const Field*> given;
    for (const auto& key : target_keys)
        if (const Field* field = keys.get(key)) given.push_back(field);
    std::sort(given.begin(), given.end(), [](const Field* a, const Field* b) {
        return std::tie(a->key_mark.line, a->key_mark.column) < std::tie(b->key_mark.line, b->key_mark.column);
    });
    const std::string action = quote(spec_->key);

    if (spec_->target == TargetRule::program_only || spec_->target == TargetRule::peers_in_value) {
        for (const Field* field : given) {
            diagnostics_.error(field->key_mark,
                               spec_->target == TargetRule::program_only
                                   ? action + " acts on the program itself; remove " + quote(field->key)
                                   : action + " names its peers in its value, like " + std::string(spec_->key) +
                                         ": A or " + std::string(spec_->key) + ": [A, B]; remove " + quote(field->key));
        }
        step_.target.program = spec_->target == TargetRule::program_only;
        if (spec_->target == TargetRule::peers_in_value) {
            if (auto refs = read_peer_refs(action_field, diagnostics_, true)) peer_refs_ = *refs;
        }
        return;
    }
    if (given.size() > 1) {
        diagnostics_.error(given[1]->key_mark, "a step has one target: use only one of peer, peers and program");
        return;
    }
    if (given.empty()) {
        diagnostics_.error(step_.mark, action + " needs a target: " +
                                           (spec_->target == TargetRule::peers
                                                ? std::string("peer: NAME or peers: [NAMES]")
                                                : std::string("peer: NAME, peers: [NAMES] or program: stdout")));
        return;
    }
    const Field& target = *given[0];
    if (target.key == "program") {
        if (spec_->target == TargetRule::peers) {
            std::string hint = spec_->action == A::send || spec_->action == A::burst
                                   ? " (to write to the program's standard input, use stdin: TEXT)"
                                   : "";
            diagnostics_.error(target.key_mark, action + " acts on peers, not on the program" + hint);
            return;
        }
        auto stream = read_scalar(target, diagnostics_, "stdout or stderr");
        if (!stream) return;
        if (*stream != "stdout" && *stream != "stderr") {
            std::string hint = *stream == "alive" ? " (to check that it still runs, write expect_alive: true)" : "";
            diagnostics_.error(target.value_mark, "'program' must be stdout or stderr, got " +
                                                      describe(target.value) + hint);
            return;
        }
        step_.target.program = true;
        step_.target.stream = *stream == "stdout" ? Stream::stdout_ : Stream::stderr_;
        return;
    }
    if (auto refs = read_peer_refs(target, diagnostics_, target.key == "peers")) peer_refs_ = *refs;
}

void StepReader::read_value(const Field& field) {
    const std::string action = quote(spec_->key);
    switch (spec_->action) {
        case A::connect:
        case A::expect_accept:
        case A::expect_close:
            return;  // the value names the peers: read with the target
        case A::send:
        case A::burst:
        case A::stdin_write:
            if (auto text = read_scalar(field, diagnostics_)) {
                step_.text = *text;
                check_text(step_.text, field.value_mark, TextKind::text);
            }
            return;
        case A::close:
            if (auto how = read_scalar(field, diagnostics_, "fin or reset")) {
                if (*how == "fin" || *how == "reset") {
                    step_.reset = *how == "reset";
                } else {
                    diagnostics_.error(field.value_mark, "'close' must be fin or reset, got " + describe(field.value));
                }
            }
            return;
        case A::stdin_close:
        case A::expect_alive:
            if (auto value = read_bool(field, diagnostics_); value && !*value) {
                diagnostics_.error(field.value_mark,
                                   action + " takes only true" +
                                       (spec_->action == A::expect_alive ? " (to expect an end, use expect_exit: any)"
                                                                         : " (leave the step out to keep stdin open)"));
            }
            return;
        case A::expect_line:
        case A::expect_burst:
        case A::expect_datagram:
            if (auto matcher = read_matcher(field)) step_.matcher = *matcher;
            return;
        case A::expect_silence:
        case A::expect_idle:
            if (auto duration = read_duration(field, diagnostics_)) step_.for_ = *duration;
            return;
        case A::expect_exit:
            if (field.value.IsScalar() && field.value.Scalar() == "any") {
                step_.exit_code = std::nullopt;
            } else if (auto status = exit_status(field.value)) {
                step_.exit_code = *status;
            } else {
                diagnostics_.error(field.value_mark, "'expect_exit' must be an exit status from 0 to 255 or any, got " +
                                                         describe(field.value));
            }
            return;
    }
}

void StepReader::read_modifiers(const MapReader& keys) {
    const std::string action = quote(spec_->key);
    if (const Field* within = keys.get("within")) {
        if (spec_->waits) {
            if (auto duration = read_duration(*within, diagnostics_)) step_.within = *duration;
        } else if (spec_->action == A::expect_silence || spec_->action == A::expect_idle) {
            diagnostics_.error(within->key_mark,
                               "'within' does not apply to " + action + ": its own duration is the time it watches");
        } else {
            diagnostics_.error(within->key_mark, "'within' does not apply to " + action + ", which does not wait");
        }
    }
    const bool counted = spec_->action == A::burst || spec_->action == A::expect_burst;
    if (const Field* count = keys.get("count")) {
        if (!counted) {
            diagnostics_.error(count->key_mark, "'count' is only for burst and expect_burst");
        } else if (auto value = read_int(*count, diagnostics_, 1, INT_MAX)) {
            step_.count = *value;
        }
    } else if (counted) {
        diagnostics_.error(step_.mark, action + " needs 'count': how many " +
                                           (spec_->action == A::burst ? "copies to send" : "lines to expect"));
    }
    if (const Field* max_bytes = keys.get("max_bytes")) {
        if (spec_->action != A::expect_silence) {
            diagnostics_.error(max_bytes->key_mark, "'max_bytes' is only for expect_silence");
        } else if (auto value = read_size(*max_bytes, diagnostics_, 0)) {
            step_.max_bytes = *value;
        }
    }
    if (const Field* unread = keys.get("unread")) {
        if (spec_->action != A::expect_silence) {
            diagnostics_.error(unread->key_mark, "'unread' is only for expect_silence");
        } else if (auto value = read_bool(*unread, diagnostics_)) {
            step_.count_unread = *value;
        }
    }
    if (const Field* cpu = keys.get("cpu_percent")) {
        if (spec_->action != A::expect_idle) {
            diagnostics_.error(cpu->key_mark, "'cpu_percent' is only for expect_idle");
        } else if (auto value = read_number(*cpu, diagnostics_, 0, false)) {
            if (*value > 100) {
                diagnostics_.error(cpu->value_mark, "'cpu_percent' is a share of one core, at most 100, got " +
                                                        describe(cpu->value));
            } else {
                step_.cpu_percent = *value;
            }
        }
    }
    if (const Field* feedback = keys.get("feedback")) {
        if (auto text = read_text(*feedback, diagnostics_)) step_.feedback = *text;
    }
}

void StepReader::check_peers() {
    std::vector<std::string> declared;
    for (const auto& peer : context_.peers) declared.push_back(peer.name);
    for (const auto& ref : peer_refs_) {
        step_.target.peers.push_back(ref.name);
        const auto& broken = context_.broken_peers;
        if (context_.peers_unreadable || std::find(broken.begin(), broken.end(), ref.name) != broken.end()) continue;
        auto peer = std::find_if(context_.peers.begin(), context_.peers.end(),
                                 [&](const Peer& p) { return p.name == ref.name; });
        if (peer == context_.peers.end()) {
            diagnostics_.error(ref.mark, "peer " + quote(ref.name) + " is used but not declared in this test's peers (" +
                                             (declared.empty() ? "this test declares none"
                                                               : "declared: " + join_words(declared, ", ")) +
                                             ")");
            continue;
        }
        if (!satisfies(peer->kind, spec_->need)) {
            diagnostics_.error(ref.mark, quote(spec_->key) + " needs a " + std::string(need_name(spec_->need)) +
                                             " peer; " + quote(ref.name) + " is a " +
                                             std::string(kind_name(peer->kind)) +
                                             wrong_kind_hint(*spec_, ref.name, peer->kind));
            continue;
        }
        const bool receives = spec_->action == A::expect_line || spec_->action == A::expect_burst ||
                              spec_->action == A::expect_close;
        if (receives && peer->faults.read == Faults::Read::none) {
            diagnostics_.error(ref.mark, quote(spec_->key) + " on " + quote(ref.name) + ", which reads nothing " +
                                             "(faults: read: none, line " + std::to_string(peer->faults.mark.line) +
                                             "): it can never pass");
            continue;
        }
        if (!is_tcp(peer->kind)) continue;
        const auto& connection = context_.connections[ref.name];
        const bool opens = spec_->action == A::connect || spec_->action == A::expect_accept;
        if (opens && connection.open) {
            diagnostics_.error(ref.mark, "peer " + quote(ref.name) + " is already connected (since line " +
                                             std::to_string(connection.opened_at_line) + ")");
        } else if (!opens && !connection.ever_opened) {
            // After a close, lines that arrived before it may still be expected,
            // so only a peer that never connected is an error.
            diagnostics_.error(ref.mark, peer->kind == PeerKind::tcp_client
                                             ? "peer " + quote(ref.name) + " is used before it connects; add a step " +
                                                   "connect: " + ref.name + " before this one"
                                             : "peer " + quote(ref.name) +
                                                   " is used before the program connects to it; add a step " +
                                                   "expect_accept: " + ref.name + " before this one");
        }
    }
}

void StepReader::check_text(const std::string& text, Mark where, TextKind kind) {
    SubstitutionScope scope;
    for (const auto& peer : context_.peers) scope.peers.push_back(peer.name);
    for (const auto& name : context_.broken_peers) scope.peers.push_back(name);  // reported once, at the peer
    scope.captured = context_.captured;
    scope.copy_number = spec_->action == A::burst || spec_->action == A::expect_burst;
    for (auto& problem : check_substitutions(text, scope, kind)) diagnostics_.error(where, std::move(problem));
}

std::optional<Matcher> StepReader::read_matcher(const Field& field) {
    Matcher matcher;
    matcher.mark = field.value_mark;
    if (field.value.IsScalar()) {
        matcher.pattern = field.value.Scalar();
        check_text(matcher.pattern, field.value_mark, TextKind::text);
        return matcher;
    }
    if (!field.value.IsMap()) {
        diagnostics_.error(field.value_mark, quote(field.key) + " must be a text or a matcher like {contains: TEXT}, got " +
                                                 describe(field.value));
        return std::nullopt;
    }
    static const std::vector<std::pair<std::string, Matcher::Kind>> kinds{{"equals", Matcher::Kind::equals},
                                                                          {"ends_with", Matcher::Kind::ends_with},
                                                                          {"contains", Matcher::Kind::contains},
                                                                          {"regex", Matcher::Kind::regex}};
    MapReader keys(field.value, std::vector<std::string>{"equals", "ends_with", "contains", "regex", "capture"},
                   diagnostics_);
    std::vector<const Field*> found;
    for (const Field& key : keys.fields())
        if (key.key != "capture") found.push_back(&key);
    const std::string one_of = "a matcher takes one of equals, ends_with, contains or regex";
    if (found.empty()) {
        if (!keys.had_unknown_keys()) diagnostics_.error(field.value_mark, one_of + ", found none");
        return std::nullopt;
    }
    if (found.size() > 1) {
        std::vector<std::string> names;
        for (const Field* key : found) names.push_back(key->key);
        diagnostics_.error(found[1]->key_mark, one_of + ", found " + count_word(found.size()) + ": " + join_words(names));
        return std::nullopt;
    }
    const Field& pattern = *found[0];
    for (const auto& [name, kind] : kinds)
        if (name == pattern.key) matcher.kind = kind;
    auto text = read_scalar(pattern, diagnostics_);
    if (!text) return std::nullopt;
    matcher.pattern = *text;
    const auto errors_before = diagnostics_.count();
    check_text(matcher.pattern, pattern.value_mark,
               matcher.kind == Matcher::Kind::regex ? TextKind::regex : TextKind::text);
    if (matcher.kind == Matcher::Kind::regex && diagnostics_.count() == errors_before)
        check_regex(matcher, pattern.value_mark);
    if (const Field* capture = keys.get("capture")) {
        if (matcher.kind != Matcher::Kind::regex) {
            diagnostics_.error(capture->key_mark, "'capture' needs a regex: it keeps what a regex group matched");
        } else {
            read_capture(*capture, matcher);
        }
    }
    return matcher;
}

// libstdc++ reports a repeat with nothing before it ("*a", "(+x)") as a
// mismatched parenthesis; find that case first to say what is really wrong.
std::optional<char> dangling_repeat(std::string_view regex) {
    bool in_class = false;
    char previous = '(';  // the start behaves like just after "("
    for (std::size_t i = 0; i < regex.size(); ++i) {
        char c = regex[i];
        if (c == '\\') {
            ++i;
            previous = 'x';
            continue;
        }
        if (in_class) {
            in_class = c != ']';
        } else if (c == '[') {
            in_class = true;
        } else if ((c == '*' || c == '+') && (previous == '(' || previous == '|')) {
            return c;
        } else if (c == '?' && (previous == '|' || i == 0)) {
            return c;
        }
        previous = c;
    }
    return std::nullopt;
}

// Messages in the author's terms for the regex errors std::regex reports.
std::string regex_problem(const std::regex_error& error) {
    namespace rc = std::regex_constants;
    switch (error.code()) {
        case rc::error_paren:
            if (std::string_view(error.what()).starts_with("Mismatched")) return "a '(' or ')' has no partner";
            break;
        case rc::error_brack: return "a '[' has no closing ']'";
        case rc::error_brace: return "a '{' repetition is not closed";
        case rc::error_badbrace: return "a {n,m} repetition is not valid";
        case rc::error_range: return "a character range like z-a is not valid";
        case rc::error_badrepeat: return "'*', '+' or '?' follows nothing it could repeat";
        case rc::error_escape: return "a backslash escape is not valid (or the regex ends in a backslash)";
        case rc::error_ctype: return "a character class like [[:alpha:]] is not valid";
        case rc::error_backref: return "a back-reference names a group that does not exist";
        case rc::error_complexity:
        case rc::error_stack: return "it is too complex";
        default: break;
    }
    std::string what = error.what();  // e.g. "Invalid '(?...)' zero-width assertion in regular expression"
    if (auto end = what.find(" in regular expression"); end != std::string::npos) what.erase(end);
    if (!what.empty() && what[0] >= 'A' && what[0] <= 'Z') what[0] = char(what[0] - 'A' + 'a');
    return what;
}

void StepReader::check_regex(Matcher& matcher, Mark where) {
    const std::string regex = with_sample_values(matcher.pattern);
    if (auto repeat = dangling_repeat(regex)) {
        diagnostics_.error(where, "invalid regex " + quote(matcher.pattern) + ": '" + std::string(1, *repeat) +
                                      "' follows nothing it could repeat (write \\" + std::string(1, *repeat) +
                                      " for the character itself)");
        return;
    }
    try {
        std::regex compiled(regex, std::regex::ECMAScript);
        (void)compiled;
    } catch (const std::regex_error& error) {
        diagnostics_.error(where, "invalid regex " + quote(matcher.pattern) + ": " + regex_problem(error));
    }
}

void StepReader::read_capture(const Field& field, Matcher& matcher) {
    if (!expect_map(field.value, field.value_mark, "a map from a name to a regex group, like {nick: 1}",
                    diagnostics_))
        return;
    std::size_t groups = 0;
    try {
        groups = std::regex(with_sample_values(matcher.pattern), std::regex::ECMAScript).mark_count();
    } catch (const std::regex_error&) {
        return;  // already reported
    }
    if (peer_refs_.size() > 1) {
        diagnostics_.error(field.key_mark, "'capture' needs a single target: with " +
                                               std::to_string(peer_refs_.size()) +
                                               " peers, which one's value to keep would be unclear");
    }
    MapReader names(field.value, std::nullopt, diagnostics_);
    for (const Field& name : names.fields()) {
        new_captures_.push_back(name.key);  // even if its group is wrong: later uses are not unknown
        const bool identifier = !name.key.empty() && !(name.key[0] >= '0' && name.key[0] <= '9') &&
                                std::all_of(name.key.begin(), name.key.end(), [](char c) {
                                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                           (c >= '0' && c <= '9') || c == '_';
                                });
        if (!identifier) {
            diagnostics_.error(name.key_mark, "capture name " + quote(name.key) +
                                                  " may hold only letters, digits and _, and not start with a digit");
            continue;
        }
        if (is_builtin_substitution(name.key)) {
            diagnostics_.error(name.key_mark, "{" + name.key + "} is a built-in substitution; pick another name");
            continue;
        }
        auto group = read_int(name, diagnostics_, 0, INT_MAX);
        if (!group) continue;
        if (std::size_t(*group) > groups) {
            diagnostics_.error(name.value_mark, "capture " + quote(name.key) + " asks for group " +
                                                    std::to_string(*group) + ", but the regex has " +
                                                    (groups == 0 ? std::string("no groups")
                                                                 : std::to_string(groups) +
                                                                       (groups == 1 ? " group" : " groups")));
            continue;
        }
        matcher.capture[name.key] = *group;
    }
}

void StepReader::remember_effects() {
    for (auto& name : new_captures_)
        if (std::find(context_.captured.begin(), context_.captured.end(), name) == context_.captured.end())
            context_.captured.push_back(name);
    for (const auto& ref : peer_refs_) {
        auto peer = std::find_if(context_.peers.begin(), context_.peers.end(),
                                 [&](const Peer& p) { return p.name == ref.name; });
        // A peer of the wrong kind did not connect: "connect: A" after a
        // mistaken "expect_accept: A" is right, not a second connection.
        if (peer == context_.peers.end() || !satisfies(peer->kind, spec_->need)) continue;
        auto& connection = context_.connections[ref.name];
        if (spec_->action == A::connect || spec_->action == A::expect_accept) {
            if (!connection.open) connection.opened_at_line = ref.mark.line;
            connection.open = connection.ever_opened = true;
        } else if (spec_->action == A::close || spec_->action == A::expect_close) {
            connection.open = false;
        }
    }
}

}  // namespace

std::optional<Step> read_step(const YAML::Node& node, TestContext& context, Diagnostics& diagnostics) {
    return StepReader(node, context, diagnostics).read();
}

}  // namespace sockgrade::scenario::detail
