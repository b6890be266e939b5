// Format names, base64, numbers and escaping shared by the formats.
#include <gtest/gtest.h>

#include "report/base64.hpp"
#include "report/detail.hpp"
#include "report/report.hpp"

namespace sockgrade::report {
namespace {

TEST(ParseFormat, KnowsEveryFormatByName) {
    for (const auto format : {Format::text, Format::json, Format::junit, Format::gradescope, Format::classroom,
                              Format::github, Format::markdown})
        EXPECT_EQ(parse_format(format_name(format)), format);
    EXPECT_EQ(parse_format("markdown"), Format::markdown);
    EXPECT_EQ(parse_format("JSON"), std::nullopt);
    EXPECT_EQ(parse_format(""), std::nullopt);
    EXPECT_EQ(parse_format("xml"), std::nullopt);
}

TEST(Base64, MatchesRfc4648Vectors) {
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(plain), encoded);
        EXPECT_EQ(base64_decode(encoded), plain);
    }
    std::string bytes;
    for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(Base64, RejectsWhatIsNotBase64) {
    EXPECT_EQ(base64_decode("Zg="), std::nullopt);
    EXPECT_EQ(base64_decode("Z=g="), std::nullopt);
    EXPECT_EQ(base64_decode("Zg==Zg=="), std::nullopt);
    EXPECT_EQ(base64_decode("Zm9*"), std::nullopt);
}

TEST(Numbers, ReadLikeATeacherWroteThem) {
    EXPECT_EQ(detail::format_points(2), "2");
    EXPECT_EQ(detail::format_points(0.5), "0.5");
    EXPECT_EQ(detail::format_points(0.1 + 0.2), "0.3");
    EXPECT_EQ(detail::format_points(-0.0001), "0");
    EXPECT_EQ(detail::points_fraction(7, 10), "7/10");
    EXPECT_EQ(detail::json_number(3.0).dump(), "3");
    EXPECT_EQ(detail::json_number(0.1 + 0.2).dump(), "0.3");
    EXPECT_EQ(detail::json_seconds(0.41234).dump(), "0.412");
}

TEST(Printable, EscapesControlsAndRepairsUtf8) {
    EXPECT_EQ(detail::printable("ação\n\tok"), "ação\n\tok");
    EXPECT_EQ(detail::printable("a\nb", false), "a\\x0ab");
    EXPECT_EQ(detail::printable("\x1b[1m\x7f"), "\\x1b[1m\\x7f");
    EXPECT_EQ(detail::printable("\xc2\x85"), "\\x85");  // C1 NEL
    EXPECT_EQ(detail::printable("\xef\xbf\xbf"), "\\uffff");
    EXPECT_EQ(detail::printable("bad \xff end"), "bad \xEF\xBF\xBD end");
    EXPECT_EQ(detail::printable("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    EXPECT_EQ(detail::printable("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    EXPECT_TRUE(detail::is_valid_utf8("ação 🚀"));
    EXPECT_FALSE(detail::is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace
}  // namespace sockgrade::report
