// util/deadline: before() gives an asynchronous operation a deadline.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "run_coroutine.hpp"
#include "util/deadline.hpp"

namespace sockgrade::util {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test_support::ms_since;
using test_support::run_coroutine;

// An operation that takes `how_long` and then yields `value`.
asio::awaitable<int> slow_value(Clock::duration how_long, int value, bool* finished = nullptr) {
    asio::steady_timer timer(co_await asio::this_coro::executor, how_long);
    co_await timer.async_wait(asio::use_awaitable);
    if (finished) *finished = true;
    co_return value;
}

TEST(DeadlineBefore, OperationFirstGivesItsValue) {
    asio::io_context io;
    auto start = Clock::now();
    auto result = run_coroutine(io, before(slow_value(20ms, 42), Clock::now() + 5s));
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, 42);
    EXPECT_LT(ms_since(start), 2000) << "before() waited for the deadline after the operation finished";
}

TEST(DeadlineBefore, DeadlineFirstGivesNulloptAndCancelsTheOperation) {
    asio::io_context io;
    bool finished = false;
    auto start = Clock::now();
    auto result = run_coroutine(io, before(slow_value(10s, 42, &finished), Clock::now() + 50ms));
    EXPECT_FALSE(result.has_value());
    EXPECT_FALSE(finished);
    EXPECT_GE(ms_since(start), 45);
    EXPECT_LT(ms_since(start), 2000) << "the operation was not cancelled at the deadline";
}

TEST(DeadlineBefore, DeadlineAlreadyPast) {
    asio::io_context io;
    auto start = Clock::now();
    auto result = run_coroutine(io, before(slow_value(10s, 1), Clock::now() - 1s));
    EXPECT_FALSE(result.has_value());
    EXPECT_LT(ms_since(start), 2000);
}

// operator|| waits for one *success*: before() must not let an operation that
// throws at once sleep until the deadline and report "timed out" instead of
// the real error.
TEST(DeadlineBefore, OperationExceptionPropagatesPromptly) {
    asio::io_context io;
    auto failing = []() -> asio::awaitable<int> {
        throw std::runtime_error("boom");
        co_return 0;
    };
    auto start = Clock::now();
    EXPECT_THROW(run_coroutine(io, before(failing(), Clock::now() + 3s)), std::runtime_error);
    EXPECT_LT(ms_since(start), 1000);
}

// The way the runner combines them: a wait on Changes under an outer deadline.
// The outer deadline must end the wait then, not at the wait's own deadline.
TEST(DeadlineBefore, CancelsAChangesWait) {
    asio::io_context io;
    Changes changes(io.get_executor());
    auto start = Clock::now();
    auto result = run_coroutine(
        io, before(changes.wait_until([] { return false; }, Clock::now() + 5s), Clock::now() + 50ms), 20s);
    EXPECT_FALSE(result.has_value());
    EXPECT_LT(ms_since(start), 2000) << "wait_until ignored the cancellation and ran to its own deadline";
}

TEST(DeadlineBefore, ChangesWaitThatSucceedsFirst) {
    asio::io_context io;
    Changes changes(io.get_executor());
    bool ready = false;
    asio::steady_timer poke(io, 20ms);
    poke.async_wait([&](boost::system::error_code) {
        ready = true;
        changes.notify();
    });
    auto result = run_coroutine(io, before(changes.wait_until([&] { return ready; }, Clock::now() + 5s),
                                           Clock::now() + 5s));
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(*result);
}

}  // namespace
}  // namespace sockgrade::util
