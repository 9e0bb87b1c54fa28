#pragma once
// A webhook receiver for e2e tests: a real HTTP/1.1 server on 127.0.0.1 that records every
// request and answers as the test scripts it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace docket::test {

struct received_request {
    std::string method, target, body;
    std::vector<std::pair<std::string, std::string>> headers; //!< names lower-cased
    std::optional<std::string> header(const std::string& name) const;
};

struct scripted_reply {
    int status = 204;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class webhook_receiver {
public:
    using script = std::function<scripted_reply(const received_request&, std::size_t index)>;
    explicit webhook_receiver(script s = {});
    ~webhook_receiver();
    webhook_receiver(const webhook_receiver&) = delete;
    webhook_receiver& operator=(const webhook_receiver&) = delete;

    unsigned short port() const { return port_; }
    std::string url(const std::string& path = "/hook") const;
    std::vector<received_request> requests() const;
    //! Waits until at least n requests arrived; false at timeout.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

private:
    void serve(int fd);
    script script_;
    int listen_fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::vector<std::thread> connections_;
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    std::vector<received_request> requests_;
    std::vector<int> open_fds_;
};

} // namespace docket::test
