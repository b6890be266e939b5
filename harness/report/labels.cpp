#include "report/labels.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "util/text.hpp"

namespace sockgrade::report::detail {

namespace {

Labels make_english() {
    Labels l;
    l.score = "score";
    l.points = "points";
    l.test = "test";
    l.result = "result";
    l.passed = "passed";
    l.failed = "failed";
    l.hidden_test = "hidden test";
    l.hidden_marker = "hidden";
    l.at = "at";
    l.transcript = "transcript";
    l.hint = "hint";
    l.note = "note";
    l.notes = "notes";
    l.program = "program";
    l.pictures = "pictures";
    l.capture = "capture";
    l.stress = "--stress: busy processes loaded every CPU during each run";
    l.portuguese = false;
    return l;
}

Labels make_portuguese() {
    Labels l;
    l.score = "nota";
    l.points = "pontos";
    l.test = "teste";
    l.result = "resultado";
    l.passed = "passou";
    l.failed = "falhou";
    l.hidden_test = "teste oculto";
    l.hidden_marker = "oculto";
    l.at = "em";
    l.transcript = "transcrição";
    l.hint = "dica";
    l.note = "aviso";  // "nota" already means the score
    l.notes = "avisos";
    l.program = "programa";
    l.pictures = "imagens";
    l.capture = "captura";
    l.stress = "--stress: processos ocupados carregaram todas as CPUs em cada execução";
    l.portuguese = true;
    l.lang = "pt";
    return l;
}

}  // namespace

std::string_view Labels::party(std::string_view name) const {
    if (!portuguese) return name;
    if (name == "program") return "programa";
    if (name == "grader") return "corretor";  // as "erro do corretor" in runner/
    return name;
}

std::string Labels::flaky(int passes, int runs) const {
    if (portuguese)
        return fmt::format("instável: passou em {} de {} execuções", passes, runs);
    return fmt::format("flaky: passed {} of {} runs", passes, runs);
}

std::string Labels::pass_rate(int passes, int runs) const {
    if (portuguese) return fmt::format("passou em {} de {} execuções", passes, runs);
    return fmt::format("passed {} of {} runs", passes, runs);
}

std::string Labels::failed_runs(const std::vector<int>& runs) const {
    std::vector<std::string> numbers;
    for (int run : runs) numbers.push_back(std::to_string(run));
    auto list = util::join_words(numbers, portuguese ? " e " : " and ");
    if (portuguese) return fmt::format("falhou: {} {}", runs.size() == 1 ? "execução" : "execuções", list);
    return fmt::format("failed: {} {}", runs.size() == 1 ? "run" : "runs", list);
}

std::string Labels::run_transcript(int run, int runs, bool passed, std::uint64_t seed, std::string_view test) const {
    if (portuguese)
        return fmt::format("transcrição da execução {} de {} ({}; para repeti-la: --seed {} --only {})", run, runs,
                           passed ? "passou" : "falhou", seed, test);
    return fmt::format("transcript of run {} of {} ({}; replay it with --seed {} --only {})", run, runs,
                       passed ? "passed" : "failed", seed, test);
}

std::string Labels::seed(std::uint64_t seed) const {
    if (portuguese) return fmt::format("semente {} (para repetir: --seed {})", seed, seed);
    return fmt::format("seed {} (replay with --seed {})", seed, seed);
}

std::string Labels::earlier_entries(std::size_t count) const {
    if (portuguese)
        return count == 1 ? "… 1 entrada anterior" : fmt::format("… {} entradas anteriores", count);
    return count == 1 ? "… 1 earlier entry" : fmt::format("… {} earlier entries", count);
}

std::string Labels::tests_passed(int passed, std::size_t total) const {
    if (portuguese)
        return total == 1 ? fmt::format("{} de 1 teste passou", passed)
                          : fmt::format("{} de {} testes passaram", passed, total);
    return total == 1 ? fmt::format("{} of 1 test passed", passed)
                      : fmt::format("{} of {} tests passed", passed, total);
}

std::string Labels::diagrams_in(std::size_t count, std::string_view dir) const {
    if (portuguese)
        return fmt::format("{} {} (SVG) em {}", count, count == 1 ? "diagrama de sequência" : "diagramas de sequência", dir);
    return fmt::format("{} {} (SVG) in {}", count, count == 1 ? "sequence diagram" : "sequence diagrams", dir);
}

std::string Labels::captures_in(std::size_t count, std::string_view dir) const {
    if (portuguese)
        return fmt::format("{} {} (pcapng, para o Wireshark) em {}", count,
                           count == 1 ? "captura de pacotes" : "capturas de pacotes", dir);
    return fmt::format("{} {} (pcapng, for Wireshark) in {}", count, count == 1 ? "packet capture" : "packet captures", dir);
}

const Labels& labels_for(const std::string& lang) {
    static const Labels english = make_english();
    static const Labels portuguese = make_portuguese();
    return lang == "pt" ? portuguese : english;
}

}  // namespace sockgrade::report::detail
