// A fixed set of `docket worker` processes: the extraction threads share one pool (sized to
// them, so a job waits only while a long document borrows), intake another for ZIPs.

#include <docket/sandbox/pool.hpp>
#include <docket/core/log.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace docket::sandbox {

pool::pool(unsigned size, const std::string& executable, const limits& l) {
    for (unsigned i = 0; i < size; ++i) {
        all_.push_back(std::make_unique<child>(executable, l));
        idle_.push_back(all_.back().get());
    }
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_ >= 0) watcher_ = std::thread([this] { watch(); });
}

pool::~pool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake();
    if (watcher_.joinable()) watcher_.join();
    if (wake_ >= 0) ::close(wake_);
}

void pool::wake() {
    if (wake_ < 0) return;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_, &one, sizeof one);
}

void pool::watch() {
    std::vector<pollfd> fds;
    std::vector<child*> who;
    for (;;) {
        fds.assign(1, pollfd{wake_, POLLIN, 0});
        who.assign(1, nullptr);
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            // Only idle children: a busy one's death is its request's to report.
            for (child* c : idle_)
                if (c->exit_fd() >= 0) {
                    fds.push_back({c->exit_fd(), POLLIN, 0});
                    who.push_back(c);
                }
        }
        if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
        if (fds[0].revents) {
            std::uint64_t n;
            [[maybe_unused]] const auto r = ::read(wake_, &n, sizeof n);
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (!fds[i].revents) continue;
            child* c = who[i];
            {
                // Taken out of the idle set while it is replaced, so nobody is handed it.
                std::lock_guard lock(mutex_);
                const auto it = std::find(idle_.begin(), idle_.end(), c);
                if (it == idle_.end() || stopping_) continue;
                idle_.erase(it);
            }
            const pid_t old = c->pid();
            if (const auto how = c->renew(); !how.empty())
                log::warn("worker process " + std::to_string(old) + " died while idle (" + how + "); replaced by " +
                          (c->pid() > 0 ? std::to_string(c->pid()) : std::string("a new one on its next request")));
            release(*c);
        }
    }
}

child& pool::acquire() {
    child* p;
    {
        std::unique_lock lock(mutex_);
        ++waiting_;
        returned_.wait(lock, [&] { return !idle_.empty(); });
        --waiting_;
        p = idle_.back();
        idle_.pop_back();
    }
    wake();
    return *p;
}

child* pool::try_acquire() {
    child* p;
    {
        std::lock_guard lock(mutex_);
        if (idle_.empty()) return nullptr;
        p = idle_.back();
        idle_.pop_back();
    }
    wake();
    return p;
}

void pool::release(child& p) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(&p);
    }
    returned_.notify_one();
    wake();
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
