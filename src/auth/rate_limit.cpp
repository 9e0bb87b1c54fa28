// Token buckets for per-key rate limits; asked by the API (http/api.cpp) before a request runs.

#include <docket/auth/rate_limit.hpp>

#include <algorithm>
#include <cmath>

namespace docket::auth {

rate_decision take(bucket& b, const rate_policy& p, timestamp now) {
    rate_decision d;
    const auto cap = static_cast<double>(p.capacity());
    const auto rate = static_cast<double>(p.per_second);
    d.limit = p.capacity();
    if (b.tokens < 0) b = {cap, now};
    // A clock that steps back refills nothing.
    const double elapsed = static_cast<double>(std::max<timestamp>(0, now - b.at)) / 1000.0;
    b.tokens = std::min(cap, b.tokens + elapsed * rate);
    b.at = now;
    if (b.tokens >= 1) {
        b.tokens -= 1;
    } else {
        d.allowed = false;
        d.retry_after = static_cast<std::uint64_t>(std::ceil((1 - b.tokens) / rate));
        d.retry_after = std::max<std::uint64_t>(d.retry_after, 1);
    }
    d.remaining = static_cast<std::uint64_t>(std::floor(b.tokens));
    d.full_in = static_cast<std::uint64_t>(std::ceil((cap - b.tokens) / rate));
    return d;
}

std::string policy_header(const rate_policy& p) {
    // q requests per window of w seconds: a full bucket, and the time it takes to refill.
    const auto window = std::max<std::uint64_t>(1, (p.capacity() + p.per_second - 1) / p.per_second);
    return "\"per-key\";q=" + std::to_string(p.capacity()) + ";w=" + std::to_string(window);
}

std::string limit_header(const rate_decision& d) {
    return "\"per-key\";r=" + std::to_string(d.remaining) + ";t=" + std::to_string(d.full_in);
}

rate_decision rate_limiter::take(const std::string& key_id, const rate_policy& p, timestamp now) {
    std::lock_guard lock(mutex_);
    return auth::take(buckets_[key_id], p, now);
}

rate_policy policy_for(const rate_policy& global, std::optional<std::uint64_t> per_second, std::optional<std::uint64_t> burst) {
    rate_policy p = global;
    if (per_second) {
        p.per_second = *per_second;
        // A key's own rate comes with its own default burst, not the global one's.
        if (!burst) p.burst = 0;
    }
    if (burst) p.burst = *burst;
    return p;
}

} // namespace docket::auth
