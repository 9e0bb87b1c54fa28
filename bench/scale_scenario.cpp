// scale scenario of `docket bench`: intake with a deep queue against intake with an empty one,
// and how long docket takes to be ready again when a million jobs wait.

#include "scenarios.hpp"

#include "corpus.hpp"
#include "scenario_support.hpp"
#include "server_process.hpp"
#include "../tests/support/http_client.hpp"

#include <docket/core/job.hpp>
#include <docket/store/store.hpp>

#include <chrono>

namespace docket::bench {

using namespace std::chrono_literals;

namespace {

// Writes `n` queued jobs, each with `doc` as its document, straight into a stopped docket's store
// with the store's own batch code (what intake writes, without the HTTP round trips and without
// an fsync per batch), then compacts it; returns the seconds it took.
double fill_queue(const std::filesystem::path& data_dir, std::uint64_t n, const std::string& doc) {
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
            j.tenant = "default"; // the tenant of the key server::docket makes
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

} // namespace

report scale_scenario(const bench_options& o) {
    report rep{"scale", {}, {}, {}};
    const auto doc = small_pdf("docket bench scale", o.size);
    {
        auto s = server::docket(o, {});
        rep.runs.push_back(measure("docket, empty queue", o, s, submission(s.key(), doc), 0, accepted));
    }
    double fill_seconds = 0;
    auto s = server::docket(o, {}, [&](const std::filesystem::path& data) { fill_seconds = fill_queue(data, o.queued, doc); });
    const double first_start = s.started_in();
    std::uint64_t depth_at_start;
    {
        test::http_client probe("127.0.0.1", s.port(), 5s);
        depth_at_start = queue_depth(probe);
    }
    const auto label = "docket, " + std::to_string(o.queued) + " queued";
    rep.runs.push_back(measure(label, o, s, submission(s.key(), doc), 0, accepted));
    const auto before_restart = s.usage();
    const double restart = s.restart();
    test::http_client probe("127.0.0.1", s.port(), 5s);
    const auto depth_after = queue_depth(probe);
    rep.figures = {{"jobs written to the store before start", static_cast<double>(o.queued)},
                   {"seconds to write and compact them", fill_seconds},
                   {"queue depth when first ready", static_cast<double>(depth_at_start)},
                   {"seconds from start to ready (first start)", first_start},
                   {"intake deep queue / empty queue", ratio(rep.runs[1].load.throughput(), rep.runs[0].load.throughput())},
                   {"server RSS MiB with the deep queue", static_cast<double>(before_restart.rss_kib) / 1024.0},
                   {"seconds from restart to ready (after SIGTERM)", restart},
                   {"queue depth after the restart", static_cast<double>(depth_after)}};
    // Workers take a few jobs between "ready" and the probe; more missing would be lost jobs.
    if (depth_at_start + 64 < o.queued) rep.notes.push_back("fewer jobs queued at start than were written");
    return rep;
}

} // namespace docket::bench
