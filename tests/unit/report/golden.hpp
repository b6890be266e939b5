// Golden files: tests/golden/report/<name>, compared verbatim.
// SOCKGRADE_UPDATE_GOLDEN=1 rewrites them instead (then read the diff by eye).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace sockgrade::report::testing {

inline std::filesystem::path golden_path(const std::string& name) {
    return std::filesystem::path(SOCKGRADE_TESTS_DIR) / "golden" / "report" / name;
}

inline bool updating_goldens() {
    const char* value = std::getenv("SOCKGRADE_UPDATE_GOLDEN");
    return value != nullptr && std::string(value) == "1";
}

// The first line where two texts differ, to make a failure readable.
inline std::string first_difference(const std::string& expected, const std::string& actual) {
    std::istringstream e(expected), a(actual);
    std::string el, al;
    for (int line = 1;; ++line) {
        const bool more_e = static_cast<bool>(std::getline(e, el));
        const bool more_a = static_cast<bool>(std::getline(a, al));
        if (!more_e && !more_a) return "texts differ only in the final newline";
        if (!more_e || !more_a || el != al)
            return "line " + std::to_string(line) + "\n  golden: " + (more_e ? el : "<end>") +
                   "\n  actual: " + (more_a ? al : "<end>");
    }
}

inline void expect_golden(const std::string& name, const std::string& actual) {
    const auto path = golden_path(name);
    if (updating_goldens()) {
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::ifstream file(path, std::ios::binary);
    ASSERT_TRUE(file) << "missing golden " << path << "; create it with SOCKGRADE_UPDATE_GOLDEN=1";
    const std::string expected((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(expected == actual) << name << " differs from its golden, at " << first_difference(expected, actual)
                                    << "\n(SOCKGRADE_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace sockgrade::report::testing
