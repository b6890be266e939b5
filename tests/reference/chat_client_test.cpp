// chat-client, with a test listener playing the chat server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.hpp"
#include "loopback.hpp"

namespace {

using namespace reftest;
using testing::HasSubstr;
using testing::Optional;

struct ChatClient : testing::Test {
  TcpListener listener;
  ChildProcess client{program_path("chat-client"), {std::to_string(listener.port())}};
  std::optional<TcpPeer> server;

  void SetUp() override {
    server = listener.accept();
    ASSERT_TRUE(server.has_value()) << client.stderr_text();
  }
};

TEST_F(ChatClient, PrintsServerLinesWhileStdinIsIdle) {
  ASSERT_TRUE(server->send("127.0.0.1:40000: ola ação\n"));
  EXPECT_THAT(client.read_stdout_line(), Optional(std::string("127.0.0.1:40000: ola ação")));
  ASSERT_TRUE(server->send("second\nthird\n"));
  EXPECT_THAT(client.read_stdout_line(), Optional(std::string("second")));
  EXPECT_THAT(client.read_stdout_line(), Optional(std::string("third")));
  EXPECT_TRUE(client.running());
}

TEST_F(ChatClient, SendsEachTypedLineEndedByNewline) {
  ASSERT_TRUE(client.write_stdin("um\ndois ação\r\n"));
  EXPECT_THAT(server->read_lines(2), testing::ElementsAre("um", "dois ação"));
  ASSERT_TRUE(client.write_stdin("tr"));
  ASSERT_TRUE(client.write_stdin("ês\n"));
  EXPECT_THAT(server->read_line(), Optional(std::string("três")));
}

TEST_F(ChatClient, TypingAndReceivingInterleave) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(server->send("in " + std::to_string(i) + "\n"));
    EXPECT_THAT(client.read_stdout_line(), Optional("in " + std::to_string(i)));
    ASSERT_TRUE(client.write_stdin("out " + std::to_string(i) + "\n"));
    EXPECT_THAT(server->read_line(), Optional("out " + std::to_string(i)));
  }
}

TEST_F(ChatClient, ExitsWith0WhenStdinEndsAfterSendingTheLastLine) {
  ASSERT_TRUE(client.write_stdin("last one\nno newline"));
  client.close_stdin();
  // It must not wait for the server to close first: the server stays open here.
  EXPECT_THAT(client.wait_exit(), Optional(0)) << client.stderr_text();
  std::string received;
  EXPECT_EQ(server->read_to_end(received), StreamEnd::closed);
  EXPECT_EQ(received, "last one\nno newline\n");
}

TEST_F(ChatClient, ExitsWith0WhenTheServerCloses) {
  ASSERT_TRUE(server->send("bye\n"));
  server->close_with_fin();
  EXPECT_THAT(client.wait_exit(), Optional(0)) << client.stderr_text();
  EXPECT_THAT(client.read_stdout_line(), Optional(std::string("bye")));
}

TEST_F(ChatClient, ExitsWith0WhenTheServerResets) {
  server->close_with_reset();
  EXPECT_THAT(client.wait_exit(), Optional(0)) << client.stderr_text();
}

TEST(ChatClientErrors, RefusedConnectionIsOneClearLineAndStatus1) {
  const std::uint16_t port = free_port();
  ChildProcess client(program_path("chat-client"), {std::to_string(port)});
  EXPECT_THAT(client.wait_exit(), Optional(1));
  EXPECT_EQ(client.stderr_text(),
            "chat-client: cannot connect to 127.0.0.1:" + std::to_string(port) +
                ": Connection refused\n");
}

TEST(ChatClientErrors, PortFromEnvironment) {
  TcpListener listener;
  ChildProcess client(program_path("chat-client"), {}, {{"PORT", std::to_string(listener.port())}});
  EXPECT_TRUE(listener.accept().has_value()) << client.stderr_text();
}

}  // namespace
