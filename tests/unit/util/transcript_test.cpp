// util/transcript: the record of a test, with a cap on its entries.
#include <gtest/gtest.h>

#include "util/transcript.hpp"

namespace sockgrade::util {
namespace {

TEST(TranscriptEntries, DataIsQuotedEventsAreNot) {
    Transcript transcript;
    transcript.data("A", '>', "ola\n");
    transcript.data("B", '<', std::string_view("\x01\xff", 2));
    transcript.event("program", "started");
    const auto& entries = transcript.entries();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].party, "A");
    EXPECT_EQ(entries[0].direction, '>');
    EXPECT_EQ(entries[0].text, "\"ola\\n\"");
    EXPECT_EQ(entries[1].party, "B");
    EXPECT_EQ(entries[1].direction, '<');
    EXPECT_EQ(entries[1].text, "\"\\x01\\xff\"");
    EXPECT_EQ(entries[2].party, "program");
    EXPECT_EQ(entries[2].direction, '*');
    EXPECT_EQ(entries[2].text, "started");
}

TEST(TranscriptEntries, TimesDoNotGoBackwards) {
    Transcript transcript;
    for (int i = 0; i < 50; ++i) transcript.event("grader", "tick");
    const auto& entries = transcript.entries();
    EXPECT_GE(entries.front().seconds, 0.0);
    for (std::size_t i = 1; i < entries.size(); ++i) EXPECT_GE(entries[i].seconds, entries[i - 1].seconds);
    EXPECT_GE(transcript.elapsed(), entries.back().seconds);
    EXPECT_LT(transcript.elapsed(), 60.0);
}

TEST(TranscriptEntries, LongDataIsCut) {
    Transcript transcript;
    transcript.data("A", '<', std::string(10000, 'x'));
    const auto& text = transcript.entries().at(0).text;
    EXPECT_LT(text.size(), 300u);
    EXPECT_NE(text.find("(+9840 bytes)"), std::string::npos) << text;
}

TEST(TranscriptCap, KeepsTheBeginningAndCountsTheRest) {
    Transcript transcript(3);
    for (int i = 0; i < 10; ++i) transcript.event("A", "entry " + std::to_string(i));
    ASSERT_EQ(transcript.entries().size(), 3u);
    EXPECT_EQ(transcript.entries()[0].text, "entry 0");
    EXPECT_EQ(transcript.entries()[2].text, "entry 2");
    EXPECT_EQ(transcript.dropped(), 7u);
    transcript.data("B", '<', "more");
    EXPECT_EQ(transcript.dropped(), 8u);
    EXPECT_EQ(transcript.entries().size(), 3u);
}

TEST(TranscriptTake, AddsTheDroppedNote) {
    Transcript transcript(2);
    for (int i = 0; i < 5; ++i) transcript.event("A", "e");
    auto entries = transcript.take();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries.back().party, "grader");
    EXPECT_EQ(entries.back().direction, '*');
    EXPECT_EQ(entries.back().text, "3 more entries not kept");
    EXPECT_GE(entries.back().seconds, entries[1].seconds);
}

TEST(TranscriptTake, NoNoteWhenNothingWasDropped) {
    Transcript transcript(2);
    transcript.event("A", "one");
    transcript.event("A", "two");
    auto entries = transcript.take();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries.back().text, "two");
}

}  // namespace
}  // namespace sockgrade::util
