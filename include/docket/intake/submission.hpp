#pragma once
// What a client submits with POST /v1/jobs, parsed and validated from either body format.
// Pure: no store, no sockets; every rejection is an error value with the field named.

#include <docket/core/error.hpp>
#include <docket/core/job.hpp>
#include <docket/core/units.hpp>
#include <docket/intake/quota.hpp>
#include <docket/intake/zip.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace docket::intake {

struct config {
    std::uint64_t max_upload = 50ull << 20;  //!< largest document accepted (413 above)
    std::uint64_t max_metadata = 16 << 10;   //!< largest serialized metadata object
    duration idempotency_ttl = std::chrono::hours(24);          //!< how long an Idempotency-Key is remembered
    duration commit_timeout = std::chrono::seconds(30);         //!< longest wait for a durable write before 503
    zip_limits zip;                                            //!< ZIP batches (max_entry follows max_upload)
    std::uint64_t rate_limit = 0;  //!< requests per second one API key may make; 0 = no limit
    std::uint64_t rate_burst = 0;  //!< requests a key may make at once (0: twice rate_limit)
    quotas tenant_quotas;          //!< per tenant: queued jobs, stored bytes, endpoints
};

struct submission {
    //! The document bytes: a view into the request body (multipart) or the decoded base64 (JSON),
    //! so a large upload is not copied on its way to the store. Valid while the body lives.
    std::string_view file() const { return decoded ? std::string_view(*decoded) : body_part; }
    std::string_view body_part;         //!< multipart: the file part inside the request body
    std::optional<std::string> decoded; //!< JSON: the decoded file
    std::string filename = "document";
    std::string media_type; //!< from the magic bytes
    std::string document_type = "generic";
    job_priority priority = job_priority::normal;
    std::optional<std::string> language;
    std::optional<std::string> locale;
    std::optional<double> min_confidence;
    std::optional<std::string> webhook_url;
    std::optional<std::string> webhook_secret;
    std::string metadata = "{}";
};

//! Parses a multipart/form-data body (`file` part plus fields); the result views into `body`.
outcome<submission> parse_multipart_submission(std::string_view body, std::string_view content_type, const config& cfg);
//! Parses a JSON body ({"file": base64, "filename": ..., fields...}).
outcome<submission> parse_json_submission(std::string_view body, const config& cfg);

//! Hex SHA-256 over everything that defines the request, independent of its body encoding: the
//! same document and fields sent as multipart or JSON hash alike.
std::string request_hash(const submission& s);

//! Body bytes to read for a POST /v1/jobs of this Content-Type (base64 JSON is larger than the
//! document it carries); nullopt if the Content-Type is not one docket accepts.
std::optional<std::uint64_t> body_limit_for(std::string_view content_type, const config& cfg);

} // namespace docket::intake
