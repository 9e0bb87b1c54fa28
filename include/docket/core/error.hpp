#pragma once
// docket's expected failures: a code every layer shares and a human message. Only
// http/error_response.cpp turns them into HTTP statuses.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>

namespace docket {

enum class errc {
    invalid_field = 1,       //!< a field has a wrong value or is missing
    invalid_json,            //!< the body is not the JSON it should be
    invalid_multipart,       //!< the multipart body is malformed
    unauthorized,            //!< no key, unknown key or revoked key
    not_found,               //!< no such resource for this tenant
    method_not_allowed,      //!< the path exists, the method does not
    conflict,                //!< the resource is not in a state that allows this
    idempotency_conflict,    //!< same Idempotency-Key, different request
    idempotency_in_progress, //!< same Idempotency-Key, first request not finished
    payload_too_large,       //!< over the configured upload limit
    unsupported_media_type,  //!< file type (by magic bytes) or request type not accepted
    queue_full,              //!< queue over its configured depth
    gone,                    //!< existed, removed by retention
    not_ready,               //!< shutting down or not yet open
    overloaded,              //!< too many connections
    headers_too_large,       //!< request line and headers over the limit
    unsupported_yet,         //!< accepted type whose extraction is not built yet
    invalid_document,        //!< the document cannot be parsed
    limit_exceeded,          //!< the document is over a configured limit (pages, pixels, entries)
    internal,                //!< a bug or an infrastructure failure
    extraction_timeout,      //!< the worker process was killed at the deadline
    extraction_crashed,      //!< the worker process died
    resource_limit,          //!< the worker process hit its CPU or memory limit
    // Codes are stored with jobs by number: new ones go at the end.
    bad_request,             //!< malformed HTTP: framing, request line, a missing Host
    insufficient_storage,    //!< the data volume is full or under --min-free-space
    rate_limited,            //!< the key is over its request rate
    queued_jobs_quota,       //!< the tenant has its quota of jobs waiting
    storage_quota,           //!< the tenant's documents and results would pass its stored-bytes quota
    endpoint_quota,          //!< the tenant has its quota of webhook endpoints (keep last)
};
inline constexpr errc last_errc = errc::endpoint_quota;

const boost::system::error_category& docket_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), docket_category()};
}

//! The machine-readable name clients see, e.g. "INVALID_FIELD".
std::string_view code_name(errc e) noexcept;

//! An expected failure: what went wrong and a message for the human reading the response.
struct error {
    errc code = errc::internal;
    std::string message;
};

//! Thrown only when a caller insists on the value of a failed outcome.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

//! "CODE: message", for logs and test output.
std::ostream& operator<<(std::ostream& os, const error& e);

template <class T>
using outcome = boost::system::result<T, error>;

inline error failure(errc code, std::string message) { return {code, std::move(message)}; }

} // namespace docket

template <>
struct boost::system::is_error_code_enum<docket::errc> : std::true_type {};
