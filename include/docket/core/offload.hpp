#pragma once
// Runs blocking work (store reads) on a thread pool and resumes the calling coroutine on its own
// executor, so an I/O thread never waits on a disk.

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <type_traits>

namespace docket {

//! Calls f() on `pool`; returns its result (or rethrows its exception) on the caller's executor.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> offload(boost::asio::thread_pool& pool, F f) {
    namespace asio = boost::asio;
    using result_type = std::invoke_result_t<F&>;
    auto ex = co_await asio::this_coro::executor;
    std::optional<result_type> out;
    std::exception_ptr err;
    co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
        [&](auto handler) {
            asio::post(pool, [&, ex, h = std::move(handler)]() mutable {
                try { out.emplace(f()); } catch (...) { err = std::current_exception(); }
                asio::post(ex, std::move(h));
            });
        },
        asio::use_awaitable);
    if (err) std::rethrow_exception(err);
    co_return std::move(*out);
}

} // namespace docket
