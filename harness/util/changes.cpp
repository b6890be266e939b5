#include "util/changes.hpp"

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
        auto now = Clock::now();
        if (now >= deadline) co_return false;
        co_await changes.wait_until(ready, std::min(deadline, now + interval));
    }
}

}  // namespace sockgrade::util
