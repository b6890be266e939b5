// Golden files for `sockgrade validate`: every tests/golden/validate/<case>.yaml
// is loaded and its formatted errors must equal <case>.expected, verbatim.
// Errors name the file as "golden/validate/<case>.yaml" (relative to tests/).
//
// To rewrite the .expected files after a deliberate change of messages:
//     SOCKGRADE_UPDATE_GOLDEN=1 ./build/tests/unit_tests --gtest_filter='Golden*'
// then read every changed file (git diff) before committing it.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "scenario/loader.hpp"

namespace sockgrade::scenario {
namespace {

namespace fs = std::filesystem;

const fs::path tests_dir = SOCKGRADE_TESTS_DIR;
const fs::path golden_dir = tests_dir / "golden" / "validate";

std::vector<std::string> golden_cases() {
    std::vector<std::string> cases;
    std::error_code code;
    for (const auto& entry : fs::directory_iterator(golden_dir, code))
        if (entry.path().extension() == ".yaml") cases.push_back(entry.path().stem().string());
    std::sort(cases.begin(), cases.end());
    return cases;
}

std::string read_file(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

class GoldenValidate : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenValidate, ErrorsMatchTheExpectedFile) {
    const fs::path yaml = golden_dir / (GetParam() + ".yaml");
    const fs::path expected_path = golden_dir / (GetParam() + ".expected");
    auto result = load_file(yaml.string());
    // Name the file as a teacher would pass it from tests/, so the golden
    // text does not depend on where the checkout is.
    for (auto& error : result.errors) error.file = fs::relative(yaml, tests_dir).string();
    const std::string actual = format_errors(result.errors);

    const char* update = std::getenv("SOCKGRADE_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::ofstream(expected_path, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << expected_path;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << "; got:\n" << actual;
    EXPECT_EQ(actual, read_file(expected_path));
    EXPECT_EQ(result.ok(), actual.empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenValidate, ::testing::ValuesIn(golden_cases()),
                         [](const auto& info) {
                             std::string name = info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(GoldenValidateFolder, HoldsEnoughCases) { EXPECT_GE(golden_cases().size(), 15u); }

}  // namespace
}  // namespace sockgrade::scenario
