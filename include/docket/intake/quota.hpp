#pragma once
// Per-tenant quotas: jobs waiting in the queue, bytes kept in the store (documents of open jobs
// and results), registered webhook endpoints. Defaults for every tenant, with overrides per
// tenant; the decision is a pure function of the quota, the tenant's usage and what a request
// would add.

#include <docket/core/error.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace docket::intake {

struct quota {
    std::uint64_t queued_jobs = 0;  //!< 0 = no quota
    std::uint64_t stored_bytes = 0; //!< 0 = no quota
    std::uint64_t endpoints = 0;    //!< 0 = no quota
};

//! A tenant's override: only the quotas it names replace the defaults.
struct quota_override {
    std::optional<std::uint64_t> queued_jobs, stored_bytes, endpoints;
};

struct quotas {
    quota defaults;
    std::map<std::string, quota_override, std::less<>> tenants;
    quota of(std::string_view tenant) const;
};

//! Parses `--tenant-quotas`: space-separated `TENANT:name=value,...` with names `queued`,
//! `stored` (a size, "10GiB") and `endpoints`; 0 lifts a default for that tenant.
outcome<std::map<std::string, quota_override, std::less<>>> parse_tenant_quotas(std::string_view text);
std::string format_tenant_quotas(const std::map<std::string, quota_override, std::less<>>& t);

struct tenant_usage {
    std::uint64_t queued_jobs = 0;
    std::uint64_t stored_bytes = 0;
};

//! Whether `jobs` more jobs holding `bytes` more bytes fit the tenant's quota: the failure
//! (QUEUED_JOBS_QUOTA or STORAGE_QUOTA, with the figures) when they do not.
std::optional<error> over_quota(const quota& q, const tenant_usage& used, std::uint64_t jobs, std::uint64_t bytes);

//! Whether one more endpoint fits (ENDPOINT_QUOTA when not).
std::optional<error> over_endpoint_quota(const quota& q, std::uint64_t endpoints_now);

} // namespace docket::intake
