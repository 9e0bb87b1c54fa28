#pragma once
// Sends due webhook deliveries on its own I/O thread. It keeps the due times of pending
// deliveries in memory (loaded from the store at start, fed by notify()), signs, posts, records
// each attempt and the next due time in one batch, and sleeps until the next due time or a new
// delivery. Pending deliveries survive restarts because the store is the source of truth.

#include <docket/deliver/config.hpp>
#include <docket/deliver/registry.hpp>
#include <docket/store/store.hpp>

#include <memory>
#include <string>
#include <vector>

namespace docket::deliver {

class dispatcher {
public:
    dispatcher(store::store& s, endpoint_registry& endpoints, const config& cfg);
    ~dispatcher();
    void start();
    //! Stops starting attempts, lets running ones finish (bounded by the attempt timeout), joins.
    void stop();
    //! Hands over deliveries that were just committed as pending (the others are ignored); it
    //! keeps them until their first attempt. Thread-safe and cheap.
    void notify(std::vector<delivery> committed);
    //! These deliveries are being deleted: none may be sent from what notify() handed over.
    //! Called before the deletion commits (from then on the store's answer is the right one).
    void forget(std::vector<std::string> ids);

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace docket::deliver
