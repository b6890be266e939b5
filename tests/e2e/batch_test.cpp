// End-to-end tests of teacher mode: `sockgrade grade` on the class in
// tests/fixtures/class/tcp-server (14 submissions, bad input included) must
// write the gradebook a teacher wrote by hand (expected.csv), alike with one
// job or two, after a Ctrl-C and a resume, and as merged shards.
//
// Every wait has a deadline; nothing waits by sleeping.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <poll.h>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string binary = std::string(SOCKGRADE_BINARY_DIR) + "/sockgrade";
const std::string class_root = std::string(SOCKGRADE_TESTS_DIR) + "/fixtures/class";
const std::string tcp_class = class_root + "/tcp-server";

// --- running sockgrade --------------------------------------------------------

// sockgrade as a child: stdout and stderr read as they come, a deadline on everything.
class Sockgrade {
public:
    explicit Sockgrade(const std::vector<std::string>& args) {
        std::vector<std::string> words{binary};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& word : words) argv.push_back(word.data());
        argv.push_back(nullptr);
        int out[2], err[2];
        if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) throw std::runtime_error("pipe2");
        started_ = Clock::now();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork");
        if (pid_ == 0) {
            ::setpgid(0, 0);
            int null = ::open("/dev/null", O_RDONLY);
            ::dup2(null, 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            ::setenv("LANG", "C.UTF-8", 1);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::setpgid(pid_, pid_);
        ::close(out[1]);
        ::close(err[1]);
        fds_[0] = out[0];
        fds_[1] = err[0];
    }
    ~Sockgrade() {
        if (!exited_) {
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        for (int fd : fds_)
            if (fd >= 0) ::close(fd);
    }

    // Reads output until `done(stderr)` holds or the deadline passes; false on the deadline or at the end of output.
    bool read_until(const std::function<bool(const std::string&)>& done, std::chrono::seconds within) {
        auto deadline = Clock::now() + within;
        while (!done(err)) {
            if (!read_some(deadline)) return done(err);
        }
        return true;
    }

    // Waits for the end of its output and its exit; kills it at the deadline. The exit status, or -1.
    int wait(std::chrono::seconds within) {
        auto deadline = Clock::now() + within;
        while (read_some(deadline)) {
        }
        int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
        if (pidfd >= 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            pollfd exited{pidfd, POLLIN, 0};
            ::poll(&exited, 1, static_cast<int>(std::max<long long>(0, left)));
            ::close(pidfd);
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_) {
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            timed_out = true;
        }
        exited_ = true;
        seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    void interrupt() { ::kill(pid_, SIGINT); }

    std::string out, err;
    bool timed_out = false;
    double seconds = 0;

private:
    bool read_some(Clock::time_point deadline) {
        if (fds_[0] < 0 && fds_[1] < 0) return false;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return false;
        pollfd fds[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
        int ready = ::poll(fds, 2, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) return true;
        if (ready <= 0) return false;
        std::string* sinks[2] = {&out, &err};
        for (int i = 0; i < 2; ++i) {
            if (fds_[i] < 0 || !fds[i].revents) continue;
            char buffer[65536];
            ssize_t n = ::read(fds_[i], buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds_[i]);
                fds_[i] = -1;
            }
        }
        return true;
    }

    pid_t pid_ = -1;
    int fds_[2] = {-1, -1};
    bool exited_ = false;
    Clock::time_point started_;
};

struct Run {
    int status = -1;
    std::string out, err;
    double seconds = 0;
    std::string describe() const {
        return "exit " + std::to_string(status) + " after " + std::to_string(seconds) + " s\n--- stdout ---\n" + out +
               "\n--- stderr ---\n" + err;
    }
};

Run sockgrade(const std::vector<std::string>& args, std::chrono::seconds within = std::chrono::seconds(280)) {
    Sockgrade child(args);
    Run run;
    run.status = child.wait(within);
    run.out = child.out;
    run.err = child.err;
    run.seconds = child.seconds;
    return run;
}

// --- folders and files --------------------------------------------------------

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sockgrade-e2e-batch-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string operator/(const std::string& relative) const { return (fs::path(path_) / relative).string(); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

bool command_works(const std::string& line) { return std::system((line + " >/dev/null 2>&1").c_str()) == 0; }

bool have_tool(const std::string& tool) {
    static std::map<std::string, bool> known;
    if (auto found = known.find(tool); found != known.end()) return found->second;
    bool ok = false;
    if (tool == "python2")
        ok = command_works("PYENV_VERSION=2.7.18 python2 -c 'import sys; sys.exit(sys.version_info[0] != 2)'") ||
             command_works("python2 -c 'import sys; sys.exit(sys.version_info[0] != 2)'");
    else if (tool == "java")
        ok = command_works("command -v javac") && command_works("command -v java");
    else
        ok = command_works("command -v " + tool);
    known[tool] = ok;
    return ok;
}

// Students whose row needs a tool this machine lacks (requires.csv).
std::set<std::string> unavailable(const std::string& lab) {
    std::set<std::string> students;
    for (const auto& line : lines_of(read_text(class_root + "/requires.csv"))) {
        auto first = line.find(','), second = line.rfind(',');
        if (first == std::string::npos || line.substr(0, first) != lab) continue;
        auto student = line.substr(first + 1, second - first - 1);
        if (!have_tool(line.substr(second + 1))) students.insert(student);
    }
    return students;
}

std::string row_student(const std::string& row) {
    if (!row.empty() && row.front() == '"') return row.substr(1, row.find('"', 1) - 1);
    return row.substr(0, row.find(','));
}

// A gradebook's lines, without the rows this machine cannot reproduce.
std::vector<std::string> comparable(const std::string& csv, const std::string& lab = "tcp-server") {
    auto skip = unavailable(lab);
    std::vector<std::string> rows;
    for (const auto& line : lines_of(csv))
        if (!skip.contains(row_student(line))) rows.push_back(line);
    return rows;
}

std::vector<std::string> expected_rows(const std::string& lab = "tcp-server") {
    return comparable(read_text(class_root + "/expected/" + lab + ".csv"), lab);
}

void note_skipped_rows(const std::string& lab = "tcp-server") {
    for (const auto& student : unavailable(lab))
        std::cout << "[  NOTE    ] not comparing " << student << "'s row: a tool it needs is not installed here\n";
}

// Copies some students of the tcp-server class into a new class folder.
void copy_students(const std::string& to, const std::vector<std::string>& students) {
    for (const auto& student : students)
        fs::copy(fs::path(tcp_class) / student, fs::path(to) / student, fs::copy_options::recursive);
}

// --- report.html --------------------------------------------------------------

// Well-formed HTML as this report writes it: every element closed (or void),
// attributes quoted, script and style raw text, entities known. Returns what
// is wrong, or nothing.
std::optional<std::string> html_problem(const std::string& html) {
    static const std::set<std::string> void_elements = {"meta", "br", "input", "link", "img", "hr"};
    std::vector<std::string> open;
    std::size_t i = 0;
    if (!html.starts_with("<!DOCTYPE html>")) return "no <!DOCTYPE html>";
    i = html.find('>') + 1;
    while (i < html.size()) {
        if (html[i] == '&') {
            static const std::regex entity("^&(amp|lt|gt|quot|apos|#39|#[0-9]+|#x[0-9a-fA-F]+);");
            std::smatch m;
            auto rest = html.substr(i, 12);
            if (!std::regex_search(rest, m, entity)) return "bad entity at byte " + std::to_string(i);
            ++i;
            continue;
        }
        if (html[i] != '<') {
            ++i;
            continue;
        }
        if (html.compare(i, 4, "<!--") == 0) {
            i = html.find("-->", i);
            if (i == std::string::npos) return "unclosed comment";
            i += 3;
            continue;
        }
        bool closing = html[i + 1] == '/';
        std::size_t name_start = i + (closing ? 2 : 1);
        std::size_t name_end = name_start;
        while (name_end < html.size() && (std::isalnum(static_cast<unsigned char>(html[name_end])) || html[name_end] == '-'))
            ++name_end;
        std::string name = html.substr(name_start, name_end - name_start);
        if (name.empty()) return "a bare '<' at byte " + std::to_string(i);
        // Attributes: name="value" or name='value'.
        std::size_t j = name_end;
        bool self_closed = false;
        for (;;) {
            while (j < html.size() && std::isspace(static_cast<unsigned char>(html[j]))) ++j;
            if (j >= html.size()) return "unterminated tag <" + name;
            if (html[j] == '>') break;
            if (html.compare(j, 2, "/>") == 0) {
                self_closed = true;
                ++j;
                break;
            }
            std::size_t attribute = j;
            while (j < html.size() && html[j] != '=' && html[j] != '>' && !std::isspace(static_cast<unsigned char>(html[j])))
                ++j;
            if (j >= html.size() || html[j] != '=') return "attribute without a value in <" + name + "> at byte " + std::to_string(attribute);
            ++j;
            char quote = html[j];
            if (quote != '"' && quote != '\'') return "unquoted attribute in <" + name + ">";
            auto end = html.find(quote, j + 1);
            if (end == std::string::npos) return "unterminated attribute in <" + name + ">";
            if (html.substr(j + 1, end - j - 1).find('<') != std::string::npos) return "'<' in an attribute of <" + name + ">";
            j = end + 1;
        }
        i = j + 1;
        if (closing) {
            if (open.empty() || open.back() != name)
                return "</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) + "> at byte " +
                       std::to_string(j);
            open.pop_back();
            continue;
        }
        if (self_closed || void_elements.contains(name)) continue;
        if (name == "script" || name == "style") {
            auto end = html.find("</" + name + ">", i);
            if (end == std::string::npos) return "unclosed <" + name + ">";
            i = end + name.size() + 3;
            continue;
        }
        open.push_back(name);
    }
    if (!open.empty()) return "unclosed <" + open.back() + ">";
    return std::nullopt;
}

// Every failed test's first lines, from each student's feedback: what explains a gradebook row.
std::string failures_in_feedback(const std::string& out_dir) {
    std::string said;
    std::error_code ec;
    for (const auto& file : fs::directory_iterator(fs::path(out_dir) / "feedback", ec)) {
        if (file.path().extension() != ".txt") continue;
        auto lines = lines_of(read_text(file.path().string()));
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].starts_with("✘"))
                said += file.path().filename().string() + ": " + lines[i] + (i + 1 < lines.size() ? " / " + lines[i + 1] : "") + "\n";
    }
    return said;
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
    return n;
}

void expect_report_lists_everyone(const std::string& out_dir, const std::vector<std::string>& students) {
    auto html = read_text(out_dir + "/report.html");
    auto problem = html_problem(html);
    EXPECT_FALSE(problem) << *problem;
    EXPECT_EQ(count(html, "<tbody class=\"student\""), static_cast<int>(students.size()));
    for (const auto& student : students) EXPECT_NE(html.find("data-name=\"" + student + "\""), std::string::npos) << student;
    EXPECT_EQ(html.find("http://"), std::string::npos) << "the page must work offline";
    EXPECT_EQ(html.find("https://"), std::string::npos) << "the page must work offline";
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
}

std::vector<std::string> tcp_students() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(tcp_class))
        if (entry.is_directory()) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// --- the tests ----------------------------------------------------------------

TEST(e2eBatch, WholeClassWithOneJobMatchesTheTeachersGradebook) {
    TempDir out;
    auto run = sockgrade({"grade", "tcp-server", tcp_class, "--jobs", "1", "--out", out.path()});
    ASSERT_EQ(run.status, 1) << run.describe();  // some students failed: 1, never 2
    note_skipped_rows();
    EXPECT_EQ(comparable(read_text(out / "gradebook.csv")), expected_rows()) << run.describe();
    std::cout << "[  TIME    ] --jobs 1: " << run.seconds << " s for " << tcp_students().size() << " submissions\n";

    auto students = tcp_students();
    expect_report_lists_everyone(out.path(), students);
    auto html = read_text(out / "report.html");
    // The bad input each has its clear line; the copy is flagged.
    EXPECT_NE(html.find("servidor.exe&#39; is a Windows program"), std::string::npos);
    EXPECT_NE(html.find("no program found"), std::string::npos);
    EXPECT_NE(html.find("<b>ana</b> ≈ <b>lara</b>: identical"), std::string::npos);
    // Feedback for everyone, text and JSON; a build failure shows the compiler's message.
    int feedback_files = 0;
    for (const auto& entry : fs::directory_iterator(out / "feedback")) {
        (void)entry;
        ++feedback_files;
    }
    EXPECT_EQ(feedback_files, 2 * static_cast<int>(students.size()));
    bool saw_compiler = false;
    for (const auto& entry : fs::directory_iterator(out / "feedback"))
        if (entry.path().filename().string().starts_with("fabio.txt"))
            saw_compiler = read_text(entry.path().string()).find("error: expected") != std::string::npos;
    EXPECT_TRUE(saw_compiler || !have_tool("gcc"));
    auto json = nlohmann::json::parse(read_text(out / "feedback/ana.json"));
    EXPECT_EQ(json["student"], "ana");
    EXPECT_EQ(json["score"], 10);
}

TEST(e2eBatch, TwoJobsGiveTheSameGradebook) {
    TempDir out;
    auto run = sockgrade({"grade", "tcp-server", tcp_class, "--jobs", "2", "--out", out.path()});
    ASSERT_EQ(run.status, 1) << run.describe();
    note_skipped_rows();
    EXPECT_EQ(comparable(read_text(out / "gradebook.csv")), expected_rows()) << run.describe();
    std::cout << "[  TIME    ] --jobs 2: " << run.seconds << " s for " << tcp_students().size() << " submissions\n";
    // Progress went to stderr as plain lines (stderr is not a terminal here), one per submission.
    EXPECT_EQ(count(run.err, "sockgrade: ["), static_cast<int>(tcp_students().size())) << run.err;
    EXPECT_EQ(run.err.find('\r'), std::string::npos);
}

TEST(e2eBatch, CtrlCKeepsWhatIsDoneAndTheNextRunFinishes) {
    TempDir out;
    const auto students = tcp_students();
    {
        Sockgrade child({"grade", "tcp-server", tcp_class, "--jobs", "2", "--out", out.path()});
        // Three submissions graded (progress lines on stderr), then Ctrl-C.
        bool three = child.read_until([](const std::string& err) { return count(err, "sockgrade: [") >= 3; },
                                      std::chrono::seconds(200));
        ASSERT_TRUE(three) << child.err;
        child.interrupt();
        int status = child.wait(std::chrono::seconds(60));
        ASSERT_FALSE(child.timed_out) << "sockgrade did not stop after SIGINT\n" << child.err;
        EXPECT_EQ(status, 130) << child.out << child.err;
        EXPECT_NE(child.err.find("interrupted"), std::string::npos) << child.err;
    }
    auto partial = lines_of(read_text(out / "gradebook.csv"));
    ASSERT_GE(partial.size(), 1u + 3u);
    EXPECT_LT(partial.size(), 1u + students.size()) << "everything was graded before the interrupt";
    std::size_t kept = partial.size() - 1;
    // Every row written before the interrupt is already right.
    auto expected = expected_rows();
    auto skip = unavailable("tcp-server");
    for (std::size_t i = 1; i < partial.size(); ++i) {
        if (skip.contains(row_student(partial[i]))) continue;
        EXPECT_NE(std::find(expected.begin(), expected.end(), partial[i]), expected.end()) << partial[i];
    }
    EXPECT_NE(read_text(out / "report.html").find("Grading was interrupted"), std::string::npos);

    auto resumed = sockgrade({"grade", "tcp-server", tcp_class, "--jobs", "2", "--out", out.path()});
    ASSERT_EQ(resumed.status, 1) << resumed.describe();
    EXPECT_EQ(count(resumed.err, "unchanged, kept from the last run"), static_cast<int>(kept)) << resumed.err;
    EXPECT_NE(resumed.out.find(std::to_string(kept) + " unchanged, not graded again"), std::string::npos) << resumed.out;
    note_skipped_rows();
    EXPECT_EQ(comparable(read_text(out / "gradebook.csv")), expected) << resumed.describe() << failures_in_feedback(out.path());
    EXPECT_EQ(read_text(out / "report.html").find("Grading was interrupted"), std::string::npos);
}

TEST(e2eBatch, ThreeShardsMergedEqualOneRun) {
    TempDir out;
    // The three slices run side by side, as a CI matrix would.
    std::vector<std::unique_ptr<Sockgrade>> shards;
    for (int k = 1; k <= 3; ++k)
        shards.push_back(std::make_unique<Sockgrade>(std::vector<std::string>{
            "grade", "tcp-server", tcp_class, "--jobs", "1", "--shard", std::to_string(k) + "/3", "--out",
            out / ("shard" + std::to_string(k))}));
    std::set<std::string> seen;
    for (int k = 1; k <= 3; ++k) {
        auto& shard = *shards[static_cast<std::size_t>(k - 1)];
        int status = shard.wait(std::chrono::seconds(280));
        ASSERT_TRUE(status == 0 || status == 1) << "shard " << k << ": exit " << status << "\n" << shard.err;
        auto info = nlohmann::json::parse(read_text(out / ("shard" + std::to_string(k) + "/class.json")));
        for (const auto& name : info["students"]) EXPECT_TRUE(seen.insert(name.get<std::string>()).second) << name;
    }
    auto all = tcp_students();
    EXPECT_EQ(seen, std::set<std::string>(all.begin(), all.end()));

    auto merged = sockgrade({"merge", out / "shard1", out / "shard2", out / "shard3", "--out", out / "merged"});
    ASSERT_EQ(merged.status, 0) << merged.describe();
    note_skipped_rows();
    EXPECT_EQ(comparable(read_text(out / "merged/gradebook.csv")), expected_rows());
    expect_report_lists_everyone(out / "merged", all);
    EXPECT_NE(read_text(out / "merged/report.html").find("<b>ana</b> ≈ <b>lara</b>: identical"), std::string::npos)
        << "copies in different shards are still found";

    // Shards graded with other options do not merge with these.
    TempDir other;
    copy_students(other.path(), {"gabi"});
    auto slower = sockgrade({"grade", "tcp-server", other.path(), "--timeout-scale", "2", "--out", out / "other"});
    ASSERT_EQ(slower.status, 1) << slower.describe();
    auto mixed = sockgrade({"merge", out / "shard1", out / "other", "--out", out / "mixed"});
    EXPECT_EQ(mixed.status, 2) << mixed.describe();
    EXPECT_NE(mixed.err.find("shards must be graded alike"), std::string::npos) << mixed.err;
}

TEST(e2eBatch, ChangedSubmissionsAreGradedAgainAndForceGradesAll) {
    TempDir dir;
    // The output folder inside the class folder (as `cd class; sockgrade grade lab .` makes it) is no student.
    const std::string out = dir / "sockgrade-out";
    copy_students(dir.path(), {"ana", "gabi", "heitor"});
    auto first = sockgrade({"grade", "tcp-server", dir.path(), "--out", out});
    ASSERT_EQ(first.status, 1) << first.describe();
    // gabi hands in her program after all.
    fs::copy_file(fs::path(tcp_class) / "ana/servidor.py", fs::path(dir.path()) / "gabi/servidor.py");
    auto second = sockgrade({"grade", "tcp-server", dir.path(), "--out", out});
    ASSERT_EQ(second.status, 1) << second.describe();
    EXPECT_EQ(count(second.err, "unchanged, kept from the last run"), 2) << second.err;
    auto rows = lines_of(read_text(out + "/gradebook.csv"));
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[2], "gabi,10,10,2,3,2,2,1,,graded,");
    auto forced = sockgrade({"grade", "tcp-server", dir.path(), "--out", out, "--force"});
    EXPECT_EQ(count(forced.err, "unchanged, kept from the last run"), 0) << forced.err;
    EXPECT_EQ(lines_of(read_text(out + "/gradebook.csv")), rows);
}

TEST(e2eBatch, ZipWithNestedFoldersAndZipSlipEntries) {
    if (!have_tool("unzip")) GTEST_SKIP() << "unzip is not installed: .zip classes cannot be opened here";
    if (!have_tool("python3")) GTEST_SKIP() << "python3 (to write the test's archive) is not installed";
    TempDir dir, out;
    auto archive = dir / "turma.zip";
    // turma/<student>/..., plus entries that try to escape, plus a student nested one level deeper.
    auto script = R"PY(
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, 'w') as z:
    z.write(src + '/ana/servidor.py', 'turma/ana/servidor.py')
    z.write(src + '/heitor/servidor.exe', 'turma/heitor/servidor.exe')
    z.write(src + '/Érica Lima/servidor.py', 'turma/Érica Lima/servidor.py')
    z.write(src + '/ana/servidor.py', 'turma/marco/entrega/lab1/servidor.py')
    z.writestr('turma/../../evil-sockgrade.txt', 'x')
    z.writestr('/tmp/evil-sockgrade-abs.txt', 'x')
)PY";
    std::ofstream(dir / "make_zip.py") << script;
    ASSERT_TRUE(command_works("python3 '" + (dir / "make_zip.py") + "' '" + tcp_class + "' '" + archive + "'"));
    auto run = sockgrade({"grade", "tcp-server", archive, "--out", out.path()});
    ASSERT_EQ(run.status, 1) << run.describe();
    auto rows = lines_of(read_text(out / "gradebook.csv"));
    ASSERT_EQ(rows.size(), 5u) << read_text(out / "gradebook.csv");
    EXPECT_EQ(rows[1], "ana,10,10,2,3,2,2,1,,graded,") << failures_in_feedback(out.path());
    EXPECT_TRUE(rows[2].starts_with("heitor,0,10,0,0,0,0,0,,cannot-run,")) << rows[2];
    EXPECT_EQ(rows[3], "marco,10,10,2,3,2,2,1,,graded,found in the folder 'entrega/lab1'");
    EXPECT_EQ(rows[4], "Érica Lima,5,10,2,0,2,0,1,,graded,");
    EXPECT_EQ(count(run.err, "zip-slip"), 2) << run.err;
    auto html = read_text(out / "report.html");
    EXPECT_EQ(count(html, "zip-slip"), 2);
    EXPECT_FALSE(fs::exists(fs::path(dir.path()).parent_path() / "evil-sockgrade.txt"));
    EXPECT_FALSE(fs::exists("/tmp/evil-sockgrade-abs.txt"));
}

TEST(e2eBatch, EmptyFolderSaysSo) {
    TempDir dir, out;
    auto run = sockgrade({"grade", "tcp-server", dir.path(), "--out", out.path()});
    EXPECT_EQ(run.status, 2) << run.describe();
    EXPECT_NE(run.err.find("holds no submissions"), std::string::npos) << run.err;
    EXPECT_EQ(lines_of(read_text(out / "gradebook.csv")).size(), 1u);  // the header only
    EXPECT_NE(read_text(out / "report.html").find("holds no submissions"), std::string::npos);
    auto missing = sockgrade({"grade", "tcp-server", dir / "nope", "--out", out.path()});
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find("no such folder"), std::string::npos) << missing.err;
    auto bad_shard = sockgrade({"grade", "tcp-server", dir.path(), "--shard", "4/3"});
    EXPECT_EQ(bad_shard.status, 2);
}

TEST(e2eBatch, ReportOpensInAHeadlessBrowser) {
    std::string browser;
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
        if (have_tool(name)) {
            browser = name;
            break;
        }
    if (browser.empty())
        GTEST_SKIP() << "no chromium here (apt-get install chromium): the page's rows are checked as markup by the "
                        "other tests, not in a browser";
    TempDir dir, out;
    copy_students(dir.path(), {"ana", "gabi", "Érica Lima"});
    auto run = sockgrade({"grade", "tcp-server", dir.path(), "--out", out.path()});
    ASSERT_EQ(run.status, 1) << run.describe();
    auto dumped = out / "dom.html";
    auto command = browser + " --headless --no-sandbox --disable-gpu --dump-dom 'file://" + out / "report.html" +
                   "' > '" + dumped + "' 2>/dev/null";
    ASSERT_EQ(std::system(("timeout 120 " + command).c_str()), 0) << command;
    auto dom = read_text(dumped);
    EXPECT_EQ(count(dom, "<tbody class=\"student\""), 3) << dom.substr(0, 2000);
    for (const char* name : {"ana", "gabi", "Érica Lima"})
        EXPECT_NE(dom.find(std::string("data-name=\"") + name + "\""), std::string::npos) << name;
}

}  // namespace

namespace {

// The Slurm templates in ci/batch run as they are, with a job array's variables set by hand.
TEST(e2eBatch, SlurmTemplatesGradeAndMergeSlices) {
    TempDir dir, out;
    copy_students(dir.path(), {"ana", "gabi", "heitor"});
    const std::string templates = std::string(SOCKGRADE_TESTS_DIR) + "/../ci/batch";
    auto env = "LAB=tcp-server CLASS='" + dir.path() + "' OUT='" + out.path() + "' SHARDS=2 SOCKGRADE='" + binary + "' ";
    for (int k = 1; k <= 2; ++k) {
        auto line = env + "SLURM_ARRAY_TASK_ID=" + std::to_string(k) + " SLURM_CPUS_PER_TASK=1 timeout 250 bash '" +
                    templates + "/slurm-grade.sbatch' >/dev/null 2>&1";
        ASSERT_EQ(std::system(line.c_str()), 0) << line;
    }
    auto merge = env + "timeout 60 bash '" + templates + "/slurm-merge.sbatch' >/dev/null 2>&1";
    ASSERT_EQ(std::system(merge.c_str()), 0) << merge;
    auto rows = lines_of(read_text(out / "merged/gradebook.csv"));
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[1], "ana,10,10,2,3,2,2,1,,graded,") << failures_in_feedback(out.path());
    EXPECT_TRUE(rows[2].starts_with("gabi,0,10,")) << rows[2];
    EXPECT_TRUE(rows[3].starts_with("heitor,0,10,")) << rows[3];
}

}  // namespace
