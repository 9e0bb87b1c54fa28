// memory scenario of `docket bench`: docket's resident memory idle, while holding many idle
// keep-alive connections, and sampled each second over a long open-loop run of jobs.

#include "scenarios.hpp"

#include "corpus.hpp"
#include "sampler.hpp"
#include "scenario_support.hpp"
#include "server_process.hpp"
#include "../tests/support/http_client.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <thread>

namespace docket::bench {

using namespace std::chrono_literals;

namespace {

double mib(std::uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

// Sockets and other files the process holds open now.
std::size_t open_files(int pid) {
    std::error_code ec;
    std::size_t n = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

} // namespace

report memory_scenario(const bench_options& o) {
    report rep{"memory", {}, {}, {}};

    // Idle, then holding connections that each made one request and then stay quiet.
    {
        auto s = server::docket(o, {"--idle-timeout", "10m"});
        std::this_thread::sleep_for(2s); // worker processes up, start-up allocations done
        const auto idle = s.usage();
        const auto files_before = open_files(s.pid());
        std::vector<std::unique_ptr<test::http_client>> conns;
        conns.reserve(o.idle_connections);
        std::uint64_t answered = 0;
        for (unsigned i = 0; i < o.idle_connections; ++i) {
            conns.push_back(std::make_unique<test::http_client>("127.0.0.1", s.port(), 5s));
            if (conns.back()->request("GET", "/healthz").status == 200) ++answered;
        }
        std::this_thread::sleep_for(1s);
        const auto held = s.usage();
        const auto files_held = open_files(s.pid());
        const auto held_files = files_held - std::min(files_held, files_before);
        conns.clear();
        const double added = mib(held.rss_kib) - mib(idle.rss_kib);
        rep.figures = {{"idle RSS MiB (server process)", mib(idle.rss_kib)},
                       {"idle RSS MiB (with worker processes)", mib(idle.rss_kib + idle.children_rss_kib)},
                       {"idle keep-alive connections opened", static_cast<double>(answered)},
                       {"idle keep-alive connections held by the server", static_cast<double>(held_files)},
                       {"RSS MiB added by the idle connections", added},
                       {"KiB per idle connection", answered ? added * 1024.0 / static_cast<double>(answered) : 0}};
        if (answered < o.idle_connections)
            rep.notes.push_back(std::to_string(o.idle_connections - answered) + " idle connections got no reply to GET /healthz");
    }

    // A long run of jobs on a fresh server: resident memory must not grow with the jobs done.
    const std::uint64_t jobs = o.requests ? o.requests : 1'000'000;
    const double rate = o.rate > 0 ? o.rate : 500;
    auto s = server::docket(o, {});
    test::http_client probe("127.0.0.1", s.port(), 5s), sampler_probe("127.0.0.1", s.port(), 5s);
    std::vector<double> rss, workers_rss, memtables, block_cache, table_readers;
    std::uint64_t max_depth = 0;
    run_report run;
    bool drained = false;
    {
        sampler every_second(1s, [&] {
            const auto u = s.usage();
            rss.push_back(mib(u.rss_kib));
            workers_rss.push_back(mib(u.children_rss_kib));
            const auto state = ready_state(sampler_probe);
            max_depth = std::max(max_depth, state.queue_depth);
            memtables.push_back(state.memtable_mib);
            block_cache.push_back(state.block_cache_mib);
            table_readers.push_back(state.table_reader_mib);
        });
        bench_options load = o;
        load.requests = jobs;
        load.duration = std::chrono::milliseconds(static_cast<std::int64_t>(1000.0 * static_cast<double>(jobs) / rate)) + 60s;
        run = measure("docket submit (202)", load, s, submission(s.key(), small_pdf("docket bench memory", o.size)), rate, accepted);
        // The run is over when the last job is extracted, not when it was accepted.
        const auto deadline = steady::now() + 10min;
        while (!(drained = queue_depth(probe) == 0) && steady::now() < deadline) std::this_thread::sleep_for(200ms);
        std::this_thread::sleep_for(1s);
    }
    const auto end = s.usage();
    run.server = end;
    rep.runs.push_back(std::move(run));
    rss.push_back(mib(end.rss_kib));
    workers_rss.push_back(mib(end.children_rss_kib));
    // The first tenth of the run is warm-up (caches, memtables, allocator arenas filling). RSS
    // swings as memtables fill and are flushed, so windows are compared by their means: the
    // second tenth of the samples against the last tenth.
    const std::size_t n = memtables.size();
    auto window_mean = [n](const std::vector<double>& v, std::size_t from_tenth) {
        const std::size_t a = n * from_tenth / 10, b = std::max(a + 1, n * (from_tenth + 1) / 10);
        double sum = 0;
        for (std::size_t i = a; i < b && i < v.size(); ++i) sum += v[i];
        return sum / static_cast<double>(b - a);
    };
    auto change = [](double from, double to) { return from > 0 ? 100.0 * (to - from) / from : 0; };
    // What is left of the RSS once RocksDB's memtables and block cache (both bounded by
    // configuration) are taken out: a leak per job would show here.
    std::vector<double> rest(n);
    for (std::size_t i = 0; i < n; ++i) rest[i] = rss[i] - memtables[i] - block_cache[i];
    const double early = window_mean(rss, 1), late = window_mean(rss, 9);
    const double rest_early = window_mean(rest, 1), rest_late = window_mean(rest, 9);
    rep.figures.push_back({"jobs accepted", static_cast<double>(rep.runs[0].load.ok)});
    rep.figures.push_back({"RSS MiB mean over the second tenth", early});
    rep.figures.push_back({"RSS MiB mean over the last tenth", late});
    rep.figures.push_back({"RSS change, second tenth to last tenth %", change(early, late)});
    rep.figures.push_back({"RSS MiB max after the first tenth",
                           n > 10 ? *std::max_element(rss.begin() + static_cast<std::ptrdiff_t>(n / 10), rss.end()) : rss.back()});
    rep.figures.push_back({"RSS MiB at the end", rss.back()});
    rep.figures.push_back({"RSS outside RocksDB memtables and cache, change second to last tenth %", change(rest_early, rest_late)});
    rep.figures.push_back({"max queue depth", static_cast<double>(max_depth)});
    if (!drained) rep.notes.push_back("the queue had not drained 10 minutes after the last submission");
    const auto store_end = ready_state(probe);
    rep.figures.push_back({"RocksDB memtables MiB at the end", store_end.memtable_mib});
    rep.figures.push_back({"RocksDB block cache MiB at the end", store_end.block_cache_mib});
    rep.figures.push_back({"RocksDB table readers MiB at the end", store_end.table_reader_mib});
    rep.figures.push_back({"RocksDB table files MiB at the end", store_end.sst_mib});
    rep.series = {{"server RSS MiB", std::move(rss)},
                  {"worker processes RSS MiB", std::move(workers_rss)},
                  {"RocksDB memtables MiB", std::move(memtables)},
                  {"RocksDB block cache MiB", std::move(block_cache)},
                  {"RocksDB table readers MiB", std::move(table_readers)}};
    return rep;
}

} // namespace docket::bench
