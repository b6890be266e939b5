#include "util/changes.hpp"

#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sockgrade::util {

namespace asio = boost::asio;

void Changes::notify() {
    for (auto* timer : waiting_) timer->cancel();
}

asio::awaitable<bool> Changes::wait_until(std::function<bool()> ready, Clock::time_point deadline) {
    for (;;) {
        if (ready()) co_return true;
        if (Clock::now() >= deadline) co_return false;
        asio::steady_timer timer(executor_, deadline);
        waiting_.insert(&timer);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        waiting_.erase(&timer);
    }
}

asio::awaitable<bool> poll_until(Changes& changes, std::function<bool()> ready, Clock::time_point deadline,
                                 Clock::duration interval) {
    for (;;) {
        if (ready()) co_return true;
        if (Clock::now() >= deadline) co_return false;
        // Always yield to the event loop for a while (a notify cuts it short):
        // the check itself may take longer than the interval.
        bool woken = false;
        co_await changes.wait_until([&] { return std::exchange(woken, true); },
                                    std::min(deadline, Clock::now() + interval));
    }
}

}  // namespace sockgrade::util
