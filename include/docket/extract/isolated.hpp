#pragma once
// Extraction requests to a `docket worker` child process (sandbox/child.hpp): the server side
// sends the document, the child side runs extract_document on it.

#include <docket/extract/extractor.hpp>
#include <docket/sandbox/child.hpp>

#include <functional>

namespace docket::extract {

using limits = sandbox::limits;
using progress_fn = std::function<void(std::int64_t done, std::int64_t total)>;

struct document_request {
    std::string_view bytes;
    std::string media_type;
    std::string document_type;
    options opt;                      //!< including the page range to extract
    sandbox::steady::time_point deadline; //!< default: the child's timeout from the call
};

//! Extracts in the child. Besides the extractor's own errors: EXTRACTION_TIMEOUT,
//! EXTRACTION_CRASHED, RESOURCE_LIMIT. `progress` hears (pages done, pages asked for).
outcome<extraction> extract_in(sandbox::child& c, const document_request& r, const progress_fn& progress = {});

//! Adds the typed fields to the result of a document extracted in pieces, in the child: the
//! field rules read untrusted text too, so they run where the document was parsed.
outcome<extraction> fields_in(sandbox::child& c, extraction whole, const document_request& r);

//! The child's side of a fields request.
outcome<sandbox::reply> serve_fields(const boost::json::object& header, std::string& payload);

//! The child's side of an extraction request.
outcome<sandbox::reply> serve_extract(const boost::json::object& header, std::string& payload,
                                      const sandbox::interim_fn& interim);

} // namespace docket::extract
