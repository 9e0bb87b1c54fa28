// Delivery and endpoint state changes; called by the dispatcher after each attempt and by the
// API for rotation and redelivery.

#include <docket/deliver/rules.hpp>
#include <docket/deliver/signing.hpp>
#include <docket/core/encoding.hpp>

#include <algorithm>
#include <cctype>

namespace docket::deliver {

namespace {

bool reserved_header(std::string_view name) {
    std::string n(name);
    for (auto& c : n) c = ascii_lower(c);
    return n.starts_with("webhook-") || n == "content-type" || n == "user-agent" || n == "host" ||
           n == "content-length" || n == "transfer-encoding" || n == "connection";
}

} // namespace

header_check check_custom_header(std::string_view name, std::string_view value) {
    const bool token = !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                       });
    if (!token) return header_check::bad_name;
    if (reserved_header(name)) return header_check::reserved;
    return has_control_character(value) ? header_check::bad_value : header_check::ok;
}

delivery after_attempt(const delivery& d, const attempt_outcome& outcome, const std::string& error, timestamp now,
                       const schedule_config& cfg, double jitter_unit) {
    delivery n = d;
    n.attempts += 1;
    n.next_attempt_at.reset();
    if (outcome.what == attempt_outcome::success) {
        n.status = delivery_status::delivered;
        n.last_error.reset();
        return n;
    }
    n.last_error = error;
    if (outcome.what == attempt_outcome::gone) {
        n.status = delivery_status::dead;
        return n;
    }
    auto next = next_attempt(static_cast<std::size_t>(n.attempts - n.round_start), outcome, now, cfg, jitter_unit);
    n.status = next ? delivery_status::pending : delivery_status::dead;
    n.next_attempt_at = next;
    return n;
}

std::optional<endpoint> endpoint_after_attempt(const endpoint& e, const attempt_outcome& outcome, timestamp now,
                                               duration disable_after) {
    endpoint n = e;
    if (outcome.what == attempt_outcome::success) {
        if (!e.failing_since) return std::nullopt;
        n.failing_since.reset();
    } else if (outcome.what == attempt_outcome::gone) {
        n.enabled = false;
        n.disabled_reason = "the receiver answered 410 Gone";
    } else if (!e.failing_since) {
        n.failing_since = now;
    } else if (now - *e.failing_since >= disable_after.count()) {
        n.enabled = false;
        n.disabled_reason = "every attempt failed for " + format_duration(disable_after);
    } else {
        return std::nullopt;
    }
    n.updated_at = now;
    return n;
}

std::vector<std::string> active_secrets(const endpoint& e, timestamp now) {
    std::vector<std::string> out;
    for (const auto& s : e.secrets)
        if (!s.expires_at || *s.expires_at > now) out.push_back(s.secret);
    return out;
}

std::string rotate_secret(endpoint& e, timestamp now, duration grace) {
    std::vector<endpoint_secret> kept;
    for (auto& s : e.secrets) {
        if (!s.expires_at) s.expires_at = now + grace.count();
        if (*s.expires_at > now) kept.push_back(s);
    }
    const std::string fresh = new_secret();
    kept.insert(kept.begin(), endpoint_secret{fresh, std::nullopt});
    e.secrets = std::move(kept);
    e.updated_at = now;
    return fresh;
}

delivery redeliver(const delivery& d, timestamp now) {
    delivery n = d;
    n.status = delivery_status::pending;
    n.round_start = d.attempts;
    n.next_attempt_at = now;
    return n;
}

} // namespace docket::deliver
