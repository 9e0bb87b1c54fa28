#pragma once
// Pieces the HTTP scenarios share (defined in bench/scenarios.cpp): a job submission, one
// measured load against a server, and the usual reply judge.

#include "load.hpp"
#include "report.hpp"
#include "scenarios.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace docket::test { class http_client; }

namespace docket::bench {

class server;

//! POST /v1/jobs of `document` as a multipart upload with `fields`, authorized by `key`.
http_request submission(const std::string& key, const std::string& document,
                        const std::vector<std::pair<std::string, std::string>>& fields = {});

//! Runs o.connections / o.duration / o.requests of `req` against `s` (open loop when rate > 0)
//! and records the server's usage at the end.
run_report measure(const std::string& name, const bench_options& o, const server& s, const http_request& req, double rate,
                   const reply_fn& judge);

//! A 202 is a success.
bool accepted(std::uint64_t index, int status, std::string_view body, steady::time_point intended);

//! What docket's GET /readyz reports; zeros if it fails.
struct readiness {
    std::uint64_t queue_depth = 0; //!< jobs waiting, not those running
    double memtable_mib = 0, block_cache_mib = 0, table_reader_mib = 0;
    double sst_mib = 0;
};
readiness ready_state(test::http_client& c);
inline std::uint64_t queue_depth(test::http_client& c) { return ready_state(c).queue_depth; }

//! Writes `n` queued jobs of `tenant`, each with `doc` as its document, straight into a stopped
//! docket's store with the store's own batch code (what intake writes, without the HTTP round
//! trips and without an fsync per batch), then compacts it; returns the seconds it took.
double fill_queue(const std::filesystem::path& data_dir, std::uint64_t n, const std::string& doc, const std::string& tenant);

//! A new API key for `tenant` in a stopped docket's store; returns the key.
std::string add_key(const std::filesystem::path& data_dir, const std::string& tenant);

//! The job a webhook event is about (its data.id); empty when the body is not such an event.
std::string event_job_id(std::string_view body);

//! a / b, 0 when b is 0.
double ratio(double a, double b);

} // namespace docket::bench
