// Error → HTTP status and JSON body; used by the API handlers and the server's early rejections.

#include <docket/http/error_response.hpp>

#include <boost/json.hpp>

namespace docket::http {

unsigned status_for(errc code) noexcept {
    switch (code) {
    case errc::invalid_field:
    case errc::invalid_json:
    case errc::invalid_multipart:
    case errc::bad_request: return 400;
    case errc::unauthorized: return 401;
    case errc::not_found: return 404;
    case errc::method_not_allowed: return 405;
    case errc::conflict:
    case errc::idempotency_conflict:
    case errc::idempotency_in_progress: return 409;
    case errc::gone: return 410;
    case errc::rate_limited:
    case errc::queued_jobs_quota:
    case errc::endpoint_quota: return 429;
    case errc::payload_too_large: return 413;
    case errc::unsupported_media_type: return 415;
    case errc::invalid_document:
    case errc::limit_exceeded:
    case errc::unsupported_yet:
    case errc::extraction_timeout:
    case errc::extraction_crashed:
    case errc::resource_limit: return 422;
    case errc::headers_too_large: return 431;
    case errc::queue_full:
    case errc::overloaded:
    case errc::not_ready: return 503;
    case errc::internal: return 500;
    case errc::insufficient_storage:
    case errc::storage_quota: return 507;
    }
    return 500;
}

reply error_reply(const error& e, unsigned retry_after_seconds) {
    reply r;
    r.status = status_for(e.code);
    boost::json::object inner{{"code", code_name(e.code)}, {"message", e.message}};
    r.body = boost::json::serialize(boost::json::object{{"error", std::move(inner)}});
    if (r.status == 429 || r.status == 503 || r.status == 507) r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
}

} // namespace docket::http
