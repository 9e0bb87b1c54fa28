#pragma once
// Job state transitions as pure functions of (job, event, now, config): the only place that
// decides what a job becomes. Callers persist the returned job in one atomic batch.

#include <docket/core/error.hpp>
#include <docket/core/job.hpp>
#include <docket/core/units.hpp>

namespace docket::queue {

struct config {
    std::uint64_t max_depth = 100000; //!< queued jobs beyond which intake answers 503
    std::int64_t max_attempts = 3;    //!< claims before a job that keeps failing ends failed
    duration lease = std::chrono::minutes(10);           //!< how long a claim holds before the job is handed back
    duration retry_after = std::chrono::seconds(1);        //!< Retry-After sent with 503 when the queue is full
};

//! queued → processing: a worker takes the job; counts an attempt and sets the lease.
outcome<job> claim(const job& j, timestamp now, const config& cfg);

//! processing → succeeded, only for the attempt that holds the claim (a stale worker is refused).
outcome<job> succeed(const job& j, std::int64_t attempt, std::int64_t pages, timestamp now, duration retention);

//! processing → queued (retryable, attempts left) or failed. Refused for a stale attempt.
outcome<job> fail(const job& j, std::int64_t attempt, job_error err, bool retryable, timestamp now,
                  const config& cfg, duration retention);

//! processing → queued when the claim lapsed (restart, or lease expiry); failed when the job has
//! already used every attempt, so a document that kills its worker cannot loop forever.
job recover(const job& j, timestamp now, const config& cfg, duration retention);

//! queued → canceled; any other state is a conflict.
outcome<job> cancel(const job& j, timestamp now, duration retention);

} // namespace docket::queue
