// In-memory ready queue: intake pushes after the durable commit, workers pop. A std::set keeps
// (priority, seq) order; a cancel removes an entry only if no worker has popped it.

#include <docket/queue/ready_queue.hpp>

#include <iterator>

namespace docket::queue {

std::size_t ready_queue::push(entry e) {
    std::size_t position;
    {
        std::lock_guard lock(mutex_);
        const bool high = e.priority == job_priority::high;
        auto [it, inserted] = entries_.insert(std::move(e));
        if (!inserted) return static_cast<std::size_t>(std::distance(entries_.begin(), it)) + 1;
        if (high) ++high_count_;
        // New jobs almost always go to the back of their priority: count without walking.
        if (std::next(it) == entries_.end()) position = entries_.size();
        else if (high && (std::next(it) == entries_.end() || std::next(it)->priority != job_priority::high))
            position = high_count_;
        else position = static_cast<std::size_t>(std::distance(entries_.begin(), it)) + 1;
    }
    cv_.notify_one();
    return position;
}

std::optional<entry> ready_queue::pop_wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return stopped_ || !entries_.empty(); });
    if (stopped_) return std::nullopt;
    auto node = entries_.extract(entries_.begin());
    if (node.value().priority == job_priority::high) --high_count_;
    return std::move(node.value());
}

bool ready_queue::erase(const entry& e) {
    std::lock_guard lock(mutex_);
    if (entries_.erase(e) == 0) return false;
    if (e.priority == job_priority::high) --high_count_;
    return true;
}

std::size_t ready_queue::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void ready_queue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }
    cv_.notify_all();
}

} // namespace docket::queue
