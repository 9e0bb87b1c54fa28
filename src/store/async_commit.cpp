// The awaitable group commit used by the HTTP API and the webhook dispatcher.

#include <docket/store/async_commit.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <optional>

namespace docket::store {

namespace asio = boost::asio;

// Callers must not pass temporaries inside the co_await expression: GCC 12 destroys such
// temporaries twice.
asio::awaitable<void> async_commit(store& s, batch b, duration timeout, std::function<void()> on_durable) {
    auto ex = co_await asio::this_coro::executor;
    auto timer = std::make_shared<asio::steady_timer>(ex, timeout);
    co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
        [&](auto handler) {
            // Both completions run on `ex`, so the first one to arrive takes the handler.
            using handler_type = decltype(handler);
            auto pending = std::make_shared<std::optional<handler_type>>(std::move(handler));
            auto complete = [pending](std::exception_ptr e) {
                if (!*pending) return;
                auto h = std::move(**pending);
                pending->reset();
                std::move(h)(e);
            };
            timer->async_wait([complete](const boost::system::error_code& ec) {
                if (!ec) complete(std::make_exception_ptr(commit_timeout()));
            });
            s.commit(std::move(b), [complete, ex, timer, on_durable = std::move(on_durable)](std::exception_ptr e) {
                if (!e && on_durable) on_durable();
                asio::post(ex, [complete, timer, e] {
                    timer->cancel();
                    complete(e);
                });
            });
        },
        asio::use_awaitable);
}

} // namespace docket::store
