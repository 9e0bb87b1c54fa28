// Log-linear buckets: values below 2^11 have a bucket each; each power of two above is split in
// 1024 equal buckets, so a bucket spans at most 1/1024 of its values.

#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace docket::bench {
namespace {
constexpr unsigned k_sub_bits = 10;                       // 1024 buckets per power of two
constexpr std::uint64_t k_linear = 2u << k_sub_bits;      // 2048 exact buckets
constexpr std::size_t k_buckets = k_linear + (64 - k_sub_bits - 1) * (1u << k_sub_bits);
} // namespace

histogram::histogram() : counts_(k_buckets, 0) {}

std::size_t histogram::bucket_of(std::uint64_t v) {
    if (v < k_linear) return static_cast<std::size_t>(v);
    const unsigned top = static_cast<unsigned>(std::bit_width(v)) - 1; // >= 11
    const unsigned shift = top - k_sub_bits;
    const std::uint64_t mantissa = (v >> shift) - (1u << k_sub_bits); // 0..1023
    return static_cast<std::size_t>(k_linear + (top - k_sub_bits - 1) * (1u << k_sub_bits) + mantissa);
}

std::uint64_t histogram::highest_in(std::size_t b) {
    if (b < k_linear) return b;
    const std::size_t k = b - k_linear;
    const unsigned top = static_cast<unsigned>(k >> k_sub_bits) + k_sub_bits + 1;
    const unsigned shift = top - k_sub_bits;
    const std::uint64_t mantissa = (k & ((1u << k_sub_bits) - 1)) + (1u << k_sub_bits);
    return ((mantissa + 1) << shift) - 1;
}

void histogram::record(std::uint64_t v) {
    ++counts_[bucket_of(v)];
    ++count_;
    sum_ += v;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
}

void histogram::merge(const histogram& o) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
    count_ += o.count_;
    sum_ += o.sum_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
}

std::uint64_t histogram::percentile(double percent) const {
    if (count_ == 0) return 0;
    const double p = std::clamp(percent, 0.0, 100.0);
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(highest_in(i), max_);
    }
    return max_;
}

} // namespace docket::bench
