#pragma once
// Turns document bytes into the result JSON. CPU-bound: called on worker threads only.

#include <docket/core/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace docket::extract {

struct extraction {
    std::string result_json;
    std::int64_t pages = 0;
};

//! Extracts a document of the sniffed media type. Errors: INVALID_DOCUMENT (corrupt, encrypted),
//! UNSUPPORTED_YET (an accepted type whose extraction is not built yet), INTERNAL (retryable).
outcome<extraction> extract_document(std::string_view bytes, std::string_view media_type,
                                     std::string_view document_type);

//! Whether a failed extraction is worth another attempt (the document itself was not at fault).
bool is_retryable(errc code) noexcept;

//! The result as CSV: one row per page, columns page,text (RFC 4180 quoting).
outcome<std::string> result_to_csv(std::string_view result_json);

} // namespace docket::extract
