// tcp-server and tcp-client, each driven by a socket of the test's own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.hpp"
#include "loopback.hpp"

namespace {

using namespace reftest;
using testing::HasSubstr;
using testing::Optional;

struct TcpServer : testing::Test {
  std::uint16_t port = free_port();
  ChildProcess server{program_path("tcp-server"), {std::to_string(port)}};

  void SetUp() override { ASSERT_TRUE(wait_tcp_listening(port, server)) << server.stderr_text(); }

  // Sends text as one client and checks the two lines and the close.
  void talk(const std::string& text, const std::string& printed) {
    TcpPeer client = TcpPeer::connect(port);
    ASSERT_TRUE(client.send(text));
    const std::string who = client.local_name();
    EXPECT_THAT(server.read_stdout_line(), Optional("Connected by " + who));
    EXPECT_THAT(server.read_stdout_line(), Optional(who + " " + printed));
    std::string rest;
    EXPECT_EQ(client.read_to_end(rest), StreamEnd::closed) << "the server must close the connection";
    EXPECT_EQ(rest, "");
  }
};

TEST_F(TcpServer, PrintsClientAddressAndMessageThenCloses) { talk("ola ação 42\n", "ola ação 42"); }

TEST_F(TcpServer, MessageWithoutNewline) { talk("sem fim de linha", "sem fim de linha"); }

TEST_F(TcpServer, ServesTheNextClientToo) {
  talk("first\n", "first");
  talk("second\r\n", "second");
  talk("third\n", "third");
  EXPECT_TRUE(server.running());
}

TEST(TcpServerPort, FromEnvironmentWhenNoArgument) {
  const std::uint16_t port = free_port();
  ChildProcess server(program_path("tcp-server"), {}, {{"PORT", std::to_string(port)}});
  ASSERT_TRUE(wait_tcp_listening(port, server)) << server.stderr_text();
}

TEST(TcpServerPort, InUseIsOneClearLineAndStatus1) {
  TcpListener taken;  // on 127.0.0.1; the server wants every interface, which clashes
  ChildProcess server(program_path("tcp-server"), {std::to_string(taken.port())});
  EXPECT_THAT(server.wait_exit(), Optional(1));
  EXPECT_EQ(server.stderr_text(), "tcp-server: port " + std::to_string(taken.port()) + " is in use\n");
}

TEST(TcpServerPort, BadArgumentIsAnError) {
  ChildProcess server(program_path("tcp-server"), {"cinco mil"});
  EXPECT_THAT(server.wait_exit(), Optional(1));
  EXPECT_EQ(server.stderr_text(),
            "tcp-server: invalid port 'cinco mil' in argument (expected a number from 1 to 65535)\n");
}

TEST(TcpClient, SendsOneLineClosesAndExits0) {
  TcpListener listener;
  ChildProcess client(program_path("tcp-client"), {std::to_string(listener.port())});
  ASSERT_TRUE(client.write_stdin("ola, servidor! ação\nnot this one\n"));
  auto connection = listener.accept();
  ASSERT_TRUE(connection.has_value()) << client.stderr_text();
  std::string received;
  EXPECT_EQ(connection->read_to_end(received), StreamEnd::closed);
  EXPECT_EQ(received, "ola, servidor! ação\n");
  EXPECT_THAT(client.wait_exit(), Optional(0));
}

TEST(TcpClient, LastLineWithoutNewline) {
  TcpListener listener;
  ChildProcess client(program_path("tcp-client"), {std::to_string(listener.port())});
  ASSERT_TRUE(client.write_stdin("no newline"));
  client.close_stdin();
  auto connection = listener.accept();
  ASSERT_TRUE(connection.has_value()) << client.stderr_text();
  std::string received;
  EXPECT_EQ(connection->read_to_end(received), StreamEnd::closed);
  EXPECT_EQ(received, "no newline\n");
  EXPECT_THAT(client.wait_exit(), Optional(0));
}

TEST(TcpClient, PortFromEnvironment) {
  TcpListener listener;
  ChildProcess client(program_path("tcp-client"), {}, {{"PORT", std::to_string(listener.port())}});
  ASSERT_TRUE(client.write_stdin("via env\n"));
  auto connection = listener.accept();
  ASSERT_TRUE(connection.has_value()) << client.stderr_text();
  EXPECT_THAT(connection->read_line(), Optional(std::string("via env")));
  EXPECT_THAT(client.wait_exit(), Optional(0));
}

TEST(TcpClient, RefusedConnectionIsOneClearLineAndStatus1) {
  const std::uint16_t port = free_port();  // nothing listens there
  ChildProcess client(program_path("tcp-client"), {std::to_string(port)});
  ASSERT_TRUE(client.write_stdin("hello\n"));
  EXPECT_THAT(client.wait_exit(), Optional(1));
  EXPECT_EQ(client.stderr_text(),
            "tcp-client: cannot connect to 127.0.0.1:" + std::to_string(port) +
                ": Connection refused\n");
}

TEST(TcpClient, EmptyInputIsAnError) {
  ChildProcess client(program_path("tcp-client"), {std::to_string(free_port())});
  client.close_stdin();
  EXPECT_THAT(client.wait_exit(), Optional(1));
  EXPECT_THAT(client.stderr_text(), HasSubstr("tcp-client: no line"));
}

}  // namespace
