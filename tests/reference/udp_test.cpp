// udp-server and udp-client, each driven by a socket of the test's own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.hpp"
#include "loopback.hpp"

namespace {

using namespace reftest;
using testing::Optional;

TEST(UdpServer, PrintsSenderAndTextOfEveryDatagram) {
  const std::uint16_t port = free_port();
  ChildProcess server(program_path("udp-server"), {std::to_string(port)});
  ASSERT_TRUE(wait_udp_bound(port, server)) << server.stderr_text();

  UdpPeer first, second;
  const std::string prefix_first = "127.0.0.1:" + std::to_string(first.port()) + " ";
  const std::string prefix_second = "127.0.0.1:" + std::to_string(second.port()) + " ";
  ASSERT_TRUE(first.send_to(port, "ola ação"));
  EXPECT_THAT(server.read_stdout_line(), Optional(prefix_first + "ola ação"));
  ASSERT_TRUE(second.send_to(port, "with newline\n"));
  EXPECT_THAT(server.read_stdout_line(), Optional(prefix_second + "with newline"));
  ASSERT_TRUE(first.send_to(port, std::string(1024, 'x')));
  EXPECT_THAT(server.read_stdout_line(), Optional(prefix_first + std::string(1024, 'x')));
  EXPECT_TRUE(server.running());
}

TEST(UdpServer, PortFromEnvironment) {
  const std::uint16_t port = free_port();
  ChildProcess server(program_path("udp-server"), {}, {{"PORT", std::to_string(port)}});
  ASSERT_TRUE(wait_udp_bound(port, server)) << server.stderr_text();
}

TEST(UdpServer, PortInUseIsOneClearLineAndStatus1) {
  UdpPeer taken;
  ChildProcess server(program_path("udp-server"), {std::to_string(taken.port())});
  EXPECT_THAT(server.wait_exit(), Optional(1));
  EXPECT_EQ(server.stderr_text(), "udp-server: port " + std::to_string(taken.port()) + " is in use\n");
}

TEST(UdpClient, SendsTheLineAsOneDatagramAndExits0) {
  UdpPeer server;
  ChildProcess client(program_path("udp-client"), {std::to_string(server.port())});
  ASSERT_TRUE(client.write_stdin("ola mundo ação\n"));
  auto datagram = server.receive();
  ASSERT_TRUE(datagram.has_value()) << client.stderr_text();
  EXPECT_EQ(datagram->first, "ola mundo ação");
  EXPECT_THAT(client.wait_exit(), Optional(0));
  EXPECT_EQ(server.receive(Millis(100)), std::nullopt) << "exactly one datagram";
}

TEST(UdpClient, PortFromEnvironment) {
  UdpPeer server;
  ChildProcess client(program_path("udp-client"), {}, {{"PORT", std::to_string(server.port())}});
  ASSERT_TRUE(client.write_stdin("env\n"));
  auto datagram = server.receive();
  ASSERT_TRUE(datagram.has_value()) << client.stderr_text();
  EXPECT_EQ(datagram->first, "env");
  EXPECT_THAT(client.wait_exit(), Optional(0));
}

}  // namespace
