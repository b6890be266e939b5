#include "scenario/utf8_check.hpp"

#include <gtest/gtest.h>

namespace sockgrade::scenario::detail {
namespace {

TEST(Utf8Check, AcceptsWellFormedText) {
    EXPECT_FALSE(find_invalid_utf8("ola ação 你好 \xF0\x9F\x98\x80\n").has_value());
    EXPECT_FALSE(find_invalid_utf8("").has_value());
}

TEST(Utf8Check, FindsTheFirstBadByteWithItsPosition) {
    auto bad = find_invalid_utf8("ab\ncd caf\xE9 x\n\xFF");
    ASSERT_TRUE(bad.has_value());
    EXPECT_EQ(bad->offset, 9u);
    EXPECT_EQ(bad->line, 2);
    EXPECT_EQ(bad->column, 7);
    EXPECT_EQ(bad->value, 0xE9);
}

TEST(Utf8Check, RejectsMalformedSequences) {
    EXPECT_TRUE(find_invalid_utf8("\xC0\xAF").has_value());          // overlong '/'
    EXPECT_TRUE(find_invalid_utf8("\xE0\x80\xAF").has_value());      // overlong
    EXPECT_TRUE(find_invalid_utf8("\xED\xA0\x80").has_value());      // surrogate
    EXPECT_TRUE(find_invalid_utf8("\xF4\x90\x80\x80").has_value());  // past U+10FFFF
    EXPECT_TRUE(find_invalid_utf8("\x80").has_value());              // lone continuation
    EXPECT_TRUE(find_invalid_utf8("ok\xC3").has_value());            // cut short at the end
}

}  // namespace
}  // namespace sockgrade::scenario::detail
