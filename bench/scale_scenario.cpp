// scale scenario of `docket bench`: intake with a deep queue against intake with an empty one,
// and how long docket takes to be ready again when a million jobs wait.

#include "scenarios.hpp"

#include "corpus.hpp"
#include "scenario_support.hpp"
#include "server_process.hpp"
#include "../tests/support/http_client.hpp"

#include <chrono>

namespace docket::bench {

using namespace std::chrono_literals;

report scale_scenario(const bench_options& o) {
    report rep{"scale", {}, {}, {}};
    const auto doc = small_pdf("docket bench scale", o.size);
    {
        auto s = server::docket(o, {});
        rep.runs.push_back(measure("docket, empty queue", o, s, submission(s.key(), doc), 0, accepted));
    }
    double fill_seconds = 0;
    auto s = server::docket(o, {}, [&](const std::filesystem::path& data) { fill_seconds = fill_queue(data, o.queued, doc, "default"); });
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
