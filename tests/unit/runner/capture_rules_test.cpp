// runner + capture: which runs keep a capture, and never one of the host's
// network. Each run happens in a sandbox worker, as run_scenario does it.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "runner/runner.hpp"
#include "runner/wire.hpp"
#include "sandbox/sandbox.hpp"
#include "scenario/loader.hpp"
#include "support/pcapng_reader.hpp"

namespace sockgrade::runner {
namespace {

namespace fs = std::filesystem;

// A client program that must exit 0 ("exits") or is expected to exit within
// 300 ms but sleeps ("hangs"). Only "hangs" runs without a namespace of its
// own, so no test here needs the host's port 5000.
const char* yaml = R"(scenario: capture-rules
program: {role: client, protocol: tcp, port: 5000}
tests:
  - name: exits
    peers: {S: tcp-server}
    steps:
      - {expect_exit: 0}
  - name: hangs-beside-a-peer
    peers: {S: tcp-server}
    steps:
      - {expect_exit: 0, within: 300ms}
  - name: hangs
    steps:
      - {expect_exit: 0, within: 300ms}
)";

bool have_namespaces() {
    auto outcome = sandbox::run_in_worker([](const sandbox::Isolation& i) { return std::string(i.namespaces ? "y" : "n"); },
                                          sandbox::WorkerOptions{});
    return outcome.payload == "y";
}

class CaptureRules : public ::testing::Test {
protected:
    void SetUp() override {
        auto loaded = scenario::load_string(yaml, "capture-rules.yaml");
        ASSERT_TRUE(loaded.ok()) << scenario::format_errors(loaded.errors);
        scenario_ = *loaded.scenario;
        dir_ = fs::temp_directory_path() / ("sockgrade-capture-rules-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // One run in a worker; own_network as given, whatever the worker really has.
    std::optional<TestResult> run(const std::string& test_name, const std::vector<std::string>& command, bool own_network,
                                  bool capture_all, bool& namespaces) {
        RunOptions options;
        options.command = command;
        options.cwd = "/";
        options.capture_dir = dir_.string();
        options.capture_all = capture_all;
        const scenario::Test* test = nullptr;
        for (const auto& t : scenario_.tests)
            if (t.name == test_name) test = &t;
        sandbox::WorkerOptions worker;
        worker.timeout = std::chrono::seconds(30);
        auto outcome = sandbox::run_in_worker(
            [&](const sandbox::Isolation& isolation) {
                auto result = run_test_here(scenario_, *test, options, RunPlace{own_network && isolation.namespaces, 1, 1});
                result.where = isolation.namespaces ? "ns" : "host";
                return to_wire(result);
            },
            worker);
        if (!outcome.payload) return std::nullopt;
        auto result = from_wire(*outcome.payload);
        if (result) namespaces = result->where == "ns";
        return result;
    }

    std::size_t files() const {
        std::error_code ec;
        std::size_t count = 0;
        for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) ++count;
        return count;
    }

    scenario::Scenario scenario_;
    fs::path dir_;
};

TEST_F(CaptureRules, OnTheHostNetworkNothingIsRecordedAndTheReportSaysWhy) {
    bool namespaces = false;
    auto result = run("hangs", {"/bin/sleep", "5"}, false, true, namespaces);
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->passed);
    EXPECT_EQ(result->capture, "");
    EXPECT_EQ(result->capture_note, capture_unavailable_note);
    EXPECT_EQ(files(), 0u);
}

TEST_F(CaptureRules, AFailingRunKeepsItsCaptureAPassingOneDoesNot) {
    if (!have_namespaces()) GTEST_SKIP() << "no network namespaces here";
    bool namespaces = false;
    auto passing = run("exits", {"/bin/true"}, true, false, namespaces);
    ASSERT_TRUE(passing);
    if (!namespaces) GTEST_SKIP() << "no network namespaces here";
    EXPECT_TRUE(passing->passed) << passing->message.en;
    EXPECT_EQ(passing->capture, "");
    EXPECT_EQ(files(), 0u);

    auto failing = run("hangs-beside-a-peer", {"/bin/sleep", "5"}, true, false, namespaces);
    ASSERT_TRUE(failing);
    EXPECT_FALSE(failing->passed);
    EXPECT_EQ(failing->capture, (dir_ / "hangs-beside-a-peer.pcapng").string());
    EXPECT_EQ(files(), 1u);
    std::string error;
    auto file = testing::read_pcapng(std::string(std::istreambuf_iterator<char>(std::ifstream(failing->capture, std::ios::binary).rdbuf()), {}), error);
    ASSERT_TRUE(file) << error;
    ASSERT_EQ(file->section_comments.size(), 1u);
    EXPECT_NE(file->section_comments[0].find("capture-rules / hangs-beside-a-peer"), std::string::npos);
    EXPECT_NE(file->section_comments[0].find("S = port 5000"), std::string::npos) << file->section_comments[0];

    // Where the failure goes in a picture: the program's lane, due 300 ms after the step began.
    ASSERT_TRUE(failing->failed_at);
    EXPECT_EQ(failing->failed_at->party, "program");
    EXPECT_NEAR(failing->failed_at->due - failing->failed_at->since, 0.3, 0.1);
    EXPECT_GE(failing->failed_at->at, failing->failed_at->due - 0.01);
}

TEST_F(CaptureRules, CaptureAllKeepsPassingRunsToo) {
    if (!have_namespaces()) GTEST_SKIP() << "no network namespaces here";
    bool namespaces = false;
    auto passing = run("exits", {"/bin/true"}, true, true, namespaces);
    ASSERT_TRUE(passing);
    if (!namespaces) GTEST_SKIP() << "no network namespaces here";
    EXPECT_TRUE(passing->passed);
    EXPECT_EQ(passing->capture, (dir_ / "exits.pcapng").string());
    EXPECT_FALSE(passing->failed_at);
}

TEST(CaptureFileName, NamesTheRunWhenThereAreSeveral) {
    EXPECT_EQ(capture_file_name("broadcast", RunPlace{true, 1, 1}), "broadcast.pcapng");
    EXPECT_EQ(capture_file_name("broadcast", RunPlace{true, 2, 3}), "broadcast.run2.pcapng");
}

}  // namespace
}  // namespace sockgrade::runner
