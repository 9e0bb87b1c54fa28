// The benchmarks' own HTTP server. As the intake baseline it does the least a server can do for
// a POST (read it whole, answer a fixed 202), so docket's rate can be read as a ratio of it.

#include "http_sink.hpp"
#include "net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <boost/algorithm/string/predicate.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

namespace docket::bench {

constexpr auto k_io_timeout = std::chrono::seconds(30);

std::string_view sink_request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (boost::algorithm::iequals(k, name)) return v;
    return {};
}

struct http_sink::impl {
    handler handle;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::vector<std::thread> threads;

    asio::awaitable<void> session(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request<bhttp::string_body> req;
            stream.expires_after(k_io_timeout);
            auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, k_tuple);
            if (ec) co_return;
            sink_request view{req.target(), {}, req.body()};
            for (const auto& f : req) view.headers.emplace_back(f.name_string(), f.value());
            sink_reply r = handle(view);
            bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), req.version()};
            res.keep_alive(req.keep_alive());
            if (!r.body.empty()) res.set(bhttp::field::content_type, "application/json");
            res.body() = std::move(r.body);
            res.prepare_payload();
            stream.expires_after(k_io_timeout);
            auto [wec, wn] = co_await bhttp::async_write(stream, res, k_tuple);
            if (wec || !res.keep_alive()) co_return;
        }
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(k_tuple);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;
            socket.set_option(tcp::no_delay(true));
            asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
        }
    }
};

http_sink::http_sink(handler h, unsigned threads) : impl_(std::make_unique<impl>()) {
    impl_->handle = std::move(h);
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
    for (unsigned i = 0; i < std::max(1u, threads); ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
}

http_sink::~http_sink() {
    impl_->io.stop();
    for (auto& t : impl_->threads) t.join();
}

unsigned short http_sink::port() const { return impl_->acceptor.local_endpoint().port(); }

int baseline_server_main() {
    const std::string body = R"({"id":"job_baseline","status":"queued"})";
    http_sink sink([&](const sink_request&) { return sink_reply{202, body}; }, 1);
    std::printf("listening %u\n", sink.port());
    std::fflush(stdout);
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

} // namespace docket::bench
