// peers/inbox: a received byte stream split into lines, kept up to a cap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "peers/inbox.hpp"

namespace sockgrade::peers {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(InboxLines, LineSplitAcrossAppends) {
    Inbox inbox;
    inbox.append("he");
    EXPECT_THAT(inbox.lines(), IsEmpty());
    EXPECT_EQ(inbox.partial(), "he");
    inbox.append("llo\nwor");
    EXPECT_THAT(inbox.lines(), ElementsAre("hello"));
    EXPECT_EQ(inbox.partial(), "wor");
    inbox.append("ld\n");
    EXPECT_THAT(inbox.lines(), ElementsAre("hello", "world"));
    EXPECT_EQ(inbox.partial(), "");
    EXPECT_EQ(inbox.total_bytes(), 12);
}

TEST(InboxLines, ManyLinesInOneAppend) {
    Inbox inbox;
    inbox.append("a\nbb\n\nccc\nd");
    EXPECT_THAT(inbox.lines(), ElementsAre("a", "bb", "", "ccc"));
    EXPECT_EQ(inbox.partial(), "d");
}

TEST(InboxLines, OneByteAtATime) {
    Inbox inbox;
    for (char c : std::string("x1\ny2\n")) inbox.append(std::string(1, c));
    EXPECT_THAT(inbox.lines(), ElementsAre("x1", "y2"));
}

TEST(InboxLines, CarriageReturnBeforeNewlineIsDropped) {
    Inbox inbox;
    inbox.append("one\r\ntwo\r");
    inbox.append("\nmid\rdle\n\r\r\n");
    // Only the one \r right before \n goes; others are data.
    EXPECT_THAT(inbox.lines(), ElementsAre("one", "two", "mid\rdle", "\r"));
}

TEST(InboxClose, FinalPartialLineCounts) {
    Inbox inbox;
    inbox.append("first\nlast without newline\r");
    EXPECT_FALSE(inbox.closed());
    inbox.close(false);
    EXPECT_TRUE(inbox.closed());
    EXPECT_FALSE(inbox.was_reset());
    EXPECT_THAT(inbox.lines(), ElementsAre("first", "last without newline"));
    EXPECT_EQ(inbox.partial(), "");
}

TEST(InboxClose, NoExtraLineWhenNothingIsPending) {
    Inbox inbox;
    inbox.append("done\n");
    inbox.close(true);
    EXPECT_TRUE(inbox.was_reset());
    EXPECT_THAT(inbox.lines(), ElementsAre("done"));
}

TEST(InboxClose, SecondCloseChangesNothing) {
    Inbox inbox;
    inbox.append("x");
    inbox.close(false);
    inbox.close(true);
    EXPECT_FALSE(inbox.was_reset());
    EXPECT_THAT(inbox.lines(), ElementsAre("x"));
}

TEST(InboxCap, OverflowKeepsTheStartAndCountsEverything) {
    Inbox inbox(10);
    inbox.append("0123\n56789ABCDEF\n");  // 17 bytes, 10 kept
    EXPECT_TRUE(inbox.overflowed());
    EXPECT_EQ(inbox.total_bytes(), 17);
    EXPECT_THAT(inbox.lines(), ElementsAre("0123"));
    EXPECT_EQ(inbox.partial(), "56789");
    inbox.append("more\nand more\n");
    EXPECT_EQ(inbox.total_bytes(), 31);
    EXPECT_THAT(inbox.lines(), ElementsAre("0123"));  // nothing more is kept
    EXPECT_EQ(inbox.partial(), "56789");
}

TEST(InboxCap, ExactlyTheCapIsNotAnOverflow) {
    Inbox inbox(6);
    inbox.append("abc\nde");
    EXPECT_FALSE(inbox.overflowed());
    EXPECT_EQ(inbox.total_bytes(), 6);
    inbox.append("");
    EXPECT_FALSE(inbox.overflowed());
    inbox.append("f");
    EXPECT_TRUE(inbox.overflowed());
    EXPECT_EQ(inbox.total_bytes(), 7);
}

TEST(InboxCap, CountsBytesPastTheCapAcrossManyAppends) {
    Inbox inbox(100);
    std::int64_t sent = 0;
    for (int i = 0; i < 1000; ++i) {
        inbox.append("flood line\n");
        sent += 11;
    }
    EXPECT_EQ(inbox.total_bytes(), sent);
    EXPECT_TRUE(inbox.overflowed());
    EXPECT_EQ(inbox.lines().size(), 9u);  // 9 whole lines of 11 bytes fit in 100
}

TEST(InboxCursor, StartsAtZeroAndIsTheCallersToMove) {
    Inbox inbox;
    EXPECT_EQ(inbox.cursor, 0u);
    inbox.append("a\nb\n");
    inbox.cursor = 1;
    inbox.append("c\n");
    EXPECT_EQ(inbox.cursor, 1u);
    EXPECT_EQ(inbox.lines().size(), 3u);
}

}  // namespace
}  // namespace sockgrade::peers
