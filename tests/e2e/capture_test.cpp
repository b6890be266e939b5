// End-to-end tests of the pictures (issue 11): the real binary grades a chat
// server that fails, with --capture and --diagram; the capture must carry, byte
// for byte, what the transcript says was sent and received, and open in tshark
// without complaint; the diagrams are well-formed XML; report.html shows them
// (checked on a headless Chromium's screenshot); and a run without --capture
// writes nothing extra.
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <fmt/format.h>

#include "batch/files.hpp"
#include "diagram/diagram.hpp"
#include "support.hpp"
#include "support/pcapng_reader.hpp"
#include "support/png_reader.hpp"
#include "support/transcript_bytes.hpp"

namespace {

using namespace e2e;
namespace testing_support = sockgrade::testing;

const std::string mutant = reference_program("mutants/chat-server--first-line-only");
const std::string two_tests = std::string(SOCKGRADE_TESTS_DIR) + "/fixtures/capture/chat-two.yaml";

// A command's stdout (and its status), stderr to a file; bounded by `timeout`.
struct Shell {
    int status = -1;
    std::string out, err;
};
Shell shell(const std::string& command, int timeout_seconds = 60) {
    TempDir dir;
    auto err_file = dir.str("stderr");
    Shell result;
    auto full = fmt::format("timeout -k 5 {} {} 2>'{}'", timeout_seconds, command, err_file);
    if (FILE* pipe = ::popen(full.c_str(), "r")) {
        char buffer[65536];
        std::size_t n;
        while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
        int status = ::pclose(pipe);
        result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    result.err = read_file(err_file);
    return result;
}

bool have(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

// One run of the failing mutant, shared by the tests that read its outputs.
struct FailingRun {
    TempDir dir{true};
    RunResult run;
    Json report;
    fs::path captures, diagrams;

    FailingRun() {
        captures = dir.path() / "caps";
        diagrams = dir.path() / "pics";
        RunOptions options;
        options.cwd = dir.str();
        run = run_sockgrade({"run", "chat-server", "--only", "every-line", "--only", "broadcast", "--capture", "caps",
                             "--capture-all", "--diagram", "pics", "--format", "json", "--output", "report.json", "--",
                             mutant},
                            options);
        report = Json::parse(read_file(dir.path() / "report.json"), nullptr, false);
    }
};

FailingRun& failing_run() {
    static FailingRun shared;
    return shared;
}

// What each peer sent and received according to the transcript, and its port.
struct Party {
    int port = 0;
    std::string sent, received;
};

std::map<std::string, Party> parties_of(const Json& transcript) {
    std::map<std::string, Party> parties;
    std::regex connected("connected from port (\\d+)");
    for (const auto& entry : transcript) {
        auto party = entry["party"].get<std::string>();
        auto dir = entry["dir"].get<std::string>();
        auto text = entry["text"].get<std::string>();
        if (party == "program" || party == "grader" || party == "stdout" || party == "stderr" || party == "stdin") continue;
        std::smatch m;
        if (dir == "*" && std::regex_search(text, m, connected)) parties[party].port = std::stoi(m[1]);
        if (dir == "*") continue;
        auto bytes = testing_support::unquote(text);
        EXPECT_TRUE(bytes) << "a transcript entry the test cannot read back: " << text;
        (dir == ">" ? parties[party].sent : parties[party].received) += bytes.value_or("");
    }
    return parties;
}

TEST(Capture, AFailingChatServersCaptureMatchesItsTranscriptByteForByte) {
    auto& shared = failing_run();
    ASSERT_EQ(shared.run.exit_code, 1) << shared.run.describe();
    auto test = test_named(shared.report, "every-line");
    ASSERT_FALSE(test["passed"].get<bool>());
    auto file_name = (shared.captures / "every-line.pcapng").string();
    ASSERT_EQ(test.value("capture", ""), file_name);

    std::string error;
    auto file = testing_support::read_pcapng(read_file(file_name), error);
    ASSERT_TRUE(file) << error;
    auto parties = parties_of(test["transcript"]);
    ASSERT_EQ(parties.size(), 2u);  // A and B
    ASSERT_FALSE(parties["A"].sent.empty());
    ASSERT_FALSE(parties["B"].received.empty());

    // The file says whose port is whose.
    ASSERT_EQ(file->section_comments.size(), 1u);
    const auto& comment = file->section_comments[0];
    EXPECT_NE(comment.find("program = port 5000"), std::string::npos) << comment;
    for (const auto& [name, party] : parties)
        EXPECT_NE(comment.find(fmt::format("{} = port {}", name, party.port)), std::string::npos) << comment;
    EXPECT_NE(comment.find("every-line"), std::string::npos) << comment;

    auto streams = testing_support::tcp_streams(*file, error);
    EXPECT_EQ(error, "");
    std::set<std::pair<int, int>> explained;
    for (const auto& [name, party] : parties) {
        SCOPED_TRACE(name);
        std::pair<int, int> up{party.port, 5000}, down{5000, party.port};
        EXPECT_EQ(streams[up], party.sent);
        EXPECT_EQ(streams[down], party.received);
        explained.insert(up);
        explained.insert(down);
    }
    for (const auto& [ports, bytes] : streams)
        if (!bytes.empty()) {
            EXPECT_TRUE(explained.count(ports)) << ports.first << "->" << ports.second << ": " << bytes;
        }

    // Each packet is there once: a looped-back packet seen leaving and arriving would double the SYNs.
    int syns = 0;
    for (const auto& packet : file->packets)
        if (auto segment = testing_support::tcp_segment(packet.bytes)) syns += (segment->flags & 0x12) == 0x02;
    EXPECT_EQ(syns, 2);
    // And each says who sent it to whom.
    for (const auto& packet : file->packets) {
        ASSERT_EQ(packet.comments.size(), 1u);
        EXPECT_TRUE(std::regex_search(packet.comments[0], std::regex(R"(^\+\d+\.\d{3}s (A|B|program) -> (A|B|program))")))
            << packet.comments[0];
    }
}

TEST(Capture, TsharkOpensItWithoutWarningsAndReadsTheSamePayloads) {
    if (!have("tshark")) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
    auto& shared = failing_run();
    ASSERT_EQ(shared.run.exit_code, 1) << shared.run.describe();
    auto test = test_named(shared.report, "every-line");
    auto parties = parties_of(test["transcript"]);
    for (const auto* name : {"every-line.pcapng", "broadcast.pcapng"}) {
        SCOPED_TRACE(name);
        auto file = (shared.captures / name).string();
        auto quiet = [](const std::string& err) {  // tshark's root notice is not about the file
            return std::regex_replace(err, std::regex("Running as user \"root\"[^\n]*\n"), "");
        };
        auto listing = shell(fmt::format("tshark -n -r '{}'", file));
        EXPECT_EQ(listing.status, 0);
        EXPECT_EQ(quiet(listing.err), "");
        EXPECT_NE(listing.out.find("[SYN]"), std::string::npos) << listing.out;
        auto bad = shell(fmt::format("tshark -n -r '{}' -Y '_ws.malformed || _ws.expert.severity >= error'", file));
        EXPECT_EQ(bad.out, "") << "malformed packets or errors";
        EXPECT_EQ(quiet(bad.err), "");
    }
    // tshark's own reading of the payloads, by relative sequence number.
    auto fields = shell(fmt::format("tshark -n -r '{}' -Y 'tcp.len > 0' -T fields -e tcp.srcport -e tcp.dstport -e tcp.seq "
                                    "-e tcp.payload -o tcp.relative_sequence_numbers:TRUE",
                                    (shared.captures / "every-line.pcapng").string()));
    ASSERT_EQ(fields.status, 0) << fields.err;
    std::map<std::pair<int, int>, std::map<long, std::string>> pieces;
    std::istringstream lines(fields.out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        int from = 0, to = 0;
        long seq = 0;
        std::string hex, bytes;
        words >> from >> to >> seq >> hex;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        pieces[{from, to}][seq] = bytes;
    }
    for (const auto& [name, party] : parties) {
        SCOPED_TRACE(name);
        std::string up, down;
        for (const auto& [seq, bytes] : pieces[{party.port, 5000}]) up += bytes;
        for (const auto& [seq, bytes] : pieces[{5000, party.port}]) down += bytes;
        EXPECT_EQ(up, party.sent);
        EXPECT_EQ(down, party.received);
    }
}

TEST(Capture, TheReportNamesThePicturesAndTheDiagramsAreWellFormed) {
    auto& shared = failing_run();
    ASSERT_EQ(shared.run.exit_code, 1) << shared.run.describe();
    const auto& text = shared.run.out;  // the text report still goes to the terminal
    auto caps = shared.captures.string(), pics = shared.diagrams.string();
    EXPECT_NE(text.find(fmt::format("    pictures: {}/every-line.svg, {}/every-line.pcapng\n", pics, caps)),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(fmt::format("pictures: 2 sequence diagrams (SVG) in {}/; 2 packet captures", pics)), std::string::npos)
        << text;
    EXPECT_NE(text.find("transcript:"), std::string::npos) << "the transcript stays the default";
    for (const auto* name : {"every-line.svg", "broadcast.svg"}) {
        auto path = shared.diagrams / name;
        ASSERT_TRUE(fs::exists(path)) << path;
        if (have("xmllint")) {
            auto lint = shell(fmt::format("xmllint --noout '{}'", path.string()));
            EXPECT_EQ(lint.status, 0) << lint.err;
        }
        auto svg = read_file(path);
        EXPECT_TRUE(svg.starts_with("<svg")) << svg.substr(0, 200);
        EXPECT_NE(svg.find(sockgrade::diagram::lifeline_colour), std::string::npos);
    }
    auto failed = read_file(shared.diagrams / "every-line.svg");
    EXPECT_NE(failed.find(fmt::format("fill=\"{}\"", sockgrade::diagram::failure_colour)), std::string::npos);
    EXPECT_EQ(read_file(shared.diagrams / "broadcast.svg").find("<circle"),
              std::string::npos);
}

// Every file under `dir`, relative.
std::vector<std::string> files_under(const fs::path& dir) {
    std::vector<std::string> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        found.push_back(fs::relative(it->path(), dir).string());
    return found;
}

TEST(Capture, APassingRunWithoutCaptureWritesNothingExtra) {
    TempDir cwd(true), tmp(true);
    RunOptions options;
    options.cwd = cwd.str();
    options.env["TMPDIR"] = tmp.str();
    auto run = run_sockgrade({"run", "chat-server", "--only", "broadcast", "--", reference_program("chat-server")}, options);
    ASSERT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_EQ(files_under(cwd.path()), std::vector<std::string>{});
    EXPECT_EQ(files_under(tmp.path()), std::vector<std::string>{});
    EXPECT_EQ(run.out.find("pictures"), std::string::npos) << run.out;

    // With --capture but a passing test, the folder stays empty: only failures are kept.
    auto with = run_sockgrade(
        {"run", "chat-server", "--only", "broadcast", "--capture", "caps", "--", reference_program("chat-server")}, options);
    ASSERT_EQ(with.exit_code, 0) << with.describe();
    EXPECT_EQ(files_under(cwd.path()), std::vector<std::string>{"caps"});
    EXPECT_EQ(files_under(tmp.path()), std::vector<std::string>{});
    EXPECT_EQ(with.out.find("pictures"), std::string::npos) << with.out;
}

// --- report.html in a browser ---------------------------------------------------

struct Rgb {
    int r, g, b;
};
Rgb rgb(const char* hex) {
    auto value = std::stoi(std::string(hex + 1), nullptr, 16);
    return {value >> 16, (value >> 8) & 0xFF, value & 0xFF};
}
bool near(const std::uint8_t* p, Rgb c, int tolerance) {
    return std::abs(p[0] - c.r) <= tolerance && std::abs(p[1] - c.g) <= tolerance && std::abs(p[2] - c.b) <= tolerance;
}

std::string chromium_binary() {
    for (const auto* name : {"chromium", "chromium-browser", "google-chrome"})
        if (have(name)) return name;
    return {};
}

TEST(Capture, ReportHtmlShowsTheDiagramInAHeadlessBrowser) {
    auto browser = chromium_binary();
    if (browser.empty()) GTEST_SKIP() << "no chromium here (scripts/install-deps.sh installs it): the screenshot cannot be taken";
    TempDir work(true);
    auto student = work.path() / "class" / "ana";
    fs::create_directories(student);
    std::ofstream(student / ".sockgrade.yaml") << "lab: chat-two\nrun: " << mutant << "\n";
    auto out = work.path() / "out";
    auto grade = run_sockgrade({"grade", two_tests, (work.path() / "class").string(), "--jobs", "1", "--capture", "--out",
                                out.string()});
    ASSERT_EQ(grade.exit_code, 1) << grade.describe();
    auto slug = sockgrade::batch::student_slug("ana");
    auto html = read_file(out / "report.html");
    ASSERT_NE(html.find("class=\"sockgrade-diagram\""), std::string::npos);
    // every-line must fail by its expectation (B hears nothing), not because the program could not run.
    ASSERT_NE(html.find("B did not receive a line ending with"), std::string::npos) << grade.describe();
    // The capture is kept per student and linked from the report.
    EXPECT_TRUE(fs::exists(out / "captures" / slug / "every-line.pcapng"));
    EXPECT_NE(html.find(fmt::format("href=\"captures/{}/every-line.pcapng\"", slug)), std::string::npos);

    // Merging (here one folder) carries the captures along with the records.
    auto merged = work.path() / "merged";
    auto merge = run_sockgrade({"merge", out.string(), "--out", merged.string()});
    ASSERT_EQ(merge.exit_code, 0) << merge.describe();
    EXPECT_EQ(read_file(merged / "captures" / slug / "every-line.pcapng"), read_file(out / "captures" / slug / "every-line.pcapng"));
    EXPECT_NE(read_file(merged / "report.html").find(fmt::format("href=\"captures/{}/every-line.pcapng\"", slug)),
              std::string::npos);

    auto png = work.path() / "shot.png";
    auto shot = shell(fmt::format("{} --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 "
                                  "--user-data-dir='{}' --window-size=1280,2600 --screenshot='{}' 'file://{}#s-{}'",
                                  browser, (work.path() / "profile").string(), png.string(), (out / "report.html").string(), slug),
                      90);
    ASSERT_TRUE(fs::exists(png)) << "chromium made no screenshot (status " << shot.status << "): " << shot.err;
    std::string error;
    auto image = testing_support::read_png(read_file(png), error);
    ASSERT_TRUE(image) << error;

    // Lifelines: columns with many pixels of their colour. One diagram (every-line): terminal, program, A, B.
    // Counted in all, not as one unbroken run: arrows and their labels cross a busy lane, and how
    // often depends on the run's timing. The only other shapes of that colour are the lane heads'
    // outlines (26 px high at most), well under the count.
    auto lifeline = rgb(sockgrade::diagram::lifeline_colour);
    std::vector<int> columns;
    for (int x = 0; x < image->width; ++x) {
        int count = 0;
        for (int y = 0; y < image->height; ++y) count += near(image->at(x, y), lifeline, 6);
        if (count >= 80) columns.push_back(x);
    }
    std::vector<int> lanes;  // a 2-pixel line is two adjacent columns
    for (int x : columns)
        if (lanes.empty() || x - lanes.back() > 3) lanes.push_back(x);
    ASSERT_EQ(lanes.size(), 4u) << "lifelines found at " << ::testing::PrintToString(columns);

    // The failure marker: the largest patch of its colour, a disc of about 18 px, on the last lane (B).
    auto failure = rgb(sockgrade::diagram::failure_colour);
    std::vector<char> seen(static_cast<std::size_t>(image->width) * image->height, 0);
    struct Patch {
        int size = 0, min_x = 1 << 30, max_x = -1, min_y = 1 << 30, max_y = -1;
    } best;
    for (int y0 = 0; y0 < image->height; ++y0)
        for (int x0 = 0; x0 < image->width; ++x0) {
            auto index = static_cast<std::size_t>(y0) * image->width + x0;
            if (seen[index] || !near(image->at(x0, y0), failure, 4)) continue;
            Patch patch;
            std::vector<std::pair<int, int>> stack{{x0, y0}};
            seen[index] = 1;
            while (!stack.empty()) {
                auto [x, y] = stack.back();
                stack.pop_back();
                ++patch.size;
                patch.min_x = std::min(patch.min_x, x), patch.max_x = std::max(patch.max_x, x);
                patch.min_y = std::min(patch.min_y, y), patch.max_y = std::max(patch.max_y, y);
                for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                    int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= image->width || ny >= image->height) continue;
                    auto n = static_cast<std::size_t>(ny) * image->width + nx;
                    if (!seen[n] && near(image->at(nx, ny), failure, 4)) {
                        seen[n] = 1;
                        stack.push_back({nx, ny});
                    }
                }
            }
            if (patch.size > best.size) best = patch;
        }
    ASSERT_GE(best.size, 120) << "no failure marker in the screenshot";
    int width = best.max_x - best.min_x + 1, height = best.max_y - best.min_y + 1;
    EXPECT_GE(width, 14);
    EXPECT_LE(width, 22);
    EXPECT_GE(height, 14);
    EXPECT_LE(height, 22);
    int centre = (best.min_x + best.max_x) / 2;
    EXPECT_LE(std::abs(centre - (lanes.back() + 1)), 3) << "marker at x=" << centre << ", lanes "
                                                        << ::testing::PrintToString(lanes);
}

}  // namespace
