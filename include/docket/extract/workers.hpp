#pragma once
// The extraction worker pool: threads that take jobs from the ready queue, claim them, extract,
// and record the outcome. Sized to the cores; never runs on an I/O thread.

#include <docket/extract/isolated.hpp>
#include <docket/sandbox/pool.hpp>
#include <docket/queue/finish_hook.hpp>
#include <docket/queue/job_locks.hpp>
#include <docket/queue/ready_queue.hpp>
#include <docket/queue/transitions.hpp>
#include <docket/store/store.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace docket::extract {

struct config {
    unsigned workers = 0;      //!< extraction threads, each with its worker process; 0 = one per core
    extract::limits limits;    //!< per document / per worker process
    options document;          //!< page and pixel limits, OCR resolution (language comes from the job)
    std::string worker_binary; //!< the docket executable run as `docket worker`
};

class workers {
public:
    workers(store::store& s, queue::ready_queue& ready, queue::job_locks& locks, const queue::config& qcfg,
            const config& cfg, queue::finish_hook hook = {});
    ~workers();
    void start();
    //! Stops taking jobs and waits for the running ones to be recorded.
    void stop();

    //! Runs one job through claim → extract → record on this thread (for tests).
    void process(const queue::entry& e);

private:
    void run();
    void record_progress(const job& claimed, std::int64_t done, std::int64_t total);
    store::store& store_;
    queue::ready_queue& ready_;
    queue::job_locks& locks_;
    const queue::config& qcfg_;
    queue::finish_hook hook_;
    options doc_options_;
    unsigned count_;
    unsigned nice_; // of these threads too: they merge and store results, background work as well
    sandbox::pool pool_;
    std::vector<std::thread> threads_;
};

} // namespace docket::extract
