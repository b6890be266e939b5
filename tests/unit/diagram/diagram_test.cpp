// diagram/: the sequence diagram of a test, as SVG: well-formed whatever the
// program sent, one lifeline per party, the failure on the right lane at the
// right time, bursts and fan-outs collapsed so a busy chat test stays readable.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <fmt/format.h>

#include "diagram/diagram.hpp"
#include "diagram/rows.hpp"
#include "unit/report/xml_check.hpp"
#include "util/text.hpp"

namespace sockgrade::diagram {
namespace {

using runner::TestResult;
using runner::TranscriptEntry;
using detail::Row;
using util::Mark;

TranscriptEntry data(double t, std::string party, char direction, std::string_view bytes) {
    return {t, std::move(party), direction, {util::quoted(bytes, 160), {}}};
}
TranscriptEntry event(double t, std::string party, std::string text, Mark mark = Mark::none) {
    return {t, std::move(party), '*', {std::move(text), {}}, mark};
}
TranscriptEntry event(double t, std::string party, util::Text text, Mark mark = Mark::none) {
    return {t, std::move(party), '*', std::move(text), mark};
}

// A chat test where B never hears A's second line.
TestResult failed_chat() {
    TestResult test;
    test.name = "every-line";
    test.title = {"Every line is forwarded", "Toda linha é repassada"};
    test.message = {"B did not receive a line ending with \"segunda 7f3a\" within 2.0 s: nothing arrived",
                    "B não recebeu uma linha terminando em \"segunda 7f3a\" em 2,0 s: nada chegou"};
    test.transcript = {
        event(0.01, "program", "started: ./server"),
        data(0.02, "stderr", '>', "listening\n"),
        event(0.03, "program", "is listening on TCP port 5000"),
        event(0.04, "A", "connected from port 41000", Mark::connect),
        event(0.05, "B", "connected from port 41002", Mark::connect),
        data(0.06, "A", '>', "primeira 7f3a\n"),
        data(0.07, "B", '<', "A: primeira 7f3a\n"),
        data(0.08, "A", '>', "segunda 7f3a\n"),
        event(2.09, "A", "closed its connection (FIN)", Mark::fin),
        event(2.10, "program", "exited with status 0"),
    };
    test.failed_at = runner::FailedAt{"B", 0.081, 2.081, 2.082};
    return test;
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

// The x of each lane's head, by name, read from the SVG.
std::map<std::string, int> lane_positions(const std::string& svg) {
    std::map<std::string, int> lanes;
    std::regex head(R"re(<text x="(\d+)" y="\d+" text-anchor="middle" font-weight="bold" fill="#10325a">([^<]*)</text>)re");
    for (std::sregex_iterator it(svg.begin(), svg.end(), head), end; it != end; ++it)
        lanes[(*it)[2]] = std::stoi((*it)[1]);
    return lanes;
}

std::vector<int> lifeline_xs(const std::string& svg) {
    std::vector<int> xs;
    std::regex line(fmt::format(R"re(<line x1="(\d+)" y1="\d+" x2="\1" y2="\d+" stroke="{}" stroke-width="2")re", lifeline_colour));
    for (std::sregex_iterator it(svg.begin(), svg.end(), line), end; it != end; ++it) xs.push_back(std::stoi((*it)[1]));
    return xs;
}

std::optional<std::pair<int, double>> failure_marker(const std::string& svg) {
    std::smatch m;
    std::regex circle(fmt::format(R"re(<circle cx="(\d+)" cy="([\d.]+)" r="9" fill="{}"/>)re", failure_colour));
    if (!std::regex_search(svg, m, circle)) return std::nullopt;
    return std::make_pair(std::stoi(m[1]), std::stod(m[2]));
}

TEST(Diagram, OneLifelinePerPartyInOrder) {
    auto svg = render_svg(failed_chat());
    auto lanes = lane_positions(svg);
    ASSERT_EQ(lanes.size(), 4u) << svg;
    EXPECT_LT(lanes["terminal"], lanes["program"]);
    EXPECT_LT(lanes["program"], lanes["A"]);
    EXPECT_LT(lanes["A"], lanes["B"]);
    auto xs = lifeline_xs(svg);
    ASSERT_EQ(xs.size(), 4u);
    for (const auto& [name, x] : lanes) EXPECT_NE(std::find(xs.begin(), xs.end(), x), xs.end()) << name;
}

TEST(Diagram, TheFailedExpectationIsOnItsPartysLaneAfterWhatCameBefore) {
    auto test = failed_chat();
    auto svg = render_svg(test);
    auto marker = failure_marker(svg);
    ASSERT_TRUE(marker) << svg;
    EXPECT_EQ(marker->first, lane_positions(svg)["B"]);
    EXPECT_NE(svg.find("expected by +2.08s"), std::string::npos);
    EXPECT_NE(svg.find("nothing arrived"), std::string::npos);

    auto plan = detail::plan(test, 240);
    ASSERT_GE(plan.failure_row, 1);
    const auto& rows = plan.rows;
    auto f = static_cast<std::size_t>(plan.failure_row);
    EXPECT_EQ(rows[f].kind, Row::Kind::failure);
    EXPECT_LE(rows[f - 1].time, 2.082);                     // before it: the silence it waited through
    EXPECT_EQ(rows[f - 1].kind, Row::Kind::gap);
    EXPECT_EQ(rows[f + 1].first, "FIN");                    // after it: the tear-down
    ASSERT_GE(plan.since_row, 0);
    EXPECT_LT(plan.since_row, plan.failure_row);
    EXPECT_GE(rows[static_cast<std::size_t>(plan.since_row)].last_time, 0.081);
}

TEST(Diagram, MarksConnectsClosesAndResets) {
    TestResult test;
    test.name = "marks";
    test.passed = true;
    test.transcript = {event(0.1, "A", "connected from port 1", Mark::connect), event(0.2, "S", "accepted", Mark::accept),
                       event(0.3, "A", "reset", Mark::rst), event(0.4, "S", "closed by program", Mark::program_fin),
                       event(0.5, "B", "reset by program", Mark::program_rst), event(0.6, "stdin", "closed")};
    auto plan = detail::plan(test, 240);
    ASSERT_EQ(plan.rows.size(), 6u);
    using detail::Style;
    auto program = plan.lanes.program;
    EXPECT_EQ(plan.rows[0].style, Style::connect);
    EXPECT_EQ(plan.rows[0].to, std::vector<int>{program});
    EXPECT_EQ(plan.rows[1].style, Style::connect);
    EXPECT_EQ(plan.rows[1].from, program);
    EXPECT_EQ(plan.rows[2].style, Style::rst);
    EXPECT_EQ(plan.rows[3].style, Style::fin);
    EXPECT_EQ(plan.rows[3].from, program);
    EXPECT_EQ(plan.rows[4].style, Style::rst);
    EXPECT_EQ(plan.rows[4].from, program);
    EXPECT_EQ(plan.rows[5].style, Style::eof);
    EXPECT_EQ(plan.rows[5].from, plan.lanes.terminal);
    auto svg = render_svg(test);
    EXPECT_EQ(count(svg, ">RST</text>"), 2u);
    EXPECT_EQ(count(svg, ">FIN</text>"), 1u);
    EXPECT_FALSE(failure_marker(svg)) << "a passing test has no failure";
}

TEST(Diagram, IsWellFormedXmlWhateverTheProgramSent) {
    const std::string hostile = "\x01\x1b[2J<script>alert(1)</script>&amp; ]]> \xff\xfe\xc3 \"q\" 'a' \xc2\x85 \xef\xbf\xbe end";
    auto test = failed_chat();
    test.name = "evil<&>";
    test.title = {hostile, hostile};
    test.message = {hostile, hostile};
    test.transcript.push_back(data(0.09, "B", '<', hostile));                 // as the runner records it
    test.transcript.push_back({0.10, "B", '<', {hostile, {}}});             // raw, as a damaged record might hold it
    test.transcript.push_back(event(0.11, "<peer & co>", hostile));          // even a party name
    test.transcript.push_back({0.12, "stdout", '>', {hostile, {}}});
    test.transcript.push_back(event(0.13, "grader", hostile));
    for (auto lang : {"en", "pt"}) {
        Options options;
        options.lang = lang;
        auto svg = render_svg(test, options);
        auto error = report::testing::xml_error(svg);
        EXPECT_FALSE(error) << *error;
        EXPECT_EQ(svg.find("<script"), std::string::npos);
        EXPECT_EQ(svg.find("]]>"), std::string::npos);
        EXPECT_EQ(svg.find('\x1b'), std::string::npos);
        EXPECT_EQ(svg.find('\x01'), std::string::npos);

        // And for a real XML parser, when there is one.
        if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
            auto path = std::filesystem::temp_directory_path() / fmt::format("sockgrade-diagram-{}.svg", ::getpid());
            std::ofstream(path, std::ios::binary) << svg;
            int status = std::system(fmt::format("xmllint --noout '{}' 2>/dev/null", path.string()).c_str());
            std::filesystem::remove(path);
            EXPECT_EQ(status, 0) << "xmllint rejected the diagram";
        }
    }
}

TEST(DiagramText, EscapesForXml) {
    EXPECT_EQ(detail::xml_text("a<b&c\"d'e>]]>"), "a&lt;b&amp;c&quot;d&apos;e&gt;]]&gt;");
    EXPECT_EQ(detail::xml_text("\x01\x7f"), "\\x01\\x7f");
    EXPECT_EQ(detail::xml_text("\xc2\x85"), "\\u0085");                     // C1 control
    EXPECT_EQ(detail::xml_text("\xef\xbf\xbf"), "\\uFFFF");                 // noncharacter
    EXPECT_EQ(detail::xml_text("\xff ação \xe2\x82"), "\xEF\xBF\xBD ação \xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(detail::xml_text("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate is not UTF-8
    EXPECT_EQ(detail::shorten("ação é bom", 5), "ação…");
    EXPECT_EQ(detail::shorten("abc", 3), "abc");
}

TEST(Diagram, ABurstIsOneRowPerArrow) {
    TestResult test;
    test.name = "burst-order";
    test.passed = true;
    test.transcript = {event(0.0, "A", "connected", Mark::connect), event(0.0, "B", "connected", Mark::connect)};
    // A's 20 lines and B's 7 reads, interleaved as the io_context runs them, and the server's log line.
    int read = 0;
    for (int i = 1; i <= 20; ++i) {
        test.transcript.push_back(data(0.1 + i * 0.001, "A", '>', fmt::format("rajada {} 7f3a\n", i)));
        if (i % 3 == 0 && read < 7) test.transcript.push_back(data(0.1 + i * 0.001, "B", '<', fmt::format("chunk {}\n", ++read)));
        if (i == 5) test.transcript.push_back(data(0.1 + i * 0.001, "stderr", '>', "B joined\n"));
    }
    while (read < 7) test.transcript.push_back(data(0.13, "B", '<', fmt::format("chunk {}\n", ++read)));
    auto plan = detail::plan(test, 240);
    std::vector<int> counts;
    for (const auto& row : plan.rows)
        if (row.kind == Row::Kind::message && row.style == detail::Style::data) counts.push_back(row.count);
    EXPECT_EQ(counts, (std::vector<int>{20, 7}));  // the log line is a row of its own (stderr_data)
    auto svg = render_svg(test);
    EXPECT_NE(svg.find("20× "), std::string::npos);
    EXPECT_NE(svg.find("rajada 1 7f3a"), std::string::npos);
    EXPECT_NE(svg.find("rajada 20 7f3a"), std::string::npos);
}

TEST(Diagram, AnExchangeOfFewLinesIsNotABurst) {
    TestResult test;
    test.name = "every-line";
    for (int i = 1; i <= 3; ++i) {
        test.transcript.push_back(data(i * 0.1, "A", '>', fmt::format("line {}\n", i)));
        test.transcript.push_back(data(i * 0.1 + 0.01, "B", '<', fmt::format("line {}\n", i)));
    }
    auto plan = detail::plan(test, 240);
    EXPECT_EQ(plan.rows.size(), 6u);
}

// Six clients, 40 messages, each forwarded to the five others: readable means
// one row per message sent and one per fan-out, all six lanes, no overflow.
TEST(Diagram, ASixPartyChatWithFortyMessagesStaysReadable) {
    const std::vector<std::string> peers{"A", "B", "C", "D", "E", "F"};
    TestResult test;
    test.name = "six";
    double t = 0;
    for (const auto& p : peers) test.transcript.push_back(event(t += 0.002, p, "connected", Mark::connect));
    for (int m = 0; m < 40; ++m) {
        const auto& sender = peers[static_cast<std::size_t>(m) % peers.size()];
        auto line = fmt::format("mensagem {} de {}\n", m, sender);
        test.transcript.push_back(data(t += 0.003, sender, '>', line));
        for (const auto& p : peers)
            if (p != sender) test.transcript.push_back(data(t += 0.0004, p, '<', sender + ": " + line));
    }
    auto plan = detail::plan(test, 240);
    std::size_t messages = 0, fan_outs = 0;
    for (const auto& row : plan.rows) {
        if (row.kind != Row::Kind::message) continue;
        ++messages;
        fan_outs += row.to.size() == 5;
    }
    EXPECT_EQ(fan_outs, 40u);
    EXPECT_EQ(messages, 6u + 40u + 40u);
    auto svg = render_svg(test);
    EXPECT_EQ(lifeline_xs(svg).size(), 7u);  // the program and six clients
    std::smatch size;
    ASSERT_TRUE(std::regex_search(svg, size, std::regex(R"re(width="(\d+)" height="(\d+)")re")));
    EXPECT_LE(std::stoi(size[1]), 1400);
    EXPECT_LE(std::stoi(size[2]), 2600);
    EXPECT_FALSE(report::testing::xml_error(svg));
}

TEST(Diagram, TooManyRowsKeepTheBeginningTheEndAndTheFailure) {
    TestResult test;
    test.name = "flood";
    // Four arrows in turn: no burst to collapse, 3000 rows.
    for (int i = 0; i < 3000; ++i) {
        const char* parties[] = {"A", "B", "C", "D"};
        test.transcript.push_back(data(i * 0.001, parties[i % 4], i % 2 ? '<' : '>', fmt::format("m{}\n", i)));
    }
    test.transcript.push_back(event(3.5, "program", "exited with status 0"));
    test.failed_at = runner::FailedAt{"A", 3.0, 3.2, 3.2};
    auto plan = detail::plan(test, 120);
    EXPECT_EQ(plan.rows.size(), 120u);
    ASSERT_GE(plan.failure_row, 0);
    EXPECT_EQ(plan.rows[static_cast<std::size_t>(plan.failure_row)].kind, Row::Kind::failure);
    auto more = std::find_if(plan.rows.begin(), plan.rows.end(), [](const Row& r) { return r.kind == Row::Kind::more; });
    ASSERT_NE(more, plan.rows.end());
    EXPECT_GT(more->count, 2800);
    auto svg = render_svg(test, Options{"en", 120});
    EXPECT_NE(svg.find("more transcript entries not drawn"), std::string::npos);
    EXPECT_TRUE(failure_marker(svg));
    EXPECT_LT(svg.size(), 200u * 1024);
}

TEST(Diagram, LongLinesAreCut) {
    TestResult test;
    test.name = "long-line";
    test.transcript = {data(0.1, "A", '>', std::string(3000, 'x') + "\n")};
    auto svg = render_svg(test);
    EXPECT_EQ(svg.find(std::string(200, 'x')), std::string::npos);
    EXPECT_NE(svg.find("…"), std::string::npos);
}

TEST(Diagram, SpeaksPortuguese) {
    Options options;
    options.lang = "pt";
    auto svg = render_svg(failed_chat(), options);
    EXPECT_NE(svg.find("falhou"), std::string::npos);
    EXPECT_NE(svg.find("esperado até +2.08s"), std::string::npos);
    EXPECT_NE(svg.find("nada chegou"), std::string::npos);
}

// The transcript's own words follow the language; the arrows still come from
// each event's Mark, so a translated event draws the same picture.
TEST(Diagram, TranscriptEventsInPortugueseDrawTheSameArrows) {
    TestResult test;
    test.name = "marks-pt";
    test.passed = true;
    test.transcript = {event(0.0, "program", util::Text{"is listening on TCP port 5000", "está escutando na porta TCP 5000"}),
                       event(0.1, "A", util::Text{"connected from port 41000", "conectou-se a partir da porta 41000"},
                             Mark::connect),
                       event(0.2, "A", util::Text{"the program closed the connection (FIN)", "o programa fechou a conexão (FIN)"},
                             Mark::program_fin),
                       event(0.3, "grader", util::Text{"the program ignored SIGTERM; killed",
                                                       "o programa ignorou o SIGTERM; foi morto"})};
    auto english = detail::plan(test, 240, "en");
    auto portuguese = detail::plan(test, 240, "pt");
    ASSERT_EQ(portuguese.rows.size(), english.rows.size());
    for (std::size_t i = 0; i < english.rows.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(portuguese.rows[i].kind, english.rows[i].kind);
        EXPECT_EQ(portuguese.rows[i].style, english.rows[i].style);
        EXPECT_EQ(portuguese.rows[i].from, english.rows[i].from);
        EXPECT_EQ(portuguese.rows[i].to, english.rows[i].to);
    }
    EXPECT_EQ(portuguese.rows[0].first, "está escutando na porta TCP 5000");
    EXPECT_EQ(portuguese.rows[1].first, "conectou-se a partir da porta 41000");
    EXPECT_EQ(portuguese.rows[2].first, "FIN");
    EXPECT_EQ(portuguese.rows[3].first, "corretor: o programa ignorou o SIGTERM; foi morto");
    EXPECT_EQ(english.rows[1].first, "connected from port 41000");

    Options options;
    options.lang = "pt";
    auto svg = render_svg(test, options);
    EXPECT_EQ(lane_positions(svg).count("programa"), 1u) << svg;
    EXPECT_EQ(lane_positions(render_svg(test)).count("program"), 1u);
    EXPECT_EQ(svg.find("connected from port"), std::string::npos) << svg;
}

}  // namespace
}  // namespace sockgrade::diagram
