#pragma once
// store::commit as an awaitable with a deadline, for coroutines on I/O threads.

#include <docket/core/units.hpp>
#include <docket/store/store.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <stdexcept>

namespace docket::store {

struct commit_timeout : std::runtime_error {
    commit_timeout() : std::runtime_error("the store did not confirm the write in time") {}
};

//! Resumes once the batch is durable, or throws commit_timeout at the deadline. `on_durable`
//! runs on the committer thread as soon as the batch is durable, even after a timeout, so what
//! must follow a commit is never skipped. Pass lvalues: see the note in the implementation.
boost::asio::awaitable<void> async_commit(store& s, batch b, duration timeout, std::function<void()> on_durable);

} // namespace docket::store
