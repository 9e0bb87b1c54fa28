// The job state machine. Called by intake (cancel), the workers (claim/succeed/fail) and
// start-up recovery; every function is pure and unit-tested without a store.

#include <docket/queue/transitions.hpp>

namespace docket::queue {
namespace {

job finish(job j, job_status s, timestamp now, duration retention) {
    j.status = s;
    j.updated_at = now;
    j.finished_at = now;
    j.lease_until.reset();
    j.expires_at = now + retention.count();
    return j;
}

outcome<void> check_claim(const job& j, std::int64_t attempt) {
    if (j.status != job_status::processing || j.attempts != attempt)
        return failure(errc::conflict, "attempt " + std::to_string(attempt) + " of " + j.id + " no longer holds the job");
    return {};
}

} // namespace

outcome<job> claim(const job& j, timestamp now, const config& cfg) {
    if (j.status != job_status::queued)
        return failure(errc::conflict, "job " + j.id + " is " + std::string(to_string(j.status)) + ", not queued");
    job n = j;
    n.status = job_status::processing;
    n.attempts += 1;
    n.updated_at = now;
    if (!n.started_at) n.started_at = now;
    n.lease_until = now + cfg.lease.count();
    n.pages_done.reset(); // progress is per attempt
    n.pages_total.reset();
    return n;
}

outcome<job> succeed(const job& j, std::int64_t attempt, std::int64_t pages, timestamp now, duration retention) {
    if (auto ok = check_claim(j, attempt); !ok) return ok.error();
    job n = finish(j, job_status::succeeded, now, retention);
    n.document.pages = pages;
    n.pages_done = n.pages_total = pages;
    n.error.reset();
    return n;
}

outcome<job> fail(const job& j, std::int64_t attempt, job_error err, bool retryable, timestamp now,
                  const config& cfg, duration retention) {
    if (auto ok = check_claim(j, attempt); !ok) return ok.error();
    if (retryable && j.attempts < cfg.max_attempts) {
        job n = j;
        n.status = job_status::queued;
        n.updated_at = now;
        n.lease_until.reset();
        n.error = std::move(err); // the last error stays visible while the job waits
        return n;
    }
    job n = finish(j, job_status::failed, now, retention);
    n.error = std::move(err);
    return n;
}

job recover(const job& j, timestamp now, const config& cfg, duration retention) {
    if (j.status != job_status::processing) return j;
    job_error err{"INTERRUPTED", "processing was interrupted (restart or lease expiry) on attempt " + std::to_string(j.attempts)};
    if (j.attempts >= cfg.max_attempts) {
        job n = finish(j, job_status::failed, now, retention);
        n.error = std::move(err);
        return n;
    }
    job n = j;
    n.status = job_status::queued;
    n.updated_at = now;
    n.lease_until.reset();
    n.error = std::move(err);
    return n;
}

outcome<job> cancel(const job& j, timestamp now, duration retention) {
    if (j.status != job_status::queued)
        return failure(errc::conflict, "job " + j.id + " is " + std::string(to_string(j.status)) + " and cannot be canceled");
    return finish(j, job_status::canceled, now, retention);
}

} // namespace docket::queue
