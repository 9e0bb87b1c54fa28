#pragma once
// Idempotency-Key rules: the decision is a pure function of the stored record; the guard keeps
// two concurrent requests with one key from both creating a job.

#include <docket/core/error.hpp>
#include <docket/core/units.hpp>
#include <docket/store/store.hpp>

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace docket::intake {

enum class idempotency_action {
    create,   //!< no live record: create the job and remember the key
    replay,   //!< same key, same request: answer with the original job (200)
    conflict, //!< same key, different request: 409
};

struct idempotency_decision {
    idempotency_action action = idempotency_action::create;
    std::string job_id; //!< for replay
};

//! Decides what a request with an Idempotency-Key does, given the record stored for that key.
idempotency_decision decide_idempotency(const std::optional<store::idempotency_record>& existing,
                                        std::string_view request_hash, timestamp now, duration ttl);

//! Checks an Idempotency-Key header value: 1-255 visible ASCII characters.
outcome<void> validate_idempotency_key(std::string_view key);

//! Keys whose first request is between its check and its commit.
class idempotency_guard {
public:
    //! Reserves tenant+key; false if another request holds it.
    bool try_reserve(std::string_view tenant, std::string_view key);
    void release(std::string_view tenant, std::string_view key);

private:
    static std::string join(std::string_view tenant, std::string_view key);
    std::mutex mutex_;
    std::set<std::string, std::less<>> held_;
};

} // namespace docket::intake
