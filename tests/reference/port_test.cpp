#include "common/port.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

TEST(ParsePort, AcceptsDecimalPorts) {
  EXPECT_EQ(lab::parse_port("1"), 1);
  EXPECT_EQ(lab::parse_port("5000"), 5000);
  EXPECT_EQ(lab::parse_port("65535"), 65535);
}

TEST(ParsePort, RejectsWhatIsNotAPort) {
  for (const char* text : {"", "0", "65536", "-1", "+80", " 80", "80 ", "8o", "99999999999"}) {
    EXPECT_EQ(lab::parse_port(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(PortFrom, ArgumentThenEnvironmentThenDefault) {
  char name[] = "prog";
  char port_arg[] = "6001";
  char* with_arg[] = {name, port_arg, nullptr};
  char* without_arg[] = {name, nullptr};

  ::setenv("PORT", "6002", 1);
  EXPECT_EQ(lab::port_from(2, with_arg), 6001);
  EXPECT_EQ(lab::port_from(1, without_arg), 6002);
  ::setenv("PORT", "", 1);
  EXPECT_EQ(lab::port_from(1, without_arg), lab::default_port);
  ::unsetenv("PORT");
  EXPECT_EQ(lab::port_from(1, without_arg), 5000);
}

TEST(PortFrom, BadPortIsAnError) {
  char name[] = "prog";
  char bad[] = "http";
  char* argv[] = {name, bad, nullptr};
  try {
    lab::port_from(2, argv);
    FAIL() << "no error";
  } catch (const lab::Error& e) {
    EXPECT_STREQ(e.what(), "invalid port 'http' in argument (expected a number from 1 to 65535)");
  }
}

}  // namespace
