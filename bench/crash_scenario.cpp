// crash scenario of `docket bench`: kill -9 at random moments while submissions with webhooks
// keep coming (--rate, 200/s), --cycles times, then check what every acknowledged job became. The oracle: each
// ends terminal, each has its webhook delivered at least once, and an event never goes out
// under two webhook-ids (a job completed twice would plan a second delivery). The suite runs a
// few cycles (tests/e2e/bench_test.cpp); a longer run is the benchmark.

#include "scenarios.hpp"

#include "corpus.hpp"
#include "http_sink.hpp"
#include "scenario_support.hpp"
#include "server_process.hpp"
#include "../tests/support/http_client.hpp"

#include <docket/deliver/signing.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

namespace docket::bench {

using namespace std::chrono_literals;

namespace {

constexpr unsigned k_submitters = 4;

struct received {
    std::mutex m;
    std::unordered_map<std::string, std::set<std::string>> ids_of_job; // webhook-ids seen per job
    std::uint64_t requests = 0, bad_signatures = 0;
};

} // namespace

report crash_scenario(const bench_options& o) {
    report rep{"crash", {}, {}, {}};
    const std::string secret = deliver::new_secret();
    received got;
    http_sink receiver(
        [&](const sink_request& r) {
            const auto id = r.header("webhook-id");
            const std::string expected = deliver::sign({secret}, id, std::atoll(std::string(r.header("webhook-timestamp")).c_str()), r.body);
            std::lock_guard lock(got.m);
            ++got.requests;
            if (id.empty() || r.header("webhook-signature") != expected) {
                ++got.bad_signatures;
                return sink_reply{400, {}};
            }
            got.ids_of_job[event_job_id(r.body)].insert(std::string(id));
            return sink_reply{204, {}};
        },
        2);
    const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
    auto s = server::docket(o, {"--webhook-allow-http=true", "--webhook-allow-cidrs", "127.0.0.0/8", "--webhook-retry-schedule",
                                "0s,200ms,500ms,1s,2s,5s,10s,30s,1m"});
    const auto req = submission(s.key(), small_pdf("docket bench crash", o.size), {{"webhook_url", url}, {"webhook_secret", secret}});

    std::mutex m;
    std::vector<std::string> acked;
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> refused{0}, failed_requests{0};
    std::atomic<unsigned short> port{s.port()};
    // Paced (--rate, default 200/s): the workers keep up, so kills land on claims, extractions
    // and deliveries in flight rather than on a backlog that only grows.
    const double rate = o.rate > 0 ? o.rate : 200;
    const auto gap = std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(k_submitters / rate));
    std::vector<std::thread> submitters;
    for (unsigned i = 0; i < k_submitters; ++i)
        submitters.emplace_back([&] {
            test::http_client c("127.0.0.1", port, 5s);
            auto next = steady::now();
            while (!stop) {
                std::this_thread::sleep_until(next);
                next += gap;
                auto r = c.request(req.method, req.target, req.headers, req.body);
                if (r.status == 202) {
                    auto id = std::string(boost::json::parse(r.body).at("id").as_string());
                    std::lock_guard lock(m);
                    acked.push_back(std::move(id));
                } else if (r.status == 0) {
                    ++failed_requests; // the server was killed under it
                    std::this_thread::sleep_for(20ms);
                } else {
                    ++refused;
                    std::this_thread::sleep_for(20ms);
                }
            }
        });

    const std::uint64_t seed = o.seed ? o.seed : std::random_device{}();
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> pause_ms(200, 2000);
    double restart_seconds = 0;
    for (unsigned cycle = 0; cycle < o.cycles; ++cycle) {
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
        restart_seconds += s.crash_restart();
    }
    std::this_thread::sleep_for(500ms);
    stop = true;
    for (auto& t : submitters) t.join();

    // Every acknowledged job ends terminal (a bounded wait: the queue drains at its own pace).
    test::http_client c("127.0.0.1", s.port(), 10s);
    const std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Bearer " + s.key()}};
    std::uint64_t not_terminal = 0, failed_jobs = 0;
    const auto deadline = steady::now() + 300s;
    for (const auto& id : acked) {
        for (;;) {
            auto r = c.request("GET", "/v1/jobs/" + id, auth);
            std::string status = r.status == 200 ? std::string(boost::json::parse(r.body).at("status").as_string()) : "missing";
            if (status == "succeeded" || status == "failed" || status == "canceled") {
                failed_jobs += status == "succeeded" ? 0 : 1;
                break;
            }
            if (status == "missing" || steady::now() > deadline) {
                ++not_terminal;
                break;
            }
            std::this_thread::sleep_for(50ms);
        }
    }
    // And its webhook arrives.
    auto missing = [&] {
        std::lock_guard lock(got.m);
        std::uint64_t n = 0;
        for (const auto& id : acked) n += got.ids_of_job.count(id) ? 0 : 1;
        return n;
    };
    while (missing() > 0 && steady::now() < deadline) std::this_thread::sleep_for(100ms);
    std::uint64_t two_ids = 0;
    {
        std::lock_guard lock(got.m);
        for (const auto& [job, ids] : got.ids_of_job) two_ids += ids.size() > 1 ? 1 : 0;
    }
    const auto lost = missing();
    rep.figures = {{"seed", static_cast<double>(seed)},
                   {"kill -9 cycles", static_cast<double>(o.cycles)},
                   {"jobs acknowledged (202)", static_cast<double>(acked.size())},
                   {"requests cut by a kill", static_cast<double>(failed_requests)},
                   {"submissions refused (503 while starting)", static_cast<double>(refused)},
                   {"jobs not terminal", static_cast<double>(not_terminal)},
                   {"jobs failed", static_cast<double>(failed_jobs)},
                   {"webhooks missing", static_cast<double>(lost)},
                   {"events under two webhook-ids", static_cast<double>(two_ids)},
                   {"webhook requests received", static_cast<double>(got.requests)},
                   {"bad signatures", static_cast<double>(got.bad_signatures)},
                   {"mean seconds from kill to ready", o.cycles ? restart_seconds / o.cycles : 0}};
    if (not_terminal || lost || two_ids || got.bad_signatures)
        rep.notes.push_back("the oracle failed: see jobs not terminal, webhooks missing, events under two webhook-ids");
    return rep;
}

} // namespace docket::bench
