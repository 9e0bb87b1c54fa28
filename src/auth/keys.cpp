// API key generation and lookup; used by the keys command and by every /v1 request.

#include <docket/auth/keys.hpp>
#include <docket/core/encoding.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace docket::auth {

new_key make_key(std::string tenant, timestamp now) {
    new_key k;
    k.secret = "dk_" + base64url_encode(random_bytes(30));
    k.record.hash = hex_encode(sha256(k.secret));
    k.record.id = "key_" + k.record.hash.substr(0, 12);
    k.record.tenant = std::move(tenant);
    k.record.created_at = now;
    return k;
}

std::optional<std::string_view> presented_key(std::optional<std::string_view> authorization,
                                              std::optional<std::string_view> x_api_key) {
    if (authorization) {
        std::string_view a = *authorization;
        if (a.size() > 7 && starts_with_ci(a, "bearer ")) {
            a.remove_prefix(7);
            while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
            while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
            if (!a.empty()) return a;
        }
    }
    if (x_api_key && !x_api_key->empty()) return x_api_key;
    return std::nullopt;
}

bool valid_tenant(std::string_view tenant) {
    return !tenant.empty() && tenant.size() <= 64 && std::all_of(tenant.begin(), tenant.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
           });
}

key_directory::key_directory(const std::vector<store::key_record>& keys) {
    for (const auto& k : keys) by_hash_.emplace(k.hash, k);
}

std::optional<store::key_record> key_directory::find(std::string_view secret) const {
    // The lookup is by hash, so timing reveals nothing usable about the secret itself; the
    // final comparison is constant-time all the same.
    const std::string hash = hex_encode(sha256(secret));
    std::shared_lock lock(mutex_);
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end() || it->second.revoked || !constant_time_equal(it->second.hash, hash)) return std::nullopt;
    return it->second;
}

std::optional<std::string> key_directory::tenant_for(std::string_view secret) const {
    auto k = find(secret);
    return k ? std::optional<std::string>(std::move(k->tenant)) : std::nullopt;
}

void key_directory::add(const store::key_record& k) {
    std::unique_lock lock(mutex_);
    by_hash_[k.hash] = k;
}

} // namespace docket::auth
