#pragma once
// A fixed set of child processes shared by threads: a thread takes one for a request, and a
// long job may borrow the idle ones (extract/page_split.hpp).

#include <docket/sandbox/child.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace docket::sandbox {

class pool {
public:
    pool(unsigned size, const std::string& executable, const limits& l);
    ~pool();
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;
    //! Waits for an idle child.
    child& acquire();
    //! An idle child, or nullptr when all are busy.
    child* try_acquire();
    void release(child& c);
    //! Whether some child is idle now (none is taken).
    bool any_idle() const;
    //! Whether a thread waits in acquire(): borrowed children should come back soon.
    bool wanted() const;
    std::size_t size() const { return all_.size(); }

private:
    void watch();
    void wake();
    std::vector<std::unique_ptr<child>> all_;
    std::vector<child*> idle_;
    mutable std::mutex mutex_;
    std::condition_variable returned_;
    unsigned waiting_ = 0;
    // A thread polls the idle children's exit descriptors: one that dies while idle is reaped
    // and replaced at once, before a request is handed to it. `wake_` (an eventfd) tells it
    // that the idle set changed or that the pool is going away.
    int wake_ = -1;
    bool stopping_ = false;
    std::thread watcher_;
};

//! A child taken with acquire() and given back at the end of the scope.
class lease {
public:
    explicit lease(pool& p) : pool_(p), child_(p.acquire()) {}
    ~lease() { pool_.release(child_); }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    child& get() const { return child_; }

private:
    pool& pool_;
    child& child_;
};

} // namespace docket::sandbox
