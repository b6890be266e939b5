#include "sandbox/cgroup.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace sockgrade::sandbox {
namespace {

namespace fs = std::filesystem;

// The cpu.shares beside the group's cpu cgroup.procs; empty when it has none.
std::string cpu_shares_of(const Cgroup& group) {
    for (const auto& procs : group.procs_files()) {
        if (procs.find("/cpu/") == std::string::npos && procs.find("/cpu,cpuacct/") == std::string::npos) continue;
        std::ifstream in(fs::path(procs).parent_path() / "cpu.shares");
        std::string value;
        in >> value;
        return value;
    }
    return "";
}

// One group per process at a time (it is named after the process): a build's, then a test's.
TEST(Cgroup, ABuildsGroupWeighsLessThanATestsOnTheCpu) {
    std::string build_shares, test_shares;
    {
        auto build = Cgroup::create(16, std::int64_t(64) << 20, 128);
        if (!build) GTEST_SKIP() << "no control groups can be made here (not root, or no cgroup v1 fs)";
        EXPECT_TRUE(build->caps_processes());
        build_shares = cpu_shares_of(*build);
    }
    {
        auto test = Cgroup::create(16, std::int64_t(64) << 20);
        ASSERT_TRUE(test) << "the first group was made, the second not: the first was not removed";
        test_shares = cpu_shares_of(*test);
    }
    if (test_shares.empty()) GTEST_SKIP() << "no cpu controller here";
    EXPECT_EQ(build_shares, "128");
    EXPECT_EQ(test_shares, "1024");
}

}  // namespace
}  // namespace sockgrade::sandbox
