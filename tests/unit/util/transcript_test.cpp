// util/transcript: the record of a test, with a cap on its entries.
#include <gtest/gtest.h>

#include "util/transcript.hpp"

namespace sockgrade::util {
namespace {

TEST(TranscriptEntries, DataIsQuotedEventsAreNot) {
    Transcript transcript;
    transcript.data("A", '>', "ola\n");
    transcript.data("B", '<', std::string_view("\x01\xff", 2));
    transcript.event("program", {"started", "iniciado"});
    const auto& entries = transcript.entries();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].party, "A");
    EXPECT_EQ(entries[0].direction, '>');
    EXPECT_EQ(entries[0].text.en, "\"ola\\n\"");
    EXPECT_EQ(entries[1].party, "B");
    EXPECT_EQ(entries[1].direction, '<');
    EXPECT_EQ(entries[1].text.en, "\"\\x01\\xff\"");
    EXPECT_EQ(entries[2].party, "program");
    EXPECT_EQ(entries[2].direction, '*');
    EXPECT_EQ(entries[2].text.en, "started");
    EXPECT_EQ(entries[2].text.pt, "iniciado");
}

TEST(TranscriptEntries, TimesDoNotGoBackwards) {
    Transcript transcript;
    for (int i = 0; i < 50; ++i) transcript.event("grader", {"tick", {}});
    const auto& entries = transcript.entries();
    EXPECT_GE(entries.front().seconds, 0.0);
    for (std::size_t i = 1; i < entries.size(); ++i) EXPECT_GE(entries[i].seconds, entries[i - 1].seconds);
    EXPECT_GE(transcript.elapsed(), entries.back().seconds);
    EXPECT_LT(transcript.elapsed(), 60.0);
}

TEST(TranscriptEntries, LongDataIsCut) {
    Transcript transcript;
    transcript.data("A", '<', std::string(10000, 'x'));
    const auto& text = transcript.entries().at(0).text.en;
    EXPECT_LT(text.size(), 300u);
    EXPECT_NE(text.find("(+9840 bytes)"), std::string::npos) << text;
}

TEST(TranscriptCap, KeepsTheBeginningAndTheMostRecentAndCountsTheMiddle) {
    Transcript transcript(4);
    for (int i = 0; i < 10; ++i) transcript.event("A", {"entry " + std::to_string(i), {}});
    auto kept = transcript.entries();
    ASSERT_EQ(kept.size(), 4u);
    EXPECT_EQ(kept[0].text.en, "entry 0");
    EXPECT_EQ(kept[1].text.en, "entry 1");
    EXPECT_EQ(kept[2].text.en, "entry 8");
    EXPECT_EQ(kept[3].text.en, "entry 9");
    EXPECT_EQ(transcript.dropped(), 6u);
    transcript.data("B", '<', "more");
    EXPECT_EQ(transcript.dropped(), 7u);
    kept = transcript.entries();
    ASSERT_EQ(kept.size(), 4u);
    EXPECT_EQ(kept[2].text.en, "entry 9");
    EXPECT_EQ(kept[3].party, "B");
}

TEST(TranscriptCap, AnOddCapKeepsOneMoreAtTheBeginning) {
    Transcript transcript(3);
    for (int i = 0; i < 6; ++i) transcript.event("A", {"entry " + std::to_string(i), {}});
    auto kept = transcript.entries();
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(kept[0].text.en, "entry 0");
    EXPECT_EQ(kept[1].text.en, "entry 1");
    EXPECT_EQ(kept[2].text.en, "entry 5");
}

TEST(TranscriptTake, PutsTheDroppedNoteInTheGap) {
    Transcript transcript(2);
    for (int i = 0; i < 5; ++i) transcript.event("A", {"e" + std::to_string(i), {}});
    auto entries = transcript.take();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].text.en, "e0");
    EXPECT_EQ(entries[1].party, "grader");
    EXPECT_EQ(entries[1].direction, '*');
    EXPECT_EQ(entries[1].text.en, "3 entries not kept");
    EXPECT_EQ(entries[1].text.pt, "3 entradas não guardadas");
    EXPECT_EQ(entries[2].text.en, "e4");
    EXPECT_GE(entries[1].seconds, entries[0].seconds);
    EXPECT_LE(entries[1].seconds, entries[2].seconds);
}

TEST(TranscriptTake, NoNoteWhenNothingWasDropped) {
    Transcript transcript(2);
    transcript.event("A", {"one", {}});
    transcript.event("A", {"two", {}});
    auto entries = transcript.take();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries.back().text.en, "two");
}

}  // namespace
}  // namespace sockgrade::util
