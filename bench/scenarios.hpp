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
    unsigned docs = 10;                               //!< extract: text PDFs
    unsigned pages = 50;                              //!< extract: pages per text PDF
    unsigned ocr_pages = 4;                           //!< extract: 300-dpi page images
    unsigned idle_connections = 10000;                //!< memory: idle keep-alive connections to hold
    std::uint64_t queued = 1'000'000;                 //!< scale: jobs waiting before the deep-queue run
    std::string corpus;                               //!< fields: a directory of real documents with truth
    unsigned cycles = 20;                             //!< crash: kill -9 cycles
    std::uint64_t seed = 0;                           //!< crash: the kill times' seed; 0 = a random one
    std::vector<std::string> server_args;            //!< passed on to `docket serve`
};

//! Closed loop against the fixed-202 baseline, docket, docket --fsync=false; then docket open
//! loop at half its closed-loop rate (or --rate).
report intake_scenario(const bench_options& o);

//! Open loop of submissions with a webhook to bench's own receiver, which verifies every
//! signature; latency from intended submit to webhook arrival.
report e2e_scenario(const bench_options& o);

//! Webhook fan-out: --requests jobs (default 5000) complete, then their endpoint's deliveries are
//! replayed at once to an in-process sink; the same number of raw keep-alive POSTs of the same
//! body to the same sink, with as many connections as docket uses per origin, is the baseline.
report deliver_scenario(const bench_options& o);

//! The durable queue in-process: --connections producers commit jobs (job + document of --size)
//! through the group committer and push them when durable; two consumers pop them. Baselines:
//! single-writer RocksDB puts with sync=true and sync=false.
report queue_scenario(const bench_options& o);

//! Text-layer and OCR pages/s through docket (submit to last job done) against pdftotext and
//! tesseract (OMP_THREAD_LIMIT=1), two processes at a time, on the same generated files.
report extract_scenario(const bench_options& o);

//! Resident memory: idle, holding --idle-connections idle keep-alive connections, and sampled
//! each second over an open-loop run of --requests jobs (default 1,000,000) at --rate (500/s).
report memory_scenario(const bench_options& o);

//! Closed-loop intake on an empty queue, then on a store holding --queued waiting jobs; the
//! seconds from start to ready with that queue, first start and after SIGTERM.
report scale_scenario(const bench_options& o);

//! One tenant with --requests jobs queued (default 10,000, written to the store before start);
//! how long a second tenant's single job waits for a worker, against the same job sent by the
//! flooding tenant (which waits behind the whole backlog).
report fairness_scenario(const bench_options& o);

//! --cycles kill -9 at random moments (0.2-2 s apart, from --seed) while four clients submit
//! with webhooks at --rate (200/s); then every acknowledged job must end terminal with its webhook delivered, no
//! event under two webhook-ids.
report crash_scenario(const bench_options& o);

//! Typed-field precision, recall and F1 per type, field and path (text layer, OCR) on --docs
//! generated documents of each type, row F1, statements reconciled, how often a value given
//! confidence >= 0.9 is right, and the time fields add to a text-layer page; with --corpus, the
//! same figures for a directory of real documents with truth.
report fields_scenario(const bench_options& o);

} // namespace docket::bench
