#pragma once
// The load generator of `docket bench`: keep-alive HTTP/1.1 connections to a loopback server,
// either closed loop (each connection sends its next request when the last one answered) or open
// loop at a fixed arrival rate, where latency runs from the intended send time so a stalled
// server cannot hide its queueing delay. Bounded by count and time; one thread, like wrk -t1.

#include "histogram.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace docket::bench {

using steady = std::chrono::steady_clock;

struct http_request {
    std::string method = "POST";
    std::string target = "/";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct load_options {
    unsigned short port = 0;                            //!< on 127.0.0.1
    unsigned connections = 64;
    double rate = 0;                                    //!< requests/s for an open loop; 0 = closed loop
    std::chrono::milliseconds duration{10'000};         //!< no request is started after this
    std::uint64_t max_requests = 0;                     //!< 0 = only the duration bounds the run
    std::chrono::milliseconds timeout{10'000};          //!< per request (connect, write, read)
};

//! One second of the run, by completion time.
struct second_stats {
    std::uint64_t completed = 0, errors = 0;
    std::uint64_t p50_us = 0, p99_us = 0, max_us = 0;
};

struct load_result {
    histogram latency_us;              //!< successful requests, from intended send to full reply
    std::uint64_t sent = 0, ok = 0, errors = 0;
    std::map<int, std::uint64_t> statuses; //!< 0 = connection error or timeout
    double seconds = 0;                //!< from the start to the last reply
    std::vector<second_stats> timeline;
    double throughput() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

//! The request with index i (the body may differ per request).
using request_fn = std::function<const http_request&(std::uint64_t index)>;
//! Judges a reply: true counts it as a success. `intended` is when it was meant to be sent.
using reply_fn = std::function<bool(std::uint64_t index, int status, std::string_view body, steady::time_point intended)>;

//! Whole microseconds from `from` to `to`; 0 if `to` is earlier.
inline std::uint64_t micros_between(steady::time_point from, steady::time_point to) {
    return to > from ? static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(to - from).count()) : 0;
}

//! What a run records as it goes: successes with their latency and failures, by the second
//! (counted from `start`) in which they completed. Not thread-safe: callers sharing one lock it.
class run_log {
public:
    explicit run_log(steady::time_point start = steady::now()) : start_(start), last_(start) {}
    void success(std::uint64_t latency_us, steady::time_point done);
    void failure(steady::time_point done);
    //! ok, errors, the histogram, per-second p50/p99/max and the seconds to the last completion
    //! (`sent` and `statuses` are the caller's).
    load_result result() &&;

private:
    std::size_t second_of(steady::time_point t);
    steady::time_point start_, last_;
    load_result r_;
    std::vector<std::vector<std::uint32_t>> per_second_;
    std::vector<std::uint64_t> errors_;
};

//! Runs the load and returns what it saw.
load_result run_load(const load_options& opt, const request_fn& make, const reply_fn& judge);

} // namespace docket::bench
