#pragma once
// docket's own view of an HTTP exchange, so request handling is plain code that tests can call
// without sockets and without Beast.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace docket::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct request {
    std::string method;  //!< upper case, e.g. "POST"
    std::string target;  //!< path and query as sent
    header_list headers; //!< names lower-cased
    std::string body;
    std::string remote;  //!< peer address, for logs

    //! First header with this (lower-case) name.
    std::optional<std::string_view> header(std::string_view lower_name) const;
};

struct reply {
    unsigned status = 200;
    std::string content_type = "application/json";
    header_list headers; //!< extra headers, e.g. Retry-After
    std::string body;
    bool close = false; //!< close the connection after this reply
};

//! The status line and header block of `r` as sent, blank line included: Server, Content-Type
//! (unless 204), the reply's own headers, Content-Length (unless 204) and Connection when it
//! differs from the version's default. Built by hand: Beast's serializer cost ~8 % of the I/O
//! thread's time on a submission. A header whose name or value holds a control character is left
//! out (replies are built by docket, but a line break must never reach the wire).
std::string reply_head(const reply& r, unsigned version, bool keep_alive);

//! What to do once the headers of a request are in, before its body is read.
struct header_decision {
    std::optional<reply> reject;       //!< answer now without reading the body
    std::uint64_t body_limit = 1 << 20; //!< otherwise read at most this many body bytes (else 413)
    header_list reply_headers;          //!< added to the reply on_request makes (RateLimit, say)
};

} // namespace docket::http
