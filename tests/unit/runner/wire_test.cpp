// runner/wire: a TestResult carried out of the sandbox worker as bytes.
#include <gtest/gtest.h>

#include "runner/wire.hpp"

namespace sockgrade::runner {
namespace {

TestResult full_result() {
    TestResult r;
    r.name = "broadcast";
    r.title = {"Every client hears a message", "Todos recebem a mensagem"};
    r.passed = true;
    r.points = 1.5;
    r.max_points = 2.25;
    r.hidden = true;
    r.message = {"B received \"ola\"", "B recebeu \"ola\" — ação"};
    r.feedback = {"Use a loop", "Use um laço"};
    r.where = "scenarios/chat-server.yaml:17";
    r.seconds = 0.1 + 0.2;  // not exactly representable in short decimal
    r.runs = 5;
    r.passes = 3;
    r.failed_at = FailedAt{"B", 0.4, 2.4, 2.41};
    r.capture = "/tmp/caps/broadcast.pcapng";
    r.capture_note = "cut at 8.0 MiB: 3 more packets (12 KiB) not kept";
    r.isolation_note = "network namespaces are not available here (EPERM); tests run on the host network";
    r.diagram = "/tmp/pics/broadcast.svg";
    r.transcript = {{0.0, "program", '*', {"started", "iniciado"}},
                    {0.05, "A", '*', {"connected from port 41000", "conectou-se a partir da porta 41000"}, util::Mark::connect},
                    {0.06, "B", '*', {"the program reset the connection (RST)", {}}, util::Mark::program_rst},
                    {0.401, "A", '>', {"\"ola 7f3a\\n\"", {}}},
                    {0.412, "B", '<', {"\"ola 7f3a\"", {}}},
                    {1.0 / 3.0, "stdout", '<', {"\"日本 ação 🎉\"", {}}}};
    return r;
}

TEST(RunnerWire, ResultsWithoutPicturesReadAsBefore) {
    // What earlier versions stored: no marks, no failure point, no capture.
    auto back = from_wire(R"({"name":"t","passed":false,"transcript":[{"t":0.5,"party":"A","dir":"*","text":"x"}]})");
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->failed_at);
    EXPECT_EQ(back->capture, "");
    ASSERT_EQ(back->transcript.size(), 1u);
    EXPECT_EQ(back->transcript[0].mark, util::Mark::none);
    auto bytes = to_wire(*back);
    EXPECT_EQ(bytes.find("failed_at"), std::string::npos);
    EXPECT_EQ(bytes.find("capture"), std::string::npos);
    EXPECT_EQ(bytes.find("mark"), std::string::npos);
    EXPECT_EQ(bytes.find("text_pt"), std::string::npos);
}

TEST(RunnerWire, EventsCarryTheirPortugueseWordsDataDoesNot) {
    auto bytes = to_wire(full_result());
    EXPECT_NE(bytes.find(R"("text":"started","text_pt":"iniciado")"), std::string::npos) << bytes;
    // Bytes the program sent are the same in every language: no second copy.
    EXPECT_EQ(bytes.find(R"("text_pt":"\"ola)"), std::string::npos) << bytes;
    auto back = from_wire(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->transcript.at(1).text.pt, "conectou-se a partir da porta 41000");
    EXPECT_EQ(back->transcript.at(2).text.pt, "");
    EXPECT_EQ(back->transcript.at(2).text.in("pt"), "the program reset the connection (RST)");
}

TEST(RunnerWire, RoundTripsEveryField) {
    const auto original = full_result();
    auto bytes = to_wire(original);
    auto back = from_wire(bytes);
    ASSERT_TRUE(back.has_value()) << bytes;
    EXPECT_EQ(back->name, original.name);
    EXPECT_EQ(back->title.en, original.title.en);
    EXPECT_EQ(back->title.pt, original.title.pt);
    EXPECT_EQ(back->passed, original.passed);
    EXPECT_EQ(back->points, original.points);
    EXPECT_EQ(back->max_points, original.max_points);
    EXPECT_EQ(back->hidden, original.hidden);
    EXPECT_EQ(back->message.en, original.message.en);
    EXPECT_EQ(back->message.pt, original.message.pt);
    EXPECT_EQ(back->feedback.en, original.feedback.en);
    EXPECT_EQ(back->feedback.pt, original.feedback.pt);
    EXPECT_EQ(back->where, original.where);
    EXPECT_EQ(back->seconds, original.seconds);  // exact: doubles must survive bit for bit
    EXPECT_EQ(back->runs, original.runs);
    EXPECT_EQ(back->passes, original.passes);
    ASSERT_EQ(back->transcript.size(), original.transcript.size());
    for (std::size_t i = 0; i < original.transcript.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(back->transcript[i].seconds, original.transcript[i].seconds);
        EXPECT_EQ(back->transcript[i].party, original.transcript[i].party);
        EXPECT_EQ(back->transcript[i].direction, original.transcript[i].direction);
        EXPECT_EQ(back->transcript[i].text, original.transcript[i].text);
        EXPECT_EQ(back->transcript[i].mark, original.transcript[i].mark);
    }
    ASSERT_TRUE(back->failed_at);
    EXPECT_EQ(back->failed_at->party, "B");
    EXPECT_EQ(back->failed_at->since, 0.4);
    EXPECT_EQ(back->failed_at->due, 2.4);
    EXPECT_EQ(back->failed_at->at, 2.41);
    EXPECT_EQ(back->capture, original.capture);
    EXPECT_EQ(back->capture_note, original.capture_note);
    EXPECT_EQ(back->isolation_note, original.isolation_note);
    EXPECT_EQ(back->diagram, original.diagram);
    EXPECT_TRUE(back->flaky());
}

TEST(RunnerWire, RoundTripsWhichRunsFailedAndAPassingRun) {
    auto original = full_result();
    original.run = 2;
    original.seed = 4000000002ULL;
    original.failed_runs = {2, 5};
    original.passing_run = 1;
    original.passing_seed = 4000000001ULL;
    original.passing_transcript = {{0.25, "B", '<', {"\"ok\\n\"", {}}}};
    auto back = from_wire(to_wire(original));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->run, 2);
    EXPECT_EQ(back->seed, 4000000002ULL);
    EXPECT_EQ(back->failed_runs, (std::vector<int>{2, 5}));
    EXPECT_EQ(back->passing_run, 1);
    EXPECT_EQ(back->passing_seed, 4000000001ULL);
    ASSERT_EQ(back->passing_transcript.size(), 1u);
    EXPECT_EQ(back->passing_transcript[0].text.en, "\"ok\\n\"");
    EXPECT_EQ(back->passing_transcript[0].direction, '<');
}

TEST(RunnerWire, RoundTripsDefaults) {
    TestResult empty;
    auto back = from_wire(to_wire(empty));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->name, "");
    EXPECT_FALSE(back->passed);
    EXPECT_EQ(back->runs, 1);
    EXPECT_EQ(back->passes, 0);
    EXPECT_TRUE(back->transcript.empty());
    EXPECT_TRUE(back->message.empty());
}

TEST(RunnerWire, ControlCharactersAndNulSurvive) {
    TestResult r;
    r.name = std::string("nul\0inside", 10);
    r.transcript = {{0, "grader", '*', {std::string("tab\tnewline\ncr\r\x01\x7f"), {}}}};
    auto back = from_wire(to_wire(r));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->name, r.name);
    EXPECT_EQ(back->transcript.at(0).text, r.transcript[0].text);
}

// What happens to bytes that are not UTF-8: JSON cannot hold them, so each
// invalid byte becomes U+FFFD (the replacement character) and the rest of the
// text is kept. Data entries never carry such bytes (the transcript quotes them
// as \xNN first); event texts and messages can, and are then not byte-exact.
TEST(RunnerWire, InvalidUtf8BecomesReplacementCharacters) {
    TestResult r;
    r.name = "t";
    r.message = {"got \xff\xfe!", "ok"};
    r.transcript = {{0.5, "stdout", '*', {"raw \xc3( end", {}}}};
    auto bytes = to_wire(r);
    auto back = from_wire(bytes);
    ASSERT_TRUE(back) << "to_wire must not fail on non-UTF-8 text";
    EXPECT_EQ(back->message.en, "got \xEF\xBF\xBD\xEF\xBF\xBD!");
    EXPECT_EQ(back->message.pt, "ok");
    EXPECT_EQ(back->transcript.at(0).text.en, "raw \xEF\xBF\xBD( end");
    EXPECT_EQ(back->transcript.at(0).seconds, 0.5);
}

TEST(RunnerWire, GarbageIsRejected) {
    EXPECT_FALSE(from_wire(""));
    EXPECT_FALSE(from_wire("not json"));
    EXPECT_FALSE(from_wire("[1, 2]"));
    EXPECT_FALSE(from_wire("\"a string\""));
    auto whole = to_wire(full_result());
    EXPECT_FALSE(from_wire(whole.substr(0, whole.size() / 2)));  // a worker killed mid-write
}

// A payload that is JSON but not what to_wire writes must give nullopt, not throw
// (the caller treats nullopt as "the worker sent an unreadable result").
// KNOWN BUG (reported): json::value() throws type_error on a wrong type, and
// runner.cpp calls from_wire without a try. Enable when from_wire catches it.
TEST(RunnerWire, WrongTypesAreRejectedNotThrown) {
    std::optional<TestResult> result;
    EXPECT_NO_THROW(result = from_wire(R"({"name": 3})"));
    EXPECT_FALSE(result);
    EXPECT_NO_THROW(result = from_wire(R"({"name": "t", "transcript": [1, 2]})"));
    EXPECT_FALSE(result);
}

}  // namespace
}  // namespace sockgrade::runner
