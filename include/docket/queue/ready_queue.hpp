#pragma once
// The in-memory queue of jobs waiting for a worker, in fair_order (priority, then tenants by
// turns, FIFO within a tenant). It mirrors the durable queue index in the store and is rebuilt
// from it at start-up; workers block on it.

#include <docket/queue/fair_order.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>

namespace docket::queue {

class ready_queue {
public:
    //! Adds a job and wakes one waiting worker; returns its 1-based place in line.
    std::size_t push(entry e);
    //! Blocks until a job is available (returned, removed) or stop() was called (nullopt).
    std::optional<entry> pop_wait();
    //! Removes a job that no worker has taken yet; false if it is not (or no longer) here.
    bool erase(const entry& e);
    std::size_t size() const;
    //! Jobs of one tenant waiting here (what its queued-jobs quota counts).
    std::size_t count(std::string_view tenant) const;
    //! Wakes every waiter; pop_wait returns nullopt from now on.
    void stop();

private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    fair_order order_;
    bool stopped_ = false;
};

} // namespace docket::queue
