#pragma once
// The order in which queued jobs are handed to workers: high priority before normal, and
// within a priority the tenants take turns, each giving its oldest job. One tenant with 10,000
// jobs queued therefore delays another tenant's single job by one job per busy tenant, not by
// its whole backlog. No locks and no clock: ready_queue guards it, tests drive it directly.

#include <docket/core/job.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace docket::queue {

struct entry {
    job_priority priority = job_priority::normal;
    std::uint64_t seq = 0; //!< FIFO order within a tenant and priority
    std::string id;
    std::string tenant;
};

class fair_order {
public:
    //! Adds a job; returns its 1-based place in line if nothing else arrives (an estimate once
    //! several tenants wait: a later arrival of another tenant may take a turn before it).
    //! A job already here is not added twice.
    std::size_t push(entry e);
    //! The next job to run, removed; nullopt when empty.
    std::optional<entry> pop();
    //! Removes a job; false if it is not here.
    bool erase(const entry& e);
    std::size_t size() const noexcept { return size_; }
    //! Jobs of one tenant waiting here.
    std::size_t count(std::string_view tenant) const;

private:
    // The tenant and priority are where a job is kept, not in it: with a million jobs waiting,
    // 32 bytes more a job would be 32 MB more.
    struct waiting {
        std::uint64_t seq;
        std::string id;
        friend bool operator<(const waiting& a, const waiting& b) noexcept { return a.seq < b.seq; }
    };
    struct level {
        std::unordered_map<std::string, std::set<waiting>> jobs; //!< only tenants with jobs
        std::deque<std::string> turns; //!< those tenants, the one to serve next first
        std::size_t size = 0;
    };
    level& at(job_priority p) noexcept { return levels_[p == job_priority::high ? 0 : 1]; }
    level levels_[2];
    std::size_t size_ = 0;
};

} // namespace docket::queue
