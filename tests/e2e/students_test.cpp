// The student-style programs in tests/fixtures/students/ get the verdict a
// careful teacher gives them (expected.yaml). The examples/ are graded the way
// a student grades them, with `sockgrade check` (check_test.cpp).
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <gtest/gtest.h>
#include <ostream>
#include <yaml-cpp/yaml.h>

namespace {

namespace fs = std::filesystem;

struct Submission {
    std::string name;  // for the test's name
    std::string lab;
    std::string run;   // shell line, {file} replaced
    std::string expect;
    fs::path source;   // file or folder to copy into a scratch folder
    std::string why;
};

// gtest prints a parameter with this instead of its bytes.
void PrintTo(const Submission& s, std::ostream* out) { *out << s.name << " (" << s.lab << ", " << s.expect << ")"; }

std::vector<Submission> submissions() {
    std::vector<Submission> all;
    fs::path students = fs::path(SOCKGRADE_TESTS_DIR) / "fixtures" / "students";
    for (const auto& item : YAML::LoadFile((students / "expected.yaml").string())) {
        Submission s;
        auto file = item["file"].as<std::string>();
        s.name = file;
        s.lab = item["lab"].as<std::string>();
        s.run = item["run"].as<std::string>();
        for (auto at = s.run.find("{file}"); at != std::string::npos; at = s.run.find("{file}"))
            s.run.replace(at, 6, file);
        s.expect = item["expect"].as<std::string>();
        s.why = item["why"].as<std::string>("");
        s.source = students / file;
        all.push_back(s);
    }
    return all;
}

bool command_works(const std::string& line) { return std::system((line + " >/dev/null 2>&1").c_str()) == 0; }

// What the run needs that this machine may lack: a reason to skip, or empty.
std::string missing_tool(const std::string& run) {
    if (run.find("python2") != std::string::npos && !command_works("PYENV_VERSION=2.7.18 python2 --version"))
        return "Python 2 is not installed (PYENV_VERSION=2.7.18 python2)";
    if (run.find("java") != std::string::npos && !command_works("java -version")) return "Java is not installed";
    if (run.find("cc ") != std::string::npos && !command_works("cc --version")) return "no C compiler";
    if (run.find("python3") != std::string::npos && !command_works("python3 --version")) return "no python3";
    return {};
}

std::string quote(const std::string& word) {
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

class StudentVerdict : public testing::TestWithParam<Submission> {};

TEST_P(StudentVerdict, MatchesTheTeachersJudgement) {
    const auto& s = GetParam();
    if (auto reason = missing_tool(s.run); !reason.empty()) GTEST_SKIP() << reason;

    // A scratch copy the program (run as an unprivileged user) may write in: C builds, __pycache__.
    auto scratch = fs::temp_directory_path() / ("sockgrade-student-" + std::to_string(::getpid()) + "-" + s.name);
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    auto target = fs::is_directory(s.source) ? scratch : scratch / s.source.filename();
    fs::copy(s.source, target, fs::copy_options::recursive);
    fs::permissions(scratch, fs::perms::all);

    std::string command = "timeout 240 " SOCKGRADE_BINARY_DIR "/sockgrade run " + s.lab + " --dir " + quote(scratch.string()) +
                          " --writable " + quote(scratch.string()) +
                          " --env PYENV_VERSION=2.7.18 -- /bin/sh -c " + quote(s.run) + " > " +
                          quote((scratch / "report.txt").string()) + " 2>&1";
    int status = std::system(command.c_str());
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::string report;
    if (FILE* f = std::fopen((scratch / "report.txt").c_str(), "r")) {
        std::array<char, 4096> buffer{};
        while (auto n = std::fread(buffer.data(), 1, buffer.size(), f)) report.append(buffer.data(), n);
        std::fclose(f);
    }
    fs::remove_all(scratch);
    EXPECT_EQ(code, s.expect == "pass" ? 0 : 1) << s.name << " should " << s.expect << ": " << s.why << "\n" << report;
}

std::string test_name(const testing::TestParamInfo<Submission>& info) {
    std::string name;
    for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, StudentVerdict, testing::ValuesIn(submissions()), test_name);

}  // namespace
