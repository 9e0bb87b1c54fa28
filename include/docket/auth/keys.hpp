#pragma once
// API keys: made here, shown once, stored only as SHA-256; the directory answers "which tenant
// does this presented key belong to" from memory.

#include <docket/store/store.hpp>

#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace docket::auth {

struct new_key {
    std::string secret;        //!< "dk_..." — printed once, never stored
    store::key_record record;  //!< what the store keeps
};

//! A fresh random key for a tenant.
new_key make_key(std::string tenant, timestamp now);

//! The key a request presents in `Authorization: Bearer <key>` or `X-API-Key: <key>`.
std::optional<std::string_view> presented_key(std::optional<std::string_view> authorization,
                                              std::optional<std::string_view> x_api_key);

//! Tenant names: 1-64 of [A-Za-z0-9_.-].
bool valid_tenant(std::string_view tenant);

class key_directory {
public:
    explicit key_directory(const std::vector<store::key_record>& keys);
    //! The tenant of an active key; nullopt for unknown or revoked keys.
    std::optional<std::string> tenant_for(std::string_view secret) const;
    //! The record of an active key; nullopt for unknown or revoked keys.
    std::optional<store::key_record> find(std::string_view secret) const;
    void add(const store::key_record& k);

private:
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, store::key_record> by_hash_;
};

} // namespace docket::auth
