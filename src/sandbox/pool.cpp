// A fixed set of `docket worker` processes: the extraction threads share one pool (sized to
// them, so a job waits only while a long document borrows), intake another for ZIPs.

#include <docket/sandbox/pool.hpp>

namespace docket::sandbox {

pool::pool(unsigned size, const std::string& executable, const limits& l) {
    for (unsigned i = 0; i < size; ++i) {
        all_.push_back(std::make_unique<child>(executable, l));
        idle_.push_back(all_.back().get());
    }
}

child& pool::acquire() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    returned_.wait(lock, [&] { return !idle_.empty(); });
    --waiting_;
    auto* p = idle_.back();
    idle_.pop_back();
    return *p;
}

child* pool::try_acquire() {
    std::lock_guard lock(mutex_);
    if (idle_.empty()) return nullptr;
    auto* p = idle_.back();
    idle_.pop_back();
    return p;
}

void pool::release(child& p) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(&p);
    }
    returned_.notify_one();
}

bool pool::any_idle() const {
    std::lock_guard lock(mutex_);
    return !idle_.empty();
}

bool pool::wanted() const {
    std::lock_guard lock(mutex_);
    return waiting_ > 0;
}

} // namespace docket::sandbox
