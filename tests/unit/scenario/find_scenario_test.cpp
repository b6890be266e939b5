#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "scenario/loader.hpp"

namespace sockgrade::scenario {
namespace {

namespace fs = std::filesystem;

class FindScenario : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("sockgrade-find-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(root_ / "first");
        fs::create_directories(root_ / "second");
        touch(root_ / "second" / "chat-server.yaml");
        touch(root_ / "first" / "udp-client.yml");
        touch(root_ / "first" / "tcp-server.yaml");
        touch(root_ / "second" / "tcp-server.yaml");
    }
    void TearDown() override { fs::remove_all(root_); }
    static void touch(const fs::path& path) { std::ofstream(path) << "scenario: x\n"; }
    std::vector<std::string> dirs() const { return {(root_ / "first").string(), (root_ / "second").string()}; }

    fs::path root_;
};

TEST_F(FindScenario, AnExistingPathIsItself) {
    const std::string path = (root_ / "second" / "chat-server.yaml").string();
    EXPECT_EQ(find_scenario(path, {}), path);
}

TEST_F(FindScenario, AShortNameIsSearchedInOrder) {
    EXPECT_EQ(find_scenario("chat-server", dirs()), (root_ / "second" / "chat-server.yaml").string());
    EXPECT_EQ(find_scenario("tcp-server", dirs()), (root_ / "first" / "tcp-server.yaml").string());
    EXPECT_EQ(find_scenario("udp-client", dirs()), (root_ / "first" / "udp-client.yml").string());
    EXPECT_EQ(find_scenario("chat-server.yaml", dirs()), (root_ / "second" / "chat-server.yaml").string());
}

TEST_F(FindScenario, NothingFound) {
    EXPECT_EQ(find_scenario("nope", dirs()), std::nullopt);
    EXPECT_EQ(find_scenario("", dirs()), std::nullopt);
    EXPECT_EQ(find_scenario("first/tcp-server", {root_.string()}), std::nullopt);  // a path is not searched for
    EXPECT_EQ(find_scenario("first", {root_.string()}), std::nullopt);             // a folder is not a scenario
}

}  // namespace
}  // namespace sockgrade::scenario
