#include "../../bench/histogram.hpp"
#include "../../bench/http_sink.hpp"
#include "../../bench/load.hpp"
#include "../../bench/report.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>

using namespace docket::bench;
using namespace std::chrono_literals;

TEST_CASE("the histogram is exact below 2048 and within 1/1024 above, up to 2^64", "[bench]") {
    for (std::uint64_t v : {0ull, 1ull, 2047ull}) CHECK(histogram::highest_in(histogram::bucket_of(v)) == v);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t v = rng() >> (rng() % 64);
        const auto b = histogram::bucket_of(v);
        const auto hi = histogram::highest_in(b);
        REQUIRE(hi >= v);
        REQUIRE(static_cast<double>(hi - v) <= static_cast<double>(v) / 1024.0 + 1);
        if (b > 0) REQUIRE(histogram::highest_in(b - 1) < v); // buckets do not overlap
    }
    histogram h;
    h.record(UINT64_MAX);
    CHECK(h.percentile(50) == UINT64_MAX);
}

TEST_CASE("histogram percentiles, mean, min, max and merge", "[bench]") {
    histogram a, b, empty;
    for (std::uint64_t v = 1; v <= 50000; ++v) a.record(v);
    for (std::uint64_t v = 50001; v <= 100000; ++v) b.record(v);
    CHECK(empty.percentile(99) == 0);
    a.merge(b);
    CHECK(a.count() == 100000);
    CHECK(a.min() == 1);
    CHECK(a.max() == 100000);
    CHECK(a.mean() == Approx(50000.5));
    CHECK(a.percentile(50) == Approx(50000).epsilon(0.001));
    CHECK(a.percentile(99) == Approx(99000).epsilon(0.001));
    CHECK(a.percentile(99.9) == Approx(99900).epsilon(0.001));
    CHECK(a.percentile(100) == 100000);
    CHECK(a.percentile(0) == 1);
}

TEST_CASE("a run log counts successes and failures and takes p50, p99 and max of each second", "[bench]") {
    const auto t0 = steady::now();
    run_log log(t0);
    for (std::uint64_t v = 100; v >= 1; --v) log.success(v, t0 + 500ms);
    for (int i = 0; i < 3; ++i) log.failure(t0 + 200ms);
    log.success(5, t0 + 1500ms);
    auto r = std::move(log).result();
    CHECK(r.ok == 101);
    CHECK(r.errors == 3);
    CHECK(r.latency_us.count() == 101);
    CHECK(r.seconds == Approx(1.5));
    const auto& s = r.timeline;
    REQUIRE(s.size() == 2);
    CHECK(s[0].completed == 100);
    CHECK(s[0].errors == 3);
    CHECK(s[0].p50_us == 51);
    CHECK(s[0].p99_us == 100);
    CHECK(s[0].max_us == 100);
    CHECK(s[1].p50_us == 5);
    CHECK(s[1].errors == 0);
    CHECK(micros_between(t0 + 2ms, t0) == 0);
    CHECK(micros_between(t0, t0 + 2ms) == 2000);
}

TEST_CASE("a closed loop sends exactly the requests asked for over keep-alive connections", "[bench]") {
    std::atomic<int> seen{0};
    http_sink sink([&](const sink_request& r) {
        ++seen;
        return sink_reply{r.body == "hello" && r.header("X-Test") == "1" ? 202 : 400, "{}"};
    });
    load_options o;
    o.port = sink.port();
    o.connections = 8;
    o.max_requests = 500;
    o.duration = 20s;
    http_request req{"POST", "/v1/jobs", {{"X-Test", "1"}}, "hello"};
    auto r = run_load(o, [&](std::uint64_t) -> const http_request& { return req; },
                      [](std::uint64_t, int status, std::string_view, steady::time_point) { return status == 202; });
    CHECK(r.sent == 500);
    CHECK(r.ok == 500);
    CHECK(r.errors == 0);
    CHECK(r.statuses[202] == 500);
    CHECK(seen == 500);
    CHECK(r.latency_us.count() == 500);
}

TEST_CASE("an open loop measures from the intended send time, so a stall shows in every request behind it", "[bench]") {
    std::atomic<int> index{0};
    http_sink sink([&](const sink_request&) {
        if (index++ == 10) std::this_thread::sleep_for(300ms); // one stall, early in the run
        return sink_reply{202, {}};
    });
    load_options o;
    o.port = sink.port();
    o.connections = 1;
    o.rate = 100;
    o.duration = 1s;
    auto r = run_load(o, [](std::uint64_t) -> const http_request& { static http_request q; return q; },
                      [](std::uint64_t, int status, std::string_view, steady::time_point) { return status == 202; });
    CHECK(r.sent == 100); // the schedule, not the server, decides how many are sent
    CHECK(r.ok == 100);
    // Requests 10..25 were due during the stall: at least 10 % of all waited over 50 ms. Timing
    // from the actual send would show one slow request (1 %).
    CHECK(r.latency_us.percentile(90) >= 50'000);
    CHECK(r.latency_us.max() >= 300'000);
}

TEST_CASE("a connection refused counts as an error, not a hang", "[bench]") {
    unsigned short port;
    {
        http_sink gone([](const sink_request&) { return sink_reply{}; });
        port = gone.port();
    }
    load_options o;
    o.port = port;
    o.connections = 2;
    o.max_requests = 10;
    o.timeout = 2s;
    auto r = run_load(o, [](std::uint64_t) -> const http_request& { static http_request q; return q; },
                      [](std::uint64_t, int, std::string_view, steady::time_point) { return true; });
    CHECK(r.ok == 0);
    CHECK(r.errors == 10);
    CHECK(r.statuses[0] == 10);
}

TEST_CASE("a report renders as JSON with every run and as an SVG with a line per run", "[bench]") {
    report rep;
    rep.scenario = "intake";
    for (const char* name : {"baseline", "docket"}) {
        run_report run{name, "closed", 4, 0, {}, process_usage{1.5, 1024, 2048, 0}};
        for (int i = 1; i <= 1000; ++i) run.load.latency_us.record(static_cast<std::uint64_t>(i));
        run.load.ok = run.load.sent = 1000;
        run.load.seconds = 2;
        run.load.timeline = {{500, 0, 500, 990, 1000}, {500, 0, 500, 990, 1000}};
        rep.runs.push_back(run);
    }
    rep.figures = {{"docket / baseline throughput", 1.0}};
    auto v = boost::json::parse(to_json(rep));
    CHECK(v.at("scenario").as_string() == "intake");
    REQUIRE(v.at("runs").as_array().size() == 2);
    CHECK(v.at("runs").at(1).at("latency_us").at("p99").to_number<std::uint64_t>() == 990);
    CHECK(v.at("runs").at(1).at("throughput").as_double() == 500.0);
    CHECK(v.at("runs").at(0).at("server").at("peak_rss_kib").to_number<std::uint64_t>() == 2048);
    CHECK(v.at("figures").at("docket / baseline throughput").as_double() == 1.0);
    const auto svg = to_svg(rep);
    CHECK(svg.rfind("<svg", 0) == 0);
    std::size_t lines = 0;
    for (auto at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++lines;
    CHECK(lines == 6); // throughput, p99, p50 for each run
    CHECK(to_text(rep).find("p99=0.99ms") != std::string::npos);
    CHECK(to_text(rep).find("500.0/s") != std::string::npos);

    // Sampled series get a third panel with a line each, and their values in the JSON.
    rep.series = {{"server RSS MiB", {30.0, 31.5, 31.0}}};
    const auto with_series = to_svg(rep);
    lines = 0;
    for (auto at = with_series.find("<polyline"); at != std::string::npos; at = with_series.find("<polyline", at + 1)) ++lines;
    CHECK(lines == 7);
    CHECK(with_series.find("server RSS MiB") != std::string::npos);
    auto j = boost::json::parse(to_json(rep));
    CHECK(j.at("series").at("server RSS MiB").as_array().size() == 3);
    CHECK(j.at("runs").at(0).at("server").at("rss_kib").to_number<std::uint64_t>() == 1024);
    CHECK(to_text(rep).find("max=31.5") != std::string::npos);
}
