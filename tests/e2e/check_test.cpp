// `sockgrade check DIR`, as a student runs it: with the folder's .sockgrade.yaml,
// and without one (the lab and the program guessed, C built with gcc in a
// scratch copy, a build that fails, a lab that cannot be told).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "support.hpp"

namespace e2e {
namespace {

const fs::path examples_dir = fs::path(SOCKGRADE_TESTS_DIR).parent_path() / "examples";
const fs::path check_fixtures = fs::path(SOCKGRADE_TESTS_DIR) / "fixtures" / "check";

bool have(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

// Every file under a folder, with its size: what the student's folder holds.
std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        files.push_back(fs::relative(entry.path(), dir).string() +
                        (entry.is_regular_file() ? " " + std::to_string(entry.file_size()) : "/"));
    std::sort(files.begin(), files.end());
    return files;
}

// A copy of a folder without its .sockgrade.yaml, in `into`.
fs::path copy_without_config(const fs::path& from, const TempDir& into) {
    auto to = into.path() / from.filename();
    fs::copy(from, to, fs::copy_options::recursive);
    fs::remove(to / ".sockgrade.yaml");
    fs::permissions(to, fs::perms::all);
    return to;
}

// `sockgrade check` with a TMPDIR of its own, so the test can see that the scratch copy is gone after.
struct Checked {
    RunResult run;
    std::vector<std::string> left_in_tmp;
};
Checked check(const std::vector<std::string>& args) {
    TempDir tmp(true);
    RunOptions options;
    options.env["TMPDIR"] = tmp.str();
    options.timeout = std::chrono::seconds(240);
    Checked checked{run_sockgrade(args, options), {}};
    checked.left_in_tmp = listing(tmp.path());
    return checked;
}

class CheckExample : public testing::TestWithParam<std::string> {};

TEST_P(CheckExample, GivesTheVerdictItsConfigExpects) {
    if (!have("python3")) GTEST_SKIP() << "no python3 on this machine: the examples are Python";
    auto dir = examples_dir / GetParam();
    auto expect = YAML::LoadFile((dir / ".sockgrade.yaml").string())["expect"].as<std::string>();
    auto before = listing(dir);
    auto checked = check({"check", dir.string()});
    EXPECT_EQ(checked.run.exit_code, expect == "pass" ? 0 : 1) << "expect: " << expect << "\n" << checked.run.describe();
    EXPECT_NE(checked.run.out.find("(from .sockgrade.yaml)"), std::string::npos) << checked.run.describe();
    EXPECT_EQ(listing(dir), before) << "check wrote in the student's folder";
    EXPECT_EQ(checked.left_in_tmp, std::vector<std::string>{}) << "the scratch copy was left behind";
}

std::vector<std::string> example_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(examples_dir))
        if (fs::exists(entry.path() / ".sockgrade.yaml")) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
    std::string name;
    for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Examples, CheckExample, testing::ValuesIn(example_names()), test_name);

TEST(CheckGuess, FindsTheLabAndTheProgramOfAnExampleWithoutItsConfig) {
    if (!have("python3")) GTEST_SKIP() << "no python3 on this machine: the example is Python";
    TempDir work(true);
    auto dir = copy_without_config(examples_dir / "chat-server-threads", work);
    auto checked = check({"check", dir.string()});
    // The same verdict as with its .sockgrade.yaml (expect: pass).
    EXPECT_EQ(checked.run.exit_code, 0) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("lab: chat-server (guessed: servidor_chat.py is a TCP server with threads or select "
                                   "and a list of clients; --lab says otherwise)\n"),
              std::string::npos)
        << checked.run.describe();
    EXPECT_NE(checked.run.out.find("running: python3 servidor_chat.py (the only Python file)\n"), std::string::npos)
        << checked.run.describe();
    EXPECT_EQ(checked.left_in_tmp, std::vector<std::string>{});
}

TEST(CheckGuess, SaysWhatItChoseInPortuguese) {
    if (!have("python3")) GTEST_SKIP() << "no python3 on this machine: the example is Python";
    TempDir work(true);
    auto dir = copy_without_config(examples_dir / "tcp-server-ok", work);
    auto checked = check({"check", dir.string(), "--lang", "pt"});
    EXPECT_EQ(checked.run.exit_code, 0) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("exercício: tcp-server (adivinhado: servidor.py é um servidor TCP sem threads e sem "
                                   "lista de clientes; --lab diz outro)\n"),
              std::string::npos)
        << checked.run.describe();
    EXPECT_NE(checked.run.out.find("executando: python3 servidor.py (o único arquivo Python)\n"), std::string::npos)
        << checked.run.describe();
}

// Python 3 code with a Python 2 call only in a comment and in a string: it
// runs with Python 3 (issue 18: the probe read comments and strings).
TEST(CheckGuess, APython2CallInACommentOrAStringDoesNotMakeItPython2) {
    if (!have("python3")) GTEST_SKIP() << "no python3 on this machine: the example is Python";
    if (std::system("PYENV_VERSION=2.7.18 python2 -c 'import sys; sys.exit(sys.version_info[0] != 2)' >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "no Python 2 here (PYENV_VERSION=2.7.18 python2): the probe would not ask for it anyway";
    TempDir work(true);
    auto dir = copy_without_config(examples_dir / "tcp-server-ok", work);
    auto source = read_file(dir / "servidor.py");
    std::ofstream(dir / "servidor.py") << "# antes era: msg = raw_input('> ')\nAJUDA = 'use xrange(10) no Python 2'\n"
                                       << source;
    auto checked = check({"check", dir.string()});
    EXPECT_EQ(checked.run.exit_code, 0) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("running: python3 servidor.py (the only Python file)\n"), std::string::npos)
        << checked.run.describe();
}

// Issue 18: a server that reads its port from argv used to crash (IndexError) and score 0.
TEST(CheckGuess, AServerThatTakesItsPortFromTheCommandLineGetsIt) {
    if (!have("python3")) GTEST_SKIP() << "no python3 on this machine: the fixture is Python";
    TempDir work(true);
    // The harness's own argv-port server, handed in as a student would name it.
    auto dir = work.path() / "argv-port-server";
    fs::create_directories(dir);
    fs::copy_file(fs::path(SOCKGRADE_TESTS_DIR) / "fixtures" / "harness" / "port_from_argv.py", dir / "servidor.py");
    auto checked = check({"check", dir.string(), "--lab", "tcp-server"});
    EXPECT_EQ(checked.run.exit_code, 0) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("servidor.py reads its port from the command line: run with the port as its argument"),
              std::string::npos)
        << checked.run.describe();
}

TEST(CheckGuess, BuildsACProgramWithGccInAScratchCopy) {
    if (!have("gcc")) GTEST_SKIP() << "gcc is not installed: a C submission cannot be built here";
    TempDir work(true);
    auto dir = work.path() / "c-server";
    fs::copy(check_fixtures / "c-server", dir, fs::copy_options::recursive);
    auto checked = check({"check", dir.string()});
    EXPECT_EQ(checked.run.exit_code, 0) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("lab: tcp-server (guessed: servidor.c is a TCP server"), std::string::npos)
        << checked.run.describe();
    EXPECT_NE(checked.run.out.find("building: gcc -std=gnu17 -O2 -pthread -o servidor servidor.c -lm\n"),
              std::string::npos)
        << checked.run.describe();
    EXPECT_NE(checked.run.out.find("running: ./servidor (the only C file)\n"), std::string::npos) << checked.run.describe();
    EXPECT_EQ(listing(dir), listing(check_fixtures / "c-server")) << "the build wrote in the student's folder";
    EXPECT_EQ(checked.left_in_tmp, std::vector<std::string>{}) << "the scratch copy was left behind";
}

TEST(CheckGuess, ABuildThatFailsIsTheStudentsFailureWithTheCompilersMessage) {
    if (!have("gcc")) GTEST_SKIP() << "gcc is not installed: a C submission cannot be built here";
    auto checked = check({"check", (check_fixtures / "c-broken").string()});
    EXPECT_EQ(checked.run.exit_code, 1) << checked.run.describe();
    const auto& out = checked.run.out;
    EXPECT_NE(out.find("✘ not graded: the program did not build\n"), std::string::npos) << checked.run.describe();
    EXPECT_NE(out.find("the build (`gcc -std=gnu17 -O2 -pthread -o servidor servidor.c -lm`) failed: it exited with "
                       "status 1"),
              std::string::npos)
        << checked.run.describe();
    EXPECT_NE(out.find("servidor.c:12:5: error:"), std::string::npos) << "gcc's message, with where" << checked.run.describe();
    EXPECT_NE(out.find("Hint: fix the first error above"), std::string::npos) << checked.run.describe();
    EXPECT_EQ(out.find("running:"), std::string::npos) << "nothing was run" << checked.run.describe();
    EXPECT_EQ(checked.run.err, "") << checked.run.describe();
    EXPECT_EQ(checked.left_in_tmp, std::vector<std::string>{});
}

TEST(CheckGuess, ALabItCannotTellIsAQuestionNotAGuess) {
    auto checked = check({"check", (check_fixtures / "unsure-server").string()});
    EXPECT_EQ(checked.run.exit_code, 2) << checked.run.describe();
    EXPECT_EQ(checked.run.err,
              "sockgrade: cannot tell which lab this is: servidor.py is a TCP server with a list of clients but no "
              "threads or select, which fits tcp-server or chat-server; say which with --lab tcp-server or --lab "
              "chat-server (or lab: in .sockgrade.yaml)\n");
    EXPECT_EQ(checked.run.out, "");
    EXPECT_EQ(checked.left_in_tmp, std::vector<std::string>{});
}

TEST(CheckGuess, LabOptionAnswersTheQuestion) {
    if (!have("python3")) GTEST_SKIP() << "no python3 on this machine: the fixture is Python";
    auto checked = check({"check", (check_fixtures / "unsure-server").string(), "--lab", "tcp-server"});
    EXPECT_EQ(checked.run.exit_code, 0) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("lab: tcp-server (--lab)\n"), std::string::npos) << checked.run.describe();
}

TEST(CheckGuess, LabOptionAndConfigMustAgree) {
    TempDir work(true);
    auto dir = work.path() / "student";
    fs::create_directories(dir);
    std::ofstream(dir / ".sockgrade.yaml") << "lab: chat-server\n";
    std::ofstream(dir / "servidor.py") << "print(1)\n";
    auto checked = check({"check", dir.string(), "--lab", "tcp-server"});
    EXPECT_EQ(checked.run.exit_code, 2) << checked.run.describe();
    EXPECT_EQ(checked.run.err,
              "sockgrade: --lab tcp-server but .sockgrade.yaml says lab: chat-server; say it in one place\n");
}

// The report prints "replay with --seed N": check takes it, and --only, as run does.
TEST(CheckReplay, SeedAndOnlyReplayOneTestOfTheRun) {
    if (!have("python3")) GTEST_SKIP() << "no python3 on this machine: the example is Python";
    auto checked = check({"check", (examples_dir / "tcp-server-ok").string(), "--seed", "42", "--only", "prints-message"});
    EXPECT_EQ(checked.run.exit_code, 0) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("(1 of 1 test passed)"), std::string::npos) << checked.run.describe();
    EXPECT_NE(checked.run.out.find("seed 42 (replay with --seed 42)"), std::string::npos) << checked.run.describe();
}

TEST(CheckReplay, OnlyWithAnUnknownTestIsExit2AndListsTheTests) {
    auto checked = check({"check", (examples_dir / "tcp-server-ok").string(), "--only", "nope"});
    EXPECT_EQ(checked.run.exit_code, 2) << checked.run.describe();
    EXPECT_EQ(checked.run.err,
              "sockgrade: no test 'nope' in tcp-server (tests: listens-on-port, prints-message, prints-client-address, "
              "prints-accents, closes-connection)\n");
}

}  // namespace
}  // namespace e2e
