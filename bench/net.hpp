#pragma once
// The Asio/Beast names the bench's client (load.cpp) and server (http_sink.cpp) share.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/string_body.hpp>

namespace docket::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
//! Completion token: errors come back as values, not exceptions.
inline constexpr auto k_tuple = asio::as_tuple(asio::use_awaitable);

} // namespace docket::bench
