// The v1 endpoint table and its matcher; called for every request before its body is read.

#include <docket/http/router.hpp>

namespace docket::http {
namespace {

struct endpoint {
    std::string_view method;
    std::string_view pattern; // "{id}" matches one non-empty segment
    route_id id;
    bool needs_auth;
};

constexpr endpoint k_endpoints[] = {
    {"GET", "/healthz", route_id::healthz, false},
    {"GET", "/readyz", route_id::readyz, false},
    {"GET", "/v1/jobs", route_id::list_jobs, true},
    {"POST", "/v1/jobs", route_id::create_job, true},
    {"GET", "/v1/jobs/{id}", route_id::get_job, true},
    {"DELETE", "/v1/jobs/{id}", route_id::delete_job, true},
    {"GET", "/v1/jobs/{id}/result", route_id::get_result, true},
    {"GET", "/v1/jobs/{id}/deliveries", route_id::job_deliveries, true},
    {"POST", "/v1/jobs/{id}/redeliver", route_id::redeliver, true},
    {"GET", "/v1/batches/{id}", route_id::get_batch, true},
    {"GET", "/v1/webhooks", route_id::list_webhooks, true},
    {"POST", "/v1/webhooks", route_id::create_webhook, true},
    {"GET", "/v1/webhooks/{id}", route_id::get_webhook, true},
    {"PATCH", "/v1/webhooks/{id}", route_id::update_webhook, true},
    {"DELETE", "/v1/webhooks/{id}", route_id::delete_webhook, true},
    {"POST", "/v1/webhooks/{id}/rotate-secret", route_id::rotate_secret, true},
    {"POST", "/v1/webhooks/{id}/replay", route_id::replay, true},
};

// Matches path against pattern; fills id for the {id} segment.
bool matches(std::string_view pattern, std::string_view path, std::string& id) {
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') return false;
        pattern.remove_prefix(1);
        path.remove_prefix(1);
        const auto pe = std::min(pattern.find('/'), pattern.size());
        const auto se = std::min(path.find('/'), path.size());
        const auto pseg = pattern.substr(0, pe), seg = path.substr(0, se);
        if (pseg == "{id}") {
            if (seg.empty()) return false;
            id = std::string(seg);
        } else if (pseg != seg) {
            return false;
        }
        pattern.remove_prefix(pe);
        path.remove_prefix(se);
    }
    return true;
}

} // namespace

routing route(std::string_view method, std::string_view path) {
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    routing r;
    for (const auto& e : k_endpoints) {
        std::string id;
        if (!matches(e.pattern, path, id)) continue;
        if (e.method == method) {
            r.match = route_match{e.id, std::move(id), e.needs_auth};
            return r;
        }
        if (!r.allow.empty()) r.allow += ", ";
        r.allow += e.method;
    }
    return r;
}

} // namespace docket::http
