#pragma once
// What else a job's final transition writes: the serve command plugs webhook deliveries in here,
// so they are committed in the same batch as the result, and the dispatcher learns of them after.

#include <docket/core/job.hpp>
#include <docket/store/store.hpp>

#include <functional>
#include <string_view>

namespace docket::queue {

struct finish_hook {
    using after_commit = std::function<void()>;
    //! Adds to the batch that finishes `j` (succeeded or failed); returns what to run once that
    //! batch is durable (empty: nothing).
    std::function<after_commit(store::batch& b, const job& j, std::string_view result_json)> add;

    after_commit apply(store::batch& b, const job& j, std::string_view result_json) const {
        if (!add || !is_finished(j.status) || j.status == job_status::canceled) return {};
        return add(b, j, result_json);
    }
};

} // namespace docket::queue
