#pragma once
// Serializes read-modify-write of one job record between workers and lease recovery, so a
// stale worker's completion and a lease hand-back cannot interleave.

#include <array>
#include <functional>
#include <mutex>
#include <string_view>

namespace docket::queue {

class job_locks {
public:
    std::mutex& of(std::string_view job_id) { return stripes_[std::hash<std::string_view>{}(job_id) % stripes_.size()]; }

private:
    std::array<std::mutex, 64> stripes_;
};

} // namespace docket::queue
