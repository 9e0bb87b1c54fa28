// intake and e2e scenarios of `docket bench`: real docket processes on loopback, started on fresh
// data directories, with the baselines run in the same invocation.

#include "scenarios.hpp"

#include "corpus.hpp"
#include "http_sink.hpp"
#include "scenario_support.hpp"
#include "server_process.hpp"
#include "../tests/support/http_client.hpp"

#include <docket/auth/keys.hpp>
#include <docket/core/job.hpp>
#include <docket/deliver/signing.hpp>
#include <docket/store/store.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace docket::bench {

using namespace std::chrono_literals;

http_request submission(const std::string& key, const std::string& document,
                        const std::vector<std::pair<std::string, std::string>>& fields) {
    auto [type, body] = test::multipart(fields, "bench.pdf", document, "application/pdf");
    return {"POST", "/v1/jobs", {{"Authorization", "Bearer " + key}, {"Content-Type", type}}, std::move(body)};
}

run_report measure(const std::string& name, const bench_options& o, const server& s, const http_request& req, double rate,
                   const reply_fn& judge) {
    load_options lo;
    lo.port = s.port();
    lo.connections = o.connections;
    lo.rate = rate;
    lo.duration = o.duration;
    lo.max_requests = o.requests;
    run_report r{name, rate > 0 ? "open" : "closed", o.connections, rate, {}, std::nullopt};
    r.load = run_load(lo, [&](std::uint64_t) -> const http_request& { return req; }, judge);
    r.server = s.usage();
    return r;
}

bool accepted(std::uint64_t, int status, std::string_view, steady::time_point) { return status == 202; }

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::string event_job_id(std::string_view body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    const auto* data = v.as_object().if_contains("data");
    const auto* id = data && data->is_object() ? data->as_object().if_contains("id") : nullptr;
    return id && id->is_string() ? std::string(id->get_string()) : std::string();
}

double fill_queue(const std::filesystem::path& data_dir, std::uint64_t n, const std::string& doc, const std::string& tenant) {
    const auto t0 = steady::now();
    store::config cfg;
    cfg.data_dir = data_dir;
    cfg.fsync = false;
    auto st = store::store::open(cfg);
    const auto now = now_ms();
    constexpr std::uint64_t k_per_batch = 1000;
    for (std::uint64_t done = 0; done < n;) {
        auto b = st->new_batch();
        for (std::uint64_t i = 0; i < k_per_batch && done < n; ++i) {
            job j;
            j.id = new_job_id(now);
            j.tenant = tenant;
            j.document = {"bench.pdf", "application/pdf", doc.size(), std::nullopt};
            j.seq = ++done;
            j.created_at = j.updated_at = now;
            b.put_job(nullptr, j);
            b.put_document(j.id, doc);
        }
        st->write(std::move(b));
    }
    st->flush();
    // A server that queued a million jobs over time has compacted them as it went; measuring
    // right after a 16 s bulk write would time RocksDB's compaction backlog, not docket.
    st->compact();
    st.reset();
    return std::chrono::duration<double>(steady::now() - t0).count();
}

std::string add_key(const std::filesystem::path& data_dir, const std::string& tenant) {
    store::config cfg;
    cfg.data_dir = data_dir;
    auto st = store::store::open(cfg);
    auto k = auth::make_key(tenant, now_ms());
    auto b = st->new_batch();
    b.put_key(k.record);
    st->commit_wait(std::move(b));
    return k.secret;
}

readiness ready_state(test::http_client& c) {
    auto r = c.request("GET", "/readyz");
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    readiness out;
    if (r.status != 200 || ec || !v.is_object()) return out;
    auto number = [](const boost::json::object& o, std::string_view name) -> std::uint64_t {
        const auto* d = o.if_contains(name);
        return d && d->is_number() ? d->to_number<std::uint64_t>() : 0;
    };
    const auto mib = [](std::uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); };
    out.queue_depth = number(v.as_object(), "queue_depth");
    if (const auto* st = v.as_object().if_contains("store"); st && st->is_object()) {
        const auto& o = st->as_object();
        out.memtable_mib = mib(number(o, "memtable_bytes"));
        out.block_cache_mib = mib(number(o, "block_cache_bytes"));
        out.table_reader_mib = mib(number(o, "table_reader_bytes"));
        out.sst_mib = mib(number(o, "sst_bytes"));
    }
    return out;
}

namespace {

// The job id in a 202 body, without a full parse.
std::string job_id(std::string_view body) {
    const auto at = body.find(R"("id":")");
    if (at == std::string_view::npos) return {};
    const auto start = at + 6;
    return std::string(body.substr(start, body.find('"', start) - start));
}

} // namespace

report intake_scenario(const bench_options& o) {
    report rep{"intake", {}, {}, {}};
    const auto doc = small_pdf("docket bench intake", o.size);
    {
        auto base = server::baseline(o);
        rep.runs.push_back(measure("baseline (fixed 202)", o, base, submission("none", doc), 0, accepted));
    }
    for (const bool fsync : {true, false}) {
        auto s = server::docket(o, {"--fsync=" + std::string(fsync ? "true" : "false")});
        rep.runs.push_back(measure(fsync ? "docket" : "docket --fsync=false", o, s, submission(s.key(), doc), 0, accepted));
    }
    const double durable = rep.runs[1].load.throughput();
    {
        const double rate = o.rate > 0 ? o.rate : std::max(1.0, durable / 2);
        auto s = server::docket(o, {});
        rep.runs.push_back(measure("docket", o, s, submission(s.key(), doc), rate, accepted));
    }
    rep.figures = {{"docket / baseline throughput", ratio(durable, rep.runs[0].load.throughput())},
                   {"docket / docket --fsync=false throughput", ratio(durable, rep.runs[2].load.throughput())},
                   {"open-loop p99 ms", static_cast<double>(rep.runs[3].load.latency_us.percentile(99)) / 1000.0},
                   {"open-loop rate / closed-loop rate", ratio(rep.runs[3].rate, durable)}};
    return rep;
}

report e2e_scenario(const bench_options& o) {
    report rep{"e2e", {}, {}, {}};
    const std::string secret = deliver::new_secret();
    struct tracking {
        std::mutex m;
        std::unordered_map<std::string, steady::time_point> intended; // accepted, webhook not yet seen
        std::unordered_map<std::string, steady::time_point> early;    // webhook seen before its 202 was read
        std::set<std::string> webhook_ids;
        std::uint64_t received = 0, duplicates = 0, bad_signatures = 0, unknown = 0;
        run_log e2e; // restarted when the load starts

        void complete(steady::time_point intended_at, steady::time_point arrived) {
            e2e.success(micros_between(intended_at, arrived), arrived);
        }
    } t;
    http_sink receiver(
        [&](const sink_request& r) {
            const auto arrived = steady::now();
            const auto id = r.header("webhook-id");
            const auto ts = r.header("webhook-timestamp");
            const std::string expected = deliver::sign({secret}, id, std::atoll(std::string(ts).c_str()), r.body);
            std::lock_guard lock(t.m);
            if (id.empty() || r.header("webhook-signature") != expected) {
                ++t.bad_signatures;
                return sink_reply{400, {}};
            }
            if (!t.webhook_ids.insert(std::string(id)).second) {
                ++t.duplicates;
                return sink_reply{204, {}};
            }
            const std::string job = event_job_id(r.body);
            if (job.empty()) {
                ++t.unknown;
                return sink_reply{204, {}};
            }
            ++t.received;
            if (auto it = t.intended.find(job); it != t.intended.end()) {
                t.complete(it->second, arrived);
                t.intended.erase(it);
            } else {
                t.early[job] = arrived;
            }
            return sink_reply{204, {}};
        },
        2);
    const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
    auto s = server::docket(o, {"--webhook-allow-http=true", "--webhook-allow-cidrs", "127.0.0.0/8"});
    const auto req = submission(s.key(), small_pdf("docket bench e2e", o.size),
                                {{"webhook_url", url}, {"webhook_secret", secret}, {"document_type", "invoice"}});
    const double rate = o.rate > 0 ? o.rate : 200;
    std::uint64_t submitted = 0;
    {
        std::lock_guard lock(t.m);
        t.e2e = run_log(steady::now());
    }
    auto run = measure("docket submit (202)", o, s, req, rate, [&](std::uint64_t, int status, std::string_view body, steady::time_point intended) {
        if (status != 202) return false;
        const auto id = job_id(body);
        std::lock_guard lock(t.m);
        ++submitted;
        if (auto it = t.early.find(id); it != t.early.end()) {
            t.complete(intended, it->second);
            t.early.erase(it);
        } else {
            t.intended[id] = intended;
        }
        return true;
    });
    // Every accepted job must bring exactly one webhook; wait for the stragglers (bounded).
    const auto deadline = steady::now() + 30s;
    while (steady::now() < deadline) {
        {
            std::lock_guard lock(t.m);
            if (t.received >= submitted) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    std::lock_guard lock(t.m);
    run.server = s.usage(); // again, now that the deliveries are done too
    rep.runs.push_back(run);
    run_report webhook{"submit -> webhook", "open", o.connections, rate, std::move(t.e2e).result(), std::nullopt};
    webhook.load.sent = submitted;
    webhook.load.errors = submitted - std::min(submitted, webhook.load.ok);
    rep.runs.push_back(std::move(webhook));
    const auto& l = rep.runs.back().load;
    rep.figures = {{"submit -> webhook p50 ms", static_cast<double>(l.latency_us.percentile(50)) / 1000.0},
                   {"submit -> webhook p99 ms", static_cast<double>(l.latency_us.percentile(99)) / 1000.0},
                   {"webhooks missing", static_cast<double>(submitted - std::min(submitted, t.received))},
                   {"webhooks duplicated", static_cast<double>(t.duplicates)},
                   {"bad signatures", static_cast<double>(t.bad_signatures)}};
    if (t.received < submitted) rep.notes.push_back(std::to_string(submitted - t.received) + " accepted jobs brought no webhook within 30 s");
    if (t.duplicates) rep.notes.push_back(std::to_string(t.duplicates) + " webhooks arrived twice");
    if (t.unknown) rep.notes.push_back(std::to_string(t.unknown) + " signed webhooks named no job");
    if (t.bad_signatures) rep.notes.push_back(std::to_string(t.bad_signatures) + " webhooks failed signature verification");
    return rep;
}

report deliver_scenario(const bench_options& o) {
    report rep{"deliver", {}, {}, {}};
    const std::uint64_t n = o.requests ? o.requests : 5000;
    constexpr unsigned k_per_origin = 8; // docket's --webhook-per-origin-concurrency default
    struct sink_state {
        std::mutex m;
        std::string sample_body;
        std::vector<steady::time_point> arrivals;
    } st;
    http_sink sink(
        [&](const sink_request& r) {
            const auto now = steady::now();
            std::lock_guard lock(st.m);
            st.arrivals.push_back(now);
            if (st.sample_body.empty()) st.sample_body = std::string(r.body);
            return sink_reply{204, {}};
        },
        1);
    auto wait_for = [&](std::uint64_t count) {
        const auto deadline = steady::now() + 120s;
        for (;;) {
            {
                std::lock_guard lock(st.m);
                if (st.arrivals.size() >= count) return true;
            }
            if (steady::now() > deadline) return false;
            std::this_thread::sleep_for(2ms);
        }
    };

    auto s = server::docket(o, {"--webhook-allow-http=true", "--webhook-allow-cidrs", "127.0.0.0/8"});
    test::http_client api("127.0.0.1", s.port());
    const std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Bearer " + s.key()},
                                                                {"Content-Type", "application/json"}};
    auto created = api.request("POST", "/v1/webhooks", auth,
                               R"({"url":"http://127.0.0.1:)" + std::to_string(sink.port()) + R"(/hook"})");
    if (created.status != 201) throw std::runtime_error("registering the endpoint failed: " + created.body);
    const std::string endpoint = std::string(boost::json::parse(created.body).at("id").as_string());

    // The jobs and their first deliveries (not measured: extraction runs alongside).
    bench_options submit = o;
    submit.requests = n;
    submit.duration = std::chrono::minutes(10);
    submit.connections = std::min(o.connections, 16u);
    auto first = measure("docket submit (202)", submit, s, submission(s.key(), "webhook bench document"), 0, accepted);
    if (!wait_for(first.load.ok)) rep.notes.push_back("not every job delivered its first webhook within 120 s");
    std::this_thread::sleep_for(500ms); // let the last attempts be recorded before replaying them

    // docket: every delivery of the endpoint replayed at once; timed from the replay request.
    std::uint64_t before;
    {
        std::lock_guard lock(st.m);
        before = st.arrivals.size();
    }
    const auto usage_before = s.usage();
    const auto t0 = steady::now();
    auto replay = api.request("POST", "/v1/webhooks/" + endpoint + "/replay?since=0", {auth[0]});
    const auto replayed = replay.status == 202 ? boost::json::parse(replay.body).at("replayed").to_number<std::uint64_t>() : 0;
    const bool all = replayed > 0 && wait_for(before + replayed);
    run_report docket_run{"docket deliveries", "burst", k_per_origin, 0, {}, s.usage()};
    // What a delivery costs the server whatever else the machine runs: throughput on two shared
    // cores moves with the load generator and the sink.
    std::this_thread::sleep_for(200ms); // the last attempts' records
    const auto usage_after = s.usage();
    const double per_delivery = replayed ? 1.0 / static_cast<double>(replayed) : 0;
    const double cpu_per_delivery_us = (usage_after.cpu_seconds - usage_before.cpu_seconds) * 1e6 * per_delivery;
    const double written_per_delivery = static_cast<double>(usage_after.write_bytes - usage_before.write_bytes) * per_delivery;
    {
        std::lock_guard lock(st.m);
        run_log log(t0);
        for (std::size_t i = before; i < st.arrivals.size(); ++i)
            log.success(micros_between(t0, st.arrivals[i]), st.arrivals[i]);
        auto& l = docket_run.load;
        l = std::move(log).result();
        l.sent = replayed;
        l.errors = replayed - std::min(replayed, l.ok);
    }
    if (!all) rep.notes.push_back("the replay did not complete within 120 s");

    // Baseline: the same bodies POSTed by a plain keep-alive loop.
    std::string body;
    {
        std::lock_guard lock(st.m);
        body = st.sample_body;
    }
    http_request raw{"POST", "/hook", {{"Content-Type", "application/json"}}, body};
    load_options lo;
    lo.port = sink.port();
    lo.connections = k_per_origin;
    lo.max_requests = replayed ? replayed : n;
    lo.duration = std::chrono::minutes(10);
    run_report base{"raw keep-alive POST", "closed", k_per_origin, 0, {}, std::nullopt};
    base.load = run_load(lo, [&](std::uint64_t) -> const http_request& { return raw; },
                         [](std::uint64_t, int status, std::string_view, steady::time_point) { return status == 204; });
    rep.runs = {std::move(first), std::move(docket_run), std::move(base)};
    rep.figures = {{"docket deliveries/s", rep.runs[1].load.throughput()},
                   {"raw POSTs/s", rep.runs[2].load.throughput()},
                   {"docket / raw POST rate", ratio(rep.runs[1].load.throughput(), rep.runs[2].load.throughput())},
                   {"server CPU us per replayed delivery", cpu_per_delivery_us},
                   {"server bytes written to disk per replayed delivery", written_per_delivery},
                   {"payload bytes", static_cast<double>(body.size())}};
    return rep;
}

} // namespace docket::bench
