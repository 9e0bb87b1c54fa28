#pragma once
// Calls a function at a fixed interval on its own thread until destroyed (bench scenarios use it
// to sample a server's memory and queue while the load runs).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace docket::bench {

class sampler {
public:
    sampler(std::chrono::milliseconds every, std::function<void()> sample) : sample_(std::move(sample)) {
        thread_ = std::thread([this, every] {
            std::unique_lock lock(m_);
            while (!cv_.wait_for(lock, every, [this] { return stop_; })) {
                lock.unlock();
                sample_();
                lock.lock();
            }
        });
    }
    ~sampler() {
        {
            std::lock_guard lock(m_);
            stop_ = true;
        }
        cv_.notify_one();
        thread_.join();
    }
    sampler(const sampler&) = delete;
    sampler& operator=(const sampler&) = delete;

private:
    std::function<void()> sample_;
    std::mutex m_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

} // namespace docket::bench
