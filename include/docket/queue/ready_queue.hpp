#pragma once
// The in-memory order of queued jobs (priority, then FIFO by sequence number). It mirrors the
// durable queue index in the store and is rebuilt from it at start-up; workers block on it.

#include <docket/core/job.hpp>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace docket::queue {

struct entry {
    job_priority priority = job_priority::normal;
    std::uint64_t seq = 0;
    std::string id;
    friend bool operator<(const entry& a, const entry& b) {
        return a.priority != b.priority ? a.priority < b.priority : a.seq < b.seq;
    }
};

class ready_queue {
public:
    //! Adds a job and wakes one waiting worker; returns its 1-based place in line.
    std::size_t push(entry e);
    //! Blocks until a job is available (returned, removed) or stop() was called (nullopt).
    std::optional<entry> pop_wait();
    //! Removes a job that no worker has taken yet; false if it is not (or no longer) here.
    bool erase(const entry& e);
    std::size_t size() const;
    //! Wakes every waiter; pop_wait returns nullopt from now on.
    void stop();

private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::set<entry> entries_;
    std::size_t high_count_ = 0;
    bool stopped_ = false;
};

} // namespace docket::queue
