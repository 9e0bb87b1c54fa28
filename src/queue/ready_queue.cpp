// In-memory ready queue: intake pushes after the durable commit, workers pop. fair_order decides
// who goes next; this adds the lock and the wake-ups. A cancel removes an entry only if no
// worker has popped it.

#include <docket/queue/ready_queue.hpp>

namespace docket::queue {

std::size_t ready_queue::push(entry e) {
    std::size_t position;
    {
        std::lock_guard lock(mutex_);
        position = order_.push(std::move(e));
    }
    cv_.notify_one();
    return position;
}

std::optional<entry> ready_queue::pop_wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return stopped_ || order_.size() > 0; });
    if (stopped_) return std::nullopt;
    return order_.pop();
}

bool ready_queue::erase(const entry& e) {
    std::lock_guard lock(mutex_);
    return order_.erase(e);
}

std::size_t ready_queue::size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
}

std::size_t ready_queue::count(std::string_view tenant) const {
    std::lock_guard lock(mutex_);
    return order_.count(tenant);
}

void ready_queue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }
    cv_.notify_all();
}

} // namespace docket::queue
