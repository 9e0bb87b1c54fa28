// Blocking HTTP/1.1 over POSIX sockets for the e2e tests; reads Content-Length bodies only,
// which is all docket sends.

#include "http_client.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace docket::test {

std::optional<std::string> http_response::header(const std::string& lower_name) const {
    for (const auto& [k, v] : headers)
        if (k == lower_name) return v;
    return std::nullopt;
}

http_client::http_client(std::string host, unsigned short port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

http_client::~http_client() {
    if (fd_ >= 0) ::close(fd_);
}

bool http_client::connect() {
    if (fd_ >= 0) ::close(fd_);
    buffer_.clear();
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout_.count() / 1000), static_cast<suseconds_t>(timeout_.count() % 1000 * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
        return false;
    }
    return true;
}

http_response http_client::request(const std::string& method, const std::string& target,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& body) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    req += body;
    auto r = raw(req);
    return r;
}

http_response http_client::raw(const std::string& bytes) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (fd_ < 0 && !connect()) return {};
        std::size_t sent = 0;
        bool ok = true;
        while (sent < bytes.size()) {
            const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) { ok = false; break; }
            sent += static_cast<std::size_t>(n);
        }
        // A write error may still leave an early reply (e.g. 413) to read.
        auto r = read_response();
        if (r.status != 0 || (ok && attempt == 1)) return r;
        if (!ok && r.status == 0 && attempt == 1) return r;
        ::close(fd_);
        fd_ = -1; // stale keep-alive connection: retry once on a fresh one
    }
    return {};
}

std::pair<std::string, header_fields> parse_head(const std::string& head) {
    std::size_t pos = head.find("\r\n");
    std::pair<std::string, header_fields> out{head.substr(0, pos), {}};
    while (pos != std::string::npos && pos < head.size()) {
        const std::size_t next = head.find("\r\n", pos + 2);
        const std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            out.second.emplace_back(std::move(name), std::move(value));
        }
        pos = next;
    }
    return out;
}

http_response http_client::read_response() {
    http_response r;
    auto fill = [&]() {
        char buf[65536];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        buffer_.append(buf, static_cast<std::size_t>(n));
        return true;
    };
    for (;;) {
        std::size_t end;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return {};
        const std::string head = buffer_.substr(0, end);
        buffer_.erase(0, end + 4);
        r = {};
        auto [status_line, fields] = parse_head(head);
        r.status = std::atoi(status_line.c_str() + status_line.find(' ') + 1);
        r.headers = std::move(fields);
        if (r.status == 100) continue; // interim reply
        break;
    }
    const std::size_t length = r.header("content-length") ? std::stoul(*r.header("content-length")) : 0;
    while (buffer_.size() < length)
        if (!fill()) return {};
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    if (r.header("connection") == std::optional<std::string>("close")) {
        ::close(fd_);
        fd_ = -1;
    }
    return r;
}

std::pair<std::string, std::string> multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                                              const std::string& file_name, const std::string& file_bytes,
                                              const std::string& file_type) {
    const std::string boundary = "----docket-test-boundary-7d3f";
    std::string body;
    for (const auto& [k, v] : fields)
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
            "\"\r\nContent-Type: " + file_type + "\r\n\r\n" + file_bytes + "\r\n";
    body += "--" + boundary + "--\r\n";
    return {"multipart/form-data; boundary=" + boundary, body};
}

} // namespace docket::test
