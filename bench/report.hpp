#pragma once
// What a `docket bench` run found: runs (each a load against one server), the ratios between
// them, and their rendering as a console table, JSON and an SVG chart.

#include "load.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace docket::bench {

struct process_usage {
    double cpu_seconds = 0;             //!< the process and its live children (worker processes)
    std::uint64_t rss_kib = 0;          //!< the process's resident memory now
    std::uint64_t peak_rss_kib = 0;     //!< the process's own high-water mark
    std::uint64_t children_rss_kib = 0; //!< resident memory of its live children now
    std::uint64_t write_bytes = 0;      //!< the process's writes that reached the disk so far (/proc/<pid>/io)
};

//! CPU and memory of a process and its children, from /proc.
process_usage usage_of(pid_t pid);

struct run_report {
    std::string name;        //!< e.g. "docket", "docket --fsync=false", "baseline"
    std::string mode;        //!< "closed" or "open"
    unsigned connections = 0;
    double rate = 0;         //!< open loop only
    load_result load;
    std::optional<process_usage> server;
};

struct report {
    std::string scenario;
    std::vector<run_report> runs;
    std::vector<std::pair<std::string, double>> figures; //!< ratios and other derived numbers
    std::vector<std::string> notes;                      //!< e.g. missing or duplicate webhooks
    //! Values sampled once a second (e.g. the server's RSS in MiB), drawn in a third panel.
    std::vector<std::pair<std::string, std::vector<double>>> series;
};

//! One line per run, then the figures.
std::string to_text(const report& r);
std::string to_json(const report& r);
//! Throughput and p50/p99 per second of every run, as an SVG of two panels (three with series).
std::string to_svg(const report& r);

} // namespace docket::bench
