// The one way to give an asynchronous operation a deadline, and a pause that
// is scheduling (a fault's delay), never a wait for something to happen.
#pragma once

#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/changes.hpp"

namespace sockgrade::util {

// The operation's result, or nullopt when the deadline came first (the
// operation is then cancelled). An exception the operation throws before the
// deadline is rethrown at once.
template <typename T>
boost::asio::awaitable<std::optional<T>> before(boost::asio::awaitable<T> operation, Clock::time_point deadline) {
    using namespace boost::asio::experimental::awaitable_operators;
    // operator|| waits for the first operation to *succeed*, so a throw would be
    // ignored until the deadline: carry it out as a value instead.
    using Outcome = std::pair<std::optional<T>, std::exception_ptr>;
    auto caught = [](boost::asio::awaitable<T> inner) -> boost::asio::awaitable<Outcome> {
        try {
            co_return Outcome{co_await std::move(inner), nullptr};
        } catch (...) {
            co_return Outcome{std::nullopt, std::current_exception()};
        }
    };
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
    auto result = co_await (caught(std::move(operation)) ||
                            timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable)));
    if (result.index() == 1) co_return std::nullopt;
    auto outcome = std::get<0>(std::move(result));
    if (outcome.second) std::rethrow_exception(outcome.second);
    co_return std::move(outcome.first);
}

// Resumes after `how_long` (or early, when the io_context is stopped). For
// deliberate delays only: to wait for an event use Changes::wait_until.
inline boost::asio::awaitable<void> pause(Clock::duration how_long) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, how_long);
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace sockgrade::util
