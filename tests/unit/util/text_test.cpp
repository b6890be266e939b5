// util/text: showing bytes to a student, fill text, regex escaping, substitutions.
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "util/text.hpp"

namespace sockgrade::util {
namespace {

TEST(BilingualText, ShowsTheReadersLanguageAndFallsBackToEnglish) {
    const Text both{"closed (end of input)", "fechado (fim da entrada)"};
    EXPECT_EQ(both.in("en"), "closed (end of input)");
    EXPECT_EQ(both.in("pt"), "fechado (fim da entrada)");
    EXPECT_EQ(both.in("fr"), "closed (end of input)");  // a language we do not speak: English
    const Text english_only{"\"ola\\n\"", {}};          // a program's bytes: not translated
    EXPECT_EQ(english_only.in("pt"), "\"ola\\n\"");
    EXPECT_TRUE(Text{}.empty());
    EXPECT_FALSE(english_only.empty());
}

TEST(TextPrintable, KeepsAsciiAndValidUtf8) {
    EXPECT_EQ(printable("ola mundo"), "ola mundo");
    EXPECT_EQ(printable("ação é 日本 🎉"), "ação é 日本 🎉");
}

TEST(TextPrintable, EscapesControlCharactersQuotesAndBackslashes) {
    EXPECT_EQ(printable("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(printable(std::string_view("\x00\x01\x1b\x7f", 4)), "\\x00\\x01\\x1b\\x7f");
    EXPECT_EQ(printable("say \"hi\" \\o/"), "say \\\"hi\\\" \\\\o/");
}

TEST(TextPrintable, InvalidBytesAsHex) {
    EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(printable("a\x80z"), "a\\x80z");            // a lone continuation byte
    EXPECT_EQ(printable("ok \xc3"), "ok \\xc3");          // a sequence cut at the end
    EXPECT_EQ(printable("\xc3("), "\\xc3(");               // lead byte without its continuation
    EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");        // overlong two-byte "/"
    EXPECT_EQ(printable("\xe2\x82"), "\\xe2\\x82");        // three-byte sequence missing its last byte
}

// Sequences that have the right shape but are not UTF-8 (RFC 3629): overlong
// three- and four-byte forms, UTF-16 surrogates, code points past U+10FFFF.
// Kept as they are, they would reach JSON reports and terminals as invalid text.
// KNOWN BUG (reported): utf8_sequence_length() in util/text.cpp checks only the
// shape of a sequence. Enable when it rejects these.
TEST(TextPrintable, WellShapedButInvalidSequencesAsHex) {
    EXPECT_EQ(printable("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");          // overlong "/"
    EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");          // surrogate U+D800
    EXPECT_EQ(printable("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");  // overlong "/"
    EXPECT_EQ(printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // U+110000
    EXPECT_EQ(printable("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");  // lead byte never valid
    // The largest valid ones stay.
    EXPECT_EQ(printable("\xed\x9f\xbf"), "\xed\x9f\xbf");          // U+D7FF
    EXPECT_EQ(printable("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");  // U+10FFFF
}

TEST(TextPrintable, TruncatesWithACountOfTheRest) {
    EXPECT_EQ(printable("abcdefgh", 3), "abc… (+5 bytes)");
    EXPECT_EQ(printable("abc", 3), "abc");
    EXPECT_EQ(printable(std::string(1000, 'x')).size(), 200 + std::string("… (+800 bytes)").size());
    // A character that starts before the cut is kept whole, never split.
    EXPECT_EQ(printable("aéz", 2), "aé… (+1 bytes)");
}

TEST(TextPrintable, QuotedWrapsInDoubleQuotes) {
    EXPECT_EQ(quoted("ola\n"), "\"ola\\n\"");
    EXPECT_EQ(quoted(""), "\"\"");
    EXPECT_EQ(quoted("abcdef", 2), "\"ab… (+4 bytes)\"");
}

TEST(TextNonce, SixHexDigitsThatChange) {
    std::set<std::string> seen;
    for (int i = 0; i < 4; ++i) {
        auto nonce = make_nonce();
        EXPECT_TRUE(std::regex_match(nonce, std::regex("[0-9a-f]{6}"))) << nonce;
        seen.insert(nonce);
    }
    EXPECT_GE(seen.size(), 2u);
}

TEST(TextFill, DeterministicPerSeed) {
    EXPECT_EQ(fill_text("7f3a21", 500), fill_text("7f3a21", 500));
    EXPECT_NE(fill_text("7f3a21", 64), fill_text("7f3a22", 64));
    // A shorter fill is the start of a longer one with the same seed.
    EXPECT_EQ(fill_text("abc", 1000).substr(0, 10), fill_text("abc", 10));
}

TEST(TextFill, ExactLengthOfAlphanumerics) {
    EXPECT_EQ(fill_text("seed", 0), "");
    auto text = fill_text("seed", 4096);
    EXPECT_EQ(text.size(), 4096u);
    EXPECT_TRUE(std::regex_match(text, std::regex("[A-Za-z0-9]+")));
    EXPECT_GT(std::set<char>(text.begin(), text.end()).size(), 50u);  // not one repeated character
}

TEST(TextRegexEscape, EveryMetacharacterMatchesLiterally) {
    const std::string nasty = R"(a.b*c+d?e^f$g|h(i)j[k]l{m}n\o/p-q)";
    auto escaped = regex_escape(nasty);
    EXPECT_NE(escaped, nasty);
    std::regex literal(escaped, std::regex::ECMAScript);
    EXPECT_TRUE(std::regex_match(nasty, literal));
    EXPECT_FALSE(std::regex_match("aXb*c+d?e^f$g|h(i)j[k]l{m}n\\o/p-q", literal));
    EXPECT_EQ(regex_escape("plain text 123"), "plain text 123");
    EXPECT_EQ(regex_escape("1.5"), "1\\.5");
}

TEST(TextSubstitute, ReplacesNamesAndEscapes) {
    Variables vars{{"nonce", "7f3a21"}, {"port", "5000"}, {"A.port", "40123"}};
    EXPECT_EQ(substitute("ola {nonce} on {port} from {A.port}", vars, false), "ola 7f3a21 on 5000 from 40123");
    EXPECT_EQ(substitute("{{literal} }} {{nonce}}", vars, false), "{literal} } {nonce}");
    EXPECT_EQ(substitute("no braces", vars, false), "no braces");
    EXPECT_EQ(substitute("", vars, false), "");
    // An unclosed brace is kept as it is.
    EXPECT_EQ(substitute("json {\"a\": 1", vars, false), "json {\"a\": 1");
}

TEST(TextSubstitute, FillUsesTheNonce) {
    Variables vars{{"nonce", "7f3a21"}};
    EXPECT_EQ(substitute("<{fill:300}>", vars, false), "<" + fill_text("7f3a21", 300) + ">");
    EXPECT_EQ(substitute("{fill:0}", vars, false), "");
}

TEST(TextSubstitute, UnknownNamesAreReported) {
    Variables vars{{"nonce", "n"}};
    std::string unknown;
    EXPECT_EQ(substitute("hi {nick}!", vars, false, &unknown), std::nullopt);
    EXPECT_EQ(unknown, "nick");
    EXPECT_EQ(substitute("{fill:abc}", vars, false, &unknown), std::nullopt);
    EXPECT_EQ(unknown, "fill:abc");
    EXPECT_EQ(substitute("{fill:12x}", vars, false, &unknown), std::nullopt);
    EXPECT_EQ(unknown, "fill:12x");
    // {fill:N} needs a nonce to derive from.
    EXPECT_EQ(substitute("{fill:5}", Variables{}, false, &unknown), std::nullopt);
    EXPECT_EQ(unknown, "fill:5");
    // Without an out-parameter it still fails cleanly.
    EXPECT_EQ(substitute("{nope}", vars, false), std::nullopt);
}

TEST(TextSubstitute, RegexEscapesValuesNotThePattern) {
    Variables vars{{"nick", "a.b*(c)"}, {"nonce", "n1"}};
    auto pattern = substitute(R"(^\[{nick}\] .+ {nonce}$)", vars, true);
    ASSERT_TRUE(pattern);
    EXPECT_EQ(*pattern, R"(^\[a\.b\*\(c\)\] .+ n1$)");
    std::regex re(*pattern);
    EXPECT_TRUE(std::regex_search("[a.b*(c)] said n1", re));
    EXPECT_FALSE(std::regex_search("[aXbbb(c)] said n1", re));
    // Without escaping, the same value is inserted as it is.
    EXPECT_EQ(substitute("{nick}", vars, false), "a.b*(c)");
}

}  // namespace
}  // namespace sockgrade::util
