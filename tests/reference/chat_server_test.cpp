// chat-server, with test sockets as its clients.
//
// Membership is asynchronous (the server accepts and registers a client after
// connect() has already returned), so each client is waited for on the
// server's stderr log ("<addr> joined") before anyone talks.
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include "child_process.hpp"
#include "loopback.hpp"

namespace {

using namespace reftest;
using testing::ElementsAreArray;
using testing::Optional;

struct ChatServer : testing::Test {
  std::uint16_t port = free_port();
  ChildProcess server{program_path("chat-server"), {std::to_string(port)}};

  void SetUp() override { ASSERT_TRUE(wait_tcp_listening(port, server)) << server.stderr_text(); }

  TcpPeer join(int receive_buffer = 0) {
    TcpPeer client = TcpPeer::connect(port, receive_buffer);
    EXPECT_TRUE(server.wait_stderr_contains(client.local_name() + " joined")) << server.stderr_text();
    return client;
  }

  // Each of `from`'s lines as the others receive it.
  static std::vector<std::string> as_forwarded(const TcpPeer& from, const std::vector<std::string>& lines) {
    std::vector<std::string> forwarded;
    for (const auto& line : lines) {
      forwarded.push_back(from.local_name() + ": " + line);
    }
    return forwarded;
  }
};

std::vector<std::string> numbered(const std::string& stem, int count) {
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) {
    lines.push_back(stem + " " + std::to_string(i));
  }
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) {
    text += line + "\n";
  }
  return text;
}

TEST_F(ChatServer, ForwardsEveryLineToEveryOtherClientInOrder) {
  TcpPeer a = join(), b = join(), c = join(), d = join();
  const auto lines = numbered("ola ação", 200);
  ASSERT_TRUE(a.send(joined(lines)));  // one burst
  for (TcpPeer* other : {&b, &c, &d}) {
    EXPECT_THAT(other->read_lines(lines.size()), ElementsAreArray(as_forwarded(a, lines)));
  }
  EXPECT_TRUE(a.silent_for(Millis(100))) << "nothing goes back to the sender";
}

TEST_F(ChatServer, EveryClientCanTalkAndTheFirstLineCounts) {
  TcpPeer a = join(), b = join(), c = join();
  for (TcpPeer* speaker : {&c, &a, &b}) {
    ASSERT_TRUE(speaker->send("eu sou " + speaker->local_name() + "\n"));
    for (TcpPeer* listener : {&a, &b, &c}) {
      if (listener != speaker) {
        EXPECT_THAT(listener->read_line(),
                    Optional(speaker->local_name() + ": eu sou " + speaker->local_name()));
      }
    }
  }
}

TEST_F(ChatServer, FramesLinesHoweverTcpSplitsThem) {
  TcpPeer a = join(), b = join();
  for (std::string_view piece : {"hel", "lo\nwor", "ld\r\n", "\xC3", "\xA7\n"}) {
    ASSERT_TRUE(a.send(piece));
  }
  EXPECT_THAT(b.read_lines(3), ElementsAreArray(as_forwarded(a, {"hello", "world", "ç"})));
}

TEST_F(ChatServer, LongLinesArriveIntact) {
  TcpPeer a = join(), b = join();
  std::string long_line;
  while (long_line.size() < 100 * 1024) {
    long_line += "ação-" + std::to_string(long_line.size()) + " ";
  }
  ASSERT_TRUE(a.send(long_line + "\n" + long_line + "\n"));
  EXPECT_THAT(b.read_lines(2), ElementsAreArray(as_forwarded(a, {long_line, long_line})));
}

TEST_F(ChatServer, ClientsJoiningLaterTalkAndListen) {
  TcpPeer a = join(), b = join();
  ASSERT_TRUE(a.send("before\n"));
  EXPECT_THAT(b.read_line(), Optional(a.local_name() + ": before"));
  TcpPeer late = join();
  ASSERT_TRUE(late.send("cheguei\n"));
  EXPECT_THAT(a.read_line(), Optional(late.local_name() + ": cheguei"));
  EXPECT_THAT(b.read_line(), Optional(late.local_name() + ": cheguei"));
  ASSERT_TRUE(b.send("bem-vindo\n"));
  EXPECT_THAT(late.read_line(), Optional(b.local_name() + ": bem-vindo"));
}

TEST_F(ChatServer, IdleClientHoldsUpNobody) {
  TcpPeer idle = join(), a = join(), b = join();  // idle first: it is the one a naive server waits on
  ASSERT_TRUE(a.send("one\ntwo\n"));
  EXPECT_THAT(b.read_lines(2), ElementsAreArray(as_forwarded(a, {"one", "two"})));
  ASSERT_TRUE(b.send("three\n"));
  EXPECT_THAT(a.read_line(), Optional(b.local_name() + ": three"));
  EXPECT_THAT(idle.read_lines(3), ElementsAreArray({a.local_name() + ": one", a.local_name() + ": two",
                                                   b.local_name() + ": three"}));
}

void check_leave(ChatServer& test, bool abrupt) {
  TcpPeer a = test.join(), b = test.join(), c = test.join(), d = test.join();
  ASSERT_TRUE(a.send("antes\n"));
  for (TcpPeer* other : {&b, &c, &d}) {
    ASSERT_THAT(other->read_line(), Optional(a.local_name() + ": antes"));
  }
  const std::string c_name = c.local_name();
  std::vector<std::string> from_c;
  if (abrupt) {
    ASSERT_TRUE(d.send("c never reads this\n"));  // left unread at c when it crashes
    c.close_with_reset();
  } else {
    ASSERT_TRUE(c.send("tchau\n"));
    from_c.push_back(c_name + ": tchau");
    c.close_with_fin();
  }
  EXPECT_TRUE(test.server.wait_stderr_contains(c_name + " left")) << test.server.stderr_text();
  if (abrupt) {
    EXPECT_THAT(a.read_line(), Optional(d.local_name() + ": c never reads this"));
    EXPECT_THAT(b.read_line(), Optional(d.local_name() + ": c never reads this"));
  }

  ASSERT_TRUE(b.send("depois\n"));
  auto expected = from_c;
  expected.push_back(b.local_name() + ": depois");
  EXPECT_THAT(a.read_lines(expected.size()), ElementsAreArray(expected));
  EXPECT_THAT(d.read_lines(expected.size()), ElementsAreArray(expected));
  ASSERT_TRUE(d.send("ainda aqui\n"));
  expected = from_c;
  expected.push_back(d.local_name() + ": ainda aqui");
  EXPECT_THAT(a.read_line(), Optional(d.local_name() + ": ainda aqui"));
  EXPECT_THAT(b.read_lines(expected.size()), ElementsAreArray(expected));
  EXPECT_TRUE(test.server.running());
}

TEST_F(ChatServer, SurvivesAbruptLeave) { check_leave(*this, true); }

TEST_F(ChatServer, SurvivesCleanLeave) { check_leave(*this, false); }

TEST_F(ChatServer, LastLineWithoutNewlineIsForwardedOnClose) {
  TcpPeer a = join(), b = join();
  ASSERT_TRUE(a.send("bye"));
  const std::string a_name = a.local_name();
  a.close_with_fin();
  EXPECT_THAT(b.read_line(), Optional(a_name + ": bye"));
}

TEST_F(ChatServer, IdleAfterEveryoneLeaves) {
  {
    TcpPeer a = join(), b = join();
    ASSERT_TRUE(a.send("oi\n"));
    EXPECT_THAT(b.read_line(), Optional(a.local_name() + ": oi"));
    const std::string a_name = a.local_name(), b_name = b.local_name();
    a.close_with_fin();
    b.close_with_reset();
    ASSERT_TRUE(server.wait_stderr_contains(a_name + " left"));
    ASSERT_TRUE(server.wait_stderr_contains(b_name + " left"));
  }
  TcpPeer watcher = join();
  const Millis before = server.cpu_time();
  EXPECT_TRUE(watcher.silent_for(Millis(500))) << "no flood of empty lines";
  EXPECT_LE((server.cpu_time() - before).count(), 100) << "a thread is spinning";
}

TEST_F(ChatServer, ClientThatStopsReadingIsDroppedAndHoldsUpNobody) {
  TcpPeer stalled = join(4096);  // never reads; a small window fills fast
  TcpPeer a = join(), b = join();
  const std::string stalled_name = stalled.local_name();

  // a talks at the pace b reads (a firehose could overflow b's outbox too, by
  // design: only the slow are dropped), until the stalled client's socket
  // buffers and 1 MiB outbox overflow: ~5 MiB on Linux; 16 MiB to be sure.
  const std::string text(4000, 'z');
  int sent = 0;
  for (int round = 0; round < 64 && !server.wait_stderr_contains(stalled_name + " dropped", Millis(0)); ++round) {
    std::vector<std::string> lines;
    for (int i = 0; i < 64; ++i, ++sent) {
      lines.push_back(std::to_string(sent) + text);
    }
    ASSERT_TRUE(a.send(joined(lines)));
    ASSERT_THAT(b.read_lines(lines.size()), ElementsAreArray(as_forwarded(a, lines))) << "round " << round;
  }
  EXPECT_TRUE(server.wait_stderr_contains(stalled_name + " dropped")) << server.stderr_text();

  std::string ignored;
  EXPECT_NE(stalled.read_to_end(ignored, Millis(20000)), StreamEnd::timeout)
      << "the server must close the stalled client's connection";
  ASSERT_TRUE(b.send("still here\n"));
  EXPECT_THAT(a.read_line(), Optional(b.local_name() + ": still here"));
  EXPECT_TRUE(server.running());
}

TEST_F(ChatServer, RefusesEndlessLine) {
  TcpPeer a = join(), b = join();
  const std::string a_name = a.local_name();
  std::string received;
  ASSERT_TRUE(a.send(std::string(300 * 1024, 'x'), Millis(10000)));
  EXPECT_TRUE(server.wait_stderr_contains(a_name + " dropped")) << server.stderr_text();
  EXPECT_NE(a.read_to_end(received), StreamEnd::timeout);
  ASSERT_TRUE(b.send("ok\n"));
  EXPECT_TRUE(server.running());
}

void check_stops_cleanly(ChatServer& test, int signal) {
  TcpPeer a = test.join(), b = test.join(), stalled = test.join(4096);
  ASSERT_TRUE(a.send("ola\n"));
  ASSERT_THAT(b.read_line(), Optional(a.local_name() + ": ola"));
  test.server.send_signal(signal);
  EXPECT_THAT(test.server.wait_exit(), Optional(0)) << test.server.stderr_text();
  std::string rest;
  EXPECT_NE(a.read_to_end(rest), StreamEnd::timeout);
  EXPECT_NE(b.read_to_end(rest), StreamEnd::timeout);
}

TEST_F(ChatServer, SigtermStopsItCleanly) { check_stops_cleanly(*this, SIGTERM); }

TEST_F(ChatServer, SigintStopsItCleanly) { check_stops_cleanly(*this, SIGINT); }

TEST(ChatServerPort, InUseIsOneClearLineAndStatus1) {
  TcpListener taken;
  ChildProcess server(program_path("chat-server"), {std::to_string(taken.port())});
  EXPECT_THAT(server.wait_exit(), Optional(1));
  EXPECT_EQ(server.stderr_text(), "chat-server: port " + std::to_string(taken.port()) + " is in use\n");
}

}  // namespace
