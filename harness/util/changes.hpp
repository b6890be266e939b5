// A "something happened" signal that coroutines wait on with a deadline.
// Readers call notify() when data, a close or an exit arrives; every waiter
// then re-checks its own condition. This is the one way the grader waits.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace sockgrade::util {

using Clock = std::chrono::steady_clock;

class Changes {
public:
    explicit Changes(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

    void notify();

    // Resumes when ready() holds (true) or the deadline passes (false).
    boost::asio::awaitable<bool> wait_until(std::function<bool()> ready, Clock::time_point deadline);

    // Waits until the deadline, unless ready() holds earlier. Returns ready().
    boost::asio::awaitable<bool> wait_for(std::function<bool()> ready, Clock::duration how_long) {
        return wait_until(std::move(ready), Clock::now() + how_long);
    }

private:
    boost::asio::any_io_executor executor_;
    std::set<boost::asio::steady_timer*> waiting_;
};

// Polls `ready` every `interval` until it holds or the deadline passes, waking
// early on notify(). For state that has no event of its own (/proc).
boost::asio::awaitable<bool> poll_until(Changes& changes, std::function<bool()> ready,
                                        Clock::time_point deadline,
                                        Clock::duration interval = std::chrono::milliseconds(5));

}  // namespace sockgrade::util
