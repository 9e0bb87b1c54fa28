// Rendering of bench results; the numbers come from bench/load.cpp and the scenarios.

#include "report.hpp"

#include "../tests/support/process.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace docket::bench {

namespace json = boost::json;

namespace {

std::string ms(std::uint64_t us) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2fms", static_cast<double>(us) / 1000.0);
    return b;
}

} // namespace

process_usage usage_of(pid_t pid) {
    process_usage u;
    u.cpu_seconds = test::cpu_seconds(pid);
    u.rss_kib = test::status_kib(pid, "VmRSS");
    u.peak_rss_kib = test::status_kib(pid, "VmHWM");
    std::ifstream io("/proc/" + std::to_string(pid) + "/io");
    for (std::string field; io >> field;)
        if (field == "write_bytes:") io >> u.write_bytes;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "children");
        pid_t c;
        while (in >> c) {
            u.cpu_seconds += test::cpu_seconds(c);
            u.children_rss_kib += test::status_kib(c, "VmRSS");
        }
    }
    return u;
}

std::string to_text(const report& r) {
    std::string out = "scenario " + r.scenario + "\n";
    char line[512];
    for (const auto& run : r.runs) {
        const auto& l = run.load;
        std::snprintf(line, sizeof line, "  %-32s %-6s c=%-4u %s sent=%llu ok=%llu errors=%llu  %.1f/s", run.name.c_str(),
                      run.mode.c_str(), run.connections,
                      run.rate > 0 ? ("rate=" + std::to_string(static_cast<long long>(run.rate))).c_str() : "",
                      static_cast<unsigned long long>(l.sent), static_cast<unsigned long long>(l.ok),
                      static_cast<unsigned long long>(l.errors), l.throughput());
        out += line;
        if (l.latency_us.count() > 0) { // batch runs (extract) time the whole batch only
            std::snprintf(line, sizeof line, "  p50=%s p90=%s p99=%s p99.9=%s max=%s", ms(l.latency_us.percentile(50)).c_str(),
                          ms(l.latency_us.percentile(90)).c_str(), ms(l.latency_us.percentile(99)).c_str(),
                          ms(l.latency_us.percentile(99.9)).c_str(), ms(l.latency_us.max()).c_str());
            out += line;
        }
        if (run.server) {
            std::snprintf(line, sizeof line, "  server cpu=%.1fs peak_rss=%.1fMiB workers_rss=%.1fMiB", run.server->cpu_seconds,
                          static_cast<double>(run.server->peak_rss_kib) / 1024.0,
                          static_cast<double>(run.server->children_rss_kib) / 1024.0);
            out += line;
        }
        out += "\n";
    }
    for (const auto& [name, value] : r.figures) {
        std::snprintf(line, sizeof line, "  %s: %.3f\n", name.c_str(), value);
        out += line;
    }
    for (const auto& [name, values] : r.series) {
        if (values.empty()) continue;
        std::snprintf(line, sizeof line, "  %s (each second): first=%.1f last=%.1f min=%.1f max=%.1f\n", name.c_str(),
                      values.front(), values.back(), *std::min_element(values.begin(), values.end()),
                      *std::max_element(values.begin(), values.end()));
        out += line;
    }
    for (const auto& n : r.notes) out += "  note: " + n + "\n";
    return out;
}

std::string to_json(const report& r) {
    json::array runs;
    for (const auto& run : r.runs) {
        const auto& l = run.load;
        json::object statuses;
        for (const auto& [code, n] : l.statuses) statuses[std::to_string(code)] = n;
        json::array timeline;
        for (const auto& s : l.timeline)
            timeline.push_back(json::object{{"completed", s.completed}, {"errors", s.errors}, {"p50_us", s.p50_us},
                                            {"p99_us", s.p99_us}, {"max_us", s.max_us}});
        json::object o{{"name", run.name},
                       {"mode", run.mode},
                       {"connections", run.connections},
                       {"rate", run.rate},
                       {"sent", l.sent},
                       {"ok", l.ok},
                       {"errors", l.errors},
                       {"statuses", std::move(statuses)},
                       {"seconds", l.seconds},
                       {"throughput", l.throughput()},
                       {"latency_us", json::object{{"p50", l.latency_us.percentile(50)},
                                                   {"p90", l.latency_us.percentile(90)},
                                                   {"p99", l.latency_us.percentile(99)},
                                                   {"p99_9", l.latency_us.percentile(99.9)},
                                                   {"max", l.latency_us.max()},
                                                   {"mean", l.latency_us.mean()}}},
                       {"timeline", std::move(timeline)}};
        if (run.server)
            o["server"] = json::object{{"cpu_seconds", run.server->cpu_seconds},
                                       {"rss_kib", run.server->rss_kib},
                                       {"peak_rss_kib", run.server->peak_rss_kib},
                                       {"workers_rss_kib", run.server->children_rss_kib}};
        runs.push_back(std::move(o));
    }
    json::object figures;
    for (const auto& [name, value] : r.figures) figures[name] = value;
    json::array notes;
    for (const auto& n : r.notes) notes.push_back(json::string(n));
    json::object series;
    for (const auto& [name, values] : r.series) {
        json::array a;
        for (const double v : values) a.push_back(v);
        series[name] = std::move(a);
    }
    return json::serialize(json::object{{"scenario", r.scenario}, {"runs", std::move(runs)}, {"figures", std::move(figures)},
                                        {"notes", std::move(notes)}, {"series", std::move(series)}});
}

std::string to_svg(const report& r) {
    constexpr int width = 900, panel = 260, left = 80, top = 60, gap = 60;
    constexpr const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    // Whole seconds only: the last, partial second of a run would read as a collapse.
    auto whole = [](const run_report& run) {
        return std::min(run.load.timeline.size(), std::max<std::size_t>(1, static_cast<std::size_t>(run.load.seconds)));
    };
    std::size_t seconds = 1;
    double max_rate = 1, max_p99 = 1, max_series = 1;
    for (const auto& [name, values] : r.series) {
        seconds = std::max(seconds, values.size());
        for (const double v : values) max_series = std::max(max_series, v);
    }
    const int panels = r.series.empty() ? 2 : 3;
    for (const auto& run : r.runs) {
        seconds = std::max(seconds, whole(run));
        for (std::size_t i = 0; i < whole(run); ++i) {
            const auto& s = run.load.timeline[i];
            max_rate = std::max(max_rate, static_cast<double>(s.completed));
            max_p99 = std::max(max_p99, static_cast<double>(s.p99_us) / 1000.0);
        }
    }
    const int plot_w = width - left - 200;
    std::ostringstream svg;
    svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='" << top + panels * panel + (panels - 1) * gap + 60
        << "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n"
        << "<text x='" << left << "' y='24' font-size='16'>docket bench " << r.scenario << "</text>\n";
    auto axes = [&](int y0, const std::string& label, double max) {
        svg << "<rect x='" << left << "' y='" << y0 << "' width='" << plot_w << "' height='" << panel
            << "' fill='none' stroke='#888'/>\n<text x='" << left << "' y='" << y0 - 6 << "'>" << label << "</text>\n"
            << "<text x='" << left - 6 << "' y='" << y0 + 10 << "' text-anchor='end'>" << static_cast<long long>(max)
            << "</text>\n<text x='" << left - 6 << "' y='" << y0 + panel << "' text-anchor='end'>0</text>\n";
    };
    const int y_rate = top, y_lat = top + panel + gap;
    axes(y_rate, "completed per second", max_rate);
    axes(y_lat, "latency per second, ms (solid p99, dashed p50)", max_p99);
    const int y_last = top + (panels - 1) * (panel + gap);
    if (!r.series.empty()) axes(y_last, "sampled each second", max_series);
    svg << "<text x='" << left + plot_w << "' y='" << y_last + panel + 18 << "' text-anchor='end'>" << seconds
        << " s</text>\n";
    auto x_of = [&](std::size_t s) { return left + static_cast<double>(plot_w) * (static_cast<double>(s) + 0.5) / static_cast<double>(seconds); };
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
        const auto& run = r.runs[i];
        const char* color = colors[i % 6];
        std::ostringstream rate, p99, p50;
        for (std::size_t s = 0; s < whole(run); ++s) {
            const auto& t = run.load.timeline[s];
            rate << x_of(s) << ',' << y_rate + panel - panel * static_cast<double>(t.completed) / max_rate << ' ';
            p99 << x_of(s) << ',' << y_lat + panel - panel * (static_cast<double>(t.p99_us) / 1000.0) / max_p99 << ' ';
            p50 << x_of(s) << ',' << y_lat + panel - panel * (static_cast<double>(t.p50_us) / 1000.0) / max_p99 << ' ';
        }
        svg << "<polyline fill='none' stroke='" << color << "' stroke-width='2' points='" << rate.str() << "'/>\n"
            << "<polyline fill='none' stroke='" << color << "' stroke-width='2' points='" << p99.str() << "'/>\n"
            << "<polyline fill='none' stroke='" << color << "' stroke-dasharray='4 3' points='" << p50.str() << "'/>\n"
            << "<text x='" << left + plot_w + 12 << "' y='" << top + 14 + 18 * static_cast<int>(i) << "' fill='" << color
            << "'>" << run.name << " (" << run.mode << ")</text>\n";
    }
    for (std::size_t i = 0; i < r.series.size(); ++i) {
        const auto& [name, values] = r.series[i];
        const char* color = colors[(r.runs.size() + i) % 6];
        std::ostringstream line;
        for (std::size_t s = 0; s < values.size(); ++s)
            line << x_of(s) << ',' << y_last + panel - panel * values[s] / max_series << ' ';
        svg << "<polyline fill='none' stroke='" << color << "' stroke-width='2' points='" << line.str() << "'/>\n"
            << "<text x='" << left + plot_w + 12 << "' y='" << y_last + 14 + 18 * static_cast<int>(i) << "' fill='" << color
            << "'>" << name << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

} // namespace docket::bench
