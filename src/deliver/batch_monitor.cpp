// The batch completion check; started by the serve command, fed by the workers and the API.

#include <docket/core/thread.hpp>
#include <docket/deliver/batch_monitor.hpp>
#include <docket/core/log.hpp>
#include <docket/deliver/planner.hpp>

namespace docket::deliver {

batch_monitor::batch_monitor(store::store& s, endpoint_registry& endpoints, const config& cfg, deliveries_sink sink)
    : store_(s), endpoints_(endpoints), cfg_(cfg), sink_(std::move(sink)) {}

batch_monitor::~batch_monitor() { stop(); }

void batch_monitor::start() {
    for (auto& id : store_.open_batches()) child_finished(id);
    thread_ = std::thread([this] {
        name_this_thread("docket-batches");
        std::unique_lock lock(mutex_);
        for (;;) {
            cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
            if (stopping_) return;
            auto id = std::move(pending_.front());
            pending_.pop_front();
            lock.unlock();
            try {
                check(id);
            } catch (const std::exception& e) {
                log::error("batch " + id + ": " + e.what()); // stays open: checked again at the next start
            }
            lock.lock();
        }
    });
}

void batch_monitor::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void batch_monitor::child_finished(const std::string& batch_id) {
    {
        std::lock_guard lock(mutex_);
        pending_.push_back(batch_id);
    }
    cv_.notify_one();
}

void batch_monitor::check(const std::string& batch_id) {
    auto b = store_.get_batch(batch_id);
    if (!b || b->completed_at) return;
    std::int64_t succeeded = 0, failed = 0;
    for (const auto& id : b->job_ids) {
        auto j = store_.get_job(id);
        if (j && !is_finished(j->status)) return; // not yet: the last child to end checks again
        if (j && j->status == job_status::succeeded) ++succeeded;
        else ++failed; // failed, canceled, or deleted by its owner
    }
    const timestamp now = now_ms();
    b->completed_at = now;
    b->succeeded = succeeded;
    b->failed = failed;
    auto planned = plan_batch_completed(*b, endpoints_.of_tenant(b->tenant), now, cfg_);
    auto w = store_.new_batch();
    w.put_batch(*b, now + store_.settings().retention.count()); // kept as long as its children
    for (const auto& d : planned) w.put_delivery(nullptr, d);
    store_.commit_wait(std::move(w));
    if (!planned.empty()) sink_(planned);
    log::info("batch " + batch_id + " completed: " + std::to_string(succeeded) + " succeeded, " + std::to_string(failed) + " failed");
}

} // namespace docket::deliver
