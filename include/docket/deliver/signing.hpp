#pragma once
// Standard Webhooks signing: secrets "whsec_<base64>", and the webhook-signature header value
// "v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>", one per active secret.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::deliver {

//! A new secret: "whsec_" + base64 of 24 random bytes.
std::string new_secret();

//! The HMAC key inside a secret: base64 after "whsec_" (a secret without the prefix is used as
//! raw bytes, as the spec allows); nullopt if the base64 is malformed.
std::optional<std::string> secret_key(std::string_view secret);

//! The webhook-signature header: "v1,<sig>" per secret, space-separated, in the given order.
//! Secrets that do not decode are skipped.
std::string sign(const std::vector<std::string>& secrets, std::string_view msg_id, std::int64_t timestamp_seconds,
                 std::string_view body);

} // namespace docket::deliver
