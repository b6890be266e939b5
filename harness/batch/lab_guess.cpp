#include "batch/lab_guess.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "batch/files.hpp"
#include "util/text.hpp"

namespace sockgrade::batch {

namespace fs = std::filesystem;

const std::vector<Lab>& known_labs() {
    static const std::vector<Lab> labs = {{"tcp-server", true, "tcp"}, {"tcp-client", false, "tcp"},
                                          {"udp-server", true, "udp"}, {"udp-client", false, "udp"},
                                          {"chat-server", true, "tcp"}, {"chat-client", false, "tcp"}};
    return labs;
}

namespace {

// The code alone: comments and the insides of string literals become spaces
// (newlines kept), and so do C preprocessor lines: a comment that says
// "clientes" or an #include <sys/select.h> is not evidence.
std::string code_only(std::string_view source, bool python) {
    std::string out(source);
    const auto n = source.size();
    auto blank = [&](std::size_t from, std::size_t to) {
        for (auto k = from; k < std::min(to, n); ++k)
            if (out[k] != '\n') out[k] = ' ';
    };
    auto line_end = [&](std::size_t from) {
        auto end = source.find('\n', from);
        return end == std::string_view::npos ? n : end;
    };
    auto at_line_start = [&](std::size_t at) {
        auto start = source.rfind('\n', at == 0 ? 0 : at - 1);
        start = (start == std::string_view::npos || at == 0) ? 0 : start + 1;
        return source.substr(start, at - start).find_first_not_of(" \t") == std::string_view::npos;
    };
    std::size_t i = 0;
    while (i < n) {
        char c = source[i];
        char next = i + 1 < n ? source[i + 1] : '\0';
        if ((python && c == '#') || (!python && c == '/' && next == '/') || (!python && c == '#' && at_line_start(i))) {
            auto end = line_end(i);
            blank(i, end);
            i = end;
        } else if (!python && c == '/' && next == '*') {
            auto end = source.find("*/", i + 2);
            end = end == std::string_view::npos ? n : end + 2;
            blank(i, end);
            i = end;
        } else if (c == '"' || c == '\'') {
            std::string triple(3, c);
            if (python && source.substr(i, 3) == triple) {
                auto end = source.find(triple, i + 3);
                end = end == std::string_view::npos ? n : end;
                blank(i + 3, end);
                i = end + 3;
                continue;
            }
            auto j = i + 1;
            while (j < n && source[j] != c && source[j] != '\n') j += source[j] == '\\' ? 2 : 1;
            blank(i + 1, j);
            i = j + 1;
        } else {
            ++i;
        }
    }
    return out;
}

bool has(const std::string& code, const std::regex& pattern) { return std::regex_search(code, pattern); }

using Flags = std::regex_constants::syntax_option_type;
constexpr Flags plain = std::regex::ECMAScript;
constexpr Flags any_case = std::regex::ECMAScript | std::regex::icase;

}  // namespace

SourceSigns read_signs(std::string_view source, std::string_view kind) {
    static const std::regex udp(R"(SOCK_DGRAM|DatagramSocket|DatagramChannel|udp::socket)", plain);
    static const std::regex tcp(
        R"(SOCK_STREAM|ServerSocket|new\s+Socket\s*\(|socket\.socket\(\s*\)|create_connection|create_server|start_server|open_connection|socketserver|TCPServer|tcp::|SocketChannel)",
        plain);
    static const std::regex listens(R"(\blisten\s*\(|\baccept\s*\(|ServerSocket|create_server|start_server|TCPServer|acceptor)",
                                    plain);
    static const std::regex connects(R"(\bconnect\s*\(|create_connection|open_connection|new\s+Socket\s*\()", plain);
    // Java: a DatagramSocket given a port is bound to it; one without is a client's.
    static const std::regex binds(R"(\bbind\s*\(|new\s+DatagramSocket\s*\(\s*[^)\s])", plain);
    static const std::regex sends_to(R"(\bsendto\s*\(|new\s+DatagramSocket\s*\(\s*\))", plain);
    static const std::regex receives(R"(\brecv\w*\s*\(|getInputStream|\.makefile\s*\(|\.receive\s*\(|open_connection)",
                                     plain);
    static const std::regex concurrent(
        R"(\bthreading\b|\bThread\b|\b_thread\b|start_new_thread|pthread_create|std::thread|\bselect\b|\bselectors\b|\bpoll\s*\(|\bepoll|\basyncio\b|\bfork\s*\(|ExecutorService|\bRunnable\b|ThreadingMixIn|ThreadingTCPServer)",
        plain);
    static const std::regex client_list(
        R"(\b\w*(clients|clientes|conexoes|connections|sockets|writers|usuarios|users)\w*\b|\bclient\w*\s*\[|\b(List|Set|Vector|Map)\s*<\s*(Socket|PrintWriter|DataOutputStream|\w*Handler|\w*Client\w*)\b)",
        any_case);
    // Python's broadcast loop, whatever the collection is called: for other in buffers: ... other.send(...)
    static const std::regex sends_to_each(R"(\bfor\s+(\w+)\s+in\s+[^\n]*:[ \t]*\n(?:[^\n]*\n){0,4}?[^\n]*\b\1\.send)",
                                          plain);
    static const std::regex reads_stdin(
        R"(\binput\s*\(|\braw_input\b|sys\.stdin|\bstdin\b|System\.in\b|\bcin\b|\bgetline\s*\(|\bscanf\s*\(|\bgets\s*\()",
        plain);
    // A lab's program is small; the cap keeps the backtracking regexes cheap on anything else.
    auto code = code_only(source.substr(0, 64 * 1024), kind == "python");
    SourceSigns signs;
    signs.udp = has(code, udp);
    signs.tcp = has(code, tcp);
    signs.listens = has(code, listens);
    signs.connects = has(code, connects);
    signs.binds = has(code, binds);
    signs.sends_to = has(code, sends_to);
    signs.receives = has(code, receives);
    signs.concurrent = has(code, concurrent);
    signs.client_list = has(code, client_list) || (kind == "python" && has(code, sends_to_each));
    signs.reads_stdin = has(code, reads_stdin);
    return signs;
}

namespace {

struct Words {
    scenario::Text what;
    scenario::Text detail;
};

// "a TCP server" / "with threads or select and a list of clients", in both languages.
Words describe(const SourceSigns& signs, bool tcp, bool udp, bool server, bool client) {
    Words words;
    std::string protocol = tcp && !udp ? "TCP" : udp && !tcp ? "UDP" : "";
    auto with_protocol = [&](const std::string& noun) { return protocol.empty() ? noun : noun + " " + protocol; };
    if (server && !client) {
        words.what = {"a " + (protocol.empty() ? "" : protocol + " ") + "server", "um " + with_protocol("servidor")};
    } else if (client && !server) {
        words.what = {"a " + (protocol.empty() ? "" : protocol + " ") + "client", "um " + with_protocol("cliente")};
    } else if (signs.uses_sockets()) {
        words.what = {"a " + (protocol.empty() ? "" : protocol + " ") + "program that neither clearly listens nor connects",
                      "um " + with_protocol("programa") + " que não se vê se escuta ou conecta"};
    } else {
        words.what = {"a program with no socket code recognised", "um programa sem código de sockets reconhecível"};
    }
    if (!tcp || udp || server == client) return words;
    if (server) {
        if (signs.concurrent && signs.client_list)
            words.detail = {"with threads or select and a list of clients", "com threads ou select e uma lista de clientes"};
        else if (signs.client_list)
            words.detail = {"with a list of clients but no threads or select",
                            "com uma lista de clientes, mas sem threads nem select"};
        else if (signs.concurrent)
            words.detail = {"with threads or select but no list of clients",
                            "com threads ou select, mas sem lista de clientes"};
        else
            words.detail = {"with no threads and no list of clients", "sem threads e sem lista de clientes"};
    } else {
        if (signs.concurrent)
            words.detail = {"that uses threads or select", "que usa threads ou select"};
        else if (signs.receives)
            words.detail = {"that also reads from the server, but has no threads or select",
                            "que também lê do servidor, mas sem threads nem select"};
        else
            words.detail = {"that only sends", "que só envia"};
    }
    return words;
}

void add(std::vector<std::string>& labs, const std::string& name) {
    if (std::find(labs.begin(), labs.end(), name) == labs.end()) labs.push_back(name);
}

std::string lower(std::string text) {
    for (auto& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

// "a", "a or b", "a, b or c"

}  // namespace

FileGuess guess_file(const std::string& file, const SourceSigns& signs) {
    // Transport and role from the source; where it says nothing, every choice stays open.
    bool tcp = signs.tcp || ((signs.listens || signs.connects) && !signs.udp);
    bool udp = signs.udp;
    if (!tcp && !udp) tcp = udp = true;
    bool tcp_server = signs.listens;
    bool tcp_client = signs.connects && !signs.listens;
    if (!tcp_server && !tcp_client) tcp_server = tcp_client = true;
    bool udp_server = signs.binds;
    bool udp_client = !signs.binds && (signs.sends_to || signs.connects);
    if (!udp_server && !udp_client) udp_server = udp_client = true;

    // No socket code seen: nothing is known about chat either.
    bool unknown = !signs.uses_sockets();
    std::vector<std::string> labs;
    if (tcp && tcp_server) {
        // The chat server serves clients at once (threads, select) and keeps them in a list.
        if (unknown || !(signs.concurrent && signs.client_list)) add(labs, "tcp-server");
        if (unknown || signs.concurrent || signs.client_list) add(labs, "chat-server");
    }
    if (tcp && tcp_client) {
        // The chat client reads stdin and the socket at once; the TCP client only sends.
        if (unknown || !signs.concurrent) add(labs, "tcp-client");
        if (unknown || signs.concurrent || signs.receives) add(labs, "chat-client");
    }
    if (udp && udp_server) add(labs, "udp-server");
    if (udp && udp_client) add(labs, "udp-client");

    // A name that says "chat" is the student's own word for it.
    auto name = fs::path(file).filename().string();
    bool says_chat = lower(name).find("chat") != std::string::npos;
    if (says_chat) {
        if (std::find(labs.begin(), labs.end(), "tcp-server") != labs.end()) add(labs, "chat-server");
        if (std::find(labs.begin(), labs.end(), "tcp-client") != labs.end()) add(labs, "chat-client");
    }
    // The name breaks ties: keep the labs it fits best (servidor.py: the servers).
    int best = -1000;
    for (const auto& lab : known_labs())
        if (std::find(labs.begin(), labs.end(), lab.name) != labs.end()) best = std::max(best, name_fit(name, lab));
    std::vector<std::string> kept;
    for (const auto& lab : known_labs())
        if (std::find(labs.begin(), labs.end(), lab.name) != labs.end() && name_fit(name, lab) == best)
            kept.push_back(lab.name);

    FileGuess guess;
    guess.file = file;
    guess.labs = kept;
    bool serves = (!tcp || (tcp_server && !tcp_client)) && (!udp || (udp_server && !udp_client));
    bool calls = (!tcp || (tcp_client && !tcp_server)) && (!udp || (udp_client && !udp_server));
    auto words = describe(signs, tcp && !udp, udp && !tcp, serves, calls);
    auto sentence = [&](const std::string& is, const std::string& what, const std::string& detail) {
        return fmt::format("{} {} {}{}", file, is, what, detail.empty() ? "" : " " + detail);
    };
    guess.why = {sentence("is", words.what.en, words.detail.en), sentence("é", words.what.pt, words.detail.pt)};
    if (says_chat && kept.size() < labs.size()) {
        guess.why.en += ", and its name says chat";
        guess.why.pt += ", e o nome diz chat";
    }
    return guess;
}

LabGuess guess_lab(const std::string& dir) {
    std::vector<FileGuess> files;
    bool any_sockets = false;
    std::vector<SourceSigns> signs;
    auto programs = program_files(dir);
    for (const auto& program : programs) {
        auto source = program.kind == "binary" ? std::string() : read_file((fs::path(dir) / program.file).string()).value_or("");
        signs.push_back(read_signs(source, program.kind));
        any_sockets |= signs.back().uses_sockets();
    }
    LabGuess guess;
    for (std::size_t i = 0; i < programs.size(); ++i) {
        // A helper without socket code (utils.py) is not the program, when another has some.
        if (any_sockets && !signs[i].uses_sockets()) continue;
        auto file = guess_file(to_utf8(programs[i].file), signs[i]);
        for (const auto& lab : file.labs) add(guess.labs, lab);
        guess.why.en += (guess.why.en.empty() ? "" : "; ") + file.why.en;
        guess.why.pt += (guess.why.pt.empty() ? "" : "; ") + file.why.pt;
    }
    std::vector<std::string> ordered;
    for (const auto& lab : known_labs())
        if (std::find(guess.labs.begin(), guess.labs.end(), lab.name) != guess.labs.end()) ordered.push_back(lab.name);
    guess.labs = ordered;
    return guess;
}

util::Text LabGuess::question() const {
    if (labs.empty())
        return {"cannot tell which lab this is: no program found (a .py, .c, .cpp or .java file with a main); say "
                "which lab with --lab NAME, or with lab: in .sockgrade.yaml",
                "não dá para saber qual é o exercício: nenhum programa encontrado (um arquivo .py, .c, .cpp ou .java com "
                "main); diga qual com --lab NOME, ou com lab: no .sockgrade.yaml"};
    std::vector<std::string> options;
    for (const auto& lab : labs) options.push_back("--lab " + lab);
    return {fmt::format("cannot tell which lab this is: {}, which fits {}; say which with {} (or lab: in .sockgrade.yaml)",
                        why.en, util::join_words(labs, " or "), util::join_words(options, " or ")),
            fmt::format("não dá para saber qual é o exercício: {}, o que combina com {}; diga qual com {} (ou lab: no "
                        ".sockgrade.yaml)",
                        why.in("pt"), util::join_words(labs, " ou "), util::join_words(options, " ou "))};
}

}  // namespace sockgrade::batch
