// Beast coroutine server: one coroutine per connection, a deadline on every read and write, and a
// stop() that drains. Called by the serve command; requests go to an http::handler.

#include <docket/http/server.hpp>
#include <docket/core/encoding.hpp>
#include <docket/core/log.hpp>
#include <docket/http/error_response.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <set>

namespace docket::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto k_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t k_first_read = 4096;

namespace {

tcp::endpoint parse_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("listen address needs a port: " + listen);
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned short port = 0;
    const auto p = listen.substr(colon + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc{} || end != p.data() + p.size()) throw std::runtime_error("bad port in " + listen);
    return {asio::ip::make_address(host.empty() ? "0.0.0.0" : host), port};
}

std::string endpoint_text(const tcp::endpoint& ep) {
    const auto a = ep.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

reply closing_error(errc code, std::string message) {
    reply r = error_reply(failure(code, std::move(message)));
    r.close = true;
    return r;
}

// Whether a read failed because the request is malformed (bad framing, a bad line or field),
// which gets a 400 before the close, rather than because the peer went away or time ran out.
bool malformed(const boost::system::error_code& ec) {
    if (ec.category() != bhttp::make_error_code(bhttp::error::bad_version).category()) return false;
    const auto e = static_cast<bhttp::error>(ec.value());
    return e != bhttp::error::end_of_stream && e != bhttp::error::partial_message && e != bhttp::error::need_more &&
           e != bhttp::error::need_buffer && e != bhttp::error::buffer_overflow && e != bhttp::error::header_limit &&
           e != bhttp::error::body_limit && e != bhttp::error::stale_parser;
}

} // namespace

struct server::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, const config& c, handler& h)
        : io_(io), cfg_(c), handler_(h), acceptor_(io), accept_strand_(asio::make_strand(io)) {}

    struct session_entry {
        tcp::socket* socket;
        bool busy = false;
    };

    asio::io_context& io_;
    config cfg_;
    handler& handler_;
    tcp::acceptor acceptor_;
    // The accept loop and stop() touch the acceptor only from here: with several I/O threads,
    // closing it from one while the loop resumes on another was a data race.
    asio::strand<asio::io_context::executor_type> accept_strand_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::set<std::shared_ptr<session_entry>> sessions_;

    asio::awaitable<void> accept_loop() {
        for (;;) {
            // With one thread running the io_context its handlers never run concurrently: a
            // strand per connection would only add a lock and an executor copy to every handler
            // (I/O thread CPU a 1 KiB submission 40-42 -> 35-37 us).
            const auto executor = cfg_.io_threads > 1 ? asio::any_io_executor(asio::make_strand(io_))
                                                      : asio::any_io_executor(io_.get_executor());
            auto [ec, socket] = co_await acceptor_.async_accept(executor, k_tuple);
            if (ec) {
                if (stopping_ || ec == asio::error::operation_aborted) co_return;
                log::warn("accept: " + ec.message());
                continue;
            }
            auto self = shared_from_this();
            auto ex = socket.get_executor();
            asio::co_spawn(ex, self->session(self, beast::tcp_stream(std::move(socket))), [](std::exception_ptr e) {
                if (!e) return;
                try { std::rethrow_exception(e); } catch (const std::exception& x) { log::error(std::string("session: ") + x.what()); }
            });
        }
    }

    void set_busy(const std::shared_ptr<session_entry>& s, bool busy) {
        std::lock_guard lock(mutex_);
        s->busy = busy;
    }

    // After a reply: whether the connection may wait for another request. stop() skips a
    // connection that is busy and relies on this check: a reply that went out keep-alive just
    // before the stop began would otherwise leave it waiting for the idle timeout (seen: a
    // shutdown held for its whole grace period, with several I/O threads). No suspension lies
    // between this check and the next read, so a stop that finds the connection idle shuts it.
    bool idle_again(const std::shared_ptr<session_entry>& s) {
        set_busy(s, false);
        return !stopping_;
    }

    // Head and body go out in one gathered write.
    asio::awaitable<bool> write_reply(beast::tcp_stream& stream, reply&& r, unsigned version, bool keep_alive) {
        const bool keep = keep_alive && !r.close && !stopping_;
        const auto head = reply_head(r, version, keep);
        const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(r.body)};
        stream.expires_after(cfg_.write_timeout);
        auto [ec, n] = co_await asio::async_write(stream, buffers, k_tuple);
        co_return !ec && keep;
    }

    // `owner` keeps this state alive as long as the session's frame: a connection still open
    // when the shutdown grace ends leaves its frame pending, and the io_context destroys it
    // after the server object is gone (its guard below then wrote into freed memory: a crash at
    // exit after "connections still open").
    asio::awaitable<void> session([[maybe_unused]] std::shared_ptr<impl> owner, beast::tcp_stream stream) {
        auto entry = std::make_shared<session_entry>(session_entry{&stream.socket()});
        bool over_limit;
        {
            std::lock_guard lock(mutex_);
            over_limit = sessions_.size() >= cfg_.max_connections;
            sessions_.insert(entry);
        }
        struct unregister {
            impl* self;
            std::shared_ptr<session_entry> e;
            ~unregister() { std::lock_guard lock(self->mutex_); self->sessions_.erase(e); }
        } guard{this, entry};

        std::string remote;
        {
            boost::system::error_code ec;
            auto ep = stream.socket().remote_endpoint(ec);
            if (!ec) remote = endpoint_text(ep);
        }
        if (over_limit || stopping_) {
            auto r = closing_error(errc::overloaded, "too many connections");
            co_await write_reply(stream, std::move(r), 11, false);
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            co_return;
        }

        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(cfg_.max_header_bytes));
            parser.body_limit(boost::none); // the handler sets it once it has seen the headers
            // The idle timeout covers the wait for a request's first byte; from there the read
            // timeout covers the whole request, headers and body, so a client trickling its
            // headers is held no longer than one sending its body slowly.
            if (buffer.size() == 0) {
                stream.expires_after(cfg_.idle_timeout);
                auto [ec, n] = co_await stream.async_read_some(buffer.prepare(k_first_read), k_tuple);
                if (ec) break; // closed, idle timeout or stop()
                buffer.commit(n);
            }
            const auto read_deadline = std::chrono::steady_clock::now() + cfg_.read_timeout;
            stream.expires_at(read_deadline);
            auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, k_tuple);
            if (ec == bhttp::error::header_limit) {
                auto r = closing_error(errc::headers_too_large, "request headers too large");
                co_await write_reply(stream, std::move(r), 11, false);
                break;
            }
            if (malformed(ec)) {
                auto r = closing_error(errc::bad_request, "malformed request: " + ec.message());
                co_await write_reply(stream, std::move(r), 11, false);
                break;
            }
            if (ec) break; // closed, read timeout or stop(): nothing to answer
            set_busy(entry, true);

            auto& msg = parser.get();
            request req;
            req.method = std::string(msg.method_string());
            req.target = std::string(msg.target());
            req.remote = remote;
            for (const auto& f : msg) {
                std::string name(f.name_string());
                for (auto& c : name) c = ascii_lower(c);
                req.headers.emplace_back(std::move(name), std::string(f.value()));
            }
            const unsigned version = msg.version();
            const bool keep_alive = msg.keep_alive();
            const bool has_body = msg.chunked() || (parser.content_length() && *parser.content_length() > 0);
            // RFC 9112 3.2: an HTTP/1.1 request carries exactly one Host.
            if (version >= 11 && msg.count(bhttp::field::host) != 1) {
                auto r = closing_error(errc::bad_request, msg.count(bhttp::field::host) == 0 ? "an HTTP/1.1 request needs a Host header"
                                                                                          : "more than one Host header");
                co_await write_reply(stream, std::move(r), version, false);
                break;
            }

            header_decision d = handler_.on_headers(req);
            if (d.reject) {
                // The body stays unread, so the connection cannot be reused.
                if (has_body) d.reject->close = true;
                if (!co_await write_reply(stream, std::move(*d.reject), version, keep_alive)) break;
                if (!idle_again(entry)) break;
                continue;
            }
            parser.body_limit(d.body_limit);
            // RFC 9110: never a 1xx to an HTTP/1.0 client (it sends its body after a wait of its own).
            if (has_body && version >= 11 && iequals(msg[bhttp::field::expect], "100-continue")) {
                static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
                stream.expires_after(cfg_.write_timeout);
                auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(cont), k_tuple);
                if (wec) break;
            }
            stream.expires_at(read_deadline);
            auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, k_tuple);
            if (bec == bhttp::error::body_limit) {
                auto r = closing_error(errc::payload_too_large, "request body over the size limit");
                co_await write_reply(stream, std::move(r), version, false);
                break;
            }
            if (malformed(bec)) {
                auto r = closing_error(errc::bad_request, "malformed request body: " + bec.message());
                co_await write_reply(stream, std::move(r), version, false);
                break;
            }
            if (bec) break;
            req.body = std::move(parser.get().body());
            stream.expires_never(); // the handler bounds its own waits

            reply rep;
            try {
                rep = co_await handler_.on_request(std::move(req));
            } catch (const std::exception& e) {
                log::error(std::string("handler: ") + e.what());
                rep = error_reply(failure(errc::internal, "internal error"));
            }
            for (auto& h : d.reply_headers) rep.headers.push_back(std::move(h));
            if (!co_await write_reply(stream, std::move(rep), version, keep_alive)) break;
            if (!idle_again(entry)) break;
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
};

server::server(asio::io_context& io, const config& cfg, handler& h) : impl_(std::make_shared<impl>(io, cfg, h)) {}
server::~server() = default;

std::string server::start() {
    auto ep = parse_listen(impl_->cfg_.listen);
    auto& acc = impl_->acceptor_;
    acc.open(ep.protocol());
    acc.set_option(asio::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(impl_->accept_strand_, impl_->accept_loop(), asio::detached);
    return endpoint_text(acc.local_endpoint());
}

void server::stop() {
    auto self = impl_;
    self->stopping_ = true;
    asio::post(self->accept_strand_, [self] {
        boost::system::error_code ec;
        self->acceptor_.close(ec);
        std::lock_guard lock(self->mutex_);
        // Idle connections are shut at once; busy ones close after writing their reply.
        // A session runs on its socket's executor (its strand, or the only I/O thread), so a
        // still-registered entry seen from there has a live socket.
        for (auto& s : self->sessions_)
            asio::post(s->socket->get_executor(), [self, s] {
                std::lock_guard lock(self->mutex_);
                if (!self->sessions_.contains(s) || s->busy) return;
                boost::system::error_code ignored;
                s->socket->shutdown(tcp::socket::shutdown_both, ignored);
                s->socket->cancel(ignored);
            });
    });
}

std::size_t server::connections() const {
    std::lock_guard lock(impl_->mutex_);
    return impl_->sessions_.size();
}

} // namespace docket::http
