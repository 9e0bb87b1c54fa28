#pragma once
// multipart/form-data (RFC 7578) parsing over a body already in memory. Parts are views into
// the body, so a 50 MiB upload is never copied here.

#include <docket/core/error.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::intake {

struct part {
    std::string name;
    std::optional<std::string> filename;
    std::string content_type; //!< as declared by the client; empty if none
    std::string_view data;
};

//! The boundary parameter of a multipart/form-data Content-Type; INVALID_MULTIPART if absent.
outcome<std::string> multipart_boundary(std::string_view content_type);

//! Splits the body into parts; INVALID_MULTIPART for any malformed framing or headers.
outcome<std::vector<part>> parse_multipart(std::string_view body, std::string_view boundary);

} // namespace docket::intake
