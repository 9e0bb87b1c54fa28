#pragma once
// Emits batch.completed exactly once per ZIP batch: a single thread re-checks a batch whenever
// one of its children ends, and on start-up every batch still open, so no two checks race and a
// crash between a child's end and the check loses nothing.

#include <docket/deliver/config.hpp>
#include <docket/deliver/registry.hpp>
#include <docket/store/store.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace docket::deliver {

class batch_monitor {
public:
    using deliveries_sink = std::function<void(const std::vector<delivery>&)>;
    batch_monitor(store::store& s, endpoint_registry& endpoints, const config& cfg, deliveries_sink sink);
    ~batch_monitor();
    //! Starts the thread and queues a check of every open batch.
    void start();
    void stop();
    //! A child of this batch reached a final state (its commit is durable). Thread-safe.
    void child_finished(const std::string& batch_id);
    //! Checks one batch now, on the calling thread (the monitor's, or a test's).
    void check(const std::string& batch_id);

private:
    store::store& store_;
    endpoint_registry& endpoints_;
    const config& cfg_;
    deliveries_sink sink_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::string> pending_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace docket::deliver
