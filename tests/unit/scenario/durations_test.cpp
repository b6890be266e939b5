#include "util/durations.hpp"

#include <gtest/gtest.h>

namespace sockgrade::util {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, ReadsEveryUnit) {
    EXPECT_EQ(parse_duration("500ms").value, milliseconds(500));
    EXPECT_EQ(parse_duration("2s").value, milliseconds(2000));
    EXPECT_EQ(parse_duration("1.5s").value, milliseconds(1500));
    EXPECT_EQ(parse_duration("1m").value, milliseconds(60'000));
    EXPECT_EQ(parse_duration("0.1s").value, milliseconds(100));
    EXPECT_EQ(parse_duration("0").value, milliseconds(0));
}

TEST(ParseDuration, ExplainsWhatIsWrong) {
    EXPECT_EQ(parse_duration("2 s").error, "bad duration '2 s': write a number and a unit with no space, like 2s or 500ms");
    EXPECT_EQ(parse_duration("2x").error, "bad duration '2x': unknown unit 'x'; use ms, s or m, like 2s or 500ms");
    EXPECT_EQ(parse_duration("2sec").error,
              "bad duration '2sec': unknown unit 'sec' (did you mean 's'?); use ms, s or m, like 2s or 500ms");
    EXPECT_EQ(parse_duration("2").error, "bad duration '2': add a unit (ms, s or m), like 2s or 500ms");
    EXPECT_EQ(parse_duration("-1s").error, "bad duration '-1s': a duration cannot be negative");
    EXPECT_EQ(parse_duration("s").error, "bad duration 's': write a number and a unit, like 2s or 500ms");
    EXPECT_EQ(parse_duration("").error, "bad duration '': write a number and a unit, like 2s or 500ms");
    EXPECT_EQ(parse_duration("1.s").error, "bad duration '1.s': write a number and a unit, like 2s or 500ms");
    EXPECT_EQ(parse_duration("0.5ms").error, "bad duration '0.5ms': write whole milliseconds, like 1.5s or 1500ms");
    EXPECT_FALSE(parse_duration("9999999999999999s").ok());
}

TEST(ParseSize, ReadsBytesAndUnits) {
    EXPECT_EQ(parse_size("4096").value, 4096);
    EXPECT_EQ(parse_size("64KiB").value, 64 * 1024);
    EXPECT_EQ(parse_size("1MiB").value, 1 << 20);
    EXPECT_EQ(parse_size("1GiB").value, std::int64_t(1) << 30);
    EXPECT_EQ(parse_size("1.5MiB").value, 3 << 19);
    EXPECT_EQ(parse_size("10KB").value, 10'000);
    EXPECT_EQ(parse_size("2MB").value, 2'000'000);
    EXPECT_EQ(parse_size("1GB").value, 1'000'000'000);
    EXPECT_EQ(parse_size("12B").value, 12);
    EXPECT_EQ(parse_size("0").value, 0);
}

TEST(ParseSize, ExplainsWhatIsWrong) {
    EXPECT_EQ(parse_size("64 KiB").error, "bad size '64 KiB': write a number and a unit with no space, like 4096, 64KiB or 1MiB");
    EXPECT_EQ(parse_size("64kib").error,
              "bad size '64kib': unknown unit 'kib' (did you mean 'KiB'?); use B, KiB, MiB, GiB (1024-based) or KB, MB, "
              "GB, like 4096, 64KiB or 1MiB");
    EXPECT_EQ(parse_size("1.5").error, "bad size '1.5': not a whole number of bytes (or too large), like 4096, 64KiB or 1MiB");
    EXPECT_EQ(parse_size("-1").error, "bad size '-1': a size cannot be negative");
    EXPECT_EQ(parse_size("lots").error,
              "bad size 'lots': write a number of bytes, or a number and a unit, like 4096, 64KiB or 1MiB");
    EXPECT_FALSE(parse_size("999999999999999GiB").ok());
}

TEST(FormatDuration, WritesTheShortestForm) {
    EXPECT_EQ(format_duration(milliseconds(500)), "500ms");
    EXPECT_EQ(format_duration(milliseconds(2000)), "2s");
    EXPECT_EQ(format_duration(milliseconds(1500)), "1.5s");
    EXPECT_EQ(format_duration(milliseconds(120'000)), "2m");
    EXPECT_EQ(format_duration(milliseconds(1234)), "1234ms");
    EXPECT_EQ(format_duration(milliseconds(0)), "0ms");
}

TEST(FormatSize, UsesTheLargestUnitThatDivides) {
    EXPECT_EQ(format_size(1 << 20), "1MiB");
    EXPECT_EQ(format_size(64 * 1024), "64KiB");
    EXPECT_EQ(format_size(std::int64_t(1) << 30), "1GiB");
    EXPECT_EQ(format_size(1000), "1000");
    EXPECT_EQ(format_size(0), "0");
}

}  // namespace
}  // namespace sockgrade::util
