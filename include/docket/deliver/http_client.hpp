#pragma once
// Outbound HTTP(S) POSTs for webhooks: keep-alive connections per origin, a deadline per
// attempt, a cap on the reply bytes read, certificate and host-name verification, and the SSRF
// guard applied to every address a host name resolves to.

#include <docket/deliver/config.hpp>
#include <docket/http/message.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio { class io_context; }

namespace docket::deliver {

struct http_result {
    unsigned status = 0;                     //!< 0 when no response arrived
    std::string error;                       //!< why, when there is no 2xx: transport, TLS, SSRF or status
    std::string body_prefix;                 //!< first bytes of the reply body (at most 1 KiB)
    std::optional<std::string> retry_after;  //!< the reply's Retry-After header
};

//! The request line and header block of a webhook POST, through the blank line: `headers` in
//! order, then Host and Content-Length. nullopt if any part holds a control character that
//! would end a line early (the caller's headers are checked before, so this is the last guard).
std::optional<std::string> post_head(std::string_view target, std::string_view host, const http::header_list& headers,
                                     std::size_t content_length);

class http_client {
public:
    //! All calls must come from coroutines running on `io` (one thread).
    http_client(boost::asio::io_context& io, const config& cfg);
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    //! POSTs `body` to `url`; never throws for network outcomes, they are in the result.
    boost::asio::awaitable<http_result> post(std::string url, http::header_list headers, std::string body);

    //! Closes idle pooled connections.
    void close_idle();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace docket::deliver
