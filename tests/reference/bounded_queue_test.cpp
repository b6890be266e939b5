#include "common/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using lab::BoundedQueue;
using lab::PushResult;

TEST(BoundedQueue, FirstInFirstOut) {
  BoundedQueue<int> queue(10);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(queue.try_push(i), PushResult::ok);
  }
  EXPECT_EQ(queue.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(queue.pop(), i);
  }
}

TEST(BoundedQueue, FullByCount) {
  BoundedQueue<int> queue(2);
  EXPECT_EQ(queue.try_push(1), PushResult::ok);
  EXPECT_EQ(queue.try_push(2), PushResult::ok);
  EXPECT_EQ(queue.try_push(3), PushResult::full);
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_EQ(queue.try_push(3), PushResult::ok);
}

TEST(BoundedQueue, FullByWeight) {
  BoundedQueue<std::string> queue(10, [](const std::string& s) { return s.size(); });
  EXPECT_EQ(queue.try_push("123456"), PushResult::ok);
  EXPECT_EQ(queue.try_push("12345"), PushResult::full);
  EXPECT_EQ(queue.try_push("1234"), PushResult::ok);
  EXPECT_EQ(queue.weight(), 10u);
  EXPECT_EQ(queue.pop(), "123456");
  EXPECT_EQ(queue.weight(), 4u);
  EXPECT_EQ(queue.try_push("12345678901"), PushResult::full) << "heavier than the capacity";
}

TEST(BoundedQueue, PopForTimesOutWhenEmpty) {
  BoundedQueue<int> queue(1);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(queue.pop_for(20ms), std::nullopt);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

TEST(BoundedQueue, CloseHandsOutWhatIsLeftThenEnds) {
  BoundedQueue<int> queue(10);
  ASSERT_EQ(queue.try_push(1), PushResult::ok);
  queue.close();
  EXPECT_TRUE(queue.closed());
  EXPECT_EQ(queue.try_push(2), PushResult::closed);
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_EQ(queue.pop(), std::nullopt);
}

TEST(BoundedQueue, CloseWakesABlockedConsumer) {
  BoundedQueue<int> queue(1);
  auto consumer = std::async(std::launch::async, [&] { return queue.pop(); });
  EXPECT_EQ(consumer.wait_for(20ms), std::future_status::timeout);
  queue.close();
  ASSERT_EQ(consumer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(consumer.get(), std::nullopt);
}

TEST(BoundedQueue, ProducerAndConsumerThreadsKeepOrder) {
  constexpr int count = 100000;
  BoundedQueue<int> queue(64);
  std::jthread producer([&] {
    for (int i = 0; i < count;) {
      if (queue.try_push(i) == PushResult::ok) {
        ++i;
      } else {
        std::this_thread::yield();  // full: the consumer is behind
      }
    }
    queue.close();
  });
  int expected = 0;
  while (auto item = queue.pop_for(5s)) {
    ASSERT_EQ(*item, expected);
    ++expected;
  }
  EXPECT_EQ(expected, count);
}

}  // namespace
