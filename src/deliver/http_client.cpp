// The webhook HTTP client (Beast over TCP or TLS), used by the dispatcher for every attempt.

#include <docket/deliver/http_client.hpp>
#include <docket/deliver/address_policy.hpp>
#include <docket/deliver/rules.hpp>
#include <docket/core/encoding.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <map>
#include <variant>

namespace docket::deliver {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto k_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t k_logged_body = 1024;

namespace {

struct target {
    bool tls = false;
    std::string host; // without brackets
    std::string port;
    std::string path; // origin-form
    std::string origin() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

std::optional<target> parse_target(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return std::nullopt;
    target t;
    if (u->scheme() == "https") t.tls = true;
    else if (u->scheme() != "http") return std::nullopt;
    t.host = std::string(u->host_address());
    if (t.host.empty()) return std::nullopt;
    t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
    t.path = std::string(u->encoded_path());
    if (t.path.empty()) t.path = "/";
    if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
    return t;
}

struct connection {
    std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
    beast::tcp_stream& lowest() {
        if (auto* p = std::get_if<beast::tcp_stream>(&stream)) return *p;
        return beast::get_lowest_layer(std::get<1>(stream));
    }
};

} // namespace

std::optional<std::string> post_head(std::string_view target, std::string_view host, const http::header_list& headers,
                                     std::size_t content_length) {
    if (has_control_character(target) || has_control_character(host) || target.find(' ') != std::string_view::npos) return std::nullopt;
    std::string head;
    head.reserve(256);
    head.append("POST ").append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    for (const auto& [name, value] : headers) {
        if (name.empty() || has_control_character(name) || name.find(':') != std::string::npos || has_control_character(value)) return std::nullopt;
        head.append(name).append(": ").append(value).append("\r\n");
    }
    head.append("Content-Length: ").append(std::to_string(content_length)).append("\r\n\r\n");
    return head;
}

struct http_client::impl {
    impl(asio::io_context& io, const config& cfg) : io_(io), cfg_(cfg), tls_(ssl::context::tls_client) {
        tls_.set_default_verify_paths();
        tls_.set_verify_mode(ssl::verify_peer);
        tls_.set_options(ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        if (!cfg.ca_file.empty()) tls_.load_verify_file(cfg.ca_file);
    }

    asio::io_context& io_;
    const config& cfg_;
    ssl::context tls_;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;

    std::unique_ptr<connection> take_idle(const std::string& origin) {
        auto it = idle_.find(origin);
        if (it == idle_.end() || it->second.empty()) return nullptr;
        auto c = std::move(it->second.back());
        it->second.pop_back();
        return c;
    }

    void give_back(const std::string& origin, std::unique_ptr<connection> c) {
        auto& v = idle_[origin];
        if (v.size() < cfg_.per_origin_concurrency) v.push_back(std::move(c));
    }

    // Resolves, applies the SSRF guard to every address, connects, and does the TLS handshake.
    asio::awaitable<std::variant<std::unique_ptr<connection>, std::string>> connect(const target& t) {
        using result = std::variant<std::unique_ptr<connection>, std::string>;
        tcp::resolver resolver(io_);
        asio::steady_timer timer(io_, cfg_.timeout);
        timer.async_wait([&resolver](const boost::system::error_code& ec) {
            if (!ec) resolver.cancel();
        });
        auto [rec, resolved] = co_await resolver.async_resolve(t.host, t.port, k_tuple);
        timer.cancel();
        if (rec) co_return result{"cannot resolve " + t.host + ": " + rec.message()};
        std::vector<tcp::endpoint> allowed;
        std::string refused;
        for (const auto& entry : resolved) {
            if (auto why = refusal(entry.endpoint().address(), cfg_.allow_cidrs)) refused = *why;
            else allowed.push_back(entry.endpoint());
        }
        if (allowed.empty()) co_return result{"refused by the SSRF guard: " + t.host + " resolves to " + refused};

        auto c = std::make_unique<connection>(connection{beast::tcp_stream(io_), {}});
        if (t.tls) c->stream.emplace<1>(beast::tcp_stream(io_), tls_);
        auto& lowest = c->lowest();
        lowest.expires_after(cfg_.timeout);
        auto [cec, ep] = co_await lowest.async_connect(allowed, k_tuple);
        if (cec) co_return result{"cannot connect to " + t.origin() + ": " + cec.message()};
        if (t.tls) {
            auto& s = std::get<1>(c->stream);
            if (!SSL_set_tlsext_host_name(s.native_handle(), t.host.c_str()))
                co_return result{"TLS: cannot set SNI for " + t.host};
            s.set_verify_callback(ssl::host_name_verification(t.host));
            auto [hec] = co_await s.async_handshake(ssl::stream_base::client, k_tuple);
            if (hec) co_return result{"TLS handshake with " + t.origin() + " failed: " + hec.message()};
        }
        co_return result{std::move(c)};
    }

    // The request goes out as two buffers from one call, the header block built by post_head:
    // Beast's serializer (a fields container, then iterating its buffer sequence) was about a
    // tenth of the dispatcher thread's time per delivery (perf, bench deliver).
    template <class Stream>
    asio::awaitable<std::pair<boost::system::error_code, bool>> exchange(Stream& s, beast::flat_buffer& buffer,
                                                                         const std::string& head, const std::string& body,
                                                                         http_result& out) {
        const std::array<asio::const_buffer, 2> request{asio::buffer(head), asio::buffer(body)};
        auto [wec, wn] = co_await asio::async_write(s, request, k_tuple);
        if (wec) co_return std::pair{wec, false};
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(cfg_.max_response_body);
        auto [rec, rn] = co_await bhttp::async_read(s, buffer, parser, k_tuple);
        if (rec && !(rec == bhttp::error::body_limit && parser.is_header_done())) co_return std::pair{rec, false};
        auto& res = parser.get();
        out.status = res.result_int();
        out.body_prefix = res.body().substr(0, k_logged_body);
        if (auto it = res.find(bhttp::field::retry_after); it != res.end()) out.retry_after = std::string(it->value());
        // A reply cut at the body limit leaves unread bytes: that connection cannot be reused.
        co_return std::pair{boost::system::error_code{}, !rec && res.keep_alive()};
    }

    asio::awaitable<http_result> post(std::string url, http::header_list headers, std::string body) {
        http_result out;
        auto t = parse_target(url);
        if (!t) {
            out.error = "not an http(s) URL: " + url;
            co_return out;
        }
        if (!t->tls && !cfg_.allow_http) {
            out.error = "plain http webhooks are disabled";
            co_return out;
        }
        const bool default_port = (t->port == "443" && t->tls) || (t->port == "80" && !t->tls);
        const std::string host = t->host.find(':') != std::string::npos ? "[" + t->host + "]" : t->host; // IPv6
        const auto head = post_head(t->path, default_port ? host : host + ":" + t->port, headers, body.size());
        if (!head) {
            out.error = "a header holds a control character and cannot be sent";
            co_return out;
        }

        const auto origin = t->origin();
        auto conn = take_idle(origin);
        // A pooled connection may have been closed by the receiver meanwhile: then one retry on a
        // fresh connection, which is what the receiver sees as the attempt.
        for (int round = 0; round < 2; ++round) {
            const bool reused = conn != nullptr;
            if (!conn) {
                auto c = co_await connect(*t);
                if (auto* err = std::get_if<std::string>(&c)) {
                    out.error = *err;
                    co_return out;
                }
                conn = std::move(std::get<0>(c));
            }
            conn->lowest().expires_after(cfg_.timeout);
            std::pair<boost::system::error_code, bool> r;
            if (auto* plain = std::get_if<beast::tcp_stream>(&conn->stream)) r = co_await exchange(*plain, conn->buffer, *head, body, out);
            else r = co_await exchange(std::get<1>(conn->stream), conn->buffer, *head, body, out);
            auto [ec, keep] = r;
            if (ec && reused && out.status == 0 && ec != beast::error::timeout) {
                conn.reset();
                continue;
            }
            if (ec) {
                out.error = ec == beast::error::timeout ? "timed out after " + format_duration(cfg_.timeout)
                                                        : "transport error: " + ec.message();
                co_return out;
            }
            if (keep) {
                conn->lowest().expires_never();
                give_back(origin, std::move(conn));
            }
            if (out.status < 200 || out.status >= 300) out.error = "HTTP " + std::to_string(out.status);
            co_return out;
        }
        co_return out;
    }
};

http_client::http_client(asio::io_context& io, const config& cfg) : impl_(std::make_unique<impl>(io, cfg)) {}
http_client::~http_client() = default;

asio::awaitable<http_result> http_client::post(std::string url, http::header_list headers, std::string body) {
    return impl_->post(std::move(url), std::move(headers), std::move(body));
}

void http_client::close_idle() { impl_->idle_.clear(); }

} // namespace docket::deliver
