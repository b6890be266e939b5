// util/changes: waiting on a condition with a deadline, woken by notify().
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "run_coroutine.hpp"
#include "util/changes.hpp"

namespace sockgrade::util {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test_support::ms_since;
using test_support::run_coroutine;

// After `delay`, runs `action` on the io_context (a stand-in for a reader that got data).
void after(asio::io_context& io, Clock::duration delay, std::function<void()> action) {
    auto timer = std::make_shared<asio::steady_timer>(io, delay);
    timer->async_wait([timer, action = std::move(action)](boost::system::error_code) { action(); });
}

TEST(ChangesWaitUntil, NotifyWakesTheWaiterLongBeforeTheDeadline) {
    asio::io_context io;
    Changes changes(io.get_executor());
    bool arrived = false;
    after(io, 20ms, [&] {
        arrived = true;
        changes.notify();
    });
    auto start = Clock::now();
    bool result = run_coroutine(io, changes.wait_until([&] { return arrived; }, Clock::now() + 10s));
    EXPECT_TRUE(result);
    EXPECT_GE(ms_since(start), 15);
    EXPECT_LT(ms_since(start), 2000) << "notify() did not wake the waiter; it slept towards the 10 s deadline";
}

TEST(ChangesWaitUntil, FalseAtTheDeadlineWhenTheConditionNeverHolds) {
    asio::io_context io;
    Changes changes(io.get_executor());
    auto start = Clock::now();
    bool result = run_coroutine(io, changes.wait_until([] { return false; }, Clock::now() + 150ms));
    EXPECT_FALSE(result);
    EXPECT_GE(ms_since(start), 145);
    EXPECT_LT(ms_since(start), 2000);
}

TEST(ChangesWaitUntil, TrueAtOnceWhenAlreadyReady) {
    asio::io_context io;
    Changes changes(io.get_executor());
    auto start = Clock::now();
    EXPECT_TRUE(run_coroutine(io, changes.wait_until([] { return true; }, Clock::now() + 10s)));
    // Even with a deadline already past, a condition that holds is reported.
    EXPECT_TRUE(run_coroutine(io, changes.wait_until([] { return true; }, Clock::now() - 1s)));
    EXPECT_LT(ms_since(start), 1000);
}

TEST(ChangesWaitUntil, PastDeadlineReturnsFalseAtOnce) {
    asio::io_context io;
    Changes changes(io.get_executor());
    auto start = Clock::now();
    EXPECT_FALSE(run_coroutine(io, changes.wait_until([] { return false; }, Clock::now() - 1ms)));
    EXPECT_LT(ms_since(start), 500);
}

// A notify for something else wakes the waiter, which re-checks and waits on.
TEST(ChangesWaitUntil, NotifyWithoutTheConditionKeepsWaiting) {
    asio::io_context io;
    Changes changes(io.get_executor());
    int checks = 0;
    int value = 0;
    after(io, 10ms, [&] {
        value = 1;  // not what the waiter wants
        changes.notify();
    });
    after(io, 60ms, [&] {
        value = 2;
        changes.notify();
    });
    auto start = Clock::now();
    bool result = run_coroutine(io, changes.wait_until(
                                        [&] {
                                            ++checks;
                                            return value == 2;
                                        },
                                        Clock::now() + 10s));
    EXPECT_TRUE(result);
    EXPECT_EQ(value, 2);
    EXPECT_GE(checks, 3);  // first look, after the first notify, after the second
    EXPECT_GE(ms_since(start), 55);
    EXPECT_LT(ms_since(start), 2000);
}

TEST(ChangesWaitUntil, OneNotifyWakesEveryWaiter) {
    asio::io_context io;
    Changes changes(io.get_executor());
    bool arrived = false;
    int woken = 0;
    auto start = Clock::now();
    for (int i = 0; i < 3; ++i)
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                if (co_await changes.wait_until([&] { return arrived; }, Clock::now() + 10s)) ++woken;
            },
            asio::detached);
    after(io, 20ms, [&] {
        arrived = true;
        changes.notify();
    });
    io.run_for(5s);
    EXPECT_EQ(woken, 3);
    EXPECT_LT(ms_since(start), 2000);
}

TEST(ChangesWaitUntil, NotifyWithNobodyWaitingIsHarmless) {
    asio::io_context io;
    Changes changes(io.get_executor());
    changes.notify();
    changes.notify();
    EXPECT_FALSE(run_coroutine(io, changes.wait_for([] { return false; }, 30ms)));
}

TEST(ChangesWaitFor, RelativeDeadline) {
    asio::io_context io;
    Changes changes(io.get_executor());
    auto start = Clock::now();
    EXPECT_FALSE(run_coroutine(io, changes.wait_for([] { return false; }, 80ms)));
    EXPECT_GE(ms_since(start), 75);
    EXPECT_LT(ms_since(start), 2000);
}

// State with no event of its own (nobody calls notify): wait_until misses it,
// poll_until finds it within a few intervals.
TEST(ChangesPollUntil, NoticesStateThatChangesWithoutNotify) {
    asio::io_context io;
    Changes changes(io.get_executor());
    bool open = false;
    after(io, 30ms, [&] { open = true; });
    auto start = Clock::now();
    EXPECT_TRUE(run_coroutine(io, poll_until(changes, [&] { return open; }, Clock::now() + 10s, 5ms)));
    EXPECT_GE(ms_since(start), 25);
    EXPECT_LT(ms_since(start), 2000);

    // wait_until alone looks again only on notify() or at its deadline: it
    // finds the same change, but only when the deadline comes.
    asio::io_context io2;
    Changes silent(io2.get_executor());
    bool open2 = false;
    after(io2, 30ms, [&] { open2 = true; });
    auto start2 = Clock::now();
    EXPECT_TRUE(run_coroutine(io2, silent.wait_until([&] { return open2; }, Clock::now() + 300ms)));
    EXPECT_GE(ms_since(start2), 295);
}

TEST(ChangesPollUntil, FalseAtTheDeadline) {
    asio::io_context io;
    Changes changes(io.get_executor());
    int checks = 0;
    auto start = Clock::now();
    EXPECT_FALSE(run_coroutine(io, poll_until(
                                       changes,
                                       [&] {
                                           ++checks;
                                           return false;
                                       },
                                       Clock::now() + 100ms, 10ms)));
    EXPECT_GE(ms_since(start), 95);
    EXPECT_LT(ms_since(start), 2000);
    EXPECT_GE(checks, 4);  // it did poll, not just sleep to the deadline
}

TEST(ChangesPollUntil, NotifyWakesItBeforeTheInterval) {
    asio::io_context io;
    Changes changes(io.get_executor());
    bool ready = false;
    after(io, 20ms, [&] {
        ready = true;
        changes.notify();
    });
    auto start = Clock::now();
    EXPECT_TRUE(run_coroutine(io, poll_until(changes, [&] { return ready; }, Clock::now() + 10s, 5s)));
    EXPECT_LT(ms_since(start), 2000) << "a 5 s poll interval must not delay a notified change";
}

}  // namespace
}  // namespace sockgrade::util
