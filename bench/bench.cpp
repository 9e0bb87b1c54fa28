// `docket bench SCENARIO [options]`: parses the options, runs the scenario, prints the table and
// writes the JSON report and the SVG chart.

#include "bench.hpp"

#include "http_sink.hpp"
#include "scenarios.hpp"

#include <docket/app/commands.hpp>
#include <docket/core/units.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace docket::bench {

namespace {

constexpr const char* k_usage = R"(usage: docket bench SCENARIO [options] [-- docket serve options]

scenarios:
  intake   closed loop against a fixed-202 Beast server (the baseline), docket, and docket
           --fsync=false; then docket open loop at half its closed-loop rate (or --rate)
  e2e      open loop (default 200/s) of submissions with a webhook to bench's own receiver,
           which verifies every signature; latency from intended submit to webhook arrival
  deliver  --requests jobs (default 5000) complete, then their endpoint's deliveries are replayed
           at once to a loopback sink; baseline: raw keep-alive POSTs of the same body, same sink
  queue    in-process: --connections producers commit jobs through the group committer, two
           consumers pop them (durable -> pickup latency); baselines: RocksDB puts by one writer
           with sync=true and sync=false
  extract  text-layer and OCR pages/s through docket against pdftotext and tesseract, two
           processes at a time, on the same generated files (--docs, --pages, --ocr-pages)
  memory   docket's RSS idle, holding --idle-connections idle keep-alive connections, and each
           second over an open loop of --requests jobs (default 1000000) at --rate (default 500)
  fields   typed-field accuracy (P/R/F1 per type, field, text layer or OCR; row F1; statements
           reconciled; calibration) on --docs generated documents of each type, half of them
           scanned, and the time fields add per page; --corpus DIR scores real documents too
  scale    closed-loop intake on an empty queue, then with --queued jobs waiting (written to the
           store before start); seconds from start to ready with them, and after a SIGTERM restart
  crash    --cycles (default 20) kill -9 at random moments (--seed) under submissions with
           webhooks at --rate (default 200/s); every acknowledged job must end terminal with its webhook delivered
  fairness one tenant with --requests jobs queued (default 10000): how long another tenant's
           single job waits for a worker; baseline: the same job sent by the flooding tenant

options:
  --duration D       each run's length (default 10s)
  --connections N    keep-alive connections (default 64)
  --rate R           open-loop arrival rate, requests/s
  --requests N       stop each run after N requests
  --size BYTES       document size (default 1KiB)
  --docs N           extract: text PDFs (default 10)
  --pages N          extract: pages per text PDF (default 50)
  --ocr-pages N      extract: 300-dpi page images to OCR (default 4)
  --corpus DIR       fields: docs/<type>/<name>.* with truth/<type>/<name>.json beside them
  --idle-connections N  memory: idle keep-alive connections (default 10000)
  --queued N         scale: jobs waiting in the deep-queue run (default 1000000)
  --cycles N         crash: kill -9 cycles (default 20)
  --seed N           crash: seed of the kill times (default: a random one, printed)
  --json FILE        write the report as JSON
  --chart FILE.svg   write throughput and latency per second as an SVG chart
)";

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

} // namespace

int bench_main(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "help" || args[0] == "--help") {
        std::printf("%s", k_usage);
        return args.empty() ? 2 : 0;
    }
    const std::string scenario = args[0];
    if (scenario == "baseline-server") return baseline_server_main();

    bench_options o;
    o.self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::map<std::string, std::string> flags;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--") {
            o.server_args.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            break;
        }
        if (args[i].rfind("--", 0) != 0 || i + 1 >= args.size()) {
            std::fprintf(stderr, "docket bench: expected --option value, got '%s'\n%s", args[i].c_str(), k_usage);
            return 2;
        }
        flags[args[i].substr(2)] = args[i + 1];
        ++i;
    }
    auto bad = [&](const std::string& name) {
        std::fprintf(stderr, "docket bench: bad value for --%s: '%s'\n", name.c_str(), flags[name].c_str());
        return 2;
    };
    for (const auto& [name, value] : flags) {
        if (name == "duration") {
            auto d = parse_duration(value);
            if (!d || d->count() <= 0) return bad(name);
            o.duration = *d;
        } else if (name == "connections") {
            o.connections = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
            if (o.connections == 0 || o.connections > 20000) return bad(name);
        } else if (name == "rate") {
            o.rate = std::strtod(value.c_str(), nullptr);
            if (!(o.rate > 0)) return bad(name);
        } else if (name == "requests") {
            o.requests = std::strtoull(value.c_str(), nullptr, 10);
            if (o.requests == 0) return bad(name);
        } else if (name == "size") {
            auto s = parse_size(value);
            if (!s || *s == 0) return bad(name);
            o.size = *s;
        } else if (name == "docs" || name == "pages" || name == "ocr-pages") {
            const auto n = std::strtoul(value.c_str(), nullptr, 10);
            if (n == 0 || n > 100000) return bad(name);
            (name == "docs" ? o.docs : name == "pages" ? o.pages : o.ocr_pages) = static_cast<unsigned>(n);
        } else if (name == "idle-connections") {
            const auto n = std::strtoul(value.c_str(), nullptr, 10);
            if (n == 0 || n > 60000) return bad(name);
            o.idle_connections = static_cast<unsigned>(n);
        } else if (name == "queued") {
            o.queued = std::strtoull(value.c_str(), nullptr, 10);
            if (o.queued == 0) return bad(name);
        } else if (name == "cycles") {
            const auto n = std::strtoul(value.c_str(), nullptr, 10);
            if (n == 0 || n > 100000) return bad(name);
            o.cycles = static_cast<unsigned>(n);
        } else if (name == "seed") {
            o.seed = std::strtoull(value.c_str(), nullptr, 10);
            if (o.seed == 0 || o.seed >= (1ull << 53)) return bad(name); // reported as a JSON number
        } else if (name == "corpus") {
            if (!std::filesystem::is_directory(value)) return bad(name);
            o.corpus = value;
        } else if (name != "json" && name != "chart") {
            std::fprintf(stderr, "docket bench: unknown option --%s\n%s", name.c_str(), k_usage);
            return 2;
        }
    }

    // Connections and the files of the servers' stores (memory holds --idle-connections at once).
    if (const auto files = app::raise_open_file_limit(); files < o.idle_connections + 256 && scenario == "memory") {
        std::fprintf(stderr, "docket bench: the open-file limit (%llu) is too low for --idle-connections %u\n",
                     static_cast<unsigned long long>(files), o.idle_connections);
        return 2;
    }
    report r;
    if (scenario == "intake") r = intake_scenario(o);
    else if (scenario == "e2e") r = e2e_scenario(o);
    else if (scenario == "deliver") r = deliver_scenario(o);
    else if (scenario == "queue") r = queue_scenario(o);
    else if (scenario == "extract") r = extract_scenario(o);
    else if (scenario == "memory") r = memory_scenario(o);
    else if (scenario == "scale") r = scale_scenario(o);
    else if (scenario == "fields") r = fields_scenario(o);
    else if (scenario == "fairness") r = fairness_scenario(o);
    else if (scenario == "crash") r = crash_scenario(o);
    else {
        std::fprintf(stderr, "docket bench: unknown scenario '%s'\n%s", scenario.c_str(), k_usage);
        return 2;
    }
    std::printf("%s", to_text(r).c_str());
    std::fflush(stdout);
    if (flags.count("json") && !write_file(flags["json"], to_json(r))) return bad("json");
    if (flags.count("chart") && !write_file(flags["chart"], to_svg(r))) return bad("chart");
    return 0;
}

} // namespace docket::bench
