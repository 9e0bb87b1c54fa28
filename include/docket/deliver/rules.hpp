#pragma once
// What an attempt's outcome does to a delivery and to its endpoint, and which secrets sign.
// Pure functions, unit-tested with a fake clock.

#include <docket/core/webhook.hpp>
#include <docket/deliver/schedule.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::deliver {

//! The delivery after one more attempt that ended in `outcome` (`error` describes a failure).
delivery after_attempt(const delivery& d, const attempt_outcome& outcome, const std::string& error, timestamp now,
                       const schedule_config& cfg, double jitter_unit);

//! The endpoint after an attempt to it, or nullopt when nothing changed: a 410 disables it at
//! once; failures since `failing_since` for longer than `disable_after` disable it; a success
//! clears the failing run.
std::optional<endpoint> endpoint_after_attempt(const endpoint& e, const attempt_outcome& outcome, timestamp now,
                                               duration disable_after);

//! Secrets that sign at `now`: the current one and rotated ones still in their grace period.
std::vector<std::string> active_secrets(const endpoint& e, timestamp now);

//! `e` with a new current secret; the previous ones keep signing for `grace`. Returns the secret.
std::string rotate_secret(endpoint& e, timestamp now, duration grace);

enum class header_check { ok, bad_name, bad_value, reserved };

//! Whether an endpoint may send this header of its own: a token name (letters, digits, '-', '_';
//! at most 128) that docket does not set itself (webhook-*, framing, content type), and a value
//! without control characters (tab aside), which would end the header line and let the value
//! inject headers or a second request into the receiver's stream.
header_check check_custom_header(std::string_view name, std::string_view value);

//! A delivery starting a new round of attempts now, under its original webhook-id.
delivery redeliver(const delivery& d, timestamp now);

} // namespace docket::deliver
