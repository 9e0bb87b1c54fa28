#pragma once
// The job record: what docket knows about one submitted document, as stored and as transitions
// see it. Shared vocabulary of intake, store, queue and extract.

#include <docket/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace docket {

enum class job_status { queued, processing, succeeded, failed, canceled };
enum class job_priority { high = 0, normal = 1 }; // the value orders the queue: lower goes first

std::string_view to_string(job_status s) noexcept;
std::optional<job_status> parse_job_status(std::string_view s) noexcept;
std::string_view to_string(job_priority p) noexcept;
std::optional<job_priority> parse_job_priority(std::string_view s) noexcept;

//! Terminal states: nothing more happens to the job except expiry.
inline bool is_finished(job_status s) noexcept {
    return s == job_status::succeeded || s == job_status::failed || s == job_status::canceled;
}

struct job_error {
    std::string code;    //!< e.g. "INVALID_DOCUMENT"
    std::string message;
};

struct document_info {
    std::string filename;
    std::string media_type;         //!< decided from magic bytes
    std::uint64_t size = 0;         //!< bytes
    std::optional<std::int64_t> pages; //!< known once extracted
};

struct job {
    std::string id;
    std::string tenant;
    job_status status = job_status::queued;
    job_priority priority = job_priority::normal;
    std::string document_type = "generic";
    std::optional<std::string> language;
    std::optional<std::string> locale;       //!< how to read ambiguous dates ("en-US")
    std::optional<double> min_confidence;    //!< typed fields under it need review; default 0.8
    std::optional<std::string> webhook_url;
    std::optional<std::string> webhook_secret;
    std::optional<std::string> batch_id;  //!< set on the children of a ZIP batch
    std::optional<std::int64_t> pages_done;  //!< progress of the current attempt
    std::optional<std::int64_t> pages_total;
    std::string metadata = "{}"; //!< the client's JSON object, serialized
    document_info document;
    std::uint64_t seq = 0;       //!< FIFO order within a priority
    std::int64_t attempts = 0;   //!< claims so far; also fences completions of stale attempts
    timestamp created_at = 0;
    timestamp updated_at = 0;
    std::optional<timestamp> started_at;
    std::optional<timestamp> finished_at;
    std::optional<timestamp> lease_until;
    std::optional<timestamp> expires_at;
    std::optional<job_error> error;
    std::optional<std::uint64_t> result_size; //!< bytes of the stored result, once there is one
};

//! Bytes a job keeps in the store, counted against its tenant's quota: its document until the
//! job finishes (the finishing batch deletes it), then its result.
inline std::uint64_t stored_bytes(const job& j) noexcept {
    return (is_finished(j.status) ? 0 : j.document.size) + j.result_size.value_or(0);
}

//! Serialized form kept in the store.
std::string encode_job(const job& j);
//! nullopt if the bytes are not a job record.
std::optional<job> decode_job(std::string_view bytes);

//! A new job id: "job_" + time-ordered, unguessable 26 characters.
std::string new_job_id(timestamp now);

//! `prefix` + 26 characters: the time in milliseconds, then 80 random bits. Ids made close in
//! time sort next to each other, so records made together are stored together.
std::string new_time_ordered_id(std::string_view prefix, timestamp now);

} // namespace docket
