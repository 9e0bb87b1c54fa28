// Worker threads: the consumer side of the durable queue. Each job is claimed in one batch,
// extracted, and finished (result + state + document removal) in another, durable, batch.

#include <docket/core/thread.hpp>
#include <docket/extract/workers.hpp>
#include <docket/extract/extractor.hpp>
#include <docket/extract/page_split.hpp>
#include <docket/core/log.hpp>

#include <chrono>

namespace docket::extract {

workers::workers(store::store& s, queue::ready_queue& ready, queue::job_locks& locks, const queue::config& qcfg,
                 const config& cfg, queue::finish_hook hook)
    : store_(s), ready_(ready), locks_(locks), qcfg_(qcfg), hook_(std::move(hook)), doc_options_(cfg.document),
      count_(cfg.workers ? cfg.workers : std::max(1u, std::thread::hardware_concurrency())), nice_(cfg.limits.nice),
      pool_(count_, cfg.worker_binary, cfg.limits) {}

workers::~workers() { stop(); }

void workers::start() {
    for (unsigned i = 0; i < count_; ++i) threads_.emplace_back([this] {
        name_this_thread("docket-extract");
        nice_this_thread(nice_);
        run();
    });
}

void workers::stop() {
    ready_.stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void workers::run() {
    while (auto e = ready_.pop_wait()) {
        try {
            process(*e);
        } catch (const std::exception& x) {
            // A store failure: the claim stays and lease recovery hands the job back later.
            log::error("worker: job " + e->id + ": " + x.what());
        }
    }
}

void workers::record_progress(const job& claimed, std::int64_t done, std::int64_t total) {
    std::lock_guard lock(locks_.of(claimed.id));
    auto current = store_.get_job(claimed.id);
    if (!current || current->status != job_status::processing || current->attempts != claimed.attempts) return;
    job next = *current;
    next.pages_done = done;
    next.pages_total = total;
    auto b = store_.new_batch();
    b.put_job(&*current, next);
    store_.write(std::move(b)); // progress need not survive a crash
}

void workers::process(const queue::entry& e) {
    const auto retention = store_.settings().retention;
    job claimed;
    {
        std::lock_guard lock(locks_.of(e.id));
        auto j = store_.get_job(e.id);
        if (!j) return; // deleted while queued
        auto c = queue::claim(*j, now_ms(), qcfg_);
        if (!c) return; // canceled or already taken
        claimed = std::move(*c);
        auto b = store_.new_batch();
        b.put_job(&*j, claimed);
        // Not fsynced: if this claim is lost in a crash the job is simply still queued.
        store_.write(std::move(b));
    }

    outcome<extraction> result = failure(errc::internal, "document missing from the store");
    if (auto doc = store_.get_document(e.id)) {
        // The untrusted document is parsed in the worker process, never in this one.
        options opt = doc_options_;
        opt.language = claimed.language.value_or("eng");
        opt.locale = claimed.locale.value_or("");
        opt.min_confidence = claimed.min_confidence.value_or(0.8);
        // Progress is written at most every 100 ms: each write reads and rewrites the job record,
        // and a text page takes well under a millisecond. (extract_spread calls this from one
        // thread at a time.)
        std::chrono::steady_clock::time_point last_progress{};
        sandbox::lease proc(pool_);
        result = extract_spread(pool_, proc.get(), {*doc, claimed.document.media_type, claimed.document_type, opt},
                                [&](std::int64_t done, std::int64_t total) {
                                    const auto now = std::chrono::steady_clock::now();
                                    if (now - last_progress < std::chrono::milliseconds(100)) return;
                                    last_progress = now;
                                    record_progress(claimed, done, total);
                                });
    } else {
        result = failure(errc::invalid_document, "document missing from the store");
    }

    std::lock_guard lock(locks_.of(e.id));
    auto current = store_.get_job(e.id);
    if (!current) return;
    const timestamp now = now_ms();
    outcome<job> next = result
        ? queue::succeed(*current, claimed.attempts, result->pages, now, retention)
        : queue::fail(*current, claimed.attempts,
                      job_error{std::string(code_name(result.error().code)), result.error().message},
                      is_retryable(result.error().code), now, qcfg_, retention);
    if (!next) {
        log::warn("dropping a stale outcome: " + next.error().message);
        return;
    }
    if (result) next->result_size = result->result_json.size();
    auto b = store_.new_batch();
    b.put_job(&*current, *next);
    if (result) b.put_result(e.id, result->result_json);
    auto after = hook_.apply(b, *next, result ? std::string_view(result->result_json) : std::string_view());
    store_.commit_wait(std::move(b));
    if (after) after();
    if (next->status == job_status::queued) ready_.push({next->priority, next->seq, next->id, next->tenant});
    log::debug("job " + e.id + " " + std::string(to_string(next->status)));
}

} // namespace docket::extract
