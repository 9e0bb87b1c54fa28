// Client side of the benchmarks: one io_context thread, one coroutine per connection, a deadline
// on every connect, write and read. Called by the scenarios in bench/scenarios.cpp.

#include "load.hpp"
#include "net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <optional>

namespace docket::bench {

namespace {

struct run_state {
    const load_options& opt;
    const request_fn& make;
    const reply_fn& judge;
    steady::time_point start, end;
    std::uint64_t next = 0, sent = 0;
    std::map<int, std::uint64_t> statuses;
    run_log log{start};

    // The next request's index and intended send time, or nothing when the run is over.
    std::optional<std::pair<std::uint64_t, steady::time_point>> take() {
        if (opt.max_requests && next >= opt.max_requests) return std::nullopt;
        const auto now = steady::now();
        steady::time_point intended = now;
        if (opt.rate > 0) {
            intended = start + std::chrono::duration_cast<steady::duration>(
                                   std::chrono::duration<double>(static_cast<double>(next) / opt.rate));
            if (intended >= end) return std::nullopt;
        } else if (now >= end) {
            return std::nullopt;
        }
        return std::pair{next++, intended};
    }

    void note(bool ok, int status, steady::time_point intended, steady::time_point done) {
        ++statuses[status];
        if (ok) log.success(micros_between(intended, done), done);
        else log.failure(done);
    }
};

asio::awaitable<void> connection(run_state& st) {
    auto ex = co_await asio::this_coro::executor;
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), st.opt.port);
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    asio::steady_timer pause(ex);
    while (auto slot = st.take()) {
        const auto [index, intended] = *slot;
        if (intended > steady::now()) {
            pause.expires_at(intended);
            co_await pause.async_wait(k_tuple);
        }
        const http_request& spec = st.make(index);
        bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(spec.method), spec.target, 11};
        req.set(bhttp::field::host, "127.0.0.1");
        for (const auto& [k, v] : spec.headers) req.set(k, v);
        req.body() = spec.body;
        req.prepare_payload();
        ++st.sent;
        int status = 0;
        bool keep = false;
        std::string body;
        for (int tries = 0; tries < 2 && status == 0; ++tries) { // a stale keep-alive connection gets one retry
            if (!stream) {
                stream.emplace(ex);
                stream->expires_after(st.opt.timeout);
                auto [ec] = co_await stream->async_connect(ep, k_tuple);
                if (ec) {
                    stream.reset();
                    break;
                }
                buffer.clear();
            }
            stream->expires_after(st.opt.timeout);
            auto [wec, wn] = co_await bhttp::async_write(*stream, req, k_tuple);
            bhttp::response<bhttp::string_body> res;
            boost::system::error_code rec = wec;
            if (!wec) std::tie(rec, std::ignore) = co_await bhttp::async_read(*stream, buffer, res, k_tuple);
            if (rec) {
                stream.reset();
                if (tries == 0 && (rec == bhttp::error::end_of_stream || rec == asio::error::connection_reset ||
                                   rec == asio::error::broken_pipe))
                    continue;
                break;
            }
            status = static_cast<int>(res.result_int());
            keep = res.keep_alive();
            body = std::move(res.body());
        }
        const auto done = steady::now();
        const bool ok = status != 0 && st.judge(index, status, body, intended);
        st.note(ok, status, intended, done);
        if (!keep) stream.reset();
    }
}

} // namespace

std::size_t run_log::second_of(steady::time_point t) {
    last_ = std::max(last_, t);
    const auto second = static_cast<std::size_t>(std::max<steady::rep>(0, (t - start_) / std::chrono::seconds(1)));
    if (per_second_.size() <= second) {
        per_second_.resize(second + 1);
        errors_.resize(second + 1);
    }
    return second;
}

void run_log::success(std::uint64_t latency_us, steady::time_point done) {
    ++r_.ok;
    r_.latency_us.record(latency_us);
    per_second_[second_of(done)].push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(latency_us, UINT32_MAX)));
}

void run_log::failure(steady::time_point done) {
    ++r_.errors;
    ++errors_[second_of(done)];
}

load_result run_log::result() && {
    for (std::size_t s = 0; s < per_second_.size(); ++s) {
        auto& v = per_second_[s];
        std::sort(v.begin(), v.end());
        auto at = [&](double percent) -> std::uint64_t {
            return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(percent / 100.0 * static_cast<double>(v.size())))];
        };
        r_.timeline.push_back({v.size(), errors_[s], at(50), at(99), v.empty() ? 0 : v.back()});
    }
    r_.seconds = std::chrono::duration<double>(last_ - start_).count();
    return std::move(r_);
}

load_result run_load(const load_options& opt, const request_fn& make, const reply_fn& judge) {
    asio::io_context io;
    const auto start = steady::now();
    run_state st{opt, make, judge, start, start + opt.duration};
    for (unsigned i = 0; i < std::max(1u, opt.connections); ++i)
        asio::co_spawn(io, connection(st), [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e); // a bug in the generator: stop the run loudly
        });
    io.run();
    auto result = std::move(st.log).result();
    result.sent = st.sent;
    result.statuses = std::move(st.statuses);
    return result;
}

} // namespace docket::bench
