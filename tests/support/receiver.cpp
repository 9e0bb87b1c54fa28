// The scripted webhook receiver used by the webhook e2e tests.

#include "receiver.hpp"
#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace docket::test {

std::optional<std::string> received_request::header(const std::string& name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return std::nullopt;
}

webhook_receiver::webhook_receiver(script s) : script_(std::move(s)) {
    if (!script_) script_ = [](const received_request&, std::size_t) { return scripted_reply{}; };
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 128) != 0)
        throw std::runtime_error("receiver: cannot listen");
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] {
        while (!stopping_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            std::lock_guard lock(mutex_);
            open_fds_.push_back(fd);
            connections_.emplace_back([this, fd] { serve(fd); });
        }
    });
}

webhook_receiver::~webhook_receiver() {
    stopping_ = true;
    acceptor_.join();
    {
        std::lock_guard lock(mutex_);
        for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : connections_) t.join();
    for (int fd : open_fds_) ::close(fd);
    ::close(listen_fd_);
}

std::string webhook_receiver::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<received_request> webhook_receiver::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

bool webhook_receiver::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void webhook_receiver::serve(int fd) {
    std::string buffer;
    auto fill = [&] {
        char buf[65536];
        for (;;) {
            if (stopping_) return false;
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 50) == 0) continue;
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return false;
            buffer.append(buf, static_cast<std::size_t>(n));
            return true;
        }
    };
    for (;;) {
        std::size_t end;
        while ((end = buffer.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return;
        received_request r;
        const std::string head = buffer.substr(0, end);
        buffer.erase(0, end + 4);
        auto [line, fields] = parse_head(head);
        r.method = line.substr(0, line.find(' '));
        r.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
        r.headers = std::move(fields);
        const auto declared = r.header("content-length");
        const std::size_t length = declared ? std::stoul(*declared) : 0;
        while (buffer.size() < length)
            if (!fill()) return;
        r.body = buffer.substr(0, length);
        buffer.erase(0, length);
        std::size_t index;
        {
            std::lock_guard lock(mutex_);
            index = requests_.size();
            requests_.push_back(r);
        }
        cv_.notify_all();
        const auto reply = script_(r, index);
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\nContent-Length: " +
                          std::to_string(reply.body.size()) + "\r\n";
        for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
        out += "\r\n" + reply.body;
        if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
    }
}

} // namespace docket::test
