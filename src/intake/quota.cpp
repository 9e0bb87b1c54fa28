// Quota decisions and the --tenant-quotas syntax.

#include <docket/intake/quota.hpp>
#include <docket/auth/keys.hpp>
#include <docket/core/units.hpp>

#include <charconv>

namespace docket::intake {
namespace {

std::optional<std::uint64_t> count(std::string_view t) {
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
    return n;
}

} // namespace

quota quotas::of(std::string_view tenant) const {
    quota q = defaults;
    if (auto it = tenants.find(tenant); it != tenants.end()) {
        if (it->second.queued_jobs) q.queued_jobs = *it->second.queued_jobs;
        if (it->second.stored_bytes) q.stored_bytes = *it->second.stored_bytes;
        if (it->second.endpoints) q.endpoints = *it->second.endpoints;
    }
    return q;
}

outcome<std::map<std::string, quota_override, std::less<>>> parse_tenant_quotas(std::string_view text) {
    std::map<std::string, quota_override, std::less<>> out;
    auto bad = [](std::string_view what) { return failure(errc::invalid_field, "tenant quotas: " + std::string(what)); };
    while (!text.empty()) {
        const auto space = text.find(' ');
        const auto item = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        if (item.empty()) continue;
        const auto colon = item.find(':');
        if (colon == std::string_view::npos) return bad("expected TENANT:name=value,... in '" + std::string(item) + "'");
        const std::string tenant(item.substr(0, colon));
        if (!auth::valid_tenant(tenant)) return bad("'" + tenant + "' is not a tenant name");
        quota_override o;
        auto rest = item.substr(colon + 1);
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const auto pair = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos) return bad("expected name=value in '" + std::string(pair) + "'");
            const auto name = pair.substr(0, eq), value = pair.substr(eq + 1);
            std::optional<std::uint64_t> n = name == "stored" ? parse_size(value) : count(value);
            if (!n) return bad("bad value '" + std::string(value) + "' for " + std::string(name));
            if (name == "queued") o.queued_jobs = n;
            else if (name == "stored") o.stored_bytes = n;
            else if (name == "endpoints") o.endpoints = n;
            else return bad("unknown quota '" + std::string(name) + "' (queued, stored, endpoints)");
        }
        out[tenant] = o;
    }
    return out;
}

std::string format_tenant_quotas(const std::map<std::string, quota_override, std::less<>>& t) {
    std::string out;
    for (const auto& [tenant, o] : t) {
        if (!out.empty()) out += ' ';
        out += tenant + ':';
        std::string parts;
        auto add = [&](const char* name, const std::optional<std::uint64_t>& v, bool size) {
            if (!v) return;
            parts += (parts.empty() ? "" : ",") + std::string(name) + "=" + (size ? format_size(*v) : std::to_string(*v));
        };
        add("queued", o.queued_jobs, false);
        add("stored", o.stored_bytes, true);
        add("endpoints", o.endpoints, false);
        out += parts;
    }
    return out;
}

std::optional<error> over_quota(const quota& q, const tenant_usage& used, std::uint64_t jobs, std::uint64_t bytes) {
    if (q.queued_jobs && used.queued_jobs + jobs > q.queued_jobs)
        return failure(errc::queued_jobs_quota, "the tenant has " + std::to_string(used.queued_jobs) + " jobs queued; its quota is " +
                                                    std::to_string(q.queued_jobs) + ". Retry when some have started");
    if (q.stored_bytes && used.stored_bytes + bytes > q.stored_bytes)
        return failure(errc::storage_quota, "the tenant keeps " + format_size(used.stored_bytes) + " in the store; this would take it past its quota of " +
                                                format_size(q.stored_bytes) + ". Delete jobs or wait for retention");
    return std::nullopt;
}

std::optional<error> over_endpoint_quota(const quota& q, std::uint64_t endpoints_now) {
    if (q.endpoints && endpoints_now + 1 > q.endpoints)
        return failure(errc::endpoint_quota, "the tenant has " + std::to_string(endpoints_now) + " webhook endpoints; its quota is " +
                                                 std::to_string(q.endpoints) + ". Delete one first");
    return std::nullopt;
}

} // namespace docket::intake
