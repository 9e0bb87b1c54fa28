// Idempotency decisions and the in-flight key guard, used by POST /v1/jobs.

#include <docket/intake/idempotency.hpp>

namespace docket::intake {

idempotency_decision decide_idempotency(const std::optional<store::idempotency_record>& existing,
                                        std::string_view request_hash, timestamp now, duration ttl) {
    // An expired record that the sweeper has not removed yet counts as absent.
    if (!existing || existing->created_at + ttl.count() <= now) return {idempotency_action::create, {}};
    if (existing->request_hash != request_hash) return {idempotency_action::conflict, existing->job_id};
    return {idempotency_action::replay, existing->job_id};
}

outcome<void> validate_idempotency_key(std::string_view key) {
    if (key.empty() || key.size() > 255) return failure(errc::invalid_field, "Idempotency-Key must be 1 to 255 characters");
    for (const char c : key)
        if (c < 0x21 || c > 0x7e) return failure(errc::invalid_field, "Idempotency-Key must be visible ASCII");
    return {};
}

std::string idempotency_guard::join(std::string_view tenant, std::string_view key) {
    std::string k(tenant);
    k += '\0';
    k += key;
    return k;
}

bool idempotency_guard::try_reserve(std::string_view tenant, std::string_view key) {
    std::lock_guard lock(mutex_);
    return held_.insert(join(tenant, key)).second;
}

void idempotency_guard::release(std::string_view tenant, std::string_view key) {
    std::lock_guard lock(mutex_);
    held_.erase(join(tenant, key));
}

} // namespace docket::intake
