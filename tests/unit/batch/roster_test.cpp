#include "batch/roster.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "batch/archive.hpp"
#include "batch/files.hpp"
#include "batch_support.hpp"

namespace sockgrade::batch {
namespace {

using testing::TempDir;
using testing::ZipEntry;

std::vector<std::string> names(const Roster& roster) {
    std::vector<std::string> out;
    for (const auto& s : roster.students) out.push_back(s.name);
    return out;
}

TEST(Shard, ParsesKOverN) {
    EXPECT_EQ(parse_shard("1/3"), (std::pair{1, 3}));
    EXPECT_EQ(parse_shard("3/3"), (std::pair{3, 3}));
    for (const char* bad : {"0/3", "4/3", "1/0", "1", "a/b", "1/3x", "/3", "1/", "-1/3"})
        EXPECT_FALSE(parse_shard(bad)) << bad;
}

TEST(Shard, SlicesCoverTheClassOnceAndAreStable) {
    std::vector<Student> students;
    for (char c = 'a'; c <= 'k'; ++c) students.push_back({std::string(1, c), "/x", {}});
    std::multiset<std::string> seen;
    for (int k = 1; k <= 3; ++k)
        for (const auto& s : take_shard(students, k, 3)) seen.insert(s.name);
    EXPECT_EQ(seen.size(), students.size());
    for (const auto& s : students) EXPECT_EQ(seen.count(s.name), 1u);
    auto first = take_shard(students, 1, 3);
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first[0].name, "a");
    EXPECT_EQ(first[1].name, "d");
    EXPECT_EQ(take_shard(students, 1, 1).size(), students.size());
}

TEST(ReadRoster, FoldersSortedByBytesAndLooseFilesReported) {
    TempDir dir, work;
    dir.write("bruno/servidor.py", "");
    dir.write("Érica Lima/servidor.py", "");
    dir.write("Daniel Souza/Servidor.java", "");
    dir.write("ana/servidor.py", "");
    dir.write("notas.txt", "");
    dir.write(".DS_Store", "");
    dir.write("__MACOSX/ana/._servidor.py", "");
    auto roster = read_roster(dir.path(), work.path());
    EXPECT_TRUE(roster.error.empty());
    EXPECT_EQ(names(roster), (std::vector<std::string>{"Daniel Souza", "ana", "bruno", "Érica Lima"}));
    ASSERT_EQ(roster.problems.size(), 1u);
    EXPECT_NE(roster.problems[0].find("'notas.txt' is not a folder"), std::string::npos);
}

TEST(ReadRoster, EmptyAndMissingFolders) {
    TempDir dir, work;
    auto empty = read_roster(dir.path(), work.path());
    EXPECT_TRUE(empty.error.empty());
    EXPECT_TRUE(empty.students.empty());
    ASSERT_EQ(empty.problems.size(), 1u);
    EXPECT_NE(empty.problems[0].find("holds no submissions"), std::string::npos);
    auto missing = read_roster((dir / "nope").string(), work.path());
    EXPECT_NE(missing.error.find("no such folder"), std::string::npos);
    dir.write("file.txt", "x");
    auto not_a_class = read_roster((dir / "file.txt").string(), work.path());
    EXPECT_NE(not_a_class.error.find("not a folder of submissions"), std::string::npos);
}

TEST(ReadRoster, ZipOfAWrapperFolderWithZipSlipEntries) {
    if (!testing::have_unzip()) GTEST_SKIP() << "unzip is not installed";
    TempDir dir, work;
    dir.write("turma.zip", testing::make_zip({{"turma/ana/servidor.py", "print(1)\n"},
                                              {"turma/bruno/lab/servidor.py", "print(2)\n"},
                                              {"turma/José/servidor.py", "print(3)\n"},
                                              {"../../evil.txt", "x"},
                                              {"turma/../../../evil2.txt", "x"},
                                              {"/tmp/evil3.txt", "x"}}));
    auto roster = read_roster((dir / "turma.zip").string(), work.path());
    ASSERT_TRUE(roster.error.empty()) << roster.error;
    EXPECT_EQ(names(roster), (std::vector<std::string>{"José", "ana", "bruno"}));
    int slips = 0;
    for (const auto& p : roster.problems) slips += p.find("zip-slip") != std::string::npos;
    EXPECT_EQ(slips, 3);
    EXPECT_FALSE(std::filesystem::exists(dir / "evil.txt"));
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(work.path()).parent_path() / "evil.txt"));
    EXPECT_FALSE(std::filesystem::exists("/tmp/evil3.txt"));
    for (const auto& student : roster.students)
        EXPECT_TRUE(student.dir.starts_with(work.path())) << student.dir;
}

TEST(ReadRoster, AStudentsZipIsTheirSubmission) {
    if (!testing::have_unzip()) GTEST_SKIP() << "unzip is not installed";
    TempDir dir, work;
    dir.write("ana/servidor.py", "print(1)\n");
    dir.write("carla.zip", testing::make_zip({{"carla/servidor.c", "int main(){}\n"}}));
    auto roster = read_roster(dir.path(), work.path());
    ASSERT_EQ(names(roster), (std::vector<std::string>{"ana", "carla"}));
    const auto& carla = roster.students[1];
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(carla.dir) / "servidor.c")) << carla.dir;
    ASSERT_FALSE(carla.notes.empty());
    EXPECT_EQ(carla.notes[0], "unpacked from carla.zip");
}

TEST(Archive, EscapingNames) {
    for (const char* bad : {"../x", "a/../../x", "/etc/passwd", "..\\x", "a\\..\\..\\x", "C:\\x", ".."})
        EXPECT_TRUE(escapes_folder(bad)) << bad;
    for (const char* good : {"ana/servidor.py", "a..b/c", "...", "x/..y", "ana/"}) EXPECT_FALSE(escapes_folder(good)) << good;
}

TEST(Archive, UnzipPatternsAreLiteral) {
    EXPECT_EQ(unzip_literal_pattern("../a[b]*?.py"), "../a\\[b]\\*\\?.py");
    EXPECT_EQ(unzip_literal_pattern("-x"), "\\-x");
    EXPECT_EQ(unzip_literal_pattern("a\\b"), "a\\\\b");
}

TEST(Archive, SymlinksAreRemovedAndNothingIsWrittenThroughThem) {
    if (!testing::have_unzip()) GTEST_SKIP() << "unzip is not installed";
    TempDir dir, outside;
    dir.write("a.zip", testing::make_zip({{"ana/link", outside.path(), true},
                                          {"ana/link/pwned.txt", "x"},
                                          {"ana/servidor.py", "print(1)\n"},
                                          {"../a[1]*.txt", "x"}}));
    auto report = extract_zip((dir / "a.zip").string(), (dir / "out").string());
    EXPECT_TRUE(report.ok) << report.error;
    EXPECT_TRUE(std::filesystem::exists(dir / "out/ana/servidor.py"));
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir / "out/ana/link")));
    EXPECT_FALSE(std::filesystem::exists(outside / "pwned.txt"));
    EXPECT_FALSE(std::filesystem::exists(dir / "out/a[1]*.txt"));
    bool said_link = false, said_slip = false;
    for (const auto& p : report.problems) {
        said_link |= p.find("symbolic link") != std::string::npos;
        said_slip |= p.find("zip-slip") != std::string::npos;
    }
    EXPECT_TRUE(said_link);
    EXPECT_TRUE(said_slip);
}

TEST(Archive, NotAZip) {
    if (!testing::have_unzip()) GTEST_SKIP() << "unzip is not installed";
    TempDir dir;
    dir.write("bad.zip", "this is not a zip");
    auto report = extract_zip((dir / "bad.zip").string(), (dir / "out").string());
    EXPECT_FALSE(report.ok);
    EXPECT_NE(report.error.find("not a readable .zip"), std::string::npos) << report.error;
}

}  // namespace
}  // namespace sockgrade::batch
