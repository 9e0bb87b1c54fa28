#pragma once
// What the job handlers (api.cpp) and the webhook handlers (webhooks_api.cpp) share.

#include <docket/core/job.hpp>
#include <docket/http/api.hpp>
#include <docket/http/router.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace docket::http::detail {

struct target_parts {
    std::string path;
    std::vector<std::pair<std::string, std::string>> params;
    std::optional<std::string> param(std::string_view name) const {
        for (const auto& [k, v] : params)
            if (k == name) return v;
        return std::nullopt;
    }
};

std::optional<target_parts> split_target(std::string_view target);
reply json_reply(unsigned status, const boost::json::value& v);
boost::json::value optional_time(const std::optional<timestamp>& t);
boost::json::object job_view(const job& j);

//! One authenticated request: the context, the request and its tenant.
struct scope {
    api_context& ctx;
    const request& req;
    const target_parts& target;
    std::string tenant;

    //! The tenant's job, or nullopt (another tenant's job does not exist for this one).
    boost::asio::awaitable<std::optional<job>> load(const std::string& id);
    //! 404, or 410 when retention removed this tenant's job.
    boost::asio::awaitable<reply> missing(const std::string& id);
};

//! Deliveries, redelivery and the /v1/webhooks endpoints.
boost::asio::awaitable<reply> webhook_route(scope& s, const route_match& m);

} // namespace docket::http::detail
