#include "batch/outputs.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "batch/files.hpp"
#include "diagram/diagram.hpp"
#include "report/report.hpp"

namespace sockgrade::batch {

namespace fs = std::filesystem;
using nlohmann::json;

// --- class.json -------------------------------------------------------------

json class_info_to_json(const ClassInfo& info) {
    json tests = json::array();
    for (const auto& t : info.tests)
        tests.push_back({{"name", t.name}, {"title", {{"en", t.title.en}, {"pt", t.title.pt}}}, {"points", t.points},
                         {"hidden", t.hidden}});
    return {{"version", 1},
            {"scenario", info.scenario},
            {"title", {{"en", info.title.en}, {"pt", info.title.pt}}},
            {"tests", tests},
            {"key", info.key},
            {"students", info.students},
            {"problems", info.problems},
            {"shard", info.shard},
            {"complete", info.complete}};
}

std::optional<ClassInfo> class_info_from_json(const json& j) {
    try {
        if (j.value("version", 0) != 1) return std::nullopt;
        ClassInfo info;
        info.scenario = j.at("scenario").get<std::string>();
        info.title = {j.at("title").value("en", ""), j.at("title").value("pt", "")};
        for (const auto& t : j.at("tests"))
            info.tests.push_back({t.at("name").get<std::string>(),
                                  {t.at("title").value("en", ""), t.at("title").value("pt", "")},
                                  t.at("points").get<double>(),
                                  t.at("hidden").get<bool>()});
        info.key = j.at("key").get<std::string>();
        info.students = j.at("students").get<std::vector<std::string>>();
        info.problems = j.at("problems").get<std::vector<std::string>>();
        info.shard = j.at("shard").get<std::string>();
        info.complete = j.at("complete").get<bool>();
        return info;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

ClassInfo class_info_for(const scenario::Scenario& scenario) {
    ClassInfo info;
    info.scenario = scenario.name;
    info.title = scenario.title;
    for (const auto& test : scenario.tests) info.tests.push_back({test.name, test.title, test.points, test.hidden});
    return info;
}

// --- gradebook --------------------------------------------------------------

namespace {

const runner::TestResult* find_test(const Record& record, const std::string& name) {
    for (const auto& test : record.result.tests)
        if (test.name == name) return &test;
    return nullptr;
}

double max_score(const ClassInfo& info) {
    double total = 0;
    for (const auto& t : info.tests) total += t.points;
    return total;
}

// Text safe for HTML and terminals: valid UTF-8, no control characters but \n and \t.
std::string clean(std::string_view text) {
    auto utf8 = to_utf8(text);
    std::string out;
    out.reserve(utf8.size());
    for (char c : utf8) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) continue;
        out += c;
    }
    return out;
}

std::string tail(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    auto cut = text.size() - max_bytes;
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;  // whole characters
    return "[...]\n" + std::string(text.substr(cut));
}

}  // namespace

std::string gradebook_note(const Record& record) {
    // The gradebook is data for the teacher's tools: its words stay English.
    std::string note = record.status == "graded" ? std::string() : record.problem.en;
    for (const auto& line : record.notes) note += (note.empty() ? "" : "; ") + line;
    return note;
}

std::string render_gradebook(const ClassInfo& info, const std::vector<Record>& records) {
    std::string csv = "student,score,max";
    for (const auto& test : info.tests) csv += "," + csv_field(test.name);
    csv += ",flaky,status,note\r\n";
    double max = max_score(info);
    for (const auto& record : records) {
        csv += csv_field(record.student);
        csv += "," + format_points(record.result.score) + "," + format_points(max);
        for (const auto& test : info.tests) {
            const auto* result = find_test(record, test.name);
            csv += "," + format_points(result ? result->points : 0);
        }
        csv += std::string(",") + (record.flaky() ? "yes" : "");
        csv += "," + csv_field(record.status);
        csv += "," + csv_field(clean(gradebook_note(record)));
        csv += "\r\n";
    }
    return csv;
}

// --- feedback ---------------------------------------------------------------

namespace {

struct Words {
    const char* student;
    const char* status;
    const char* program;
    const char* notes;
    const char* problem;
    const char* log;
    const char* score;
};

const Words& words(const std::string& lang) {
    static const Words en{"Student", "Status", "Program", "Notes", "Problem", "Build output", "score"};
    static const Words pt{"Aluno", "Situação", "Programa", "Observações", "Problema", "Saída da compilação", "nota"};
    return lang == "pt" ? pt : en;
}

std::string indent(std::string_view text, std::string_view prefix) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        auto line = text.substr(start, end - start);
        out += line.empty() ? "" : std::string(prefix) + std::string(line);
        out += '\n';
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string render_feedback_text(const Record& record, const FeedbackOptions& options) {
    const auto& w = words(options.lang);
    std::string text = fmt::format("{}: {}\n", w.student, clean(record.student));
    text += fmt::format("{}: {}\n", w.status, clean(status_sentence(record.status).in(options.lang)));
    if (!record.program.empty())
        text += fmt::format("{}: {}{}\n", w.program, clean(record.program),
                            record.how.empty() ? "" : fmt::format(" ({})", record.how));
    if (!record.notes.empty()) {
        text += fmt::format("{}:\n", w.notes);
        for (const auto& note : record.notes) text += "  - " + clean(note) + "\n";
    }
    if (record.status != "graded") {
        text += fmt::format("{}: {}\n", w.problem, clean(record.problem.in(options.lang)));
        if (!record.build_log.empty())
            text += fmt::format("{}:\n{}", w.log, indent(clean(tail(record.build_log, 8000)), "    "));
        text += fmt::format("\n{} {}/{}\n", w.score, format_points(record.result.score),
                            format_points(record.result.max_score));
        return text;
    }
    report::Options view;
    view.lang = options.lang;
    view.student_view = options.student_view;
    text += "\n" + clean(report::render(record.result, report::Format::text, view));
    return text;
}

std::string render_feedback_json(const Record& record, const FeedbackOptions& options) {
    report::Options view;
    view.lang = options.lang;
    view.student_view = options.student_view;
    auto report_json = json::parse(report::render(record.result, report::Format::json, view), nullptr, false);
    if (report_json.is_discarded() || !report_json.is_object()) report_json = json::object();
    nlohmann::ordered_json out;
    out["student"] = clean(record.student);
    out["status"] = record.status;
    out["problem"] = clean(record.problem.in(options.lang));  // as the report's "message": in the chosen language
    out["how"] = record.how;
    out["program"] = clean(record.program);
    out["notes"] = json::array();
    for (const auto& note : record.notes) out["notes"].push_back(clean(note));
    out["build_log"] = clean(tail(record.build_log, 64000));
    for (auto it = report_json.begin(); it != report_json.end(); ++it) out[it.key()] = it.value();
    return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// --- report.html ------------------------------------------------------------

namespace {

struct HtmlWords {
    const char* lang;
    const char* report;
    const char* students;
    const char* graded;
    const char* full_marks;
    const char* mean;
    const char* median;
    const char* scores;
    const char* tests;
    const char* tests_hint;
    const char* test;
    const char* pass_rate;
    const char* points;
    const char* problems;
    const char* no_problems;
    const char* similar;
    const char* similar_hint;
    const char* identical;
    const char* no_similar;
    const char* roster;
    const char* roster_hint;
    const char* student;
    const char* score;
    const char* status;
    const char* results;
    const char* filter;
    const char* open_all;
    const char* close_all;
    const char* incomplete;
    const char* shard;
    const char* count;
    const char* diagrams;        // heading of a student's sequence diagrams
    const char* capture_link;    // the link to a test's packet capture
    const char* diagrams_left;   // "{} more diagrams not embedded: ..."
};

const HtmlWords& html_words(const std::string& lang) {
    static const HtmlWords en{"en", "class report", "students", "graded", "full marks", "mean", "median",
                              "Scores", "Tests, hardest first",
                              "Share of the graded submissions that passed each test (submissions that could not run are left out).",
                              "test", "passed", "points", "Submissions that need a look", "None: every submission was graded.",
                              "Similar sources (a hint, not a verdict)",
                              "Pairs whose source is the same, or nearly, once comments and whitespace are removed. Short lab programs that follow the slides are alike by nature: look before you judge.",
                              "identical", "No pair of submissions is suspiciously similar.", "Students",
                              "Click a row (or press Enter on it) to open the student's feedback and transcript; click a heading to sort.",
                              "student", "score", "status", "tests", "Filter by name", "Open all", "Close all",
                              "Grading was interrupted: only the students listed below were graded so far. Run the same command again to finish.",
                              "shard", "submissions", "Sequence diagrams of the failed tests",
                              "packet capture (pcapng, opens in Wireshark)",
                              "{} more diagrams not embedded: this report's room for diagrams ({} MiB) is used up; "
                              "`sockgrade run --diagram DIR` draws them for one student"};
    static const HtmlWords pt{"pt", "relatório da turma", "alunos", "avaliados", "nota máxima", "média", "mediana",
                              "Notas", "Testes, do mais difícil ao mais fácil",
                              "Parte das entregas avaliadas que passou em cada teste (entregas que não rodaram ficam de fora).",
                              "teste", "passaram", "pontos", "Entregas que merecem atenção", "Nenhuma: todas as entregas foram avaliadas.",
                              "Códigos parecidos (uma pista, não um veredito)",
                              "Pares cujo código é igual, ou quase, depois de tirar comentários e espaços. Programas curtos que seguem os slides são parecidos por natureza: confira antes de julgar.",
                              "idênticos", "Nenhum par de entregas é suspeitamente parecido.", "Alunos",
                              "Clique numa linha (ou tecle Enter nela) para abrir o retorno e a transcrição do aluno; clique num título para ordenar.",
                              "aluno", "nota", "situação", "testes", "Filtrar por nome", "Abrir todos", "Fechar todos",
                              "A avaliação foi interrompida: só os alunos abaixo foram avaliados até agora. Rode o mesmo comando de novo para terminar.",
                              "parte", "entregas", "Diagramas de sequência dos testes que falharam",
                              "captura de pacotes (pcapng, abre no Wireshark)",
                              "{} diagramas a mais não incluídos: o espaço deste relatório para diagramas ({} MiB) acabou; "
                              "`sockgrade run --diagram DIR` os desenha para um aluno"};
    return lang == "pt" ? pt : en;
}

const char* page_style = R"css(
:root{--fg:#1b1f24;--muted:#5b6470;--bg:#fff;--line:#d8dde3;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--bar:#3b82f6;--soft:#f4f6f8}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa5b1;--bg:#0d1117;--line:#30363d;--soft:#161b22;--bar:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;padding:1rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);max-width:72rem;margin-inline:auto}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.meta,.hint{color:var(--muted);font-size:.9rem}
.stats{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
.stat{background:var(--soft);border:1px solid var(--line);border-radius:.5rem;padding:.4rem .8rem;min-width:7rem}
.stat b{display:block;font-size:1.3rem}
#histogram svg{max-width:100%;height:auto}
#histogram svg text{fill:var(--fg);font-size:14px}
#histogram svg rect.bar{fill:var(--bar)}
.pictures h3{font-size:1rem;margin:.8rem 0 .3rem}
.pictures figure{margin:.5rem 0 1rem}
.pictures figcaption{margin:.2rem 0;font-size:.9rem}
.pictures .scroll{overflow-x:auto;border:1px solid var(--line);border-radius:.4rem;background:#fff}
.pictures svg{display:block;max-width:none;height:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th[data-key]{cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.rate{display:inline-block;height:.7rem;background:var(--bar);border-radius:.2rem;vertical-align:middle}
.ratebox{display:inline-block;width:8rem;background:var(--soft);border-radius:.2rem}
tr.row{cursor:pointer}
tr.row:hover,tr.row:focus{background:var(--soft);outline:none}
tr.detail{display:none}
tbody.open tr.detail{display:table-row}
tbody.open tr.row td:first-child::before{content:"\25BE  "}
tr.row td:first-child::before{content:"\25B8  ";color:var(--muted)}
tbody.hidden{display:none}
.pass{color:var(--ok)}.fail{color:var(--bad)}.warn{color:var(--warn)}
.marks span{font-family:ui-monospace,monospace;margin-right:1px}
pre{white-space:pre-wrap;word-break:break-word;background:var(--soft);border:1px solid var(--line);border-radius:.4rem;padding:.6rem;font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:.3rem 0;max-height:40rem;overflow:auto}
.tools{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0}
input[type=search]{flex:1;min-width:10rem;padding:.4rem;font:inherit;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.35rem .7rem;border:1px solid var(--line);border-radius:.4rem;background:var(--soft);color:var(--fg);cursor:pointer}
ul.problems li{margin:.2rem 0}
@media (max-width:40rem){body{padding:.6rem;font-size:14px}.marks{display:none}th,td{padding:.3rem}.ratebox{width:4rem}}
)css";

const char* page_script = R"js(
(function(){
var table=document.getElementById('roster');if(!table)return;
function toggle(body,open){if(open===undefined)open=!body.classList.contains('open');body.classList.toggle('open',open);var row=body.querySelector('tr.row');if(row)row.setAttribute('aria-expanded',open?'true':'false');}
table.addEventListener('click',function(e){var row=e.target.closest('tr.row');if(row)toggle(row.parentNode);});
table.addEventListener('keydown',function(e){var row=e.target.closest('tr.row');if(row&&(e.key==='Enter'||e.key===' ')){e.preventDefault();toggle(row.parentNode);}});
var heads=table.querySelectorAll('th[data-key]');
Array.prototype.forEach.call(heads,function(th){th.addEventListener('click',function(){
 var key=th.getAttribute('data-key');var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
 Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
 th.setAttribute('aria-sort',dir>0?'ascending':'descending');
 var bodies=Array.prototype.slice.call(table.tBodies);
 bodies.sort(function(a,b){var x=a.getAttribute('data-'+key),y=b.getAttribute('data-'+key);
  if(key==='score'){return (parseFloat(x)-parseFloat(y))*dir||a.getAttribute('data-name').localeCompare(b.getAttribute('data-name'));}
  return x.localeCompare(y)*dir;});
 bodies.forEach(function(b){table.appendChild(b);});
});});
var filter=document.getElementById('filter');
if(filter)filter.addEventListener('input',function(){var q=filter.value.toLowerCase();
 Array.prototype.forEach.call(table.tBodies,function(b){b.classList.toggle('hidden',q!==''&&b.getAttribute('data-name').toLowerCase().indexOf(q)===-1);});});
var openAll=document.getElementById('open-all'),closeAll=document.getElementById('close-all');
if(openAll)openAll.addEventListener('click',function(){Array.prototype.forEach.call(table.tBodies,function(b){toggle(b,true);});});
if(closeAll)closeAll.addEventListener('click',function(){Array.prototype.forEach.call(table.tBodies,function(b){toggle(b,false);});});
function openHash(){var id=decodeURIComponent(location.hash.slice(1));var b=id&&document.getElementById(id);if(b&&b.tagName==='TBODY'){toggle(b,true);b.scrollIntoView();}}
window.addEventListener('hashchange',openHash);openHash();
})();
)js";

std::string histogram_svg(const std::vector<double>& fractions, const HtmlWords& w) {
    // 11 bars: 0-9 %, 10-19 %, ..., 90-99 %, 100 %.
    int bins[11] = {};
    for (double f : fractions) {
        int bin = f >= 1 - 1e-9 ? 10 : std::clamp(static_cast<int>(std::floor(f * 10 + 1e-9)), 0, 9);
        ++bins[bin];
    }
    int highest = std::max(1, *std::max_element(std::begin(bins), std::end(bins)));
    const int width = 560, height = 180, left = 28, bottom = 36, top = 14;
    const double bar_width = static_cast<double>(width - left) / 11;
    std::string svg = fmt::format(R"(<svg viewBox="0 0 {} {}" role="img" aria-label="{}">)", width, height,
                                  html_escape(w.scores));
    svg += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-opacity="0.3"/>)", left,
                       height - bottom, width, height - bottom);
    for (int i = 0; i < 11; ++i) {
        double h = static_cast<double>(bins[i]) / highest * (height - bottom - top);
        double x = left + i * bar_width + 3;
        double y = height - bottom - h;
        svg += fmt::format(R"(<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" rx="2"><title>{}: {}</title></rect>)",
                           x, y, bar_width - 6, h, i == 10 ? std::string("100%") : fmt::format("{}-{}%", i * 10, i * 10 + 9),
                           bins[i]);
        if (bins[i] > 0)
            svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", x + (bar_width - 6) / 2,
                               y - 3, bins[i]);
        svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)", x + (bar_width - 6) / 2,
                           height - bottom + 14, i == 10 ? std::string("100") : fmt::format("{}", i * 10));
    }
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">% {}</text>)", left + (width - left) / 2,
                       height - 6, html_escape(w.score));
    svg += "</svg>";
    return svg;
}

// The diagrams of a student's failed tests, each with a link to its capture.
// `room` is what is left of the report's budget for diagrams.
std::string pictures_html(const Record& record, const std::string& lang, const HtmlWords& w, std::size_t& room,
                          std::size_t& left_out) {
    if (record.status != "graded") return {};
    std::string html;
    diagram::Options options;
    options.lang = lang;
    options.in_html = true;
    for (const auto& test : record.result.tests) {
        if (test.passed) continue;
        auto svg = diagram::render_svg(test, options);
        if (svg.size() > room) {
            ++left_out;
            continue;
        }
        room -= svg.size();
        auto title = clean(test.title.in(lang));
        std::string caption = "<b>" + html_escape(test.name) + "</b>";
        if (!title.empty()) caption += " — " + html_escape(title);
        if (!test.capture.empty())
            caption += fmt::format(" · <a href=\"{}\">{}</a>", html_escape(test.capture), html_escape(w.capture_link));
        html += fmt::format("<figure class=\"diagram\"><figcaption>{}</figcaption><div class=\"scroll\">{}</div></figure>\n",
                            caption, svg);
    }
    if (html.empty()) return {};
    return fmt::format("<div class=\"pictures\"><h3>{}</h3>\n{}</div>", html_escape(w.diagrams), html);
}

// Diagrams are a few KiB each; this keeps a class of hundreds loadable.
constexpr std::size_t diagram_room = std::size_t(16) << 20;

}  // namespace

std::string render_html_report(const ClassInfo& info, const std::vector<Record>& records,
                               const std::vector<SimilarPair>& similar, const std::string& lang) {
    const auto& w = html_words(lang);
    const double max = max_score(info);
    std::string title = clean(info.title.in(lang).empty() ? info.scenario : info.title.in(lang));

    std::vector<double> fractions;
    std::vector<double> scores;
    int graded = 0, full = 0;
    for (const auto& record : records) {
        double fraction = max > 0 ? record.result.score / max : 0;
        fractions.push_back(fraction);
        scores.push_back(record.result.score);
        graded += record.status == "graded";
        full += record.full_marks();
    }
    std::sort(scores.begin(), scores.end());
    double mean = 0;
    for (double s : scores) mean += s;
    if (!scores.empty()) mean /= static_cast<double>(scores.size());
    double median = scores.empty() ? 0
                    : scores.size() % 2 ? scores[scores.size() / 2]
                                        : (scores[scores.size() / 2 - 1] + scores[scores.size() / 2]) / 2;

    std::string html;
    html += "<!DOCTYPE html>\n";
    html += fmt::format("<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\"/>\n", w.lang);
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
    html += "<meta name=\"generator\" content=\"sockgrade " SOCKGRADE_VERSION "\"/>\n";
    html += fmt::format("<title>{} — {}</title>\n", html_escape(title), html_escape(w.report));
    html += "<style>" + std::string(page_style) + "</style>\n</head>\n<body>\n";

    html += fmt::format("<header>\n<h1>{} — {}</h1>\n", html_escape(title), html_escape(w.report));
    html += fmt::format("<p class=\"meta\">{} · {} {}{}</p>\n", html_escape(info.scenario), info.students.size(),
                        html_escape(w.students),
                        info.shard.empty() ? std::string() : fmt::format(" · {} {}", w.shard, html_escape(info.shard)));
    if (!info.complete) html += fmt::format("<p class=\"warn\">{}</p>\n", html_escape(w.incomplete));
    html += "</header>\n";

    html += "<section id=\"summary\" class=\"stats\">\n";
    auto stat = [&](const char* label, const std::string& value) {
        html += fmt::format("<div class=\"stat\"><b>{}</b>{}</div>\n", html_escape(value), html_escape(label));
    };
    stat(w.students, std::to_string(info.students.size()));
    stat(w.graded, std::to_string(graded));
    stat(w.full_marks, std::to_string(full));
    stat(w.mean, fmt::format("{}/{}", format_points(mean), format_points(max)));
    stat(w.median, fmt::format("{}/{}", format_points(median), format_points(max)));
    html += "</section>\n";

    html += fmt::format("<section id=\"histogram\">\n<h2>{}</h2>\n{}\n</section>\n", html_escape(w.scores),
                        histogram_svg(fractions, w));

    // Pass rate per test, over the submissions that ran.
    struct Rate {
        const TestInfo* test;
        int passed = 0;
        int ran = 0;
    };
    std::vector<Rate> rates;
    for (const auto& test : info.tests) {
        Rate rate{&test};
        for (const auto& record : records) {
            if (record.status != "graded") continue;
            for (const auto& result : record.result.tests)
                if (result.name == test.name) {
                    ++rate.ran;
                    rate.passed += result.passed;
                }
        }
        rates.push_back(rate);
    }
    std::stable_sort(rates.begin(), rates.end(), [](const Rate& a, const Rate& b) {
        double ra = a.ran ? static_cast<double>(a.passed) / a.ran : 1, rb = b.ran ? static_cast<double>(b.passed) / b.ran : 1;
        return ra < rb;
    });
    html += fmt::format("<section id=\"tests\">\n<h2>{}</h2>\n<p class=\"hint\">{}</p>\n", html_escape(w.tests),
                        html_escape(w.tests_hint));
    html += fmt::format("<table>\n<thead><tr><th>{}</th><th class=\"num\" colspan=\"2\">{}</th><th class=\"num\">{}</th></tr></thead>\n<tbody>\n",
                        html_escape(w.test), html_escape(w.pass_rate), html_escape(w.points));
    for (const auto& rate : rates) {
        double percent = rate.ran ? 100.0 * rate.passed / rate.ran : 0;
        auto test_title = clean(rate.test->title.in(lang));
        html += fmt::format(
            "<tr class=\"test\" data-test=\"{}\"><td><b>{}</b>{}</td><td class=\"num\"><span class=\"ratebox\"><span "
            "class=\"rate\" style=\"width:{:.0f}%\"></span></span></td><td class=\"num\">{}/{} ({:.0f}%)</td><td class=\"num\">{}</td></tr>\n",
            html_escape(rate.test->name), html_escape(rate.test->name),
            test_title.empty() ? std::string() : "<br/><span class=\"hint\">" + html_escape(test_title) + "</span>",
            percent, rate.passed, rate.ran, percent, format_points(rate.test->points));
    }
    html += "</tbody>\n</table>\n</section>\n";

    // Problems: the class folder's, then every submission that was not graded.
    html += fmt::format("<section id=\"problems\">\n<h2>{}</h2>\n", html_escape(w.problems));
    std::vector<std::string> lines;
    for (const auto& problem : info.problems) lines.push_back(html_escape(clean(problem)));
    for (const auto& record : records)
        if (record.status != "graded")
            lines.push_back(fmt::format("<b>{}</b> — <span class=\"fail\">{}</span>: {}", html_escape(record.student),
                                        html_escape(record.status), html_escape(clean(record.problem.in(lang)))));
    if (lines.empty()) {
        html += fmt::format("<p class=\"hint\">{}</p>\n", html_escape(w.no_problems));
    } else {
        html += "<ul class=\"problems\">\n";
        for (const auto& line : lines) html += "<li>" + line + "</li>\n";
        html += "</ul>\n";
    }
    html += "</section>\n";

    html += fmt::format("<section id=\"similar\">\n<h2>{}</h2>\n<p class=\"hint\">{}</p>\n", html_escape(w.similar),
                        html_escape(w.similar_hint));
    if (similar.empty()) {
        html += fmt::format("<p>{}</p>\n", html_escape(w.no_similar));
    } else {
        html += "<ul class=\"similar\">\n";
        for (const auto& pair : similar)
            html += fmt::format("<li class=\"pair\"><b>{}</b> ≈ <b>{}</b>: {}</li>\n", html_escape(pair.first),
                                html_escape(pair.second),
                                pair.similarity >= 1 ? std::string(w.identical)
                                                     : fmt::format("{:.0f}%", std::floor(pair.similarity * 100)));
        html += "</ul>\n";
    }
    html += "</section>\n";

    // The roster.
    html += fmt::format("<section id=\"students\">\n<h2>{}</h2>\n<p class=\"hint\">{}</p>\n", html_escape(w.roster),
                        html_escape(w.roster_hint));
    html += fmt::format(
        "<div class=\"tools\"><input type=\"search\" id=\"filter\" placeholder=\"{}\" aria-label=\"{}\"/>"
        "<button type=\"button\" id=\"open-all\">{}</button><button type=\"button\" id=\"close-all\">{}</button></div>\n",
        html_escape(w.filter), html_escape(w.filter), html_escape(w.open_all), html_escape(w.close_all));
    html += fmt::format(
        "<table id=\"roster\">\n<thead><tr><th data-key=\"name\">{}</th><th data-key=\"score\" class=\"num\">{}</th>"
        "<th data-key=\"status\">{}</th><th class=\"marks\">{}</th></tr></thead>\n",
        html_escape(w.student), html_escape(w.score), html_escape(w.status), html_escape(w.results));
    FeedbackOptions teacher{lang, false};
    std::size_t room = diagram_room, left_out = 0;
    for (const auto& record : records) {
        double fraction = max > 0 ? record.result.score / max : 0;
        const char* tone = record.status != "graded" ? "fail" : record.full_marks() ? "pass" : fraction >= 0.5 ? "" : "warn";
        html += fmt::format("<tbody class=\"student\" id=\"s-{}\" data-name=\"{}\" data-score=\"{:.4f}\" data-status=\"{}\">\n",
                            html_escape(record.slug), html_escape(record.student), fraction, html_escape(record.status));
        html += fmt::format("<tr class=\"row\" tabindex=\"0\" aria-expanded=\"false\"><td>{}</td>"
                            "<td class=\"num {}\">{}/{}</td><td>{}{}</td><td class=\"marks\">",
                            html_escape(record.student), tone, format_points(record.result.score), format_points(max),
                            html_escape(record.status), record.flaky() ? " <span class=\"warn\">(flaky)</span>" : "");
        for (const auto& test : info.tests) {
            const auto* result = find_test(record, test.name);
            bool passed = result && result->passed;
            html += fmt::format("<span class=\"{}\" title=\"{}\">{}</span>", passed ? "pass" : "fail",
                                html_escape(test.name), passed ? "✔" : "✘");
        }
        html += "</td></tr>\n";
        html += fmt::format("<tr class=\"detail\"><td colspan=\"4\"><pre>{}</pre>{}</td></tr>\n",
                            html_escape(render_feedback_text(record, teacher)),
                            pictures_html(record, lang, w, room, left_out));
        html += "</tbody>\n";
    }
    html += "</table>\n";
    if (left_out > 0)
        html += fmt::format("<p class=\"warn\">{}</p>\n",
                            html_escape(fmt::format(fmt::runtime(w.diagrams_left), left_out, diagram_room >> 20)));
    html += "</section>\n";
    html += fmt::format("<footer class=\"meta\"><p>sockgrade {} · {} {} · {}</p></footer>\n", SOCKGRADE_VERSION,
                        records.size(), html_escape(w.count), html_escape(info.scenario));
    html += "<script>" + std::string(page_script) + "</script>\n</body>\n</html>\n";
    return html;
}

// --- writing ----------------------------------------------------------------

std::vector<std::string> write_outputs(const std::string& out_dir, const ClassInfo& info,
                                       const std::vector<Record>& records, const FeedbackOptions& options) {
    std::vector<std::string> failed;
    auto write = [&](const fs::path& path, const std::string& bytes) {
        if (!write_file_atomically(path.string(), bytes)) failed.push_back(path.string());
    };
    fs::path out = out_dir;
    write(out / "gradebook.csv", render_gradebook(info, records));
    std::vector<Fingerprint> sources;
    for (const auto& record : records) sources.push_back({record.student, record.source});
    write(out / "report.html", render_html_report(info, records, similar_pairs(sources), options.lang));
    for (const auto& record : records) {
        write(out / "feedback" / (record.slug + ".txt"), render_feedback_text(record, options));
        write(out / "feedback" / (record.slug + ".json"), render_feedback_json(record, options));
    }
    write(out / "class.json", class_info_to_json(info).dump(1, ' ', false, json::error_handler_t::replace) + "\n");
    return failed;
}

}  // namespace sockgrade::batch
