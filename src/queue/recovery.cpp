// Start-up and lease-expiry recovery. Called by the serve command at start and by the sweeper.

#include <docket/queue/recovery.hpp>
#include <docket/core/log.hpp>

namespace docket::queue {
namespace {

void requeue_if_queued(ready_queue& ready, const job& j) {
    if (j.status == job_status::queued) ready.push({j.priority, j.seq, j.id, j.tenant});
}

} // namespace

std::pair<std::size_t, std::size_t> recover_at_start(store::store& s, ready_queue& ready, const config& cfg,
                                                     timestamp now, const finish_hook& hook) {
    const auto retention = s.settings().retention;
    auto claimed = s.claimed_jobs();
    if (!claimed.empty()) {
        auto b = s.new_batch();
        std::vector<finish_hook::after_commit> after;
        for (const auto& j : claimed) {
            auto next = recover(j, now, cfg, retention);
            b.put_job(&j, next);
            if (auto a = hook.apply(b, next, "")) after.push_back(std::move(a));
        }
        s.commit_wait(std::move(b));
        for (auto& a : after) a();
    }
    // The index alone: reading a million job records here would make a restart take seconds.
    std::size_t queued = 0;
    s.scan_queue([&](job_priority p, std::uint64_t seq, std::string_view id, std::string_view tenant) {
        entry e{p, seq, std::string(id), std::string(tenant)};
        if (e.tenant.empty()) { // an entry from before the index named the tenant
            auto j = s.get_job(e.id);
            if (!j) return;
            e.tenant = j->tenant;
        }
        ready.push(std::move(e));
        ++queued;
    });
    return {claimed.size(), queued};
}

std::size_t recover_expired_leases(store::store& s, ready_queue& ready, job_locks& locks, const config& cfg,
                                   timestamp now, const finish_hook& hook) {
    std::size_t n = 0;
    for (const auto& seen : s.claimed_jobs()) {
        if (!seen.lease_until || *seen.lease_until > now) continue;
        std::lock_guard lock(locks.of(seen.id));
        auto j = s.get_job(seen.id); // re-read under the lock: the worker may have finished
        if (!j || j->status != job_status::processing || !j->lease_until || *j->lease_until > now) continue;
        auto next = recover(*j, now, cfg, s.settings().retention);
        auto b = s.new_batch();
        b.put_job(&*j, next);
        auto after = hook.apply(b, next, "");
        s.commit_wait(std::move(b));
        if (after) after();
        log::warn("lease of " + j->id + " expired on attempt " + std::to_string(j->attempts) + "; now " +
                  std::string(to_string(next.status)));
        requeue_if_queued(ready, next);
        ++n;
    }
    return n;
}

} // namespace docket::queue
