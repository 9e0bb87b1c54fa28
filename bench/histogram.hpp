#pragma once
// A high-dynamic-range latency histogram: exact below 2048 units, and within 1/1024 (0.1 %) above,
// up to 2^63 units, in fixed memory. Recording is O(1); percentiles walk the buckets once.

#include <cstdint>
#include <vector>

namespace docket::bench {

class histogram {
public:
    histogram();
    void record(std::uint64_t value);
    void merge(const histogram& other);
    std::uint64_t count() const { return count_; }
    std::uint64_t min() const { return count_ ? min_ : 0; }
    std::uint64_t max() const { return max_; }
    double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
    //! The smallest recorded value (to bucket precision) at or below which `percent` % of the
    //! values lie; 0 when empty. percentile(100) is max().
    std::uint64_t percentile(double percent) const;

    //! Bucket of a value, and the highest value a bucket holds (exposed for tests).
    static std::size_t bucket_of(std::uint64_t value);
    static std::uint64_t highest_in(std::size_t bucket);

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0, sum_ = 0, min_ = UINT64_MAX, max_ = 0;
};

} // namespace docket::bench
