#pragma once
// A small blocking HTTP/1.1 client over a real TCP socket, for end-to-end tests. Keeps the
// connection alive between requests and reconnects when the server closed it.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace docket::test {

struct http_response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers; //!< names lower-cased
    std::string body;
    std::optional<std::string> header(const std::string& lower_name) const;
};

class http_client {
public:
    http_client(std::string host, unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    //! Sends one request; status 0 means the connection failed or closed without a reply.
    http_response request(const std::string& method, const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers = {},
                          const std::string& body = {});
    //! Sends raw bytes and reads one reply (for malformed-request tests).
    http_response raw(const std::string& bytes);

private:
    bool connect();
    http_response read_response();
    std::string host_;
    unsigned short port_;
    std::chrono::milliseconds timeout_;
    int fd_ = -1;
    std::string buffer_;
};

using header_fields = std::vector<std::pair<std::string, std::string>>;

//! Splits a message head (everything before the blank line) into its first line and its
//! header fields, names lower-cased.
std::pair<std::string, header_fields> parse_head(const std::string& head);

//! A multipart/form-data body; returns {content-type header value, body}.
std::pair<std::string, std::string> multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                                              const std::string& file_name, const std::string& file_bytes,
                                              const std::string& file_type = "application/octet-stream");

} // namespace docket::test
