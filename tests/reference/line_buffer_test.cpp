#include "common/line_buffer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using lab::LineBuffer;
using testing::ElementsAre;

std::vector<std::string> pop_all(LineBuffer& buffer) {
  std::vector<std::string> lines;
  while (auto line = buffer.pop_line()) {
    lines.push_back(*line);
  }
  return lines;
}

TEST(LineBuffer, LineSplitAcrossManyReads) {
  LineBuffer buffer;
  for (std::string_view piece : {"ol", "a a", "ç", "ão"}) {
    ASSERT_TRUE(buffer.feed(piece));
    EXPECT_EQ(buffer.pop_line(), std::nullopt);
  }
  ASSERT_TRUE(buffer.feed("\n"));
  EXPECT_EQ(buffer.pop_line(), "ola ação");
  EXPECT_TRUE(buffer.empty());
}

TEST(LineBuffer, ManyLinesInOneRead) {
  LineBuffer buffer;
  ASSERT_TRUE(buffer.feed("one\ntwo\n\nfour\nfi"));
  EXPECT_THAT(pop_all(buffer), ElementsAre("one", "two", "", "four"));
  ASSERT_TRUE(buffer.feed("ve\n"));
  EXPECT_THAT(pop_all(buffer), ElementsAre("five"));
}

TEST(LineBuffer, StripsCarriageReturnBeforeNewlineOnly) {
  LineBuffer buffer;
  ASSERT_TRUE(buffer.feed("dos\r\nmid\rdle\n\r\n"));
  EXPECT_THAT(pop_all(buffer), ElementsAre("dos", "mid\rdle", ""));
}

TEST(LineBuffer, CarriageReturnAndNewlineInSeparateReads) {
  LineBuffer buffer;
  ASSERT_TRUE(buffer.feed("text\r"));
  EXPECT_EQ(buffer.pop_line(), std::nullopt);
  ASSERT_TRUE(buffer.feed("\n"));
  EXPECT_EQ(buffer.pop_line(), "text");
}

TEST(LineBuffer, LongLineInSmallPieces) {
  LineBuffer buffer;
  std::string long_line;
  for (int i = 0; long_line.size() < 200 * 1024; ++i) {
    long_line += "ação " + std::to_string(i) + " ";
  }
  for (std::size_t at = 0; at < long_line.size(); at += 1000) {
    ASSERT_TRUE(buffer.feed(std::string_view(long_line).substr(at, 1000)));
  }
  EXPECT_EQ(buffer.pop_line(), std::nullopt);
  ASSERT_TRUE(buffer.feed("\nafter\n"));
  EXPECT_THAT(pop_all(buffer), ElementsAre(long_line, "after"));
}

TEST(LineBuffer, RefusesUnfinishedLineLongerThanLimit) {
  LineBuffer buffer(10);
  EXPECT_TRUE(buffer.feed("0123456789"));
  EXPECT_FALSE(buffer.feed("a"));
}

TEST(LineBuffer, LimitCountsOnlyTheUnfinishedLine) {
  LineBuffer buffer(10);
  EXPECT_TRUE(buffer.feed("0123456789\n0123456789"));
  EXPECT_TRUE(buffer.feed("\n0123"));
  EXPECT_THAT(pop_all(buffer), ElementsAre("0123456789", "0123456789"));
  EXPECT_TRUE(buffer.feed("456789"));
  EXPECT_FALSE(buffer.feed("!"));
}

TEST(LineBuffer, FinalLineWithoutNewlineIsTheRest) {
  LineBuffer buffer;
  ASSERT_TRUE(buffer.feed("done\nlast words"));
  EXPECT_EQ(buffer.pop_line(), "done");
  EXPECT_EQ(buffer.pop_line(), std::nullopt);
  EXPECT_EQ(buffer.buffered(), 10u);
  EXPECT_EQ(buffer.take_rest(), "last words");
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.take_rest(), "");
}

TEST(LineBuffer, KeepsBytesIntact) {
  LineBuffer buffer;
  const std::string binary("\x00\xff\xc3\xa7\x80 \t", 7);
  ASSERT_TRUE(buffer.feed(binary + "\n"));
  EXPECT_EQ(buffer.pop_line(), binary);
}

TEST(LineBuffer, ManySmallLinesStayInOrder) {
  LineBuffer buffer;
  std::string burst;
  for (int i = 0; i < 10000; ++i) {
    burst += std::to_string(i) + "\n";
  }
  ASSERT_TRUE(buffer.feed(burst));
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(buffer.pop_line(), std::to_string(i));
  }
  EXPECT_TRUE(buffer.empty());
}

}  // namespace
