// Validation of job submissions, shared by both body formats. Called by the HTTP API; the
// result is what the store persists.

#include <docket/intake/submission.hpp>
#include <docket/intake/multipart.hpp>
#include <docket/intake/sniff.hpp>
#include <docket/core/encoding.hpp>
#include <docket/deliver/signing.hpp>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace docket::intake {
namespace {

error invalid(std::string message) { return failure(errc::invalid_field, std::move(message)); }


outcome<void> set_metadata(submission& s, const boost::json::value& v, const config& cfg) {
    if (!v.is_object()) return invalid("metadata must be a JSON object");
    auto text = boost::json::serialize(v);
    if (text.size() > cfg.max_metadata) return invalid("metadata is larger than " + format_size(cfg.max_metadata));
    s.metadata = std::move(text);
    return {};
}

// Applies one text field; the single place that knows the field names and their rules.
outcome<void> set_field(submission& s, std::string_view name, std::string_view value, const config& cfg) {
    if (name == "document_type") {
        static constexpr std::string_view types[] = {"generic", "invoice", "receipt", "bank_statement", "auto"};
        if (std::find(std::begin(types), std::end(types), value) == std::end(types))
            return invalid("document_type must be one of generic, invoice, receipt, bank_statement, auto");
        s.document_type = std::string(value);
    } else if (name == "priority") {
        auto p = parse_job_priority(value);
        if (!p) return invalid("priority must be normal or high");
        s.priority = *p;
    } else if (name == "language") {
        // Tesseract language names: "eng", "deu+eng", "chi_sim".
        const bool ok = !value.empty() && value.size() <= 64 && std::all_of(value.begin(), value.end(), [](char c) {
            return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '+';
        });
        if (!ok) return invalid("language must look like eng, deu+eng or chi_sim");
        s.language = std::string(value);
    } else if (name == "locale") {
        // A BCP 47 tag as far as dates need it: "en-US", "de", "pt_BR".
        const bool ok = value.size() >= 2 && value.size() <= 16 && std::all_of(value.begin(), value.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
        if (!ok) return invalid("locale must look like en-US or de-DE");
        s.locale = std::string(value);
    } else if (name == "min_confidence") {
        double v = -1;
        const auto r = std::from_chars(value.data(), value.data() + value.size(), v);
        if (r.ec != std::errc() || r.ptr != value.data() + value.size() || !(v >= 0 && v <= 1))
            return invalid("min_confidence must be a number from 0 to 1");
        s.min_confidence = v;
    } else if (name == "webhook_url") {
        auto u = boost::urls::parse_absolute_uri(value);
        if (!u || value.size() > 2048 || (u->scheme() != "http" && u->scheme() != "https") || u->host().empty())
            return invalid("webhook_url must be an absolute http or https URL");
        s.webhook_url = std::string(value);
    } else if (name == "webhook_secret") {
        if (value.size() < 16 || value.size() > 512 || !is_valid_utf8(value) || !deliver::secret_key(value))
            return invalid("webhook_secret must be 16 to 512 characters (whsec_ followed by base64, or raw)");
        s.webhook_secret = std::string(value);
    } else if (name == "filename") {
        if (value.empty() || value.size() > 255) return invalid("filename must be 1 to 255 characters");
        if (!is_valid_utf8(value)) return invalid("filename must be UTF-8 text");
        s.filename = std::string(value);
    } else if (name == "metadata") {
        boost::system::error_code ec;
        auto v = boost::json::parse(value, ec);
        if (ec) return invalid("metadata is not valid JSON");
        return set_metadata(s, v, cfg);
    } else {
        return invalid("unknown field '" + std::string(name) + "'");
    }
    return {};
}

// Checks the document's size and type; the caller has put the bytes in place.
outcome<void> check_file(submission& s, const config& cfg) {
    const std::string_view bytes = s.file();
    if (bytes.size() > cfg.max_upload)
        return failure(errc::payload_too_large, "file is larger than " + format_size(cfg.max_upload));
    if (bytes.empty()) return invalid("file is empty");
    auto type = sniff_media_type(bytes);
    if (!type)
        return failure(errc::unsupported_media_type,
                       "file is not a PDF, PNG, JPEG, TIFF, WEBP, BMP, ZIP or UTF-8 text document");
    s.media_type = std::string(*type);
    return {};
}

} // namespace

outcome<submission> parse_multipart_submission(std::string_view body, std::string_view content_type, const config& cfg) {
    auto boundary = multipart_boundary(content_type);
    if (!boundary) return boundary.error();
    auto parts = parse_multipart(body, *boundary);
    if (!parts) return parts.error();
    submission s;
    bool have_file = false;
    for (const auto& p : *parts) {
        if (p.name == "file") {
            if (have_file) return invalid("more than one file part");
            // The part's name is whatever bytes the client's system used: kept as UTF-8 (a
            // record holding anything else could not be read back).
            if (p.filename && !p.filename->empty()) s.filename = valid_utf8(*p.filename, 255);
            s.body_part = p.data;
            if (auto ok = check_file(s, cfg); !ok) return ok.error();
            have_file = true;
        } else if (auto ok = set_field(s, p.name, p.data, cfg); !ok) {
            return ok.error();
        }
    }
    if (!have_file) return invalid("the 'file' part is required");
    return s;
}

outcome<submission> parse_json_submission(std::string_view body, const config& cfg) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec) return failure(errc::invalid_json, "body is not valid JSON: " + ec.message());
    if (!v.is_object()) return failure(errc::invalid_json, "body must be a JSON object");
    submission s;
    bool have_file = false;
    for (const auto& [key, value] : v.get_object()) {
        const std::string_view name(key.data(), key.size());
        if (value.is_null()) continue;
        if (name == "metadata") {
            if (auto ok = set_metadata(s, value, cfg); !ok) return ok.error();
            continue;
        }
        if (name == "min_confidence" && value.is_number()) {
            const auto text = boost::json::serialize(value);
            if (auto ok = set_field(s, name, text, cfg); !ok) return ok.error();
            continue;
        }
        if (!value.is_string()) return invalid("field '" + std::string(name) + "' must be a string");
        const auto& str = value.get_string();
        const std::string_view text(str.data(), str.size());
        if (name == "file") {
            auto bytes = base64_decode(text);
            if (!bytes) return invalid("file must be base64");
            s.decoded = std::move(*bytes);
            if (auto ok = check_file(s, cfg); !ok) return ok.error();
            have_file = true;
        } else if (auto ok = set_field(s, name, text, cfg); !ok) {
            return ok.error();
        }
    }
    if (!have_file) return invalid("the 'file' field (base64) is required");
    return s;
}

std::string request_hash(const submission& s) {
    // Length-prefixed fields, so no two different requests can produce the same input.
    std::string input;
    auto add = [&](std::string_view v) {
        input += std::to_string(v.size());
        input += ':';
        input += v;
    };
    add(sha256(s.file()));
    add(s.filename);
    add(s.document_type);
    add(to_string(s.priority));
    add(s.language.value_or(""));
    add(s.webhook_url.value_or(""));
    add(s.webhook_secret.value_or(""));
    add(s.metadata);
    // Added later: only when given, so a request without them hashes as it did before.
    if (s.locale) add("locale=" + *s.locale);
    if (s.min_confidence) add("min_confidence=" + std::to_string(*s.min_confidence));
    return hex_encode(sha256(input));
}

std::optional<std::uint64_t> body_limit_for(std::string_view content_type, const config& cfg) {
    constexpr std::uint64_t k_slack = 256 << 10; // fields, part headers, JSON syntax
    if (starts_with_ci(content_type, "multipart/form-data")) return cfg.max_upload + k_slack;
    if (starts_with_ci(content_type, "application/json")) return cfg.max_upload / 3 * 4 + 8 + k_slack;
    return std::nullopt;
}

} // namespace docket::intake
