// The mutant manifest (reference/mutants/mutants.yaml) and the built mutants agree.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "child_process.hpp"

namespace {

struct Entry {
  std::string mutant, lab;
  std::size_t must_fail = 0;
  bool has_defect = false;
};

// A small reader for this one flat file, so the tests need no YAML library.
std::vector<Entry> read_manifest() {
  std::ifstream file(std::string(SOCKGRADE_REFERENCE_SOURCE_DIR) + "/mutants/mutants.yaml");
  std::vector<Entry> entries;
  std::string line;
  auto value_of = [](const std::string& text, const std::string& key) {
    std::string rest = text.substr(text.find(key) + key.size());
    return rest.substr(rest.find_first_not_of(' '));
  };
  while (std::getline(file, line)) {
    if (line.starts_with("- mutant:")) {
      entries.push_back({value_of(line, "mutant:"), "", 0, false});
    } else if (entries.empty() || line.starts_with("#")) {
      continue;
    } else if (line.find("  lab:") == 0) {
      entries.back().lab = value_of(line, "lab:");
    } else if (line.find("  defect:") == 0) {
      entries.back().has_defect = value_of(line, "defect:").size() > 10;
    } else if (line.find("  must_fail: [") == 0) {
      std::string list = value_of(line, "must_fail:");
      entries.back().must_fail = list == "[]" ? 0 : 1 + std::count(list.begin(), list.end(), ',');
    }
  }
  return entries;
}

TEST(Mutants, ManifestDescribesEveryMutant) {
  const std::set<std::string> labs = {"tcp-server", "tcp-client", "udp-server",
                                      "udp-client", "chat-server", "chat-client"};
  auto entries = read_manifest();
  ASSERT_FALSE(entries.empty());
  std::set<std::string> names;
  for (const auto& entry : entries) {
    EXPECT_TRUE(names.insert(entry.mutant).second) << "twice: " << entry.mutant;
    EXPECT_TRUE(labs.contains(entry.lab)) << entry.mutant;
    EXPECT_TRUE(entry.mutant.starts_with(entry.lab + "--")) << entry.mutant;
    EXPECT_TRUE(entry.has_defect) << entry.mutant;
    EXPECT_GE(entry.must_fail, 1u) << entry.mutant;
  }
}

// The other way round: a mutant that is built but not in the manifest proves nothing (selftest skips it).
TEST(Mutants, EveryBuiltMutantIsInTheManifest) {
  std::set<std::string> described;
  for (const auto& entry : read_manifest()) described.insert(entry.mutant);
  const auto dir = std::filesystem::path(reftest::program_path("mutants/x")).parent_path();
  std::size_t built = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (!file.is_regular_file() || (file.status().permissions() & std::filesystem::perms::owner_exec) == std::filesystem::perms::none) continue;
    ++built;
    EXPECT_TRUE(described.contains(file.path().filename().string())) << file.path() << " is not in mutants.yaml";
  }
  EXPECT_EQ(built, described.size());
}

TEST(Mutants, EveryMutantInTheManifestIsBuilt) {
  for (const auto& entry : read_manifest()) {
    const std::string path = reftest::program_path("mutants/" + entry.mutant);
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    EXPECT_TRUE(info.st_mode & S_IXUSR) << path;
  }
}

TEST(Mutants, EveryReferenceProgramIsBuilt) {
  for (const char* lab : {"tcp-server", "tcp-client", "udp-server", "udp-client", "chat-server",
                          "chat-client"}) {
    struct stat info {};
    EXPECT_EQ(::stat(reftest::program_path(lab).c_str(), &info), 0) << lab;
  }
}

}  // namespace
