#pragma once
// Per-key request rate limits: a token bucket for each API key, refilled continuously. The
// decision is a pure function of a bucket, the policy and the time; the limiter holds the
// buckets for the API's I/O threads.

#include <docket/core/time.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace docket::auth {

struct rate_policy {
    std::uint64_t per_second = 0; //!< sustained requests per second of one key; 0 = no limit
    std::uint64_t burst = 0;      //!< the bucket's size: requests a key may send at once (0: 2 × per_second)
    std::uint64_t capacity() const { return burst ? burst : 2 * per_second; }
};

struct bucket {
    double tokens = -1; //!< negative: never used (starts full)
    timestamp at = 0;   //!< when `tokens` was last brought up to date
};

struct rate_decision {
    bool allowed = true;
    std::uint64_t limit = 0;        //!< the bucket's size
    std::uint64_t remaining = 0;    //!< whole requests left in the bucket after this one
    std::uint64_t full_in = 0;      //!< seconds until the bucket is full again
    std::uint64_t retry_after = 0;  //!< when refused: seconds until one request is allowed
};

//! A key's own policy: its rate and burst where it has them, the global ones otherwise.
rate_policy policy_for(const rate_policy& global, std::optional<std::uint64_t> per_second, std::optional<std::uint64_t> burst);

//! Refills `b` for the time since it was last used and takes one request from it if it can.
rate_decision take(bucket& b, const rate_policy& p, timestamp now);

//! The RateLimit-Policy and RateLimit header values (draft-ietf-httpapi-ratelimit-headers).
std::string policy_header(const rate_policy& p);
std::string limit_header(const rate_decision& d);

class rate_limiter {
public:
    explicit rate_limiter(rate_policy global) : global_(global) {}
    //! The policy of every key without one of its own.
    const rate_policy& global() const { return global_; }
    //! One request by the key with this id, under the key's policy (per_second > 0).
    rate_decision take(const std::string& key_id, const rate_policy& p, timestamp now);

private:
    rate_policy global_;
    std::mutex mutex_;
    std::unordered_map<std::string, bucket> buckets_; // one per key that has sent a request
};

} // namespace docket::auth
