#pragma once
// The HTTP/1.1 front door: accepts connections, reads requests with deadlines and size limits,
// hands them to a handler and writes the replies. Knows nothing of jobs.

#include <docket/core/units.hpp>
#include <docket/http/message.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio { class io_context; }

namespace docket::http {

struct config {
    std::string listen = "127.0.0.1:8080";    //!< address:port to bind; port 0 picks a free one
    duration idle_timeout = std::chrono::seconds(60);              //!< keep-alive connection idle before it is closed
    duration read_timeout = std::chrono::seconds(300);             //!< reading one request's headers and body
    duration write_timeout = std::chrono::seconds(60);             //!< writing one reply
    std::uint64_t max_header_bytes = 16 << 10; //!< request line + headers
    std::size_t max_connections = 20000;      //!< more are answered 503 and closed
    unsigned io_threads = 1;                  //!< threads running the io_context (the caller runs them)
};

//! What the server calls for each request; implemented by the API layer.
class handler {
public:
    virtual ~handler() = default;
    //! Decides from the headers alone whether to read the body, and how much of it at most.
    virtual header_decision on_headers(const request& r) = 0;
    //! Produces the reply; exceptions become a 500 INTERNAL reply.
    virtual boost::asio::awaitable<reply> on_request(request r) = 0;
};

class server {
public:
    server(boost::asio::io_context& io, const config& cfg, handler& h);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    //! Binds and starts accepting; returns the bound "address:port". Throws if it cannot bind.
    std::string start();
    //! Stops accepting, closes idle connections and lets busy ones finish their request.
    void stop();
    //! Number of open connections (0 after stop() once in-flight requests are done).
    std::size_t connections() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace docket::http
