#pragma once
// The endpoint table: which handler a method and path reach, and 404 versus 405.

#include <optional>
#include <string>
#include <string_view>

namespace docket::http {

enum class route_id {
    healthz, readyz, list_jobs, create_job, get_job, delete_job, get_result, job_deliveries, redeliver,
    get_batch, list_webhooks, create_webhook, get_webhook, update_webhook, delete_webhook, rotate_secret, replay
};

struct route_match {
    route_id id;
    std::string target_id; //!< the {id} segment, when the path has one
    bool needs_auth = true;
};

struct routing {
    std::optional<route_match> match; //!< absent: 404 if `allow` is empty, else 405
    std::string allow;                //!< methods the path accepts, for 405's Allow header
};

//! Matches a decoded path (no query) and method against the endpoint table.
routing route(std::string_view method, std::string_view path);

} // namespace docket::http
