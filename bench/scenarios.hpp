#pragma once
// The bench scenarios: each starts what it measures (docket, a baseline), drives the load and
// returns a report. Called by bench_main with the parsed options.

#include "report.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace docket::bench {

struct bench_options {
    std::string self;                                 //!< the docket executable
    std::chrono::milliseconds duration{10'000};      //!< per run
    unsigned connections = 64;
    double rate = 0;                                  //!< open-loop rate; 0 = the scenario's default
    std::uint64_t requests = 0;                       //!< per run; 0 = bounded by duration
    std::uint64_t size = 1024;                        //!< document size in bytes
    std::vector<std::string> server_args;            //!< passed on to `docket serve`
};

//! Closed loop against the fixed-202 baseline, docket, docket --fsync=false; then docket open
//! loop at half its closed-loop rate (or --rate).
report intake_scenario(const bench_options& o);

//! Open loop of submissions with a webhook to bench's own receiver, which verifies every
//! signature; latency from intended submit to webhook arrival.
report e2e_scenario(const bench_options& o);

} // namespace docket::bench
