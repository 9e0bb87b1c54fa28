#pragma once
// Webhook records as stored: registered endpoints, deliveries (one event to one URL, retried
// under one webhook-id) and the log of their attempts.

#include <docket/core/time.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

struct endpoint_secret {
    std::string secret;                  //!< "whsec_..."
    std::optional<timestamp> expires_at; //!< set on the old secret when it is rotated out
};

struct endpoint {
    std::string id; //!< "ep_..."
    std::string tenant;
    std::string url;
    std::vector<std::string> events;           //!< empty = every event
    std::map<std::string, std::string> headers; //!< added to each request
    bool enabled = true;
    std::optional<std::string> disabled_reason;
    std::vector<endpoint_secret> secrets;      //!< newest first
    std::optional<timestamp> failing_since;    //!< start of the current run of failed attempts
    timestamp created_at = 0;
    timestamp updated_at = 0;
};

enum class delivery_status { pending, delivered, dead };

struct delivery {
    std::string id;          //!< "msg_...": the webhook-id, the same on every attempt
    std::string job_id;
    std::string tenant;
    std::string event;       //!< "document.completed", "document.failed"
    std::string endpoint_id; //!< empty for the job's own webhook_url
    std::string url;
    //! The request body, identical on every attempt. Stored apart from the record (written once,
    //! when the delivery is made), so records read back leave it empty; only a record written
    //! before that (docket 0.x stores) still carries it.
    std::string payload;
    delivery_status status = delivery_status::pending;
    std::int64_t attempts = 0;    //!< made so far, over every round
    std::int64_t round_start = 0; //!< attempts made before the current round (a redelivery starts one)
    timestamp created_at = 0;
    std::optional<timestamp> next_attempt_at; //!< while pending
    std::optional<std::string> last_error;
};

struct delivery_attempt {
    std::int64_t number = 0;
    timestamp at = 0;
    std::int64_t duration_ms = 0;
    unsigned status = 0;          //!< HTTP status; 0 when there was no response
    std::string error;            //!< empty on a 2xx
    std::string response_prefix;  //!< first bytes of the response body
    std::string endpoint_id;
    std::string url;
};

std::string_view to_string(delivery_status s) noexcept;

std::string encode(const endpoint& e);
std::string encode(const delivery& d); //!< every field but the payload
std::string encode(const delivery_attempt& a);
std::optional<endpoint> decode_endpoint(std::string_view bytes);
std::optional<delivery> decode_delivery(std::string_view bytes);
std::optional<delivery_attempt> decode_attempt(std::string_view bytes);

//! A time-ordered, unguessable id with a prefix, e.g. new_id("msg_"). Time-ordered because
//! deliveries are read in creation order (replays, listings): with random ids a replay page's
//! 500 records lay in as many table blocks, each read and decompressed again and again.
std::string new_id(std::string_view prefix);

} // namespace docket
