#pragma once
// When to try a webhook delivery again: a pure function of the attempt number, the outcome and
// the clock, with jitter passed in so tests are exact.

#include <docket/core/time.hpp>
#include <docket/core/units.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace docket::deliver {

//! How one attempt ended, as far as scheduling cares.
struct attempt_outcome {
    enum kind { success, failure, gone } what = failure; //!< gone: 410, the endpoint is disabled
    std::optional<duration> retry_after;                 //!< from a 429/503 Retry-After header
};

//! Classifies an HTTP status (0 = no response: timeout, connection or TLS error).
attempt_outcome classify_status(unsigned status, std::optional<duration> retry_after = std::nullopt);

//! Retry-After in seconds or as an HTTP-date, relative to `now`; nullopt if unreadable.
std::optional<duration> parse_retry_after(std::string_view value, timestamp now);

struct schedule_config {
    //! Delay before each attempt: the first is immediate, the last ends the delivery's life.
    std::vector<duration> delays = {
        std::chrono::seconds(0),  std::chrono::seconds(5), std::chrono::minutes(5), std::chrono::minutes(30),
        std::chrono::hours(2),    std::chrono::hours(5),   std::chrono::hours(10),  std::chrono::hours(14),
        std::chrono::hours(20),   std::chrono::hours(24)};
    double jitter = 0.2;                          //!< ± this fraction of each delay
    duration max_retry_after = std::chrono::hours(24); //!< cap on a receiver's Retry-After
};

//! The time of the next attempt after `attempts_made` attempts, the last ending in `outcome`, or
//! nullopt when there is none (delivered, gone, or out of attempts: dead-lettered).
//! `jitter_unit` in [-1, 1] scales the configured jitter (random in production, fixed in tests).
std::optional<timestamp> next_attempt(std::size_t attempts_made, const attempt_outcome& outcome, timestamp now,
                                      const schedule_config& cfg, double jitter_unit);

//! Parses "0s,5s,5m" into delays; nullopt if any entry is not a duration or the list is empty.
std::optional<std::vector<duration>> parse_schedule(std::string_view text);

} // namespace docket::deliver
