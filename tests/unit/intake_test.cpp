#include "../support/outcome_printer.hpp"
#include <docket/core/encoding.hpp>
#include <docket/intake/idempotency.hpp>
#include <docket/intake/multipart.hpp>
#include <docket/intake/quota.hpp>
#include <docket/intake/sniff.hpp>
#include <docket/intake/submission.hpp>

#include <catch2/catch.hpp>

using namespace docket;
using namespace docket::intake;

namespace {
const std::string k_pdf = "%PDF-1.4\n%fake but sniffable\n";
const std::string k_ct = "multipart/form-data; boundary=XyZ";

std::string body_with(const std::string& extra_parts, const std::string& file = k_pdf) {
    return "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan 1.pdf\"\r\n"
           "Content-Type: application/pdf\r\n\r\n" + file + "\r\n" + extra_parts + "--XyZ--\r\n";
}
std::string field(const std::string& name, const std::string& value) {
    return "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}
} // namespace

TEST_CASE("multipart parts keep their bytes exactly, including CRLF inside data", "[intake]") {
    const std::string data = "line1\r\nline2\r\nnot--XyZ-a-boundary\r\n";
    const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + data + "\r\n--XyZ--";
    auto parts = parse_multipart(body, "XyZ"); // views into body
    REQUIRE(parts);
    REQUIRE(parts->size() == 1);
    CHECK((*parts)[0].name == "a");
    CHECK((*parts)[0].data == data);
}

TEST_CASE("multipart reads quoted and RFC 5987 filenames", "[intake]") {
    auto parts = parse_multipart("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\".pdf\"\r\n\r\nx\r\n"
                                 "--b\r\nContent-Disposition: form-data; name=\"f2\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\r\n\r\ny\r\n--b--",
                                 "b");
    REQUIRE(parts);
    CHECK((*parts)[0].filename == "a \"q\".pdf");
    CHECK((*parts)[1].filename == "résumé.pdf");
}

TEST_CASE("malformed multipart bodies are rejected with INVALID_MULTIPART", "[intake]") {
    const char* bad[] = {
        "",                                                                          // empty
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",  // no closing boundary
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nno blank line",      // headers never end
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",                    // no disposition
        "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--", // not form-data
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",              // no name
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--",     // open quote
        "--XyZgarbage",                                                              // bad boundary line
    };
    for (const char* b : bad) {
        INFO(b);
        auto r = parse_multipart(b, "XyZ");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_multipart);
    }
    CHECK_FALSE(multipart_boundary("multipart/form-data"));
    CHECK_FALSE(multipart_boundary("text/plain; boundary=x"));
    CHECK(multipart_boundary("multipart/form-data; boundary=\"q b\"").value() == "q b");
}

TEST_CASE("media types come from magic bytes, not names", "[intake]") {
    CHECK(sniff_media_type(k_pdf) == "application/pdf");
    CHECK(sniff_media_type("\x89PNG\r\n\x1a\nrest") == "image/png");
    CHECK(sniff_media_type("\xFF\xD8\xFF\xE0") == "image/jpeg");
    CHECK(sniff_media_type(std::string("II*\0", 4)) == "image/tiff");
    CHECK(sniff_media_type(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)) == "image/webp");
    CHECK(sniff_media_type("PK\x03\x04rest") == "application/zip");
    CHECK(sniff_media_type("plain words\nand lines, caf\xC3\xA9") == "text/plain");
    CHECK_FALSE(sniff_media_type(std::string("\x7F" "ELF\x02\x01\x01\0", 8)));
    CHECK_FALSE(sniff_media_type("bad utf8 \xC3\x28"));
    CHECK_FALSE(sniff_media_type(""));
}

TEST_CASE("a multipart submission with every field parses", "[intake]") {
    config cfg;
    const auto body = body_with(field("document_type", "invoice") + field("priority", "high") +
                                field("language", "deu+eng") + field("metadata", R"({"ref":7})") +
                                field("webhook_url", "https://example.test/hook") +
                                field("webhook_secret", "whsec_abcdefghijklmnop"));
    auto s = parse_multipart_submission(body, k_ct, cfg); // views into body
    REQUIRE(s);
    CHECK(s->file() == k_pdf);
    CHECK(s->filename == "scan 1.pdf");
    CHECK(s->media_type == "application/pdf");
    CHECK(s->document_type == "invoice");
    CHECK(s->priority == job_priority::high);
    CHECK(s->language == "deu+eng");
    CHECK(s->metadata == R"({"ref":7})");
    CHECK(s->webhook_url == "https://example.test/hook");
}

TEST_CASE("an uploaded file's name is kept as UTF-8 of at most 255 bytes", "[intake]") {
    config cfg;
    auto with_name = [](const std::string& name) {
        return "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
               "\"\r\nContent-Type: application/pdf\r\n\r\n" + k_pdf + "\r\n--XyZ--\r\n";
    };
    auto latin1 = parse_multipart_submission(with_name("caf\xE9.pdf"), k_ct, cfg);
    REQUIRE(latin1);
    CHECK(latin1->filename == "caf\xEF\xBF\xBD.pdf");
    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";
    auto long_name = parse_multipart_submission(with_name(accents), k_ct, cfg);
    REQUIRE(long_name);
    CHECK(long_name->filename.size() == 254);
    CHECK(is_valid_utf8(long_name->filename));
}

TEST_CASE("bad fields are 400 with the field named; size and type get 413 and 415", "[intake]") {
    config cfg;
    cfg.max_upload = 64;
    struct c { std::string body; errc code; std::string mention; };
    const c cases[] = {
        {body_with(field("document_type", "poem")), errc::invalid_field, "document_type"},
        {body_with(field("priority", "urgent")), errc::invalid_field, "priority"},
        {body_with(field("metadata", "[1,2]")), errc::invalid_field, "metadata"},
        {body_with(field("metadata", "{bad")), errc::invalid_field, "metadata"},
        {body_with(field("webhook_url", "ftp://x/y")), errc::invalid_field, "webhook_url"},
        {body_with(field("colour", "red")), errc::invalid_field, "colour"},
        {body_with(field("language", "English!")), errc::invalid_field, "language"},
        {body_with(field("filename", "caf\xE9.pdf")), errc::invalid_field, "filename"},
        {body_with(field("webhook_secret", "sixteen bytes \xFF\xFE ok")), errc::invalid_field, "webhook_secret"},
        {field("document_type", "invoice") + "--XyZ--\r\n", errc::invalid_field, "file"},
        {body_with("", std::string(100, 'a')), errc::payload_too_large, "64B"},
        {body_with("", std::string("\x7F" "ELF\x02\x01\x01\0\0\0", 10)), errc::unsupported_media_type, "PDF"},
    };
    for (const auto& x : cases) {
        INFO(x.body);
        auto s = parse_multipart_submission(x.body, k_ct, cfg);
        REQUIRE_FALSE(s);
        CHECK(s.error().code == x.code);
        CHECK_THAT(s.error().message, Catch::Contains(x.mention));
    }
}

TEST_CASE("a JSON submission carries the file as base64 and hashes like the multipart one", "[intake]") {
    config cfg;
    auto j = parse_json_submission(R"({"file":")" + base64_encode(k_pdf) +
                                       R"(","filename":"scan 1.pdf","document_type":"invoice","metadata":{"ref":7}})",
                                   cfg);
    REQUIRE(j);
    CHECK(j->file() == k_pdf);
    CHECK(j->metadata == R"({"ref":7})");
    const auto body = body_with(field("document_type", "invoice") + field("metadata", R"({"ref":7})"));
    auto m = parse_multipart_submission(body, k_ct, cfg);
    REQUIRE(m);
    CHECK(request_hash(*j) == request_hash(*m));
    m->metadata = R"({"ref":8})";
    CHECK(request_hash(*j) != request_hash(*m));

    CHECK(parse_json_submission("{", cfg).error().code == errc::invalid_json);
    CHECK(parse_json_submission("[1]", cfg).error().code == errc::invalid_json);
    CHECK(parse_json_submission(R"({"file":"***"})", cfg).error().code == errc::invalid_field);
    CHECK(parse_json_submission(R"({"file":5})", cfg).error().code == errc::invalid_field);
}

TEST_CASE("base64 JSON bodies may be a third larger than the upload limit", "[intake]") {
    config cfg;
    cfg.max_upload = 3000;
    CHECK(body_limit_for("application/json", cfg).value() >= 4000);
    CHECK(body_limit_for("multipart/form-data; boundary=x", cfg).value() >= 3000);
    CHECK_FALSE(body_limit_for("text/plain", cfg));
}

TEST_CASE("idempotency: create, replay within the window, conflict on a different request", "[intake]") {
    const duration ttl = std::chrono::hours(24);
    CHECK(decide_idempotency(std::nullopt, "h", 0, ttl).action == idempotency_action::create);
    store::idempotency_record rec{"job_1", "h", 1000};
    auto replay = decide_idempotency(rec, "h", 2000, ttl);
    CHECK(replay.action == idempotency_action::replay);
    CHECK(replay.job_id == "job_1");
    CHECK(decide_idempotency(rec, "other", 2000, ttl).action == idempotency_action::conflict);
    CHECK(decide_idempotency(rec, "other", 1000 + ttl.count(), ttl).action == idempotency_action::create);
    CHECK(validate_idempotency_key("abc-123"));
    CHECK_FALSE(validate_idempotency_key(""));
    CHECK_FALSE(validate_idempotency_key("has space"));
    CHECK_FALSE(validate_idempotency_key(std::string(256, 'k')));

    idempotency_guard g;
    CHECK(g.try_reserve("t", "k"));
    CHECK_FALSE(g.try_reserve("t", "k"));
    CHECK(g.try_reserve("u", "k"));
    g.release("t", "k");
    CHECK(g.try_reserve("t", "k"));
}

TEST_CASE("tenant quotas: defaults, overrides field by field, and the refusal that says which", "[intake][quota]") {
    using namespace docket::intake;
    quotas q;
    q.defaults = {10, 1000, 2};
    auto parsed = parse_tenant_quotas("acme:queued=100,stored=1KiB  beta:endpoints=0");
    REQUIRE(parsed);
    q.tenants = *parsed;
    CHECK(format_tenant_quotas(q.tenants) == "acme:queued=100,stored=1KiB beta:endpoints=0");
    CHECK(q.of("acme").queued_jobs == 100);
    CHECK(q.of("acme").stored_bytes == 1024);
    CHECK(q.of("acme").endpoints == 2);
    CHECK(q.of("beta").endpoints == 0);
    CHECK(q.of("beta").queued_jobs == 10);
    CHECK(q.of("nobody").stored_bytes == 1000);

    CHECK_FALSE(over_quota(q.of("x"), {9, 0}, 1, 0));
    auto jobs = over_quota(q.of("x"), {9, 0}, 2, 0);
    REQUIRE(jobs);
    CHECK(jobs->code == docket::errc::queued_jobs_quota);
    auto bytes = over_quota(q.of("x"), {0, 900}, 1, 101);
    REQUIRE(bytes);
    CHECK(bytes->code == docket::errc::storage_quota);
    CHECK_FALSE(over_quota(q.of("x"), {0, 900}, 1, 100));
    CHECK_FALSE(over_quota(quota{}, {1'000'000, 1'000'000'000}, 1000, 1'000'000)); // no quotas: never refused
    CHECK_FALSE(over_endpoint_quota(q.of("x"), 1));
    REQUIRE(over_endpoint_quota(q.of("x"), 2));
    CHECK(over_endpoint_quota(q.of("x"), 2)->code == docket::errc::endpoint_quota);
    CHECK_FALSE(over_endpoint_quota(q.of("beta"), 500));

    CHECK_FALSE(parse_tenant_quotas("acme"));
    CHECK_FALSE(parse_tenant_quotas("acme:queued"));
    CHECK_FALSE(parse_tenant_quotas("acme:queued=-1"));
    CHECK_FALSE(parse_tenant_quotas("acme:stored=lots"));
    CHECK_FALSE(parse_tenant_quotas("acme:pages=4"));
    CHECK_FALSE(parse_tenant_quotas("no/tenant:queued=1"));
    CHECK(parse_tenant_quotas("")->empty());
}
