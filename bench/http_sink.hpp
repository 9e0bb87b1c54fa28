#pragma once
// A minimal Beast coroutine HTTP/1.1 server on 127.0.0.1 for the benchmarks: the baseline that
// answers 202 with a fixed body (run as its own process by `docket bench`), and the receiver
// of e2e and deliver runs (in the bench process). Keep-alive, a deadline on every read and write.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace docket::bench {

struct sink_request {
    std::string_view target;
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    std::string_view body;
    std::string_view header(std::string_view name) const; //!< "" when absent (case-insensitive)
};

struct sink_reply {
    int status = 204;
    std::string body;
};

class http_sink {
public:
    using handler = std::function<sink_reply(const sink_request&)>;
    //! Binds 127.0.0.1 on an ephemeral port; serves on `threads` threads until destroyed.
    http_sink(handler h, unsigned threads = 1);
    ~http_sink();
    unsigned short port() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

//! `docket bench baseline-server`: the fixed-202 server alone, on one thread, printing
//! "listening PORT"; runs until killed.
int baseline_server_main();

} // namespace docket::bench
