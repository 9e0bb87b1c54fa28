// fairness scenario of `docket bench`: one tenant has a deep backlog queued; how long does
// another tenant's single job wait for a worker? The baseline is the same job sent by the
// flooding tenant itself, which waits behind the whole backlog (what a FIFO queue gives
// everyone).

#include "scenarios.hpp"

#include "corpus.hpp"
#include "scenario_support.hpp"
#include "server_process.hpp"
#include "../tests/support/http_client.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <thread>

namespace docket::bench {

using namespace std::chrono_literals;

namespace {

// Milliseconds into the day of docket's "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::int64_t ms_of_day(std::string_view t) {
    auto num = [&](std::size_t at, std::size_t n) { return std::stoll(std::string(t.substr(at, n))); };
    return ((num(11, 2) * 60 + num(14, 2)) * 60 + num(17, 2)) * 1000 + num(20, 3);
}

struct waited {
    double seconds = 0;        //!< from the job's creation to its start, as docket recorded them
    std::uint64_t backlog = 0; //!< jobs waiting when it was sent
    std::uint64_t taken = 0;   //!< of those, started before it
};

waited one_job_behind(const bench_options& o, std::uint64_t backlog, const std::string& doc, bool other_tenant) {
    std::string other_key;
    auto s = server::docket(o, {}, [&](const std::filesystem::path& data) {
        fill_queue(data, backlog, doc, "default");
        other_key = add_key(data, "other");
    });
    test::http_client c("127.0.0.1", s.port(), 30s);
    // The first jobs after a start pay for warming the worker processes; measure at the pace
    // the backlog drains at.
    std::this_thread::sleep_for(2s);
    waited w;
    w.backlog = queue_depth(c);
    const auto key = other_tenant ? other_key : s.key();
    const auto req = submission(key, doc);
    auto r = c.request(req.method, req.target, req.headers, req.body);
    if (r.status != 202) throw std::runtime_error("fairness: submission answered " + std::to_string(r.status));
    const std::string id(boost::json::parse(r.body).at("id").as_string());
    const std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Bearer " + key}};
    boost::json::value j;
    for (;;) {
        auto got = c.request("GET", "/v1/jobs/" + id, auth);
        if (got.status != 200) throw std::runtime_error("fairness: polling answered " + std::to_string(got.status));
        j = boost::json::parse(got.body);
        if (j.at("status").as_string() != "queued") break;
        std::this_thread::sleep_for(other_tenant ? 2ms : 20ms);
    }
    const auto left = queue_depth(c);
    auto waited_ms = ms_of_day(j.at("started_at").as_string()) - ms_of_day(j.at("created_at").as_string());
    if (waited_ms < 0) waited_ms += 86'400'000; // across midnight
    w.seconds = static_cast<double>(waited_ms) / 1000;
    w.taken = w.backlog > left ? w.backlog - left : 0;
    return w;
}

} // namespace

report fairness_scenario(const bench_options& o) {
    report rep{"fairness", {}, {}, {}};
    const std::uint64_t backlog = o.requests ? o.requests : 10'000;
    const auto doc = small_pdf("docket bench fairness", o.size);
    const auto fair = one_job_behind(o, backlog, doc, true);
    const auto fifo = one_job_behind(o, backlog, doc, false);
    const double per_second = fifo.seconds > 0 ? static_cast<double>(fifo.taken) / fifo.seconds : 0;
    rep.figures = {{"jobs of the flooding tenant queued", static_cast<double>(fair.backlog)},
                   {"other tenant's job: ms until a worker took it", fair.seconds * 1000},
                   {"other tenant's job: backlog jobs started before it", static_cast<double>(fair.taken)},
                   {"baseline, same tenant's job: ms until a worker took it", fifo.seconds * 1000},
                   {"baseline, same tenant's job: backlog jobs started before it", static_cast<double>(fifo.taken)},
                   {"backlog jobs/s while draining", per_second},
                   {"other tenant's wait in jobs' time", fair.seconds * per_second},
                   {"baseline wait / other tenant's wait", ratio(fifo.seconds, fair.seconds)}};
    if (fair.backlog + 2000 < backlog) rep.notes.push_back("the backlog drained more than expected before the job was sent");
    return rep;
}

} // namespace docket::bench
