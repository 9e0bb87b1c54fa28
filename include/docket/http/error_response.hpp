#pragma once
// The one mapping from docket errors to HTTP replies.

#include <docket/core/error.hpp>
#include <docket/http/message.hpp>

namespace docket::http {

//! HTTP status for an error code.
unsigned status_for(errc code) noexcept;

//! {"error":{"code","message"}} with the matching status; 503s carry Retry-After.
reply error_reply(const error& e, unsigned retry_after_seconds = 1);

} // namespace docket::http
