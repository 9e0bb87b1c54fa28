// The retry schedule and the outcome rules of webhook delivery; called after every attempt.

#include <docket/deliver/schedule.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

namespace docket::deliver {

attempt_outcome classify_status(unsigned status, std::optional<duration> retry_after) {
    if (status >= 200 && status < 300) return {attempt_outcome::success, std::nullopt};
    if (status == 410) return {attempt_outcome::gone, std::nullopt};
    // Everything else, redirects included (they are never followed), is a failure to retry.
    if (status == 429 || status == 503) return {attempt_outcome::failure, retry_after};
    return {attempt_outcome::failure, std::nullopt};
}

std::optional<duration> parse_retry_after(std::string_view value, timestamp now) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    std::int64_t secs = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (ec == std::errc{} && p == value.data() + value.size()) {
        if (secs < 0) return std::nullopt;
        // The receiver's number is held to a century (the schedule caps it far lower anyway):
        // a larger one overflowed in milliseconds (found by fuzzing).
        constexpr std::int64_t k_century = 100LL * 366 * 86400;
        return std::chrono::seconds(std::min(secs, k_century));
    }
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    std::tm tm{};
    const std::string text(value);
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    const timestamp at = static_cast<timestamp>(timegm(&tm)) * 1000;
    return duration(std::max<timestamp>(0, at - now));
}

std::optional<timestamp> next_attempt(std::size_t attempts_made, const attempt_outcome& outcome, timestamp now,
                                      const schedule_config& cfg, double jitter_unit) {
    if (outcome.what != attempt_outcome::failure) return std::nullopt;
    if (attempts_made >= cfg.delays.size()) return std::nullopt; // dead-lettered
    const double base = static_cast<double>(cfg.delays[attempts_made].count());
    const double jittered = base * (1.0 + std::clamp(jitter_unit, -1.0, 1.0) * cfg.jitter);
    auto delay = static_cast<timestamp>(std::llround(jittered));
    if (outcome.retry_after)
        delay = std::max(delay, std::min(outcome.retry_after->count(), cfg.max_retry_after.count()));
    return now + delay;
}

std::optional<std::vector<duration>> parse_schedule(std::string_view text) {
    auto out = parse_comma_list(text, parse_duration);
    if (!out || out->empty()) return std::nullopt;
    return out;
}

} // namespace docket::deliver
