// Where grading happens (docs/ci.md): every report format checked against the
// contract its reader publishes, the install tree, the Debian package, the
// portable tree, and the CI templates in ci/ run as far as this machine allows.
//
// Each subprocess has a hard deadline; nothing here sleeps to synchronise.
// Schemas in tests/fixtures/autograder/schemas/ are our transcriptions of the
// readers' published field lists (their sources are named inside each file).
// python3's jsonschema and xmllint validate against them when installed; the
// C++ checks below run always.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <poll.h>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "report/base64.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;

const fs::path source_dir = fs::path(SOCKGRADE_TESTS_DIR).parent_path();
const fs::path binary_dir = SOCKGRADE_BINARY_DIR;
const fs::path fixtures = fs::path(SOCKGRADE_TESTS_DIR) / "fixtures" / "autograder";
const fs::path schemas = fixtures / "schemas";

std::string reference(const std::string& program) { return (binary_dir / "reference" / program).string(); }

// ---------------------------------------------------------------- processes

struct Outcome {
    int status = -1;  // exit status; -1 when killed by a signal
    bool timed_out = false;
    std::string out;  // stdout and stderr, interleaved
};

struct Spawn {
    fs::path cwd = fs::temp_directory_path();
    std::map<std::string, std::optional<std::string>> env;  // a value sets, nullopt unsets
    std::chrono::seconds timeout = 120s;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
    return os << "exit " << o.status << (o.timed_out ? " (TIMED OUT)" : "") << "\n" << o.out;
}

// Runs argv in its own process group; after the deadline the group is killed.
Outcome run(const std::vector<std::string>& argv, const Spawn& spawn) {
    std::map<std::string, std::string> env_map;
    for (char** entry = environ; *entry; ++entry) {
        std::string pair(*entry);
        auto eq = pair.find('=');
        if (eq != std::string::npos) env_map[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    for (const auto& [key, value] : spawn.env) {
        if (value) env_map[key] = *value;
        else env_map.erase(key);
    }
    std::vector<std::string> env_strings;
    for (const auto& [key, value] : env_map) env_strings.push_back(key + "=" + value);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& s : args) argp.push_back(s.data());
    argp.push_back(nullptr);
    const std::string cwd = spawn.cwd.string();

    Outcome outcome;
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0) {
        outcome.out = std::string("pipe2: ") + std::strerror(errno);
        return outcome;
    }
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        const int null_in = ::open("/dev/null", O_RDONLY);
        ::dup2(null_in, 0);
        ::dup2(pipe_fds[1], 1);
        ::dup2(pipe_fds[1], 2);
        if (::chdir(cwd.c_str()) < 0) ::_exit(126);
        ::execvpe(argp[0], argp.data(), envp.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    if (pid < 0) {
        ::close(pipe_fds[0]);
        outcome.out = std::string("fork: ") + std::strerror(errno);
        return outcome;
    }
    ::setpgid(pid, pid);
    auto deadline = started + spawn.timeout;
    pollfd fd{pipe_fds[0], POLLIN, 0};
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            if (outcome.timed_out) break;
            outcome.timed_out = true;
            ::kill(-pid, SIGKILL);
            deadline = now + 5s;  // drain what is left, never hang
            continue;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        const int ready = ::poll(&fd, 1, static_cast<int>(std::max<long long>(1, left)));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        char buffer[65536];
        const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n > 0) outcome.out.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR) break;
    }
    ::close(pipe_fds[0]);
    // The output closed: the command is ending. Wait for its exit on a pidfd
    // until the deadline; a lingering one has its group killed.
    int status = 0;
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd >= 0) {
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) break;
            pollfd exited{pidfd, POLLIN, 0};
            const int ready = ::poll(&exited, 1, static_cast<int>(left));
            if (ready > 0 || (ready < 0 && errno != EINTR)) break;
        }
        ::close(pidfd);
    }
    if (::waitpid(pid, &status, WNOHANG) != pid) {
        if (pidfd >= 0) outcome.timed_out = true;  // without a pidfd: the closed output means it is ending
        ::kill(-pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    ::kill(-pid, SIGKILL);  // nothing the command started outlives it
    outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
}

using Env = std::map<std::string, std::optional<std::string>>;

Outcome run(const std::vector<std::string>& argv, std::chrono::seconds timeout,
            const fs::path& cwd = fs::temp_directory_path(), const Env& env = {}) {
    Spawn spawn;
    spawn.cwd = cwd;
    spawn.env = env;
    spawn.timeout = timeout;
    return run(argv, spawn);
}

Spawn spawn_in(const fs::path& cwd, std::chrono::seconds timeout) {
    Spawn spawn;
    spawn.cwd = cwd;
    spawn.timeout = timeout;
    return spawn;
}

bool have(const std::string& command) {
    return run({"sh", "-c", "command -v \"$0\" >/dev/null", command}, 10s).status == 0;
}

bool python_has(const std::string& module) {
    return run({"python3", "-c", "import " + module}, 30s).status == 0;
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sockgrade-ci-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void spit(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

void copy_tree(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// ---------------------------------------------------------------- schemas

// nullopt when valid (or when python3 has no jsonschema: the C++ checks stand alone).
std::optional<std::string> json_schema_errors(const std::string& schema_file, const Json& document) {
    static const bool available = python_has("jsonschema");
    if (!available) return std::nullopt;
    TempDir dir;
    spit(dir / "doc.json", document.dump());
    auto outcome = run({"python3", "-c",
                        "import json, sys, jsonschema\n"
                        "schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))\n"
                        "errors = [f\"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}\"\n"
                        "          for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]\n"
                        "print('\\n'.join(errors)); sys.exit(1 if errors else 0)\n",
                        (schemas / schema_file).string(), (dir / "doc.json").string()},
                       60s);
    if (outcome.status == 0) return std::nullopt;
    return outcome.out;
}

std::optional<std::string> xsd_errors(const fs::path& xml) {
    static const bool available = have("xmllint");
    if (!available) return std::nullopt;
    auto outcome = run({"xmllint", "--noout", "--schema", (schemas / "junit.xsd").string(), xml.string()}, 30s);
    if (outcome.status == 0) return std::nullopt;
    return outcome.out;
}

bool whole(const Json& number) {
    return number.is_number_integer() || (number.is_number() && std::floor(number.get<double>()) == number.get<double>());
}

double number(const Json& value) { return value.get<double>(); }

// Gradescope's Output format: optional fields, score at the top or on every test.
void check_gradescope(const Json& doc, int expected_tests) {
    static const std::set<std::string> top = {"score", "execution_time", "output", "output_format", "test_output_format",
                                              "test_name_format", "visibility", "stdout_visibility", "extra_data",
                                              "tests", "leaderboard"};
    static const std::set<std::string> per_test = {"score", "max_score", "status", "name", "name_format", "number",
                                                   "output", "output_format", "tags", "visibility", "extra_data"};
    static const std::set<std::string> visibilities = {"hidden", "after_due_date", "after_published", "visible"};
    ASSERT_TRUE(doc.is_object());
    for (const auto& [key, value] : doc.items()) {
        EXPECT_TRUE(top.contains(key)) << "not in Gradescope's spec: " << key;
    }
    ASSERT_TRUE(doc.contains("score") && doc["score"].is_number());
    if (doc.contains("execution_time")) {
        EXPECT_TRUE(doc["execution_time"].is_number());
    }
    if (doc.contains("output")) {
        EXPECT_TRUE(doc["output"].is_string());
    }
    for (const char* key : {"visibility", "stdout_visibility"})
        if (doc.contains(key)) {
            EXPECT_TRUE(visibilities.contains(doc[key].get<std::string>())) << key;
        }
    if (doc.contains("extra_data")) {
        EXPECT_TRUE(doc["extra_data"].is_object());
    }
    ASSERT_TRUE(doc["tests"].is_array());
    EXPECT_EQ(static_cast<int>(doc["tests"].size()), expected_tests);
    double sum = 0;
    for (const auto& test : doc["tests"]) {
        for (const auto& [key, value] : test.items()) {
            EXPECT_TRUE(per_test.contains(key)) << "not in Gradescope's spec: " << key;
        }
        ASSERT_TRUE(test["score"].is_number());
        ASSERT_TRUE(test["max_score"].is_number());
        EXPECT_LE(number(test["score"]), number(test["max_score"]));
        EXPECT_TRUE(test["name"].is_string());
        EXPECT_TRUE(test["output"].is_string());
        const auto status = test["status"].get<std::string>();
        EXPECT_TRUE(status == "passed" || status == "failed") << status;
        EXPECT_TRUE(visibilities.contains(test["visibility"].get<std::string>()));
        sum += number(test["score"]);
    }
    EXPECT_NEAR(number(doc["score"]), sum, 1e-9) << "the top-level score overrides the tests' sum: they must agree";
    EXPECT_EQ(json_schema_errors("gradescope-results.schema.json", doc), std::nullopt);
}

// Classroom 50's runner.py/collect_scores.py validate_result(), after the runner
// stamps owner, assignment_type, datetime and graded_at. fractional_points:
// the names of tests whose points are not whole (see docs/ci.md); empty = strict.
void check_classroom(Json doc, const std::map<std::string, std::string>& identity, int expected_tests,
                     std::set<std::string>* fractional_points = nullptr) {
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["schema"], "classroom50/result/v1");
    EXPECT_EQ(doc["classroom"], identity.at("CLASSROOM"));
    EXPECT_EQ(doc["assignment"], identity.at("ASSIGNMENT"));
    EXPECT_EQ(doc["submission"], identity.at("SUBMISSION_TAG"));
    EXPECT_EQ(doc["commit"], identity.at("COMMIT_URL"));
    EXPECT_EQ(doc["release"], identity.at("RELEASE_URL"));
    EXPECT_EQ(doc["review"], identity.at("REVIEW_URL"));
    EXPECT_TRUE(doc["datetime"].is_string());
    // What the runner stamps before validating.
    doc["owner"] = "student1";
    doc["assignment_type"] = "individual";
    doc["datetime"] = "2026-06-01T14:32:01Z";
    doc["graded_at"] = "2026-06-01T14:33:10Z";
    auto integral = [&](const Json& value, const std::string& test) {
        ASSERT_TRUE(value.is_number()) << value;
        EXPECT_GE(number(value), 0);
        if (whole(value)) return;
        if (fractional_points) fractional_points->insert(test);
        else ADD_FAILURE() << "Classroom 50 rejects a score that is not a whole number: " << value << " in " << test;
    };
    integral(doc["score"], "(total)");
    integral(doc["max-score"], "(total)");
    EXPECT_LE(number(doc["score"]), number(doc["max-score"]));
    ASSERT_TRUE(doc["tests"].is_array());
    EXPECT_EQ(static_cast<int>(doc["tests"].size()), expected_tests);
    double sum = 0, max_sum = 0;
    for (const auto& test : doc["tests"]) {
        ASSERT_TRUE(test["test-name"].is_string());
        const auto name = test["test-name"].get<std::string>();
        EXPECT_FALSE(name.empty());
        EXPECT_TRUE(test["passed"].is_boolean());
        integral(test["score"], name);
        integral(test["max-score"], name);
        EXPECT_LE(number(test["score"]), number(test["max-score"]));
        sum += number(test["score"]);
        max_sum += number(test["max-score"]);
    }
    EXPECT_NEAR(number(doc["score"]), sum, 1e-9);
    EXPECT_NEAR(number(doc["max-score"]), max_sum, 1e-9);
    if (!fractional_points) {
        EXPECT_EQ(json_schema_errors("classroom50-result-v1.schema.json", doc), std::nullopt);
    }
}

// What classroom-resources/autograding-grading-reporter reads, after base64.
Json check_github(const std::string& base64, int expected_tests) {
    std::string text = base64;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto decoded = sockgrade::report::base64_decode(text);
    EXPECT_TRUE(decoded) << "the reporter Buffer.from(..., 'base64')-decodes <RUNNER>_RESULTS";
    if (!decoded) return {};
    Json doc = Json::parse(*decoded);
    EXPECT_EQ(doc["version"], 1);
    const auto status = doc["status"].get<std::string>();
    EXPECT_TRUE(status == "pass" || status == "fail" || status == "error");
    EXPECT_TRUE(doc["max_score"].is_number());
    EXPECT_EQ(static_cast<int>(doc["tests"].size()), expected_tests);
    double sum = 0;
    bool all_pass = true;
    for (const auto& test : doc["tests"]) {
        EXPECT_TRUE(test["name"].is_string());
        EXPECT_TRUE(test["status"] == "pass" || test["status"] == "fail" || test["status"] == "error");
        all_pass &= test["status"] == "pass";
        EXPECT_TRUE(test["score"].is_number());
        EXPECT_TRUE(test["message"].is_string() || test["message"].is_null());
        EXPECT_TRUE(test["test_code"].is_string());
        EXPECT_TRUE(test["line_no"].is_number_integer());
        sum += number(test["score"]);
    }
    EXPECT_LE(sum, number(doc["max_score"]) + 1e-9) << "Classroom is sent sum(tests[].score) out of max_score";
    EXPECT_EQ(status == "pass", all_pass);
    EXPECT_EQ(json_schema_errors("github-classroom-result.schema.json", doc), std::nullopt);
    return doc;
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

std::string attribute(const std::string& xml, const std::string& element, const std::string& name) {
    std::smatch match;
    std::regex pattern("<" + element + "\\b[^>]*\\s" + name + "=\"([^\"]*)\"");
    return std::regex_search(xml, match, pattern) ? match[1].str() : std::string("(absent)");
}

// The JUnit XML Jenkins (xUnit's junit-10.xsd) and GitLab read.
void check_junit(const fs::path& file, int expected_tests, int expected_failures) {
    const std::string xml = slurp(file);
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
    EXPECT_EQ(count(xml, "<testsuites"), 1);
    EXPECT_EQ(count(xml, "<testcase "), expected_tests);
    EXPECT_EQ(count(xml, "<failure "), expected_failures);
    EXPECT_EQ(attribute(xml, "testsuite", "tests"), std::to_string(expected_tests));
    EXPECT_EQ(attribute(xml, "testsuite", "failures"), std::to_string(expected_failures));
    EXPECT_EQ(attribute(xml, "testsuite", "errors"), "0");
    EXPECT_NE(attribute(xml, "testsuite", "name"), "(absent)");
    EXPECT_TRUE(std::regex_search(attribute(xml, "testsuite", "time"), std::regex("^[0-9]+(\\.[0-9]+)?$")));
    // GitLab keys a test by classname + name: each must be unique.
    std::set<std::string> names;
    std::regex testcase("<testcase name=\"([^\"]*)\" classname=\"([^\"]*)\"");
    for (std::sregex_iterator it(xml.begin(), xml.end(), testcase), end; it != end; ++it)
        EXPECT_TRUE(names.insert((*it)[2].str() + "/" + (*it)[1].str()).second) << (*it)[1];
    EXPECT_EQ(static_cast<int>(names.size()), expected_tests);
    EXPECT_EQ(xsd_errors(file), std::nullopt);
}

// design.md "Interfaces": the --format json object.
void check_sockgrade_json(const Json& doc, int expected_tests) {
    for (const char* key : {"scenario", "passed", "score", "max_score", "flaky", "tests"}) {
        EXPECT_TRUE(doc.contains(key)) << key;
    }
    EXPECT_TRUE(doc["passed"].is_boolean());
    EXPECT_TRUE(doc["flaky"].is_array());
    ASSERT_EQ(static_cast<int>(doc["tests"].size()), expected_tests);
    for (const auto& test : doc["tests"])
        for (const char* key : {"name", "passed", "points", "max_points", "message", "transcript"})
            EXPECT_TRUE(test.contains(key)) << key;
}

const std::map<std::string, std::string> classroom_identity = {
    {"CLASSROOM", "networks-2026"},
    {"ASSIGNMENT", "chat-server"},
    {"SUBMISSION_TAG", "submit/20260601T143201Z-abc1234"},
    {"COMMIT_URL", "https://github.com/networks-2026/networks-2026-chat-server-student1/commit/abc1234"},
    {"RELEASE_URL", "https://github.com/networks-2026/networks-2026-chat-server-student1/releases/tag/submit%2F20260601T143201Z-abc1234"},
    {"REVIEW_URL", "https://github.com/networks-2026/networks-2026-chat-server-student1/compare/0000000...abc1234"},
};

Spawn with_identity(std::chrono::seconds timeout, const fs::path& cwd) {
    Spawn spawn = spawn_in(cwd, timeout);
    for (const auto& [key, value] : classroom_identity) spawn.env[key] = value;
    return spawn;
}

constexpr int chat_server_tests = 11;
const std::set<std::string> chat_server_half_points = {"utf8", "long-line", "concurrent-clients", "newcomer", "(total)"};

std::vector<std::string> every_format(const fs::path& dir) {
    std::vector<std::string> args;
    for (const char* format : {"json", "junit", "gradescope", "classroom", "github", "markdown", "text"})
        args.insert(args.end(), {"--format", format, "--output", (dir / (std::string("report.") + format)).string()});
    return args;
}

// ---------------------------------------------------------------- report formats

TEST(CiReportSchemas, EveryFormatOfOneRunOfTheReferenceMeetsItsReadersContract) {
    TempDir dir;
    std::vector<std::string> argv = {(binary_dir / "sockgrade").string(), "run", "chat-server"};
    auto formats = every_format(dir.path());
    argv.insert(argv.end(), formats.begin(), formats.end());
    argv.insert(argv.end(), {"--", reference("chat-server")});
    auto outcome = run(argv, with_identity(240s, dir.path()));
    ASSERT_EQ(outcome.status, 0) << outcome;

    check_sockgrade_json(Json::parse(slurp(dir / "report.json")), chat_server_tests);
    check_junit(dir / "report.junit", chat_server_tests, 0);
    auto gradescope = Json::parse(slurp(dir / "report.gradescope"));
    check_gradescope(gradescope, chat_server_tests);
    EXPECT_EQ(gradescope["score"], 10);
    std::set<std::string> fractional;
    check_classroom(Json::parse(slurp(dir / "report.classroom")), classroom_identity, chat_server_tests, &fractional);
    // Known: chat-server's half points travel as 0.5, which Classroom 50 rejects;
    // ci/classroom50/autograder.py scales them (see CiClassroom50 below, docs/ci.md).
    for (const auto& name : fractional) {
        EXPECT_TRUE(chat_server_half_points.contains(name)) << name;
    }
    auto github = check_github(slurp(dir / "report.github"), chat_server_tests);
    EXPECT_EQ(github["status"], "pass");
    const auto markdown = slurp(dir / "report.markdown");
    EXPECT_NE(markdown.find("10/10"), std::string::npos) << markdown;
    EXPECT_FALSE(slurp(dir / "report.text").empty());
}

TEST(CiReportSchemas, FailuresAndHiddenTestsStillMeetTheContracts) {
    TempDir dir;
    std::vector<std::string> argv = {(binary_dir / "sockgrade").string(), "run", "chat-server", "--student",
                                     "--only", "broadcast", "--only", "newcomer", "--only", "every-line"};
    auto formats = every_format(dir.path());
    argv.insert(argv.end(), formats.begin(), formats.end());
    argv.insert(argv.end(), {"--", reference("mutants/chat-server--echo-only")});
    auto outcome = run(argv, with_identity(120s, dir.path()));
    ASSERT_EQ(outcome.status, 1) << outcome;

    const auto json = Json::parse(slurp(dir / "report.json"));
    check_sockgrade_json(json, 3);
    int failed = 0;
    for (const auto& test : json["tests"]) failed += test["passed"] == false;
    ASSERT_GE(failed, 2) << json.dump(2);
    check_junit(dir / "report.junit", 3, failed);
    auto gradescope = Json::parse(slurp(dir / "report.gradescope"));
    check_gradescope(gradescope, 3);
    for (const auto& test : gradescope["tests"])
        if (test["name"] == "newcomer") {
            EXPECT_NE(test["visibility"], "visible") << "a hidden test";
        }
    std::set<std::string> fractional;
    check_classroom(Json::parse(slurp(dir / "report.classroom")), classroom_identity, 3, &fractional);
    for (const auto& name : fractional) {
        EXPECT_TRUE(chat_server_half_points.contains(name)) << name;
    }
    EXPECT_EQ(check_github(slurp(dir / "report.github"), 3)["status"], "fail");
}

// ---------------------------------------------------------------- install and packages

const std::vector<std::string> shipped_labs = {"tcp-server", "tcp-client", "udp-server",
                                               "udp-client", "chat-server", "chat-client"};

// `sockgrade validate NAME` from an empty folder says which file the name found.
void expect_finds_scenarios_in(const fs::path& sockgrade, const fs::path& scenarios_dir) {
    TempDir cwd;
    auto outcome = run({sockgrade.string(), "validate", "chat-server"}, 30s, cwd.path());
    ASSERT_EQ(outcome.status, 0) << outcome;
    const auto found = outcome.out.substr(0, outcome.out.find(": ok"));
    EXPECT_TRUE(fs::equivalent(found, scenarios_dir / "chat-server.yaml")) << found << " vs " << scenarios_dir;
}

void expect_grades_reference(const fs::path& sockgrade, const std::map<std::string, std::optional<std::string>>& env = {}) {
    TempDir cwd;
    auto outcome = run({sockgrade.string(), "run", "chat-server", "--only", "broadcast", "--only", "burst-order", "--",
                        reference("chat-server")},
                       90s, cwd.path(), env);
    EXPECT_EQ(outcome.status, 0) << outcome;
}

TEST(CiInstall, PrefixTreeHasTheBinaryAndTheScenariosAndRunsFromAnyFolder) {
    TempDir dir;
    const auto prefix = dir / "prefix";
    auto outcome = run({"bash", (source_dir / "packaging/install-sockgrade.sh").string(), "install", binary_dir.string(),
                        prefix.string()},
                       120s);
    ASSERT_EQ(outcome.status, 0) << outcome;
    ASSERT_TRUE(fs::is_regular_file(prefix / "bin/sockgrade"));
    for (const auto& lab : shipped_labs)
        EXPECT_TRUE(fs::is_regular_file(prefix / "share/sockgrade/scenarios" / (lab + ".yaml"))) << lab;
    expect_finds_scenarios_in(prefix / "bin/sockgrade", prefix / "share/sockgrade/scenarios");
    expect_grades_reference(prefix / "bin/sockgrade");
}

TEST(CiInstall, TheInstallScriptConfiguresAReleaseBuildWithoutTests) {
    auto deps = run({"bash", (source_dir / "packaging/install-sockgrade.sh").string(), "deps", "--check"}, 60s);
    EXPECT_EQ(deps.status, 0) << deps;
    TempDir dir;
    auto outcome = run({"bash", (source_dir / "packaging/install-sockgrade.sh").string(), "configure", (dir / "b").string()},
                       180s);
    ASSERT_EQ(outcome.status, 0) << outcome;
    const auto cache = slurp(dir / "b/CMakeCache.txt");
    EXPECT_NE(cache.find("CMAKE_BUILD_TYPE:STRING=Release"), std::string::npos);
    EXPECT_NE(cache.find("SOCKGRADE_TESTS:BOOL=OFF"), std::string::npos);
    EXPECT_TRUE(fs::is_regular_file(dir / "b/CPackConfig.cmake"));
    EXPECT_NE(slurp(dir / "b/build.ninja").find("build sockgrade:"), std::string::npos);
}

// The packages that own the shared libraries a binary loads, glibc's included.
std::set<std::string> owning_packages(const fs::path& binary) {
    std::set<std::string> packages;
    auto ldd = run({"ldd", binary.string()}, 30s);
    EXPECT_EQ(ldd.status, 0) << ldd;
    std::regex resolved(R"(=> (/\S+))");
    std::istringstream lines(ldd.out);
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (!std::regex_search(line, match, resolved)) continue;
        auto owner = run({"dpkg", "-S", fs::canonical(match[1].str()).string()}, 30s);
        if (owner.status != 0) owner = run({"dpkg", "-S", match[1].str()}, 30s);
        EXPECT_EQ(owner.status, 0) << "no package owns " << match[1] << "\n" << owner;
        auto name = owner.out.substr(0, owner.out.find(':'));
        packages.insert(name);
    }
    return packages;
}

TEST(CiInstall, DebianPackageDeclaresItsLibrariesAndRunsFromAnExtractedRoot) {
    if (!have("cpack") || !have("dpkg-deb")) GTEST_SKIP() << "cpack or dpkg-deb missing";
    TempDir dir;
    auto outcome = run({"bash", (source_dir / "packaging/install-sockgrade.sh").string(), "deb", binary_dir.string(),
                        (dir / "out").string()},
                       300s);
    ASSERT_EQ(outcome.status, 0) << outcome;
    std::vector<fs::path> debs;
    for (const auto& entry : fs::directory_iterator(dir / "out"))
        if (entry.path().extension() == ".deb") debs.push_back(entry.path());
    ASSERT_EQ(debs.size(), 1u) << outcome;
    const auto deb = debs.front();

    auto fields = run({"dpkg-deb", "-f", deb.string(), "Package", "Version", "Architecture", "Depends"}, 30s);
    ASSERT_EQ(fields.status, 0) << fields;
    EXPECT_NE(fields.out.find("Package: sockgrade"), std::string::npos) << fields.out;
    EXPECT_NE(fields.out.find("Architecture: amd64"), std::string::npos) << fields.out;
    const auto depends_at = fields.out.find("Depends: ");
    ASSERT_NE(depends_at, std::string::npos) << fields.out;
    std::set<std::string> declared;
    std::istringstream list(fields.out.substr(depends_at + 9));
    for (std::string item; std::getline(list, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        declared.insert(item.substr(0, item.find_first_of(" (\n")));
    }

    const auto root = dir / "root";
    auto extract = run({"dpkg-deb", "-x", deb.string(), root.string()}, 60s);
    ASSERT_EQ(extract.status, 0) << extract;
    const auto sockgrade = root / "usr/bin/sockgrade";
    ASSERT_TRUE(fs::is_regular_file(sockgrade));
    for (const auto& lab : shipped_labs)
        EXPECT_TRUE(fs::is_regular_file(root / "usr/share/sockgrade/scenarios" / (lab + ".yaml"))) << lab;
    // Depends names exactly the packages whose libraries the binary loads.
    EXPECT_EQ(declared, owning_packages(sockgrade)) << fields.out;

    expect_finds_scenarios_in(sockgrade, root / "usr/share/sockgrade/scenarios");
    expect_grades_reference(sockgrade);
}

// The newest GLIBC_2.x / GLIBCXX_3.4.x an ELF file needs: {x, x}.
std::pair<int, int> newest_versions_needed(const fs::path& elf) {
    auto dump = run({"objdump", "-T", elf.string()}, 30s);
    EXPECT_EQ(dump.status, 0) << dump;
    int glibc = 0, glibcxx = 0;
    std::regex pattern(R"((GLIBC_2|GLIBCXX_3\.4)\.([0-9]+))");
    for (std::sregex_iterator it(dump.out.begin(), dump.out.end(), pattern), end; it != end; ++it) {
        int& newest = (*it)[1] == "GLIBC_2" ? glibc : glibcxx;
        newest = std::max(newest, std::stoi((*it)[2]));
    }
    return {glibc, glibcxx};
}

TEST(CiInstall, PortableTreeRunsWithItsOwnLibrariesOnUbuntu2204) {
    TempDir dir;
    const auto tree = dir / "portable";
    auto outcome = run({"bash", (source_dir / "packaging/make-portable.sh").string(), binary_dir.string(), tree.string()},
                       120s);
    ASSERT_EQ(outcome.status, 0) << outcome;
    std::set<std::string> bundled;
    for (const auto& entry : fs::directory_iterator(tree / "lib/sockgrade/lib")) bundled.insert(entry.path().filename());
    for (const char* library : {"libyaml-cpp.so", "libfmt.so"}) {
        bool found = false;
        for (const auto& name : bundled) found |= name.rfind(library, 0) == 0;
        EXPECT_TRUE(found) << library << " not bundled";
    }
    // Gradescope's default image is Ubuntu 22.04: glibc 2.35, libstdc++ of GCC 12 (GLIBCXX_3.4.30).
    auto [glibc, glibcxx] = newest_versions_needed(tree / "lib/sockgrade/sockgrade");
    for (const auto& name : bundled) {
        auto [g, gxx] = newest_versions_needed(tree / "lib/sockgrade/lib" / name);
        glibc = std::max(glibc, g);
        glibcxx = std::max(glibcxx, gxx);
    }
    EXPECT_LE(glibc, 35) << "needs glibc 2." << glibc;
    EXPECT_LE(glibcxx, 30) << "needs GLIBCXX_3.4." << glibcxx;

    // The loader takes the bundled libraries first.
    auto ldd = run({"sh", "-c", "LD_LIBRARY_PATH=\"$0\" ldd \"$1\"", (tree / "lib/sockgrade/lib").string(),
                    (tree / "lib/sockgrade/sockgrade").string()},
                   30s);
    ASSERT_EQ(ldd.status, 0) << ldd;
    // Every library it loads is bundled, or glibc's, or the C++ runtime's (the target's own).
    std::regex resolved(R"((\S+) => (/\S+))");
    std::regex target_provides(R"(^(libc|libm|libpthread|libdl|librt|libresolv|libstdc\+\+|libgcc_s)\.so)");
    for (std::sregex_iterator it(ldd.out.begin(), ldd.out.end(), resolved), end; it != end; ++it) {
        const std::string name = (*it)[1], path = (*it)[2];
        if (std::regex_search(name, target_provides)) continue;
        EXPECT_EQ(path.rfind((tree / "lib/sockgrade/lib").string(), 0), 0u) << name << " is not taken from the bundle: " << path;
    }
    expect_finds_scenarios_in(tree / "bin/sockgrade", tree / "share/sockgrade/scenarios");
    expect_grades_reference(tree / "bin/sockgrade");
}

// The CI templates run sockgrade as root in a container (GitHub's and GitLab's
// debian:12 jobs, Gradescope's image) with Docker's default capabilities: no
// CAP_SYS_ADMIN, so no namespaces. sockgrade must then grade on the host network.
TEST(CiInstall, GradesAsRootWithDockersDefaultCapabilities) {
    if (::geteuid() != 0 || !have("capsh")) GTEST_SKIP() << "needs root and capsh";
    static const std::set<std::string> docker_defaults = {
        "cap_chown", "cap_dac_override", "cap_fowner", "cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid",
        "cap_setpcap", "cap_net_bind_service", "cap_net_raw", "cap_sys_chroot", "cap_mknod", "cap_audit_write",
        "cap_setfcap"};
    auto print = run({"capsh", "--print"}, 30s);
    ASSERT_EQ(print.status, 0) << print;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(print.out, match, std::regex("Bounding set =([^\\n]*)"))) << print;
    std::string drop;
    std::istringstream caps(match[1].str());
    for (std::string cap; std::getline(caps, cap, ',');)
        if (!cap.empty() && !docker_defaults.contains(cap)) drop += (drop.empty() ? "" : ",") + cap;
    ASSERT_NE(drop.find("cap_sys_admin"), std::string::npos) << drop;
    TempDir cwd;
    auto outcome = run({"capsh", "--drop=" + drop, "--", "-c", "exec \"$0\" \"$@\"", (binary_dir / "sockgrade").string(),
                        "run", "chat-server", "--only", "broadcast", "--only", "reset-leave", "--", reference("chat-server")},
                       90s, cwd.path());
    EXPECT_EQ(outcome.status, 0) << outcome;
    EXPECT_NE(outcome.out.find("namespace"), std::string::npos) << "says once that it grades without namespaces\n"
                                                                << outcome;
}

// ---------------------------------------------------------------- Gradescope

// make-zip.sh, then the zip laid out as Gradescope does: source/ and run_autograder.
void lay_out_gradescope(const TempDir& root, const fs::path& zip) {
    auto unzip = run({"python3", "-c", "import sys, zipfile\n"
                                       "z = zipfile.ZipFile(sys.argv[1])\n"
                                       "for info in z.infolist():\n"
                                       "    path = z.extract(info, sys.argv[2])\n"
                                       "    import os; os.chmod(path, (info.external_attr >> 16) & 0o777 or 0o644)\n",
                      zip.string(), (root / "source").string()},
                     60s);
    ASSERT_EQ(unzip.status, 0) << unzip;
    fs::copy_file(root / "source/run_autograder", root / "run_autograder");
    fs::create_directories(root / "results");
}

Json grade_on_gradescope(const TempDir& root, const fs::path& submission) {
    std::error_code ec;
    fs::remove_all(root / "submission", ec);
    copy_tree(submission, root / "submission");
    fs::remove(root / "results/results.json", ec);
    auto outcome = run({(root / "run_autograder").string()},
                       300s, root.path(), Env{{"AUTOGRADER_ROOT", root.path().string()}});
    EXPECT_EQ(outcome.status, 0) << outcome;
    EXPECT_TRUE(fs::is_regular_file(root / "results/results.json")) << outcome;
    return Json::parse(slurp(root / "results/results.json"));
}

// make-zip.sh for LAB, unpacked into a fake /autograder, setup.sh run (without apt).
void make_gradescope_autograder(const TempDir& root, const std::string& lab, bool check_listing) {
    TempDir work;
    const auto zip = work / "autograder.zip";
    auto made = run({"bash", (source_dir / "ci/gradescope/make-zip.sh").string(), "-o", zip.string(), "--lab", lab,
                     "--run", "python3 servidor.py", "--build-dir", binary_dir.string()},
                    180s, work.path());
    ASSERT_EQ(made.status, 0) << made;
    if (check_listing) {
        auto listing = run({"python3", "-c", "import sys, zipfile\n"
                                             "for i in zipfile.ZipFile(sys.argv[1]).infolist():\n"
                                             "    print(oct((i.external_attr >> 16) & 0o777), i.filename)\n",
                            zip.string()},
                           30s);
        ASSERT_EQ(listing.status, 0) << listing;
        for (const char* entry : {"0o755 setup.sh", "0o755 run_autograder", " sockgrade_ci.py", " sockgrade-assignment.yaml",
                                  "0o755 sockgrade/bin/sockgrade", " sockgrade/share/sockgrade/scenarios/chat-server.yaml"})
            EXPECT_NE(listing.out.find(entry), std::string::npos) << entry << " not at the zip's root:\n" << listing.out;
    }
    lay_out_gradescope(root, zip);
    auto setup = run({"bash", (root / "source/setup.sh").string()},
                     120s, root / "source", Env{{"AUTOGRADER_ROOT", root.path().string()}, {"SOCKGRADE_APT_PACKAGES", ""}});
    ASSERT_EQ(setup.status, 0) << setup;
}

TEST(CiGradescope, ZipSetupAndRunAutograderGradeACorrectSubmission) {
    TempDir root;
    ASSERT_NO_FATAL_FAILURE(make_gradescope_autograder(root, "chat-server", true));
    auto good = grade_on_gradescope(root, fixtures / "chat-server-good");
    check_gradescope(good, chat_server_tests);
    EXPECT_EQ(good["score"], 10) << good.dump(2);
    for (const auto& test : good["tests"]) {
        EXPECT_EQ(test["status"], "passed") << test.dump(2);
    }
}

// A build line runs in sockgrade's build sandbox: the Makefile makes the
// program (so builds work) and tries to rewrite the autograder's settings;
// it cannot even see them.
TEST(CiGradescope, ABuildMakesTheProgramButCannotTouchTheAutograder) {
    TempDir root;
    ASSERT_NO_FATAL_FAILURE(make_gradescope_autograder(root, "chat-server", false));
    const auto settings = root / "source/sockgrade-assignment.yaml";
    const auto before = slurp(settings);
    ASSERT_FALSE(before.empty());
    TempDir submission;
    fs::copy_file(fixtures / "chat-server-good/servidor.py", submission / "servidor.py.in");
    std::ofstream(submission / ".sockgrade.yaml") << "build: make\nrun: python3 servidor.py\n";
    // Where the build can see the settings, the program it makes fails every test.
    std::ofstream(submission / "Makefile") << "all:\n"
                                           << "\t-echo TAMPERED >> " << settings.string() << "\n"
                                           << "\tif [ -e " << settings.string()
                                           << " ]; then echo 'raise SystemExit(9)' > servidor.py; "
                                           << "else cp servidor.py.in servidor.py; fi\n";
    auto graded = grade_on_gradescope(root, submission.path());
    EXPECT_EQ(graded["score"], 10) << "the build saw the autograder's files\n" << graded.dump(2);
    EXPECT_EQ(slurp(settings), before) << "the build changed the autograder's settings";
}

// A teacher's own scenario file (two tests, one hidden), and a program that
// crashes: every test fails, quickly.
TEST(CiGradescope, ZipWithATeachersScenarioGradesABrokenSubmission) {
    TempDir root;
    ASSERT_NO_FATAL_FAILURE(make_gradescope_autograder(root, (fixtures / "chat-server-short.yaml").string(), false));
    auto broken = grade_on_gradescope(root, fixtures / "chat-server-broken");
    check_gradescope(broken, 2);
    EXPECT_EQ(broken["score"], 0);
    for (const auto& test : broken["tests"]) {
        EXPECT_EQ(test["status"], "failed");
        if (test["name"].get<std::string>().rfind("newcomer", 0) == 0) {
            EXPECT_EQ(test["visibility"], "after_published") << "hidden until the teacher publishes grades";
            EXPECT_EQ(test["output"].get<std::string>().find("transcript"), std::string::npos) << "--student: no detail";
        }
    }
    // The student's .sockgrade.yaml names another lab: the teacher's stands, and the student is told.
    EXPECT_NE(broken["output"].get<std::string>().find("graded as 'chat-server-short'"), std::string::npos)
        << broken["output"];

    // No .sockgrade.yaml: the teacher's default run line.
    TempDir bare;
    fs::copy_file(fixtures / "chat-server-broken/servidor.py", bare / "servidor.py");
    auto defaulted = grade_on_gradescope(root, bare.path());
    check_gradescope(defaulted, 2);
    EXPECT_EQ(defaulted["score"], 0);
    EXPECT_NE(defaulted["tests"][0]["output"].get<std::string>().find("servidor.py"), std::string::npos)
        << "ran the default `python3 servidor.py`: " << defaulted.dump(2);
}

TEST(CiGradescope, AMisconfiguredAutograderStillLeavesResults) {
    TempDir root;
    fs::create_directories(root / "source");
    fs::copy_file(source_dir / "ci/gradescope/run_autograder", root / "run_autograder");
    fs::copy_file(source_dir / "ci/common/sockgrade_ci.py", root / "source/sockgrade_ci.py");
    spit(root / "source/sockgrade-assignment.yaml", "lab: chat-server\nrun: python3 servidor.py\n");
    // No submission at all, no sockgrade: results.json must still say why.
    auto outcome = run({(root / "run_autograder").string()},
                       60s, root.path(), Env{{"AUTOGRADER_ROOT", root.path().string()}, {"PATH", "/usr/bin:/bin"}});
    ASSERT_EQ(outcome.status, 0) << outcome;
    auto results = Json::parse(slurp(root / "results/results.json"));
    EXPECT_EQ(results["score"], 0);
    EXPECT_FALSE(results["output"].get<std::string>().empty());
    EXPECT_EQ(json_schema_errors("gradescope-results.schema.json", results), std::nullopt);
}

// ---------------------------------------------------------------- Classroom 50

TEST(CiClassroom50, BundleAutograderWritesAResultTheRunnerAccepts) {
    TempDir work;
    const auto bundle = work / "autograders/chat-server";
    auto made = run({"bash", (source_dir / "ci/classroom50/make-bundle.sh").string(), bundle.string(), "--lab",
                     "chat-server", "--build-dir", binary_dir.string()},
                    180s);
    ASSERT_EQ(made.status, 0) << made;
    // What publish-pages.yaml uploads and runner.py fetches: at most 10 MB.
    auto tar = run({"tar", "-czf", (work / "chat-server.tar.gz").string(), "-C", bundle.parent_path().string(), "chat-server"},
                   120s);
    ASSERT_EQ(tar.status, 0) << tar;
    EXPECT_LT(fs::file_size(work / "chat-server.tar.gz"), 10u * 1024 * 1024);

    const auto checkout = work / "checkout";
    copy_tree(fixtures / "chat-server-good", checkout);
    spit(checkout / "result.json", "{\"schema\": \"classroom50/result/v1\", \"score\": 100}");  // a student's forgery
    Spawn spawn = with_identity(300s, checkout);
    spawn.env["CLASSROOM50_BUNDLE_DIR"] = bundle.string();
    // runner.py: subprocess.run([sys.executable, entrypoint], cwd=checkout, env=...)
    auto graded = run({"python3", (bundle / "autograder.py").string()}, spawn);
    ASSERT_EQ(graded.status, 0) << graded;

    auto result = Json::parse(slurp(checkout / "result.json"));
    check_classroom(result, classroom_identity, chat_server_tests);
    EXPECT_EQ(result["score"], 20) << "chat-server's 10 points, in halves";
    EXPECT_EQ(result["max-score"], 20);
    const auto body = slurp(checkout / "release-body.md");
    EXPECT_NE(body.find("multiplied by 2"), std::string::npos) << body;
}

// ---------------------------------------------------------------- YAML and scripts

std::vector<fs::path> template_files(const std::string& extension) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(source_dir / "ci")) {
        const auto relative = fs::relative(entry.path(), source_dir / "ci").string();
        if (relative.rfind("batch", 0) == 0) continue;  // ci/batch/ is not ours
        if (entry.is_regular_file() && entry.path().extension() == extension) files.push_back(entry.path());
    }
    return files;
}

TEST(CiTemplates, EveryYamlAndJsonFileParses) {
    auto yaml_files = template_files(".yml");
    for (auto& file : template_files(".yaml")) yaml_files.push_back(file);
    ASSERT_FALSE(yaml_files.empty());
    const bool pyyaml = python_has("yaml");
    for (const auto& file : yaml_files) {
        EXPECT_NO_THROW(YAML::LoadFile(file.string())) << file;
        if (pyyaml) {
            auto parsed = run({"python3", "-c", "import sys, yaml; yaml.safe_load(open(sys.argv[1]))", file.string()},
                              30s);
            EXPECT_EQ(parsed.status, 0) << file << "\n" << parsed;
        }
    }
    for (const auto& file : template_files(".json")) {
        EXPECT_TRUE(Json::accept(slurp(file))) << file;
    }
    for (const auto& dir : {"chat-server-good", "chat-server-broken"})
        EXPECT_NO_THROW(YAML::LoadFile((fixtures / dir / ".sockgrade.yaml").string())) << dir;
}

// Shell words in command position, roughly: enough to catch a command that does not exist.
std::set<std::string> commands_in(std::string script) {
    static const std::set<std::string> keywords = {"if", "then", "else", "elif", "fi", "for", "do", "done", "while",
                                                   "case", "esac", "!", "{", "}", "in", "function", "exec"};
    static const std::regex assignment(R"([A-Za-z_][A-Za-z_0-9]*=.*)");
    for (auto at = script.find("\\\n"); at != std::string::npos; at = script.find("\\\n")) script.replace(at, 2, " ");
    std::set<std::string> commands;
    std::istringstream lines(script);
    for (std::string line; std::getline(lines, line);) {
        if (auto hash = line.find('#'); hash != std::string::npos && (hash == 0 || line[hash - 1] == ' ')) line.resize(hash);
        for (auto& c : line)
            if (c == ';' || c == '|' || c == '&' || c == '(' || c == ')') c = '\n';
        std::istringstream pieces(line);
        for (std::string piece; std::getline(pieces, piece);) {
            std::istringstream words(piece);
            for (std::string word; words >> word;) {
                if (keywords.contains(word) || std::regex_match(word, assignment)) continue;
                if (word != "[" && word != "[[" && word != "test") commands.insert(word);
                break;  // a test's operands, or the command's arguments, follow
            }
        }
    }
    return commands;
}

void expect_shell_is_sound(const std::string& script, const std::string& where, const std::set<std::string>& provided,
                           bool check_commands = true) {
    TempDir dir;
    spit(dir / "step.sh", script);
    auto syntax = run({"bash", "-n", (dir / "step.sh").string()}, 30s);
    EXPECT_EQ(syntax.status, 0) << where << "\n" << syntax;
    if (have("shellcheck")) {
        auto lint = run({"shellcheck", "-s", "bash", "-S", "warning", (dir / "step.sh").string()}, 60s);
        EXPECT_EQ(lint.status, 0) << where << "\n" << lint;
    }
    if (!check_commands) return;
    for (const auto& command : commands_in(script)) {
        if (provided.contains(command) || command.rfind("$", 0) == 0 || command.rfind("\"", 0) == 0) continue;
        EXPECT_TRUE(have(command)) << where << ": command '" << command << "' does not exist here";
    }
}

std::string scalar(const YAML::Node& node, const std::string& fallback = "") {
    return node && node.IsScalar() ? node.as<std::string>() : fallback;
}

// The workflow's shell steps, run as GitHub runs them (bash -e, env from the
// workflow), in a workspace holding the student's program and sockgrade's
// checkout. actions/* steps are what the runner would do; the cache is warm
// (sockgrade installed in SOCKGRADE_PREFIX), so "Build sockgrade" installs deps only.
TEST(CiTemplates, GithubWorkflowGradesAndFailsTheJobWhenChecksFail) {
    // SchemaStore's workflow schema, when action-validator (npm @action-validator/cli) is installed.
    if (have("action-validator")) {
        auto valid = run({"action-validator", (source_dir / "ci/github/sockgrade.yml").string()}, 60s);
        EXPECT_EQ(valid.status, 0) << valid;
    }
    const auto workflow = YAML::LoadFile((source_dir / "ci/github/sockgrade.yml").string());
    ASSERT_TRUE(workflow["on"]["push"]) << "grades every push";
    const auto job = workflow["jobs"]["grade"];
    ASSERT_TRUE(job.IsMap());
    EXPECT_EQ(scalar(job["container"]), "debian:12");
    EXPECT_EQ(scalar(job["runs-on"]), "ubuntu-latest");

    TempDir dir;
    const auto workspace = dir / "workspace";
    copy_tree(fixtures / "chat-server-broken", workspace);
    fs::remove(workspace / ".sockgrade.yaml");
    fs::create_directory_symlink(source_dir, workspace / ".sockgrade");
    const auto prefix = dir / "opt-sockgrade";
    auto installed = run({"bash", (source_dir / "packaging/install-sockgrade.sh").string(), "install", binary_dir.string(),
                          prefix.string()},
                         120s);
    ASSERT_EQ(installed.status, 0) << installed;

    Spawn spawn = spawn_in(workspace, 300s);
    for (const auto& entry : workflow["env"]) spawn.env[entry.first.as<std::string>()] = scalar(entry.second);
    EXPECT_EQ(spawn.env["LAB"], "chat-server");
    EXPECT_EQ(spawn.env["RUN"], "python3 servidor.py");
    // A scenario file, as a teacher may commit: two tests, so a failing program fails fast.
    spawn.env["LAB"] = (fixtures / "chat-server-short.yaml").string();
    spawn.env["SOCKGRADE_PREFIX"] = prefix.string();
    spawn.env["GITHUB_WORKSPACE"] = workspace.string();
    spawn.env["GITHUB_STEP_SUMMARY"] = (dir / "step_summary.md").string();
    spawn.env["GITHUB_PATH"] = (dir / "github_path").string();
    spit(dir / "step_summary.md", "");
    spit(dir / "github_path", "");

    std::set<std::string> uses, ran;
    bool uploads_always = false;
    int grade_status = -2;
    for (const auto& step : job["steps"]) {
        const auto name = scalar(step["name"], "(unnamed)");
        if (step["uses"]) {
            const auto action = scalar(step["uses"]);
            uses.insert(action.substr(0, action.find('@')));
            EXPECT_NE(action.find('@'), std::string::npos) << "pin " << action;
            if (action.rfind("actions/upload-artifact", 0) == 0) {
                uploads_always = scalar(step["if"]) == "always()";
                EXPECT_EQ(scalar(step["with"]["path"]), "report.xml");
            }
            continue;
        }
        const auto script = scalar(step["run"]);
        ASSERT_FALSE(script.empty()) << name;
        EXPECT_EQ(script.find("${{"), std::string::npos) << name << ": expressions belong in env:, not in a script";
        expect_shell_is_sound(script, "ci/github/sockgrade.yml: " + name, {"sockgrade"});
        const auto id = scalar(step["id"]);
        if (id == "packages") {
            // apt-get is not run here: what it would install must already be.
            for (const auto& package : {"ca-certificates", "git", "python3"}) {
                auto query = run({"dpkg-query", "-W", package}, 30s);
                EXPECT_EQ(query.status, 0) << package;
            }
            continue;
        }
        if (id == "build-program" && scalar(step["if"]) == "env.BUILD != ''" && spawn.env["BUILD"] == "") continue;
        // GITHUB_PATH lines are prepended to PATH for the steps after.
        std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
        std::istringstream added(slurp(dir / "github_path"));
        for (std::string line; std::getline(added, line);)
            if (!line.empty()) path = line + ":" + path;
        spawn.env["PATH"] = path;
        auto outcome = run({"bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script}, spawn);
        ran.insert(id);
        if (id == "grade") {
            grade_status = outcome.status;
            EXPECT_NE(outcome.out.find("score 0/1.5"), std::string::npos) << outcome;
        } else {
            EXPECT_EQ(outcome.status, 0) << name << "\n" << outcome;
        }
    }
    EXPECT_TRUE(uses.contains("actions/checkout"));
    EXPECT_TRUE(uses.contains("actions/upload-artifact"));
    EXPECT_TRUE(uploads_always) << "the JUnit report is kept when the job fails";
    EXPECT_TRUE(ran.contains("build-sockgrade"));
    EXPECT_EQ(grade_status, 1) << "a failed check fails the step, so the job";
    check_junit(workspace / "report.xml", 2, 2);
    const auto summary = slurp(dir / "step_summary.md");
    EXPECT_NE(summary.find("0/1.5"), std::string::npos) << summary;
}

// GitLab's job: before_script and script as the runner would run them in
// debian:12, with the cache warm (.sockgrade-prefix) and sockgrade's clone in place.
TEST(CiTemplates, GitlabJobGradesAndPublishesJunit) {
    const auto config = YAML::LoadFile((source_dir / "ci/gitlab/.gitlab-ci.yml").string());
    const auto job = config["sockgrade"];
    ASSERT_TRUE(job.IsMap());
    EXPECT_EQ(scalar(job["image"]), "debian:12");
    EXPECT_EQ(scalar(job["artifacts"]["when"]), "always");
    EXPECT_EQ(scalar(job["artifacts"]["reports"]["junit"]), "report.xml");

    TempDir dir;
    const auto project = dir / "project";
    copy_tree(fixtures / "chat-server-good", project);
    fs::create_directory_symlink(source_dir, project / ".sockgrade");
    auto installed = run({"bash", (source_dir / "packaging/install-sockgrade.sh").string(), "install", binary_dir.string(),
                          (project / ".sockgrade-prefix").string()},
                         120s);
    ASSERT_EQ(installed.status, 0) << installed;

    std::string script = "set -e\n";
    for (const auto& line : job["before_script"]) {
        const auto text = line.as<std::string>();
        // Network steps are not run here: the packages must be there already, the clone is in place.
        if (text.find("apt-get") != std::string::npos || text.rfind("git clone", 0) == 0) {
            expect_shell_is_sound(text, "before_script", {});
            continue;
        }
        script += text + "\n";
    }
    for (const auto& line : job["script"]) script += line.as<std::string>() + "\n";
    expect_shell_is_sound(script, "ci/gitlab/.gitlab-ci.yml", {"sockgrade"});
    Spawn spawn = spawn_in(project, 300s);
    for (const auto& entry : config["variables"]) spawn.env[entry.first.as<std::string>()] = scalar(entry.second);
    spawn.env["CI_PROJECT_DIR"] = project.string();
    auto outcome = run({"bash", "-c", script}, spawn);
    EXPECT_EQ(outcome.status, 0) << outcome;
    check_junit(project / "report.xml", chat_server_tests, 0);
}

// packaging/Dockerfile is not built here (no Docker engine): its commands must
// be the install script's, the same the tests above run.
TEST(CiTemplates, DockerfileRunsTheTestedInstallScript) {
    const auto dockerfile = slurp(source_dir / "packaging/Dockerfile");
    std::vector<std::string> from;
    std::regex from_line(R"((^|\n)FROM (\S+))");
    for (std::sregex_iterator it(dockerfile.begin(), dockerfile.end(), from_line), end; it != end; ++it)
        from.push_back((*it)[2]);
    ASSERT_EQ(from.size(), 2u);
    EXPECT_EQ(from[0], "debian:12");
    EXPECT_EQ(from[1], "debian:12");

    std::vector<std::string> steps;
    std::regex call(R"(bash /src/packaging/install-sockgrade\.sh (\w+))");
    for (std::sregex_iterator it(dockerfile.begin(), dockerfile.end(), call), end; it != end; ++it) steps.push_back((*it)[1]);
    EXPECT_EQ(steps, (std::vector<std::string>{"deps", "configure", "build", "deb"}));
    EXPECT_NE(dockerfile.find("apt-get install -y --no-install-recommends /tmp/sockgrade_*.deb"), std::string::npos)
        << "the image installs the package, so apt resolves its declared Depends";

    // The CI templates call the same subcommands.
    for (const char* file : {"ci/github/sockgrade.yml", "ci/gitlab/.gitlab-ci.yml"}) {
        const auto text = slurp(source_dir / file);
        for (const char* step : {"deps", "configure", "build", "install"})
            EXPECT_NE(text.find(std::string("install-sockgrade.sh ") + step), std::string::npos) << file << ": " << step;
    }
    for (const auto& script : {"packaging/install-sockgrade.sh", "packaging/make-portable.sh", "ci/common/stage-grader.sh",
                               "ci/gradescope/make-zip.sh", "ci/gradescope/setup.sh", "ci/classroom50/make-bundle.sh"})
        expect_shell_is_sound(slurp(source_dir / script), script, {}, false);
}

}  // namespace
