// `docket bench queue`: the durable queue in-process, without HTTP. Producers commit jobs through
// the store's group committer and push them to the ready queue when durable, as intake does;
// consumers pop them, as the extraction threads do. Baselines: one writer doing RocksDB puts of
// the same size with sync=true and with sync=false, in the same run.

#include "scenarios.hpp"

#include "../tests/support/process.hpp"

#include <docket/queue/ready_queue.hpp>
#include <docket/store/store.hpp>

#include <rocksdb/db.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace docket::bench {

namespace {

constexpr unsigned k_consumers = 2; // the extraction threads on this 2-core machine

// Single-writer puts of `value` for about `budget`: a run of the RocksDB baseline.
run_report rocksdb_puts(const std::filesystem::path& dir, bool sync, const std::string& value, std::chrono::milliseconds budget) {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(options, dir.string(), &raw).ok()) throw std::runtime_error("cannot open the baseline RocksDB");
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    run_report r{sync ? "RocksDB put sync=true, 1 writer" : "RocksDB put sync=false, 1 writer", "closed", 1, 0, {}, std::nullopt};
    const auto start = steady::now();
    run_log log(start);
    for (std::uint64_t i = 0; steady::now() - start < budget; ++i) {
        const auto t = steady::now();
        if (!db->Put(wo, "k" + std::to_string(i), value).ok()) throw std::runtime_error("baseline put failed");
        const auto done = steady::now();
        log.success(micros_between(t, done), done);
    }
    r.load = std::move(log).result();
    r.load.sent = r.load.ok;
    return r;
}

} // namespace

report queue_scenario(const bench_options& o) {
    report rep{"queue", {}, {}, {}};
    test::temp_dir dir;
    const std::string document(o.size, 'd');
    {
        store::config cfg;
        cfg.data_dir = dir.path() / "store";
        auto st = store::store::open(cfg);
        queue::ready_queue ready;
        const std::uint64_t limit = o.requests ? o.requests : 1'000'000;
        // Push times by sequence number, so a consumer can time its pickup without locks.
        std::vector<std::atomic<std::int64_t>> pushed_ns(limit + 1);
        const auto start = steady::now();
        const auto end = start + o.duration;
        std::atomic<std::uint64_t> next{1}, committed{0};

        std::mutex m;
        run_log commit_log(start), pickup_log(start);
        auto note = [&](run_log& log, steady::time_point from) {
            const auto done = steady::now();
            std::lock_guard lock(m);
            log.success(micros_between(from, done), done);
        };

        std::vector<std::thread> consumers;
        std::atomic<std::uint64_t> picked{0};
        for (unsigned i = 0; i < k_consumers; ++i)
            consumers.emplace_back([&] {
                while (auto e = ready.pop_wait()) {
                    const auto pushed = steady::time_point(steady::duration(pushed_ns[e->seq].load()));
                    note(pickup_log, pushed);
                    ++picked;
                }
            });
        std::vector<std::thread> producers;
        for (unsigned p = 0; p < o.connections; ++p)
            producers.emplace_back([&] {
                for (;;) {
                    const auto seq = next++;
                    if (seq > limit || steady::now() >= end) return;
                    job j;
                    j.id = new_job_id(now_ms());
                    j.tenant = "bench";
                    j.seq = seq;
                    j.created_at = j.updated_at = now_ms();
                    j.document = {"bench.pdf", "application/pdf", document.size(), std::nullopt};
                    auto b = st->new_batch();
                    b.put_job(nullptr, j);
                    b.put_document(j.id, document);
                    const auto t = steady::now();
                    st->commit_wait(std::move(b));
                    note(commit_log, t);
                    pushed_ns[seq] = steady::now().time_since_epoch().count();
                    ready.push({j.priority, seq, j.id});
                    ++committed;
                }
            });
        for (auto& t : producers) t.join();
        const auto produced_at = steady::now();
        while (picked < committed && steady::now() - produced_at < std::chrono::seconds(10)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ready.stop();
        for (auto& t : consumers) t.join();
        rep.runs.push_back({"commit (group fsync)", "closed", o.connections, 0, std::move(commit_log).result(), std::nullopt});
        rep.runs.push_back({"durable -> worker pickup", "closed", k_consumers, 0, std::move(pickup_log).result(), std::nullopt});
        for (auto& r : rep.runs) r.load.sent = r.load.ok;
    }
    const auto budget = std::min<std::chrono::milliseconds>(o.duration, std::chrono::seconds(5));
    rep.runs.push_back(rocksdb_puts(dir.path() / "sync", true, document, budget));
    rep.runs.push_back(rocksdb_puts(dir.path() / "nosync", false, document, budget));
    rep.figures = {{"durable jobs/s (group commit)", rep.runs[0].load.throughput()},
                   {"pickup p99 ms", static_cast<double>(rep.runs[1].load.latency_us.percentile(99)) / 1000.0},
                   {"group commit / RocksDB sync=true 1 writer", rep.runs[0].load.throughput() / std::max(1.0, rep.runs[2].load.throughput())},
                   {"group commit / RocksDB sync=false 1 writer", rep.runs[0].load.throughput() / std::max(1.0, rep.runs[3].load.throughput())}};
    return rep;
}

} // namespace docket::bench
