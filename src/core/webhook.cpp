// JSON encoding of webhook and batch records for the store.

#include <docket/core/webhook.hpp>
#include <docket/core/batch.hpp>
#include <docket/core/job.hpp>
#include "record_json.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>

namespace docket {

BOOST_DESCRIBE_STRUCT(endpoint_secret, (), (secret, expires_at))
BOOST_DESCRIBE_STRUCT(endpoint, (), (id, tenant, url, events, headers, enabled, disabled_reason, secrets, failing_since,
                                     created_at, updated_at))
BOOST_DESCRIBE_ENUM(delivery_status, pending, delivered, dead)
// Not the payload: it is stored apart (see delivery::payload).
BOOST_DESCRIBE_STRUCT(delivery, (), (id, job_id, tenant, event, endpoint_id, url, status, attempts, round_start, created_at,
                                     next_attempt_at, last_error))
BOOST_DESCRIBE_STRUCT(delivery_attempt, (), (number, at, duration_ms, status, error, response_prefix, endpoint_id, url))
BOOST_DESCRIBE_STRUCT(skipped_entry, (), (name, reason))
BOOST_DESCRIBE_STRUCT(batch_record, (), (id, tenant, filename, job_ids, skipped, webhook_url, webhook_secret, metadata,
                                         created_at, completed_at, succeeded, failed))

namespace {

template <class T>
std::optional<T> decode_as(std::string_view bytes) {
    boost::system::error_code ec;
    auto v = parse_record(bytes, ec);
    if (ec) return std::nullopt;
    auto r = boost::json::try_value_to<T>(v);
    if (!r) return std::nullopt;
    return std::move(*r);
}

template <class T>
std::string encode_as(const T& t) {
    return boost::json::serialize(boost::json::value_from(t));
}

} // namespace

std::string_view to_string(delivery_status s) noexcept {
    switch (s) {
    case delivery_status::pending: return "pending";
    case delivery_status::delivered: return "delivered";
    case delivery_status::dead: return "dead";
    }
    return "pending";
}

std::string encode(const endpoint& e) { return encode_as(e); }
// Written on every attempt, so written directly (object_writer); the same layout as encode_as.
std::string encode(const delivery& d) {
    std::string out;
    out.reserve(256 + d.url.size());
    object_writer w(out);
    w.text("id", d.id);
    w.text("job_id", d.job_id);
    w.text("tenant", d.tenant);
    w.text("event", d.event);
    w.text("endpoint_id", d.endpoint_id);
    w.text("url", d.url);
    w.text("status", to_string(d.status));
    w.number("attempts", d.attempts);
    w.number("round_start", d.round_start);
    w.number("created_at", d.created_at);
    w.number("next_attempt_at", d.next_attempt_at, true);
    w.text("last_error", d.last_error, true);
    w.close();
    return out;
}

std::string encode(const delivery_attempt& a) {
    std::string out;
    out.reserve(160 + a.url.size() + a.response_prefix.size() + a.error.size());
    object_writer w(out);
    w.number("number", a.number);
    w.number("at", a.at);
    w.number("duration_ms", a.duration_ms);
    w.number("status", a.status);
    w.text("error", a.error);
    w.text("response_prefix", a.response_prefix);
    w.text("endpoint_id", a.endpoint_id);
    w.text("url", a.url);
    w.close();
    return out;
}
std::optional<endpoint> decode_endpoint(std::string_view b) { return decode_as<endpoint>(b); }
std::optional<delivery> decode_delivery(std::string_view bytes) {
    boost::system::error_code ec;
    auto v = parse_record(bytes, ec);
    auto* o = ec ? nullptr : v.if_object();
    if (!o) return std::nullopt;
    // A record from before payloads were stored apart holds its own.
    std::string payload;
    if (auto it = o->find("payload"); it != o->end()) {
        if (!it->value().is_string()) return std::nullopt;
        payload = it->value().get_string();
        o->erase(it);
    }
    auto r = boost::json::try_value_to<delivery>(v);
    if (!r) return std::nullopt;
    r->payload = std::move(payload);
    return std::move(*r);
}
std::optional<delivery_attempt> decode_attempt(std::string_view b) { return decode_as<delivery_attempt>(b); }

std::string encode(const batch_record& b) { return encode_as(b); }
std::optional<batch_record> decode_batch(std::string_view bytes) { return decode_as<batch_record>(bytes); }

std::string new_id(std::string_view prefix) { return new_time_ordered_id(prefix, now_ms()); }

} // namespace docket
