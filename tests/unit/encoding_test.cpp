#include <docket/core/encoding.hpp>
#include <docket/core/job.hpp>
#include <docket/core/time.hpp>
#include <docket/core/units.hpp>
#include <docket/core/webhook.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <set>
#include <vector>

using namespace docket;

TEST_CASE("base64 round-trips every length and both alphabets", "[core]") {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        bytes += static_cast<char>(i * 37 + 11);
        REQUIRE(base64_decode(base64_encode(bytes)) == bytes);
        REQUIRE(base64_decode(base64url_encode(bytes)) == bytes);
    }
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64url_encode("\xfb\xff") == "-_8");
}

TEST_CASE("base64 rejects what is not base64", "[core]") {
    CHECK_FALSE(base64_decode("Zm9v!mFy"));
    CHECK_FALSE(base64_decode("Zm8=x"));
    CHECK_FALSE(base64_decode("Z"));
    CHECK(base64_decode("Zm9v\nYmFy") == "foobar");
}

TEST_CASE("sha256 matches the published digest of \"abc\"", "[core]") {
    CHECK(hex_encode(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("id bytes come fresh on every call, across the pool's refills", "[core]") {
    // 300 draws of 10 bytes cross the 1 KiB pool's end twice; any repeat of 80 random bits
    // would mean the pool handed out the same bytes twice.
    std::set<std::string> seen;
    for (int i = 0; i < 300; ++i) {
        auto b = random_id_bytes(10);
        REQUIRE(b.size() == 10);
        CHECK(seen.insert(b).second);
    }
    CHECK(random_id_bytes(0).empty());
    CHECK(random_id_bytes(4096).size() == 4096); // past the pool: straight from the generator
    // Two ids made in the same millisecond still differ.
    CHECK(new_job_id(1'700'000'000'000) != new_job_id(1'700'000'000'000));
}

TEST_CASE("ids sort by the time they were made, whatever their random part", "[core]") {
    // Steps of 1 ms to ~9 years, so every base32 digit of the time part rolls over somewhere.
    std::string previous = new_time_ordered_id("msg_", 0);
    for (std::int64_t t = 1; t < 300'000'000'000; t = t * 3 + 1) {
        const auto id = new_time_ordered_id("msg_", t);
        CHECK(id > previous);
        previous = id;
    }
    const auto id = new_id("msg_");
    CHECK(id.size() == 4 + 26);
    CHECK(id.rfind("msg_", 0) == 0);
    CHECK(new_id("msg_") != id);
}

TEST_CASE("ASCII case folding for protocol text", "[core]") {
    CHECK(ascii_lower('A') == 'a');
    CHECK(ascii_lower('z') == 'z');
    CHECK(ascii_lower('-') == '-');
    CHECK(ascii_lower('\xC4') == '\xC4'); // bytes past ASCII are left alone
    CHECK(iequals("Content-Type", "content-TYPE"));
    CHECK_FALSE(iequals("Content-Type", "Content-Typ"));
    CHECK(starts_with_ci("Multipart/Form-Data; boundary=x", "multipart/form-data"));
    CHECK_FALSE(starts_with_ci("multi", "multipart/"));
    CHECK(starts_with_ci("Bearer dk_x", "bearer "));
}

TEST_CASE("timestamps format as RFC 3339, matching the C library's calendar", "[core]") {
    CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(format_rfc3339(951'782'400'000) == "2000-02-29T00:00:00.000Z");     // a leap day of a year divisible by 400
    CHECK(format_rfc3339(4'107'542'399'999) == "2100-02-28T23:59:59.999Z");   // 2100 has no 29 February
    CHECK(format_rfc3339(4'107'542'400'000) == "2100-03-01T00:00:00.000Z");
    CHECK(format_rfc3339(253'402'300'799'999) == "9999-12-31T23:59:59.999Z");
    // Against gmtime_r over 1900-2200, a day and a bit apart so every month, leap years and
    // times of day come round.
    for (std::int64_t t = -2'208'988'800'000; t < 7'258'118'400'000; t += 86'400'000LL * 3 + 3'723'456) {
        const std::time_t secs = static_cast<std::time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
        std::tm tm{};
        gmtime_r(&secs, &tm);
        char expected[40];
        std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(t - static_cast<std::int64_t>(secs) * 1000));
        REQUIRE(format_rfc3339(t) == expected);
    }
}

TEST_CASE("durations and sizes parse and print back exactly", "[core]") {
    CHECK(parse_duration("24h") == std::chrono::hours(24));
    CHECK(parse_duration("250ms") == std::chrono::milliseconds(250));
    CHECK(parse_duration("30") == std::chrono::seconds(30));
    CHECK_FALSE(parse_duration("3 parsecs"));
    CHECK(parse_size("50MiB") == 50ull << 20);
    CHECK(parse_size("1kb") == 1000u);
    CHECK_FALSE(parse_size("MiB"));
    // Too large to hold is an error, not a value wrapped around to a small one (found by fuzzing
    // the retry schedule: "999999993993900h" overflowed).
    CHECK_FALSE(parse_duration("999999993993900h"));
    CHECK_FALSE(parse_duration("200000000000000000d"));
    CHECK(parse_duration("106751991167d") == std::chrono::hours(24) * 106751991167LL);
    CHECK_FALSE(parse_size("17179869184GiB"));
    CHECK(parse_size("17179869183GiB") == 17179869183ull << 30);
    CHECK(format_duration(std::chrono::hours(24)) == "1d");
    CHECK(format_duration(std::chrono::seconds(90)) == "90s");
    CHECK(format_size(50ull << 20) == "50MiB");
}

TEST_CASE("code points become UTF-8, surrogates and values past U+10FFFF replaced", "[encoding]") {
    auto conv = [](std::vector<std::uint32_t> cps) {
        std::string out = ">";
        docket::append_utf8(out, cps.data(), cps.size());
        return out;
    };
    CHECK(conv({'A', 'b', ' ', '1'}) == ">Ab 1");
    CHECK(conv({0x7F, 0x80}) == ">\x7F\xC2\x80");      // the one-byte / two-byte edge
    CHECK(conv({0x00E9}) == ">\xC3\xA9");                 // é
    CHECK(conv({0x07FF, 0x0800}) == ">\xDF\xBF\xE0\xA0\x80"); // the two-byte / three-byte edge
    CHECK(conv({0x20AC}) == ">\xE2\x82\xAC");             // €
    CHECK(conv({0xFFFF, 0x10000}) == ">\xEF\xBF\xBF\xF0\x90\x80\x80");
    CHECK(conv({0x1F600}) == ">\xF0\x9F\x98\x80");       // 😀
    CHECK(conv({0x10FFFF}) == ">\xF4\x8F\xBF\xBF");      // the last code point
    CHECK(conv({0xD83D, 'x'}) == ">\xEF\xBF\xBDx");        // a surrogate is not a character
    CHECK(conv({0xDFFF}) == ">\xEF\xBF\xBD");
    CHECK(conv({0x110000}) == ">\xEF\xBF\xBD");           // past the last code point
    CHECK(conv({}) == ">");
}

TEST_CASE("a UTF-8 sequence is measured where valid and refused where not", "[encoding]") {
    CHECK(docket::utf8_sequence_length("\xC3\xA9", 0) == 2);
    CHECK(docket::utf8_sequence_length("x\xE2\x82\xAC", 1) == 3);
    CHECK(docket::utf8_sequence_length("\xF0\x9F\x98\x80", 0) == 4);
    CHECK(docket::utf8_sequence_length("\x80", 0) == 0);             // continuation byte alone
    CHECK(docket::utf8_sequence_length("\xC0\xAF", 0) == 0);         // overlong '/'
    CHECK(docket::utf8_sequence_length("\xE0\x80\xAF", 0) == 0);     // overlong, three bytes
    CHECK(docket::utf8_sequence_length("\xED\xA0\x80", 0) == 0);     // a surrogate
    CHECK(docket::utf8_sequence_length("\xF4\x90\x80\x80", 0) == 0); // past U+10FFFF
    CHECK(docket::utf8_sequence_length("\xE2\x82", 0) == 0);          // cut off
}

TEST_CASE("bytes become well-formed UTF-8, cut only between characters", "[encoding]") {
    CHECK(docket::is_valid_utf8(""));
    CHECK(docket::is_valid_utf8("plain \xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80"));
    CHECK_FALSE(docket::is_valid_utf8("bad\xFF"));
    CHECK_FALSE(docket::is_valid_utf8("cut \xE2\x82"));
    CHECK(docket::valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
    // Each byte that starts no sequence is one U+FFFD (a Latin-1 name, a lone continuation byte).
    CHECK(docket::valid_utf8("caf\xE9.pdf") == "caf\xEF\xBF\xBD.pdf");
    CHECK(docket::valid_utf8("\xFF\xFE") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(docket::valid_utf8("a\xE2\x82") == "a\xEF\xBF\xBD\xEF\xBF\xBD");
    // Cut at a character boundary: an 'é' (two bytes) that would straddle the limit is left out.
    CHECK(docket::valid_utf8("ab\xC3\xA9", 3) == "ab");
    CHECK(docket::valid_utf8("ab\xC3\xA9", 4) == "ab\xC3\xA9");
    std::string long_name;
    for (int i = 0; i < 200; ++i) long_name += "\xC3\xA9";
    const auto cut = docket::valid_utf8(long_name, 255);
    CHECK(cut.size() == 254);
    CHECK(docket::is_valid_utf8(cut));
}

TEST_CASE("a job record stored with a file name that is not UTF-8 is read back, the bad bytes replaced", "[encoding]") {
    // Versions up to 0.1.0 stored multipart file names as sent; JSON parsing refuses such a record.
    docket::job j;
    j.id = "job_1";
    j.tenant = "acme";
    j.document = {"cafX.pdf", "application/pdf", 5, std::nullopt};
    auto record = docket::encode_job(j);
    record.replace(record.find("cafX"), 4, "caf\xE9"); // as those versions wrote it
    REQUIRE_FALSE(docket::is_valid_utf8(record));
    auto back = docket::decode_job(record);
    REQUIRE(back);
    CHECK(back->document.filename == "caf\xEF\xBF\xBD.pdf");
    CHECK(back->tenant == "acme");
}

TEST_CASE("a job record reads back field for field, and as the JSON a parser sees", "[encoding]") {
    docket::job j;
    j.id = "job_06h2yfymh8npcbvgcjq8ynvng4";
    j.tenant = "acme \"corp\"";
    j.status = docket::job_status::failed;
    j.priority = docket::job_priority::high;
    j.document_type = "invoice";
    j.language = "deu";
    j.webhook_url = "https://example.test/hook?a=1&b=\\";
    j.webhook_secret = "whsec_abc";
    j.batch_id = "bat_1";
    j.pages_done = 2;
    j.pages_total = 3;
    j.metadata = R"({"order":"A-1","note":"line\nbreak"})";
    j.document = {"r\xC3\xA9sum\xC3\xA9 \x01\t.pdf", "application/pdf", 1234, 3};
    j.seq = 18446744073709551615ull;
    j.attempts = 2;
    j.created_at = 1'700'000'000'123;
    j.updated_at = 1'700'000'000'456;
    j.started_at = -1;
    j.finished_at = 1'700'000'000'789;
    j.lease_until = 0;
    j.expires_at = 1'800'000'000'000;
    j.error = docket::job_error{"INVALID_DOCUMENT", "bad xref \"table\"\r\n"};
    const auto record = docket::encode_job(j);
    CHECK(docket::is_valid_utf8(record));
    const auto parsed = boost::json::parse(record).as_object(); // well-formed JSON, not just readable by decode_job
    // Byte for byte what Boost.JSON writes for that value (it wrote these records before): key
    // order, escapes and numbers alike.
    CHECK(boost::json::serialize(parsed) == record);
    CHECK(parsed.at("metadata").as_string() == j.metadata);
    CHECK(parsed.at("document").at("pages").as_int64() == 3);

    const auto back = docket::decode_job(record);
    REQUIRE(back);
    CHECK(back->id == j.id);
    CHECK(back->tenant == j.tenant);
    CHECK(back->status == j.status);
    CHECK(back->priority == j.priority);
    CHECK(back->document_type == j.document_type);
    CHECK(back->language == j.language);
    CHECK(back->webhook_url == j.webhook_url);
    CHECK(back->webhook_secret == j.webhook_secret);
    CHECK(back->batch_id == j.batch_id);
    CHECK(back->pages_done == j.pages_done);
    CHECK(back->pages_total == j.pages_total);
    CHECK(back->metadata == j.metadata);
    CHECK(back->document.filename == j.document.filename);
    CHECK(back->document.media_type == j.document.media_type);
    CHECK(back->document.size == j.document.size);
    CHECK(back->document.pages == j.document.pages);
    CHECK(back->seq == j.seq);
    CHECK(back->attempts == j.attempts);
    CHECK(back->created_at == j.created_at);
    CHECK(back->updated_at == j.updated_at);
    CHECK(back->started_at == j.started_at);
    CHECK(back->finished_at == j.finished_at);
    CHECK(back->lease_until == j.lease_until);
    CHECK(back->expires_at == j.expires_at);
    REQUIRE(back->error);
    CHECK(back->error->code == j.error->code);
    CHECK(back->error->message == j.error->message);

    // A fresh job leaves its optional fields out and says its page count is not known yet.
    docket::job fresh;
    fresh.id = "job_2";
    const auto small = docket::encode_job(fresh);
    CHECK(small.find("\"pages\":null") != std::string::npos);
    CHECK(small.find("error") == std::string::npos);
    const auto again = docket::decode_job(small);
    REQUIRE(again);
    CHECK_FALSE(again->document.pages);
    CHECK_FALSE(again->webhook_url);
    CHECK_FALSE(again->started_at);
    CHECK(again->metadata == "{}");
}

TEST_CASE("delivery and attempt records are written in the layout earlier versions stored, and read back", "[encoding]") {
    docket::delivery d;
    d.id = "msg_1";
    d.job_id = "job_p";
    d.tenant = "t";
    d.event = "document.completed";
    d.url = "https://example.test/hook";
    d.attempts = 2;
    d.created_at = 1000;
    d.next_attempt_at = 4000;
    d.last_error = "HTTP 503 \"busy\"";
    // As Boost.JSON serialized the described struct (docket 0.1.0 stores hold such records).
    CHECK(docket::encode(d) == R"({"id":"msg_1","job_id":"job_p","tenant":"t","event":"document.completed",)"
                               R"("endpoint_id":"","url":"https://example.test/hook","status":"pending","attempts":2,)"
                               R"("round_start":0,"created_at":1000,"next_attempt_at":4000,"last_error":"HTTP 503 \"busy\""})");
    d.status = docket::delivery_status::dead;
    d.next_attempt_at.reset();
    d.last_error.reset();
    d.endpoint_id = "ep_1";
    d.round_start = 1;
    const auto record = docket::encode(d);
    CHECK(record.find(R"("next_attempt_at":null,"last_error":null})") != std::string::npos);
    CHECK(boost::json::serialize(boost::json::parse(record)) == record);
    const auto back = docket::decode_delivery(record);
    REQUIRE(back);
    CHECK(back->id == d.id);
    CHECK(back->status == docket::delivery_status::dead);
    CHECK(back->endpoint_id == "ep_1");
    CHECK(back->round_start == 1);
    CHECK_FALSE(back->next_attempt_at);
    CHECK_FALSE(back->last_error);

    docket::delivery_attempt a{3, 5000, 12, 502, "HTTP 502", "<html>\n\x01", "ep_1", "https://example.test/hook"};
    CHECK(docket::encode(a) == R"({"number":3,"at":5000,"duration_ms":12,"status":502,"error":"HTTP 502",)"
                               R"("response_prefix":"<html>\n\u0001","endpoint_id":"ep_1","url":"https://example.test/hook"})");
    CHECK(boost::json::serialize(boost::json::parse(docket::encode(a))) == docket::encode(a));
    const auto attempt = docket::decode_attempt(docket::encode(a));
    REQUIRE(attempt);
    CHECK(attempt->number == 3);
    CHECK(attempt->status == 502);
    CHECK(attempt->response_prefix == a.response_prefix);
    CHECK(attempt->url == a.url);
}

TEST_CASE("JSON numbers are written as std::to_chars writes them, hundredths by the fast path", "[encoding]") {
    const auto written = [](double v) {
        std::string s;
        docket::append_json_number(s, v);
        return s;
    };
    const auto reference = [](double v) {
        char buf[32];
        return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    };
    // Every hundredth up to 20,000 (page boxes in points and pixels), then a stride to the limit.
    std::size_t differ = 0;
    for (std::int64_t h = 0; h < 2'000'000; ++h) differ += written(static_cast<double>(h) / 100) != reference(static_cast<double>(h) / 100);
    for (std::int64_t h = 2'000'000; h <= 10'000'000; h += 997) differ += written(static_cast<double>(h) / 100) != reference(static_cast<double>(h) / 100);
    CHECK(differ == 0);
    CHECK(written(612) == "612");
    CHECK(written(71.5) == "71.5");
    CHECK(written(0.05) == "0.05");
    CHECK(written(99999.99) == "99999.99");
    // Past the fast path: exponents, negatives, values that are not hundredths.
    CHECK(written(1e5) == reference(1e5));
    CHECK(written(1e5) == "1e+05");
    CHECK(written(-0.0) == "-0");
    CHECK(written(-12.25) == "-12.25");
    CHECK(written(1.0 / 3) == reference(1.0 / 3));
    CHECK(written(0.125) == "0.125");
    CHECK(written(std::nan("")) == "0");
    CHECK(written(-std::numeric_limits<double>::infinity()) == "0");
}
