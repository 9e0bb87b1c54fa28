#pragma once
// Background maintenance on its own thread: removes expired jobs, results and idempotency keys,
// hands back jobs whose lease lapsed, and returns freed heap memory to the system. Works in
// small batches so intake never stalls.

#include <docket/queue/finish_hook.hpp>
#include <docket/queue/job_locks.hpp>
#include <docket/queue/ready_queue.hpp>
#include <docket/queue/transitions.hpp>
#include <docket/store/store.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace docket::queue {

class sweeper {
public:
    sweeper(store::store& s, ready_queue& ready, job_locks& locks, const config& cfg, finish_hook hook = {});
    ~sweeper();
    void start();
    void stop();
    //! One full pass now (also what the thread runs every sweep_interval); returns records removed.
    std::size_t run_once(timestamp now);

private:
    store::store& store_;
    ready_queue& ready_;
    job_locks& locks_;
    const config& cfg_;
    finish_hook hook_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace docket::queue
