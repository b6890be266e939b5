// The sandbox's trust boundary (issue 15). Each test hands sockgrade a hostile
// student program (tests/fixtures/trust, copied with its __PLACEHOLDERS__
// replaced by this test's absolute paths and tokens) and judges the attack from
// the outside only: grades (gradebook.csv), the host files the attack tried to
// change (unchanged), a secret token (in a root-only 0600 file in a 0700
// folder) that must appear nowhere in sockgrade's stdout, stderr or output
// folder, the test's own pty for the terminal, free space during the run.
// Every test also checks that an honest neighbour keeps its grade.
// The attacks never depend on writing a report to a host folder: after the fix
// they see only their own copy, a private /tmp and HOME.
// Each attack succeeded against b132b11, before the jail
// (tests/fixtures/trust/EVIDENCE.md); harness/sandbox/jail.cpp stops them.
#include <atomic>
#include <grp.h>
#include <set>
#include <iostream>
#include <pty.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/statvfs.h>
#include <termios.h>
#include <thread>

#include "support.hpp"

namespace e2e {
namespace {

const std::string trust_dir = std::string(SOCKGRADE_TESTS_DIR) + "/fixtures/trust";
const std::string honest_source = std::string(SOCKGRADE_TESTS_DIR) + "/fixtures/class/tcp-server/ana/servidor.py";
const std::string scenario_source = std::string(SOCKGRADE_TESTS_DIR) + "/../scenarios/tcp-server.yaml";

using Subst = std::map<std::string, std::string>;

std::string substitute(std::string text, const Subst& subst) {
    for (const auto& [key, value] : subst)
        for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
            text.replace(at, key.size(), value);
    return text;
}

void write_text(const fs::path& path, const std::string& text, mode_t mode = 0644) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), mode);
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// A root-only secret: a 0600 file in a 0700 folder, holding a random token.
struct Secret {
    std::string token = "SECRET" + random_token();
    fs::path dir;
    fs::path file;
    Secret() {
        std::string pattern = "/tmp/sockgrade-trust-secret-XXXXXX";
        if (::mkdtemp(pattern.data())) dir = pattern;
        ::chmod(dir.c_str(), 0700);
        file = dir / "secret.txt";
        write_text(file, token + "\n", 0600);
    }
    ~Secret() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
};

// Every file under `root` whose content holds `needle`.
std::vector<std::string> files_with(const fs::path& root, const std::string& needle) {
    std::vector<std::string> hits;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec) && (contains(read_file(it->path()), needle) || contains(it->path().filename().string(), needle)))
            hits.push_back(it->path().string());
    return hits;
}

// A class folder: an attacker and an honest neighbour, or more.
struct Class {
    TempDir dir;
    TempDir out;
    Subst subst;
    void honest(const std::string& name, const std::string& extra = "") {
        write_text(dir.path() / name / "servidor.py", read_file(honest_source) + extra);
    }
    void attacker(const std::string& name, const std::string& fixture) {
        write_text(dir.path() / name / "servidor.py", substitute(read_file(trust_dir + "/" + fixture), subst));
        write_text(dir.path() / name / "common.py", read_file(trust_dir + "/common.py"));
    }
    void builder(const std::string& name, const std::string& attack) {
        auto s = subst;
        s["__ATTACK__"] = attack;
        write_text(dir.path() / name / "Makefile", substitute(read_file(trust_dir + "/build_attack/Makefile"), s));
        write_text(dir.path() / name / "servidor.c", read_file(trust_dir + "/build_attack/servidor.c"));
        write_text(dir.path() / name / ".sockgrade.yaml", "lab: tcp-server\nbuild: make\nrun: ./servidor\n");
    }
    RunResult grade(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"grade", "tcp-server", dir.str(), "--jobs", "2", "--out", out.str("out")};
        args.insert(args.end(), extra.begin(), extra.end());
        RunOptions options;
        options.timeout = std::chrono::seconds(90);
        return run_sockgrade(args, options);
    }
    // student -> score column of gradebook.csv
    std::map<std::string, std::string> scores() {
        std::map<std::string, std::string> result;
        std::istringstream rows(read_file(out.path() / "out" / "gradebook.csv"));
        std::string row;
        std::getline(rows, row);
        while (std::getline(rows, row)) {
            auto comma = row.find(',');
            auto next = row.find(',', comma + 1);
            if (comma != std::string::npos) result[row.substr(0, comma)] = row.substr(comma + 1, next - comma - 1);
        }
        return result;
    }
};

void expect_no_token(const RunResult& run, const fs::path& out, const std::string& token, const std::string& what) {
    EXPECT_FALSE(contains(run.out, token)) << what << " appears in sockgrade's stdout\n" << run.describe();
    EXPECT_FALSE(contains(run.err, token)) << what << " appears in sockgrade's stderr\n" << run.describe();
    auto hits = files_with(out, token);
    std::string context;
    if (!hits.empty()) {
        auto text = read_file(hits.front());
        auto at = text.find(token);
        auto from = at > 300 ? at - 300 : 0;
        context = text.substr(from, 600);
    }
    EXPECT_TRUE(hits.empty()) << what << " appears in " << (hits.empty() ? "" : hits.front()) << " (" << hits.size()
                              << " files), there: ..." << context << "...";
}

// --- sockgrade with a pty of ours as its controlling terminal, or as another user -------------

struct Spawned {
    RunResult run;
    std::string tty_output;       // what reached the master side
    int pending_on_slave = -1;    // bytes waiting to be read on the slave side after sockgrade exited
};

Spawned spawn_sockgrade(const std::vector<std::string>& args, bool with_pty, uid_t uid, gid_t gid,
                        const std::map<std::string, std::string>& env_extra, std::chrono::seconds timeout) {
    Spawned spawned;
    spawned.run.args = args;
    std::vector<std::string> env_strings{"LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin"};
    for (const auto& [k, v] : env_extra) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings{sockgrade_binary()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);

    int master = -1, slave = -1;
    if (with_pty && ::openpty(&master, &slave, nullptr, nullptr, nullptr) < 0) {
        ADD_FAILURE() << "openpty: " << std::strerror(errno);
        return spawned;
    }
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) < 0 || ::pipe2(err_pipe, O_CLOEXEC) < 0) return spawned;
    auto started = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
        if (with_pty) {
            ::setsid();
            ::ioctl(slave, TIOCSCTTY, 0);
            ::dup2(slave, 0);
            ::dup2(slave, 1);
            ::dup2(slave, 2);
            ::close(master);
        } else {
            ::setpgid(0, 0);
            int null_in = ::open("/dev/null", O_RDONLY);
            ::dup2(null_in, 0);
            ::dup2(out_pipe[1], 1);
            ::dup2(err_pipe[1], 2);
        }
        if (gid != gid_t(-1) && (::setgroups(0, nullptr) < 0 || ::setgid(gid) < 0)) ::_exit(125);
        if (uid != uid_t(-1) && ::setuid(uid) < 0) ::_exit(125);
        if (::chdir("/") < 0) ::_exit(126);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    // The slave stays open here too, so what is pushed on it can be counted after sockgrade exits.
    std::vector<pollfd> fds{{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    if (with_pty) fds.push_back({master, POLLIN, 0});
    std::string* sinks[3] = {&spawned.run.out, &spawned.run.err, &spawned.tty_output};
    auto deadline = started + timeout;
    int status = 0;
    bool exited = false;
    while (true) {
        auto now = std::chrono::steady_clock::now();
        if (now > deadline) {
            spawned.run.timed_out = true;
            ::kill(with_pty ? -pid : -pid, SIGKILL);
            ::kill(pid, SIGKILL);
        }
        ::poll(fds.data(), fds.size(), 100);
        for (size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buffer[4096];
            ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) sinks[i]->append(buffer, size_t(got));
            else if (i < 2) fds[i].fd = -1;
        }
        if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
        if (exited && fds[0].fd < 0 && fds[1].fd < 0) {
            if (!with_pty) break;
            // Drain what the master still has (no more writers than ourselves).
            pollfd last{master, POLLIN, 0};
            if (::poll(&last, 1, 200) <= 0) break;
            char buffer[4096];
            ssize_t got = ::read(master, buffer, sizeof buffer);
            if (got <= 0) break;
            spawned.tty_output.append(buffer, size_t(got));
        }
        if (exited && !with_pty && std::chrono::steady_clock::now() > deadline + std::chrono::seconds(3)) break;
    }
    if (with_pty) {
        int pending = 0;
        if (::ioctl(slave, FIONREAD, &pending) == 0) spawned.pending_on_slave = pending;
        // The bytes themselves, for the message.
        ::fcntl(slave, F_SETFL, O_NONBLOCK);
        char buffer[4096];
        ssize_t got = ::read(slave, buffer, sizeof buffer);
        if (got > 0) spawned.run.out += "\n[pending on the pty's slave side: " + std::string(buffer, size_t(got)) + "]";
        ::close(slave);
        ::close(master);
        // With the pty, sockgrade's stdout and stderr are the tty: show them as its output.
        spawned.run.out = spawned.tty_output + spawned.run.out;
    }
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    spawned.run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (WIFEXITED(status)) spawned.run.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) spawned.run.term_signal = WTERMSIG(status);
    return spawned;
}

// Is TIOCSTI refused for everyone here (dev.tty.legacy_tiocsti = 0)?
std::string tiocsti_state() {
    std::string value = read_file("/proc/sys/dev/tty/legacy_tiocsti");
    if (value.empty()) return "dev.tty.legacy_tiocsti absent: TIOCSTI allowed by this kernel";
    return value[0] == '0' ? "dev.tty.legacy_tiocsti = 0: TIOCSTI refused except to CAP_SYS_ADMIN"
                           : "dev.tty.legacy_tiocsti = 1: TIOCSTI allowed by this kernel";
}

// --- the terminal ---------------------------------------------------------------------------

TEST(TrustTerminal, TiocstiAndDevTtyDoNotReachTheTeachersTerminal) {
    TempDir dir;
    std::string token = random_token();
    write_text(dir.path() / "servidor.py", substitute(read_file(trust_dir + "/tty_inject.py"), {{"__TOKEN__", token}}));
    write_text(dir.path() / "common.py", read_file(trust_dir + "/common.py"));
    std::cout << "[ trust    ] " << tiocsti_state() << std::endl;
    auto spawned = spawn_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--dir", dir.str(), "--",
                                    "python3", "servidor.py"},
                                   true, uid_t(-1), gid_t(-1), {}, std::chrono::seconds(60));
    const auto& run = spawned.run;
    EXPECT_EQ(run.exit_code, 0) << "the honest part must pass\n" << run.describe();
    EXPECT_EQ(spawned.pending_on_slave, 0) << "TIOCSTI pushed input into the teacher's terminal\n" << run.describe();
    EXPECT_FALSE(contains(spawned.tty_output, "INJECTED_" + token)) << "the pushed command was echoed on the teacher's terminal\n" << run.describe();
    EXPECT_FALSE(contains(spawned.tty_output, "TTYWRITE_" + token)) << "the program wrote on the teacher's terminal\n" << run.describe();
}

// --- the neighbours and the output folder -------------------------------------------------------

TEST(TrustNeighbours, AttackerCannotOverwriteAnotherStudentsScratchCopy) {
    Class cls;
    cls.subst["__TOKEN__"] = random_token();
    cls.attacker("aaa-attacker", "neighbour_tamper.py");
    cls.honest("bia");
    auto run = cls.grade();
    auto scores = cls.scores();
    EXPECT_EQ(scores["bia"], "10") << "the victim's grade changed (10 when graded alone)\n" << run.describe();
    EXPECT_EQ(scores["aaa-attacker"], "10") << run.describe();
    expect_no_token(run, cls.out.path(), "TAMPERED " + cls.subst["__TOKEN__"], "the attacker's replacement program");
}

TEST(TrustNeighbours, AttackerCannotChangeTheResultsOrGradebook) {
    Class cls;
    cls.subst["__TOKEN__"] = random_token();
    cls.subst["__OUT__"] = cls.out.str("out");
    cls.attacker("aaa-attacker", "results_tamper.py");
    cls.honest("bia");
    cls.honest("caio");
    auto run = cls.grade();
    auto scores = cls.scores();
    EXPECT_EQ(scores["bia"], "10") << run.describe();
    EXPECT_EQ(scores["caio"], "10") << run.describe();
    EXPECT_EQ(scores["aaa-attacker"], "10") << run.describe();
    expect_no_token(run, cls.out.path(), "TAMPERED_" + cls.subst["__TOKEN__"], "the attacker's mark");
}

// --- reading what is not the program's ----------------------------------------------------------

TEST(TrustReads, DuringGradeNoSecretOtherSubmissionOrScenarioReachesTheFeedback) {
    Secret secret;
    Class cls;
    std::string scenario_token = "SCENARIO" + random_token();
    std::string victim_token = "VICTIM" + random_token();
    auto scenario = cls.out.path() / "tcp-server.yaml";
    write_text(scenario, read_file(scenario_source) + "# " + scenario_token + "\n");
    cls.subst = {{"__SECRET__", secret.file.string()}, {"__SCENARIO__", scenario.string()}, {"__OUT__", cls.out.str("out")}};
    cls.attacker("aaa-attacker", "reads_secrets.py");
    cls.honest("bia", "# " + victim_token + "\n");
    RunOptions options;
    options.timeout = std::chrono::seconds(90);
    auto run = run_sockgrade({"grade", scenario.string(), cls.dir.str(), "--jobs", "2", "--out", cls.out.str("out"),
                              "--teacher-feedback"},
                             options);
    auto scores = cls.scores();
    EXPECT_EQ(scores["bia"], "10") << run.describe();
    EXPECT_EQ(scores["aaa-attacker"], "0") << run.describe();
    expect_no_token(run, cls.out.path() / "out", secret.token, "the root-only secret");
    expect_no_token(run, cls.out.path() / "out", scenario_token, "the scenario file");
    // The victim's own source is not in the output; only the attacker could have put it there.
    expect_no_token(run, cls.out.path() / "out", victim_token, "the other student's source");
}

TEST(TrustReads, DuringRunNoSecretOrScenarioReachesTheReport) {
    Secret secret;
    TempDir dir;
    std::string scenario_token = "SCENARIO" + random_token();
    auto scenario = dir.path() / "scenario" / "tcp-server.yaml";
    write_text(scenario, read_file(scenario_source) + "# " + scenario_token + "\n");
    Subst subst{{"__SECRET__", secret.file.string()}, {"__SCENARIO__", scenario.string()}, {"__OUT__", "/nonexistent"}};
    write_text(dir.path() / "prog" / "servidor.py", substitute(read_file(trust_dir + "/reads_secrets.py"), subst));
    write_text(dir.path() / "prog" / "common.py", read_file(trust_dir + "/common.py"));
    auto run = run_sockgrade({"run", scenario.string(), "--only", "listens-on-port", "--dir", dir.str("prog"), "--",
                              "python3", "servidor.py"});
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_FALSE(contains(run.out + run.err, secret.token)) << "the root-only secret is in the report\n" << run.describe();
    EXPECT_FALSE(contains(run.out + run.err, scenario_token)) << "the scenario is in the report\n" << run.describe();
}

// --- builds --------------------------------------------------------------------------------------

struct BuildAttack {
    Secret secret;
    Class cls;
    TempDir host;  // a host file anyone may write today: the build must not reach it
    fs::path host_file;
    std::string victim_token = "VICTIM" + random_token();
    explicit BuildAttack(const std::string& attack) {
        host_file = host.path() / "teacher-notes.txt";
        write_text(host_file, "untouched\n", 0666);
        cls.subst = {{"__SECRET__", secret.file.string()},
                     {"__TOKEN__", random_token()},
                     {"__HOSTFILE__", host_file.string()},
                     {"__HOME__", "/root"}};
        cls.builder("aaa-builder", attack);
        cls.honest("bia", "# " + victim_token + "\n");
    }
    // A build that fork-bombs or eats memory: the grader survives it and nothing of it is left running.
    void expect_contained(const RunResult& run, const std::string& marker, const std::string& what) {
        EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << "the grader must survive\n" << run.describe();
        auto left = processes_with(marker);
        EXPECT_TRUE(left.empty()) << left.size() << " " << what << " left running";
        expect_nothing_escaped(run);
    }
    void expect_nothing_escaped(const RunResult& run) {
        EXPECT_EQ(read_file(host_file), "untouched\n") << "the build wrote to a host file\n" << run.describe();
        EXPECT_FALSE(contains(read_file("/root/.bashrc"), "BUILD_PWNED_" + cls.subst["__TOKEN__"]))
            << "the build appended to root's ~/.bashrc";
        expect_no_token(run, cls.out.path(), secret.token, "the root-only secret (read by the build)");
        expect_no_token(run, cls.out.path(), victim_token, "the other student's source (read by the build)");
        EXPECT_EQ(cls.scores()["bia"], "10") << run.describe();
    }
    ~BuildAttack() {
        // Undo what an attack managed, so a failing test leaves root's shell alone.
        std::string rc = read_file("/root/.bashrc");
        std::string line = "echo BUILD_PWNED_" + cls.subst["__TOKEN__"] + "\n";
        if (auto at = rc.find(line); at != std::string::npos) {
            rc.erase(at, line.size());
            std::ofstream("/root/.bashrc", std::ios::binary) << rc;
        }
    }
};

TEST(TrustBuild, MakefileCannotReadSecretsOrWriteOnTheHost) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (the secret is root-only; the build runs as nobody)";
    BuildAttack attack("reads");
    auto run = attack.cls.grade();
    EXPECT_EQ(attack.cls.scores()["aaa-builder"], "10") << run.describe();
    attack.expect_nothing_escaped(run);
}

// `sockgrade build` (the CI templates' build step) gives a build the same
// sandbox: it writes its folder, and sees no root-only file and no host folder.
TEST(TrustBuild, SockgradeBuildWritesItsFolderAndSeesNothingElse) {
    Secret secret;
    TempDir dir(/*world_writable=*/true);
    TempDir host(/*world_writable=*/true);
    write_text(dir.path() / "Makefile",
               "all:\n\t-cat " + secret.file.string() + "\n\t-echo HOST > " + host.str("planted") +
                   "\n\techo built > out.txt\n",
               0644);
    auto built = run_sockgrade({"build", dir.str(), "make"});
    EXPECT_EQ(built.exit_code, 0) << built.describe();
    EXPECT_EQ(read_file(dir.path() / "out.txt"), "built\n") << built.describe();
    EXPECT_FALSE(contains(built.out + built.err, secret.token)) << "the build read a root-only file\n" << built.describe();
    EXPECT_FALSE(fs::exists(host.path() / "planted")) << "the build wrote in a host folder\n" << built.describe();

    auto failed = run_sockgrade({"build", dir.str(), "exit 3"});
    EXPECT_EQ(failed.exit_code, 1) << failed.describe();
    EXPECT_TRUE(contains(failed.err, "the build exited with status 3")) << failed.describe();
    auto missing = run_sockgrade({"build", dir.str("no-such-folder"), "make"});
    EXPECT_EQ(missing.exit_code, 2) << missing.describe();
}

TEST(TrustBuild, ForkBombInABuildIsStoppedAndNothingIsLeft) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ProcessHeavy turn;
    BuildAttack attack("fork");
    auto run = attack.cls.grade({"--build-timeout", "10"});
    EXPECT_LT(run.seconds, 60) << run.describe();
    attack.expect_contained(run, "os.fork()", "fork-bomb processes");
}

TEST(TrustBuild, MemoryHogInABuildIsStopped) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ProcessHeavy turn;
    BuildAttack attack("memory");
    auto run = attack.cls.grade({"--build-timeout", "20"});
    attack.expect_contained(run, "bytearray(64<<20)", "memory hogs");
}

// --- disk ----------------------------------------------------------------------------------------

// Samples the free space and inodes of the filesystem holding /tmp (the scratch folder) while `work` runs.
template <typename Work>
std::pair<double, double> lowest_free_during(Work work, RunResult& run) {
    struct statvfs before {};
    ::statvfs("/tmp", &before);
    std::atomic<bool> done{false};
    double min_bytes = double(before.f_bavail) * before.f_frsize, min_inodes = double(before.f_favail);
    std::thread sampler([&] {
        while (!done) {
            struct statvfs now {};
            if (::statvfs("/tmp", &now) == 0) {
                min_bytes = std::min(min_bytes, double(now.f_bavail) * now.f_frsize);
                min_inodes = std::min(min_inodes, double(now.f_favail));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a sampling period, not a synchronisation
        }
    });
    run = work();
    done = true;
    sampler.join();
    return {double(before.f_bavail) * before.f_frsize - min_bytes, double(before.f_favail) - min_inodes};
}

constexpr double disk_bound_bytes = 300.0 * (1 << 20);
constexpr double disk_bound_inodes = 20000;

TEST(TrustDisk, ProgramFillingTheDiskIsBoundedAndTheNeighbourKeepsItsGrade) {
    Class cls;
    cls.subst["__TOKEN__"] = random_token();
    cls.attacker("aaa-filler", "fills_disk.py");
    cls.honest("bia");
    RunResult run;
    auto [bytes, inodes] = lowest_free_during([&] { return cls.grade(); }, run);
    std::cout << "[ trust    ] a program took up to " << bytes / (1 << 20) << " MiB and " << inodes << " inodes" << std::endl;
    EXPECT_LT(bytes, disk_bound_bytes) << run.describe();
    EXPECT_LT(inodes, disk_bound_inodes) << run.describe();
    auto scores = cls.scores();
    EXPECT_EQ(scores["bia"], "10") << run.describe();
    EXPECT_EQ(scores["aaa-filler"], "10") << "it serves honestly once its writes fail\n" << run.describe();
}

TEST(TrustDisk, BuildFillingTheDiskIsBoundedAndTheNeighbourKeepsItsGrade) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    BuildAttack attack("disk");
    RunResult run;
    auto [bytes, inodes] = lowest_free_during([&] { return attack.cls.grade({"--build-timeout", "20"}); }, run);
    std::cout << "[ trust    ] a build took up to " << bytes / (1 << 20) << " MiB and " << inodes << " inodes" << std::endl;
    EXPECT_LT(bytes, disk_bound_bytes) << run.describe();
    EXPECT_LT(inodes, disk_bound_inodes) << run.describe();
    attack.expect_nothing_escaped(run);
}

// --- the grader itself ------------------------------------------------------------------------------

TEST(TrustGrader, PtraceOfTheGraderFailsAndGradesAreRight) {
    Class cls;
    cls.attacker("aaa-tracer", "ptrace_grader.py");
    cls.honest("bia");
    auto run = cls.grade();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_FALSE(run.timed_out) << run.describe();
    auto scores = cls.scores();
    EXPECT_EQ(scores["bia"], "10") << run.describe();
    EXPECT_EQ(scores["aaa-tracer"], "10") << run.describe();
}

TEST(TrustGrader, SignalsToTheGraderChangeNothing) {
    Class cls;
    cls.attacker("aaa-signaller", "signals_grader.py");
    cls.honest("bia");
    auto run = cls.grade();
    EXPECT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_EQ(run.term_signal, 0) << run.describe();
    auto scores = cls.scores();
    EXPECT_EQ(scores["bia"], "10") << run.describe();
    EXPECT_EQ(scores["aaa-signaller"], "10") << run.describe();
}

// --- the teacher's HOME, when sockgrade is not root -----------------------------------------------

TEST(TrustHome, ProgramCannotAppendToTheTeachersBashrc) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a throwaway teacher (useradd)";
    std::string user = "sgtrust" + random_token().substr(0, 8);
    std::string home = "/home/" + user;
    if (std::system(("useradd -m -d " + home + " " + user + " >/dev/null 2>&1").c_str()) != 0)
        GTEST_SKIP() << "useradd failed: no throwaway user";
    struct Cleanup {
        std::string user;
        ~Cleanup() { [[maybe_unused]] int ignored = std::system(("userdel -r " + user + " >/dev/null 2>&1").c_str()); }
    } cleanup{user};
    passwd* pw = ::getpwnam(user.c_str());
    ASSERT_NE(pw, nullptr);
    write_text(fs::path(home) / ".bashrc", "# the teacher's\n");
    ::chown((fs::path(home) / ".bashrc").c_str(), pw->pw_uid, pw->pw_gid);
    std::string token = random_token();
    TempDir dir;
    write_text(dir.path() / "servidor.py",
               substitute(read_file(trust_dir + "/writes_home.py"), {{"__HOME__", home}, {"__TOKEN__", token}}));
    write_text(dir.path() / "common.py", read_file(trust_dir + "/common.py"));
    auto spawned = spawn_sockgrade({"run", "tcp-server", "--only", "listens-on-port", "--dir", dir.str(), "--",
                                    "python3", "servidor.py"},
                                   false, pw->pw_uid, pw->pw_gid, {{"HOME", home}, {"USER", user}},
                                   std::chrono::seconds(60));
    EXPECT_EQ(spawned.run.exit_code, 0) << spawned.run.describe();
    EXPECT_EQ(read_file(fs::path(home) / ".bashrc"), "# the teacher's\n") << "the program appended to the teacher's ~/.bashrc\n"
                                                                          << spawned.run.describe();
}

}  // namespace
}  // namespace e2e
