// Runs one coroutine to its end on an io_context, with a guard time so that a
// test that would hang fails instead. Shared by the unit tests of util,
// process and sandbox.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace sockgrade::test_support {

// The coroutine's value. Throws when it threw, or when it is still running
// after `guard` (the io_context is then stopped).
template <typename T>
T run_coroutine(boost::asio::io_context& io, boost::asio::awaitable<T> body,
                std::chrono::milliseconds guard = std::chrono::seconds(20)) {
    std::optional<T> result;
    std::exception_ptr error;
    bool done = false;
    io.restart();  // the context may have run (and stopped) before
    boost::asio::co_spawn(io, std::move(body), [&](std::exception_ptr e, T value) {
        done = true;
        error = e;
        if (!e) result.emplace(std::move(value));
    });
    io.run_for(guard);
    if (!done) {
        io.stop();
        throw std::runtime_error("the coroutine did not finish within the guard time");
    }
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

// Milliseconds since `start`, for timing assertions.
inline double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace sockgrade::test_support
