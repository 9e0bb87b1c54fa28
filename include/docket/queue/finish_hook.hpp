#pragma once
// What else a job's final transition writes: the serve command plugs webhook deliveries in here,
// so they are committed in the same batch as the result, and the dispatcher is woken after.

#include <docket/core/job.hpp>
#include <docket/store/store.hpp>

#include <functional>
#include <string_view>

namespace docket::queue {

struct finish_hook {
    //! Adds to the batch that finishes `j` (succeeded or failed); true if it added anything.
    std::function<bool(store::batch& b, const job& j, std::string_view result_json)> add;
    //! Called once that batch is durable, when add returned true.
    std::function<void()> committed;

    bool apply(store::batch& b, const job& j, std::string_view result_json) const {
        return add && is_finished(j.status) && j.status != job_status::canceled && add(b, j, result_json);
    }
    void notify(bool added) const {
        if (added && committed) committed();
    }
};

} // namespace docket::queue
