// Job record names, JSON encoding for the store, and id generation.

#include <docket/core/job.hpp>
#include <docket/core/encoding.hpp>
#include "record_json.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>

namespace docket {

BOOST_DESCRIBE_STRUCT(job_error, (), (code, message))
BOOST_DESCRIBE_STRUCT(document_info, (), (filename, media_type, size, pages))

namespace {

constexpr std::string_view k_status_names[] = {"queued", "processing", "succeeded", "failed", "canceled"};
constexpr std::string_view k_priority_names[] = {"high", "normal"};

template <class E, std::size_t N>
std::optional<E> parse_enum(std::string_view s, const std::string_view (&names)[N]) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == s) return static_cast<E>(i);
    return std::nullopt;
}

template <class T>
void get_optional(const boost::json::object& o, std::string_view key, std::optional<T>& out) {
    if (auto* v = o.if_contains(key); v && !v->is_null()) out = boost::json::value_to<T>(*v);
}

} // namespace

std::string_view to_string(job_status s) noexcept { return k_status_names[static_cast<int>(s)]; }
std::optional<job_status> parse_job_status(std::string_view s) noexcept { return parse_enum<job_status>(s, k_status_names); }
std::string_view to_string(job_priority p) noexcept { return k_priority_names[static_cast<int>(p)]; }
std::optional<job_priority> parse_job_priority(std::string_view s) noexcept { return parse_enum<job_priority>(s, k_priority_names); }

std::string encode_job(const job& j) {
    std::string out;
    out.reserve(384 + j.metadata.size() + j.document.filename.size() + (j.webhook_url ? j.webhook_url->size() : 0));
    object_writer w(out);
    w.text("id", j.id);
    w.text("tenant", j.tenant);
    w.text("status", to_string(j.status));
    w.text("priority", to_string(j.priority));
    w.text("document_type", j.document_type);
    w.text("language", j.language, false);
    w.text("webhook_url", j.webhook_url, false);
    w.text("webhook_secret", j.webhook_secret, false);
    w.text("metadata", j.metadata);
    w.key("document");
    {
        object_writer d(out);
        d.text("filename", j.document.filename);
        d.text("media_type", j.document.media_type);
        d.number("size", j.document.size);
        d.number("pages", j.document.pages, true);
        d.close();
    }
    w.number("seq", j.seq);
    w.number("attempts", j.attempts);
    w.number("created_at", j.created_at);
    w.number("updated_at", j.updated_at);
    w.number("started_at", j.started_at, false);
    w.number("finished_at", j.finished_at, false);
    w.number("lease_until", j.lease_until, false);
    w.number("expires_at", j.expires_at, false);
    if (j.error) {
        w.key("error");
        object_writer e(out);
        e.text("code", j.error->code);
        e.text("message", j.error->message);
        e.close();
    }
    w.text("batch_id", j.batch_id, false);
    w.number("pages_done", j.pages_done, false);
    w.number("pages_total", j.pages_total, false);
    w.text("locale", j.locale, false);
    w.number("result_size", j.result_size, false);
    if (j.min_confidence) {
        w.key("min_confidence");
        append_json_number(out, *j.min_confidence);
    }
    w.close();
    return out;
}

std::optional<job> decode_job(std::string_view bytes) {
    boost::system::error_code ec;
    auto v = parse_record(bytes, ec);
    if (ec || !v.is_object()) return std::nullopt;
    try {
        const auto& o = v.get_object();
        job j;
        j.id = boost::json::value_to<std::string>(o.at("id"));
        j.tenant = boost::json::value_to<std::string>(o.at("tenant"));
        auto status = parse_job_status(o.at("status").as_string());
        auto priority = parse_job_priority(o.at("priority").as_string());
        if (!status || !priority) return std::nullopt;
        j.status = *status;
        j.priority = *priority;
        j.document_type = boost::json::value_to<std::string>(o.at("document_type"));
        get_optional(o, "language", j.language);
        get_optional(o, "webhook_url", j.webhook_url);
        get_optional(o, "webhook_secret", j.webhook_secret);
        j.metadata = boost::json::value_to<std::string>(o.at("metadata"));
        j.document = boost::json::value_to<document_info>(o.at("document"));
        j.seq = boost::json::value_to<std::uint64_t>(o.at("seq"));
        j.attempts = boost::json::value_to<std::int64_t>(o.at("attempts"));
        j.created_at = boost::json::value_to<std::int64_t>(o.at("created_at"));
        j.updated_at = boost::json::value_to<std::int64_t>(o.at("updated_at"));
        get_optional(o, "started_at", j.started_at);
        get_optional(o, "finished_at", j.finished_at);
        get_optional(o, "lease_until", j.lease_until);
        get_optional(o, "expires_at", j.expires_at);
        get_optional(o, "error", j.error);
        get_optional(o, "batch_id", j.batch_id);
        get_optional(o, "pages_done", j.pages_done);
        get_optional(o, "pages_total", j.pages_total);
        get_optional(o, "locale", j.locale);
        get_optional(o, "result_size", j.result_size);
        if (const auto* m = o.if_contains("min_confidence"); m && m->is_number()) j.min_confidence = m->to_number<double>();
        return j;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string new_job_id(timestamp now) { return new_time_ordered_id("job_", now); }

std::string new_time_ordered_id(std::string_view prefix, timestamp now) {
    // 48 bits of milliseconds then 80 random bits, in Crockford base32 (its digits are in ASCII
    // order): ids sort by creation time and cannot be guessed from one another.
    static constexpr char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
    const std::string rnd = random_id_bytes(10);
    unsigned char raw[16];
    for (int i = 0; i < 6; ++i) raw[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(now) >> (40 - 8 * i));
    for (int i = 0; i < 10; ++i) raw[6 + i] = static_cast<unsigned char>(rnd[i]);
    std::string out(prefix);
    out.reserve(prefix.size() + 26);
    unsigned acc = 0;
    int bits = 0;
    for (unsigned char b : raw) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += alphabet[(acc >> bits) & 31];
        }
    }
    if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
    return out;
}

} // namespace docket
