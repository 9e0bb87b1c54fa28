#pragma once
// Putting claimed jobs back: at start-up (every claim was interrupted) and when a lease lapses.

#include <docket/queue/finish_hook.hpp>
#include <docket/queue/job_locks.hpp>
#include <docket/queue/ready_queue.hpp>
#include <docket/queue/transitions.hpp>
#include <docket/store/store.hpp>

namespace docket::queue {

//! Start-up: hands back every claimed job, then loads the queue index into `ready`.
//! Returns {jobs handed back, jobs now queued}.
std::pair<std::size_t, std::size_t> recover_at_start(store::store& s, ready_queue& ready, const config& cfg,
                                                     timestamp now, const finish_hook& hook = {});

//! Hands back jobs whose lease ended before `now`; returns how many.
std::size_t recover_expired_leases(store::store& s, ready_queue& ready, job_locks& locks, const config& cfg,
                                   timestamp now, const finish_hook& hook = {});

} // namespace docket::queue
