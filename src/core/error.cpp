// The docket error category and the code names shown to clients; used by every layer.

#include <docket/core/error.hpp>

#include <ostream>
#include <stdexcept>

namespace docket {
namespace {

struct category final : boost::system::error_category {
    const char* name() const noexcept override { return "docket"; }
    std::string message(int ev) const override { return std::string(code_name(static_cast<errc>(ev))); }
};

} // namespace

const boost::system::error_category& docket_category() noexcept {
    static const category c;
    return c;
}

std::string_view code_name(errc e) noexcept {
    switch (e) {
    case errc::invalid_field: return "INVALID_FIELD";
    case errc::invalid_json: return "INVALID_JSON";
    case errc::invalid_multipart: return "INVALID_MULTIPART";
    case errc::unauthorized: return "UNAUTHORIZED";
    case errc::not_found: return "NOT_FOUND";
    case errc::method_not_allowed: return "METHOD_NOT_ALLOWED";
    case errc::conflict: return "CONFLICT";
    case errc::idempotency_conflict: return "IDEMPOTENCY_CONFLICT";
    case errc::idempotency_in_progress: return "IDEMPOTENCY_IN_PROGRESS";
    case errc::payload_too_large: return "PAYLOAD_TOO_LARGE";
    case errc::unsupported_media_type: return "UNSUPPORTED_MEDIA_TYPE";
    case errc::queue_full: return "QUEUE_FULL";
    case errc::gone: return "GONE";
    case errc::not_ready: return "NOT_READY";
    case errc::overloaded: return "OVERLOADED";
    case errc::headers_too_large: return "HEADERS_TOO_LARGE";
    case errc::unsupported_yet: return "UNSUPPORTED_YET";
    case errc::invalid_document: return "INVALID_DOCUMENT";
    case errc::limit_exceeded: return "LIMIT_EXCEEDED";
    case errc::internal: return "INTERNAL";
    case errc::extraction_timeout: return "EXTRACTION_TIMEOUT";
    case errc::extraction_crashed: return "EXTRACTION_CRASHED";
    case errc::resource_limit: return "RESOURCE_LIMIT";
    case errc::bad_request: return "BAD_REQUEST";
    case errc::insufficient_storage: return "INSUFFICIENT_STORAGE";
    case errc::rate_limited: return "RATE_LIMITED";
    case errc::queued_jobs_quota: return "QUEUED_JOBS_QUOTA";
    case errc::storage_quota: return "STORAGE_QUOTA";
    case errc::endpoint_quota: return "ENDPOINT_QUOTA";
    }
    return "INTERNAL";
}

std::ostream& operator<<(std::ostream& os, const error& e) { return os << code_name(e.code) << ": " << e.message; }

void throw_exception_from_error(const error& e, const boost::source_location&) {
    throw std::runtime_error(std::string(code_name(e.code)) + ": " + e.message);
}

} // namespace docket
