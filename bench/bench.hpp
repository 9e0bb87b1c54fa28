#pragma once
// `docket bench`: load and latency measurements of docket against baselines measured in the
// same run. Sources live in bench/; main.cpp hands the command line here.

#include <string>
#include <vector>

namespace docket::bench {

//! `docket bench SCENARIO [options]`; returns the exit code.
int bench_main(const std::vector<std::string>& args);

} // namespace docket::bench
