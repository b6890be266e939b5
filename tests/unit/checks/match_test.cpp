// checks/match: matchers, the sentence that says why nothing matched, bursts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/match.hpp"

namespace sockgrade::checks {
namespace {

using Kind = scenario::Matcher::Kind;
using ::testing::HasSubstr;
using ::testing::Not;

scenario::Matcher matcher(Kind kind, std::string pattern, std::map<std::string, int> capture = {}) {
    scenario::Matcher m;
    m.kind = kind;
    m.pattern = std::move(pattern);
    m.capture = std::move(capture);
    return m;
}

const util::Variables vars{{"nonce", "7f3a21"}, {"port", "5000"}, {"nick", "a.b"}};

LineMatcher resolved(Kind kind, std::string pattern, std::map<std::string, int> capture = {}) {
    std::string error;
    auto out = resolve(matcher(kind, std::move(pattern), std::move(capture)), vars, error);
    EXPECT_TRUE(out) << error;
    return out ? *out : LineMatcher{};
}

TEST(MatchResolve, SubstitutesEachKind) {
    EXPECT_EQ(resolved(Kind::equals, "ola {nonce}").text, "ola 7f3a21");
    EXPECT_EQ(resolved(Kind::ends_with, "{nick}").text, "a.b");
    EXPECT_EQ(resolved(Kind::contains, "{port}").text, "5000");
    auto re = resolved(Kind::regex, "^\\[{nick}\\]");
    EXPECT_EQ(re.text, "^\\[a\\.b\\]");  // values are literal inside a regex
    EXPECT_TRUE(re.regex.has_value());
    EXPECT_FALSE(resolved(Kind::equals, "x").regex.has_value());
}

TEST(MatchResolve, UnknownName) {
    std::string error;
    EXPECT_FALSE(resolve(matcher(Kind::contains, "hi {who}"), vars, error));
    EXPECT_EQ(error, "unknown name {who} in \"hi {who}\"");
}

TEST(MatchResolve, BadRegex) {
    std::string error;
    EXPECT_FALSE(resolve(matcher(Kind::regex, "(unclosed"), vars, error));
    EXPECT_THAT(error, HasSubstr("bad regular expression \"(unclosed\""));
}

TEST(MatchMatches, EqualsIsExact) {
    auto m = resolved(Kind::equals, "ola {nonce}");
    EXPECT_TRUE(matches(m, "ola 7f3a21"));
    EXPECT_FALSE(matches(m, "ola 7f3a21 "));
    EXPECT_FALSE(matches(m, "[ana] ola 7f3a21"));
    EXPECT_FALSE(matches(m, "OLA 7f3a21"));
}

TEST(MatchMatches, EndsWithAllowsAPrefix) {
    auto m = resolved(Kind::ends_with, "ola {nonce}");
    EXPECT_TRUE(matches(m, "[ana] ola 7f3a21"));
    EXPECT_TRUE(matches(m, "ola 7f3a21"));
    EXPECT_FALSE(matches(m, "ola 7f3a21!"));
}

TEST(MatchMatches, ContainsAnywhere) {
    auto m = resolved(Kind::contains, "{nonce}");
    EXPECT_TRUE(matches(m, "x7f3a21y"));
    EXPECT_FALSE(matches(m, "7f3a2"));
}

TEST(MatchMatches, RegexSearchesAndCaptures) {
    auto m = resolved(Kind::regex, "port ([0-9]+) for (\\w+)", {{"server_port", 1}, {"who", 2}, {"missing", 7}});
    util::Variables captured;
    EXPECT_TRUE(matches(m, "listening on port 40123 for ana, ok", &captured));
    EXPECT_EQ(captured.at("server_port"), "40123");
    EXPECT_EQ(captured.at("who"), "ana");
    EXPECT_FALSE(captured.contains("missing"));  // a group that does not exist is not stored
    EXPECT_FALSE(matches(m, "listening on port x"));
    // Whole-match group 0 is allowed too.
    auto whole = resolved(Kind::regex, "[0-9]+", {{"number", 0}});
    util::Variables got;
    EXPECT_TRUE(matches(whole, "id=123;", &got));
    EXPECT_EQ(got.at("number"), "123");
}

TEST(MatchMatches, RegexWithSubstitutedValueIsLiteral) {
    auto m = resolved(Kind::regex, "^{nick}$");
    EXPECT_TRUE(matches(m, "a.b"));
    EXPECT_FALSE(matches(m, "aXb"));
}

TEST(MatchFindLine, FromTheCursorOn) {
    std::vector<std::string> lines{"hello", "x 7f3a21", "y 7f3a21"};
    auto m = resolved(Kind::contains, "{nonce}");
    EXPECT_EQ(find_line(lines, 0, m), 1u);
    EXPECT_EQ(find_line(lines, 2, m), 2u);
    EXPECT_EQ(find_line(lines, 3, m), std::nullopt);
    EXPECT_EQ(find_line(lines, 99, m), std::nullopt);
}

TEST(MatchDescribe, BothLanguages) {
    auto text = describe(resolved(Kind::ends_with, "ola {nonce}"));
    EXPECT_EQ(text.en, "a line ending with \"ola 7f3a21\"");
    EXPECT_EQ(text.pt, "uma linha terminada em \"ola 7f3a21\"");
    EXPECT_EQ(describe(resolved(Kind::equals, "a\tb")).en, "the line \"a\\tb\"");
    EXPECT_EQ(describe(resolved(Kind::contains, "x")).en, "a line containing \"x\"");
    EXPECT_EQ(describe(resolved(Kind::regex, "^x+$")).en, "a line matching /^x+$/");
}

TEST(MatchExplainMiss, NothingArrived) {
    auto m = resolved(Kind::ends_with, "ola {nonce}");
    auto text = explain_miss({}, 0, "", m);
    EXPECT_EQ(text.en, "nothing arrived");
    EXPECT_EQ(text.pt, "nada chegou");
    // Lines before the cursor were already used: they do not count as arriving.
    EXPECT_EQ(explain_miss({"old", "older"}, 2, "", m).en, "nothing arrived");
}

TEST(MatchExplainMiss, NoNewlineAtTheEnd) {
    auto m = resolved(Kind::ends_with, "ola {nonce}");
    auto text = explain_miss({}, 0, "[ana] ola 7f3a21", m);
    EXPECT_EQ(text.en,
              "\"[ana] ola 7f3a21\" arrived without a newline at its end: a line is only complete with \"\\n\"");
    EXPECT_THAT(text.pt, HasSubstr("chegou sem quebra de linha no fim"));
}

TEST(MatchExplainMiss, TextInsideANoticeButNotAtTheEnd) {
    auto m = resolved(Kind::ends_with, "ola {nonce}");
    auto text = explain_miss({"welcome", "*** ola 7f3a21 (from ana) ***"}, 0, "", m);
    EXPECT_EQ(text.en, "the text arrived inside \"*** ola 7f3a21 (from ana) ***\", but a line must end with it");
    EXPECT_THAT(text.pt, HasSubstr("mas a linha deve terminar com ele"));
}

TEST(MatchExplainMiss, NearestLine) {
    auto m = resolved(Kind::equals, "ola {nonce}");
    auto text = explain_miss({"welcome to the chat", "ola 7f3a2", "bye"}, 0, "", m);
    EXPECT_EQ(text.en, "the nearest line that arrived was \"ola 7f3a2\"");
    EXPECT_EQ(text.pt, "a linha mais parecida que chegou foi \"ola 7f3a2\"");
}

TEST(MatchExplainMiss, NothingAlikeNamesTheLastLine) {
    auto m = resolved(Kind::regex, "^OK [0-9]+$");
    auto text = explain_miss({"ERR 1", "ERR 2"}, 0, "", m);
    EXPECT_EQ(text.en, "2 lines arrived, but none was the expected one; the last was \"ERR 2\"");
    EXPECT_EQ(text.pt, "chegaram 2 linhas, mas nenhuma era a esperada; a última foi \"ERR 2\"");
    // Only lines after the cursor are counted, and one line is said as one.
    auto one = explain_miss({"ERR 1", "ERR 2", "ERR 3"}, 2, "", m);
    EXPECT_EQ(one.en, "1 line arrived, but not the expected one: \"ERR 3\"");
    EXPECT_EQ(one.pt, "chegou 1 linha, mas não a esperada: \"ERR 3\"");
}

TEST(MatchExplainMiss, AnUnfinishedLineIsSaidAsSuch) {
    auto m = resolved(Kind::regex, "^OK [0-9]+$");
    auto alone = explain_miss({}, 0, "ERR", m);
    EXPECT_EQ(alone.en, "only \"ERR\" arrived, without a newline at its end");
    EXPECT_EQ(alone.pt, "só chegou \"ERR\", sem quebra de linha no fim");
    auto after = explain_miss({"ERR 1"}, 0, "ERR", m);
    EXPECT_EQ(after.en, "1 line arrived, but not the expected one: \"ERR 1\"; then \"ERR\", without a newline at its end");
    EXPECT_THAT(after.pt, HasSubstr("; depois \"ERR\", sem quebra de linha no fim"));
}

TEST(MatchExplainMiss, MessagesAreOneLine) {
    auto m = resolved(Kind::contains, "ola {nonce}");
    for (const auto& text : {explain_miss({}, 0, "ola 7f3a21\r", m), explain_miss({"a\nb"}, 0, "", m),
                             explain_miss({"zzz"}, 0, "partial\n", m)})
        EXPECT_THAT(text.en, Not(HasSubstr("\n"))) << text.en;
}

std::vector<LineMatcher> burst_of(int count) {
    std::vector<LineMatcher> expected;
    for (int i = 1; i <= count; ++i) expected.push_back(resolved(Kind::equals, "msg " + std::to_string(i)));
    return expected;
}

TEST(MatchBurst, InOrderWithOtherLinesBetween) {
    std::vector<std::string> lines{"hello", "msg 1", "noise", "msg 2", "msg 3", "after"};
    auto check = check_burst(lines, 0, burst_of(3));
    EXPECT_TRUE(check.complete);
    EXPECT_EQ(check.next_from, 5u);
    EXPECT_TRUE(check.problem.empty());
}

TEST(MatchBurst, Missing) {
    std::vector<std::string> lines{"msg 1", "msg 2"};
    auto check = check_burst(lines, 0, burst_of(3));
    EXPECT_FALSE(check.complete);
    EXPECT_EQ(check.next_from, 2u);
    EXPECT_EQ(check.problem.en, "message 3 of 3 in the burst (\"msg 3\") did not arrive");
    EXPECT_EQ(check.problem.pt, "a mensagem 3 de 3 da rajada (\"msg 3\") não chegou");
}

TEST(MatchBurst, FirstMissingWhenNothingArrived) {
    auto check = check_burst({}, 0, burst_of(2));
    EXPECT_FALSE(check.complete);
    EXPECT_EQ(check.next_from, 0u);
    EXPECT_EQ(check.problem.en, "message 1 of 2 in the burst (\"msg 1\") did not arrive");
}

TEST(MatchBurst, OutOfOrder) {
    std::vector<std::string> lines{"msg 1", "msg 3", "msg 2"};
    auto check = check_burst(lines, 0, burst_of(3));
    EXPECT_FALSE(check.complete);
    EXPECT_EQ(check.problem.en, "message 3 of the burst (\"msg 3\") arrived before message 2: the order was changed");
    EXPECT_THAT(check.problem.pt, HasSubstr("a ordem foi trocada"));
}

TEST(MatchBurst, LinesBeforeTheCursorDoNotCount) {
    std::vector<std::string> lines{"msg 1", "msg 2", "other"};
    auto check = check_burst(lines, 2, burst_of(2));
    EXPECT_FALSE(check.complete);
    EXPECT_EQ(check.problem.en, "message 1 of 2 in the burst (\"msg 1\") did not arrive");
    EXPECT_TRUE(check_burst(lines, 0, burst_of(2)).complete);
}

}  // namespace
}  // namespace sockgrade::checks
