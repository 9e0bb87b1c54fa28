#pragma once
// Sends due webhook deliveries on its own I/O thread: picks what is due from the store, signs,
// posts, records each attempt and the next due time in one batch, and sleeps until the next due
// time or a wake-up. Pending deliveries survive restarts because they live in the store.

#include <docket/deliver/config.hpp>
#include <docket/deliver/registry.hpp>
#include <docket/store/store.hpp>

#include <memory>

namespace docket::deliver {

class dispatcher {
public:
    dispatcher(store::store& s, endpoint_registry& endpoints, const config& cfg);
    ~dispatcher();
    void start();
    //! Stops starting attempts, lets running ones finish (bounded by the attempt timeout), joins.
    void stop();
    //! Wakes the scheduler: new deliveries are due. Thread-safe and cheap.
    void notify();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace docket::deliver
