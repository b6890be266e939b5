#include "runner/diagnosis.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sockgrade::runner {

namespace {

// "b did not..." -> "B did not...": the message now starts a sentence of its own.
std::string sentence(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
    return text;
}

}  // namespace

Text names_list(const std::vector<std::string>& names) { return {util::join_words(names, " and "), util::join_words(names, " e ")}; }

Text never_accepted(const std::vector<std::string>& unaccepted, const std::vector<std::string>& serving) {
    auto who = names_list(unaccepted);
    bool one = unaccepted.size() == 1;
    Text subject{one ? fmt::format("{}'s connection was never accepted", who.en)
                     : fmt::format("the connections of {} were never accepted", who.en),
                 one ? fmt::format("a conexão de {} nunca foi aceita", who.pt)
                     : fmt::format("as conexões de {} nunca foram aceitas", who.pt)};
    auto busy = names_list(serving);
    return {fmt::format("{}: the program is still serving {}; serve each client at the same time (a thread per client, "
                        "or select)",
                        subject.en, busy.en),
            fmt::format("{}: o programa ainda está atendendo {}; atenda cada cliente ao mesmo tempo (uma thread por "
                        "cliente, ou select)",
                        subject.pt, busy.pt)};
}

Text blocked_in_recv(std::size_t lines_sent) {
    Text stopped{"the program does not read its standard input", "o programa não lê a entrada padrão"};
    if (lines_sent == 1)
        stopped = {"the program stopped after its first line", "o programa parou depois da primeira linha"};
    else if (lines_sent > 1)
        stopped = {fmt::format("the program stopped after {} lines", lines_sent),
                   fmt::format("o programa parou depois de {} linhas", lines_sent)};
    return {fmt::format("{}: it is blocked in recv(), waiting for the server, and does not read what is typed; "
                        "read the socket and standard input at the same time (a thread, or select)",
                        stopped.en),
            fmt::format("{}: está bloqueado no recv(), esperando o servidor, e não lê o que é digitado; "
                        "leia o socket e a entrada padrão ao mesmo tempo (uma thread, ou select)",
                        stopped.pt)};
}

std::string stderr_tail(const std::vector<std::string>& lines, const std::string& partial, std::size_t count) {
    std::vector<std::string> last;
    if (!partial.empty()) last.push_back(partial);
    for (auto line = lines.rbegin(); line != lines.rend() && last.size() < count; ++line)
        if (line->find_first_not_of(" \t\r") != std::string::npos) last.push_back(*line);
    std::string out;
    for (auto line = last.rbegin(); line != last.rend(); ++line)
        out += (out.empty() ? "" : " / ") + util::quoted(*line, 160);
    return out;
}

Text with_cause(const Text& cause, const Text& message) {
    return {fmt::format("{}. {}", cause.en, sentence(message.en)), fmt::format("{}. {}", cause.pt, sentence(message.pt))};
}

}  // namespace sockgrade::runner
