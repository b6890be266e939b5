#include "util/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace sockgrade::util {
namespace {

TEST(EditDistance, CountsEditsAndSwapsIgnoringCase) {
    EXPECT_EQ(edit_distance("expect_lines", "expect_line"), 1u);
    EXPECT_EQ(edit_distance("poinst", "points"), 1u);  // a swap of neighbours is one edit
    EXPECT_EQ(edit_distance("Points", "points"), 0u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ClosestMatch, SuggestsOnlyLikelyTypos) {
    const std::vector<std::string> keys{"scenario", "title", "program", "limits", "env", "tests"};
    EXPECT_EQ(closest_match("programm", keys), "program");
    EXPECT_EQ(closest_match("test", keys), "tests");
    EXPECT_EQ(closest_match("titel", keys), "title");
    EXPECT_EQ(closest_match("colour", keys), std::nullopt);
    EXPECT_EQ(closest_match("x", {"s", "m"}), std::nullopt);  // one letter: any other is one edit away
    EXPECT_EQ(closest_match("kb", {"KB", "MB"}), "KB");
}

TEST(DidYouMean, WritesTheHintOrNothing) {
    EXPECT_EQ(did_you_mean("expect_lines", {"expect_line", "expect_burst"}), " (did you mean 'expect_line'?)");
    EXPECT_EQ(did_you_mean("zzz", {"expect_line"}), "");
}

}  // namespace
}  // namespace sockgrade::util
