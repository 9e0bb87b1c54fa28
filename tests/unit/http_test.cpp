#include "../support/outcome_printer.hpp"
#include <docket/auth/keys.hpp>
#include <docket/auth/rate_limit.hpp>
#include <docket/config/config.hpp>
#include <docket/http/error_response.hpp>
#include <docket/http/message.hpp>
#include <docket/http/router.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace docket;

TEST_CASE("routes tell an unknown path (404) from a wrong method (405)", "[http]") {
    auto r = http::route("GET", "/v1/jobs/job_abc/result");
    REQUIRE(r.match);
    CHECK(r.match->id == http::route_id::get_result);
    CHECK(r.match->target_id == "job_abc");
    CHECK(http::route("DELETE", "/v1/jobs/job_abc/").match->id == http::route_id::delete_job);
    CHECK_FALSE(http::route("GET", "/healthz").match->needs_auth);
    auto miss = http::route("GET", "/v2/jobs");
    CHECK_FALSE(miss.match);
    CHECK(miss.allow.empty());
    auto wrong = http::route("PUT", "/v1/jobs");
    CHECK_FALSE(wrong.match);
    CHECK(wrong.allow == "GET, POST");
    CHECK_FALSE(http::route("GET", "/v1/jobs//result").match);
}

TEST_CASE("errors map to one status each and one JSON shape", "[http]") {
    CHECK(http::status_for(errc::invalid_field) == 400);
    CHECK(http::status_for(errc::unauthorized) == 401);
    CHECK(http::status_for(errc::not_found) == 404);
    CHECK(http::status_for(errc::idempotency_conflict) == 409);
    CHECK(http::status_for(errc::gone) == 410);
    CHECK(http::status_for(errc::payload_too_large) == 413);
    CHECK(http::status_for(errc::unsupported_media_type) == 415);
    auto r = http::error_reply(failure(errc::queue_full, "full \"now\""), 7);
    CHECK(r.status == 503);
    CHECK(r.body == R"({"error":{"code":"QUEUE_FULL","message":"full \"now\""}})");
    REQUIRE(r.headers.size() == 1);
    CHECK(r.headers[0] == std::pair<std::string, std::string>{"Retry-After", "7"});
}

TEST_CASE("a reply's header block: status line, framing and connection, no line breaks from headers", "[http]") {
    const std::string server = "Server: docket/" DOCKET_VERSION "\r\n";
    http::reply accepted{202, "application/json", {{"Location", "/v1/jobs/job_1"}}, R"({"id":"job_1"})"};
    CHECK(http::reply_head(accepted, 11, true) == "HTTP/1.1 202 Accepted\r\n" + server +
                                                     "Content-Type: application/json\r\nLocation: /v1/jobs/job_1\r\n"
                                                     "Content-Length: 14\r\n\r\n");
    // HTTP/1.1 closes only when told; HTTP/1.0 stays open only when told.
    CHECK(http::reply_head(accepted, 11, false).ends_with("Content-Length: 14\r\nConnection: close\r\n\r\n"));
    CHECK(http::reply_head(accepted, 10, true).starts_with("HTTP/1.0 202 Accepted\r\n"));
    CHECK(http::reply_head(accepted, 10, true).ends_with("Content-Length: 14\r\nConnection: keep-alive\r\n\r\n"));
    CHECK(http::reply_head(accepted, 10, false).ends_with("Content-Length: 14\r\n\r\n"));

    // 204 carries neither a type nor a length; an empty 200 says its length is 0.
    http::reply none{204, "application/json", {}, ""};
    CHECK(http::reply_head(none, 11, true) == "HTTP/1.1 204 No Content\r\n" + server + "\r\n");
    CHECK(http::reply_head(http::reply{200, "text/csv", {}, ""}, 11, true).ends_with("Content-Type: text/csv\r\nContent-Length: 0\r\n\r\n"));

    // A status without a phrase of its own still has a well-formed line.
    CHECK(http::reply_head(http::reply{418, "application/json", {}, "x"}, 11, true).starts_with("HTTP/1.1 418 Client Error\r\n"));

    // A header that would break its line never reaches the wire; the others do.
    http::reply bad{503, "application/json", {{"X-A", "v\r\nX-Injected: 1"}, {"X-B\nC", "v"}, {"Retry-After", "3"}}, "{}"};
    const auto head = http::reply_head(bad, 11, true);
    CHECK(head.find("X-Injected") == std::string::npos);
    CHECK(head.find("X-A") == std::string::npos);
    CHECK(head.find("X-B") == std::string::npos);
    CHECK(head.find("Retry-After: 3\r\n") != std::string::npos);
    CHECK(head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
}

TEST_CASE("keys are presented as Bearer or X-API-Key and stored only as hashes", "[auth]") {
    CHECK(auth::presented_key("Bearer dk_abc", std::nullopt) == "dk_abc");
    CHECK(auth::presented_key("bearer   dk_abc ", std::nullopt) == "dk_abc");
    CHECK(auth::presented_key(std::nullopt, "dk_xyz") == "dk_xyz");
    CHECK_FALSE(auth::presented_key("Basic abc", std::nullopt));
    auto k = auth::make_key("acme", 1);
    CHECK(k.secret.rfind("dk_", 0) == 0);
    CHECK(k.record.hash.find(k.secret) == std::string::npos);
    auth::key_directory dir({k.record});
    CHECK(dir.tenant_for(k.secret) == "acme");
    CHECK_FALSE(dir.tenant_for(k.secret + "x"));
    auto revoked = k.record;
    revoked.revoked = true;
    dir.add(revoked);
    CHECK_FALSE(dir.tenant_for(k.secret));
    CHECK(auth::valid_tenant("acme-1.prod"));
    CHECK_FALSE(auth::valid_tenant("a b"));
}

TEST_CASE("config: flags beat environment beat file beat defaults", "[config]") {
    const std::string file = "# comment\nlisten = 127.0.0.1:1111\nmax-upload = 10MiB\nretention = 2h\nworkers = 3\n";
    auto reader = [&](const std::string& path) -> std::optional<std::string> {
        if (path == "/etc/docket.conf") return file;
        return std::nullopt;
    };
    std::map<std::string, std::string> env{{"DOCKET_CONFIG", "/etc/docket.conf"}, {"DOCKET_LISTEN", "127.0.0.1:2222"},
                                           {"DOCKET_RETENTION", "3h"}};
    auto l = config::load({"--retention", "4h", "--fsync=false", "positional", "--tenant", "acme"}, env, reader, {"tenant"});
    REQUIRE(l);
    CHECK(l->values.http.listen == "127.0.0.1:2222");                 // env over file
    CHECK(l->values.intake.max_upload == 10ull << 20);                // file over default
    CHECK(l->values.store.retention == std::chrono::hours(4));        // flag over env
    CHECK(l->values.extract.workers == 3u);
    CHECK_FALSE(l->values.store.fsync);
    CHECK(l->values.queue.max_attempts == 3);                         // default
    CHECK(l->positional == std::vector<std::string>{"positional"});
    CHECK(l->extra.at("tenant") == "acme");

    CHECK_FALSE(config::load({"--no-such-option", "1"}, {}, reader));
    CHECK_FALSE(config::load({"--retention", "soon"}, {}, reader));
    CHECK(config::load({"--worker-nice", "19"}, {}, reader)->values.extract.limits.nice == 19u);
    CHECK(config::load({}, {}, reader)->values.extract.limits.nice == 10u);
    CHECK_FALSE(config::load({"--worker-nice", "20"}, {}, reader)); // beyond Linux's range
    CHECK_FALSE(config::load({"--worker-nice", "-1"}, {}, reader)); // raising priority needs root
    CHECK_FALSE(config::load({"--config", "/missing"}, {}, reader));
    CHECK_FALSE(config::load({}, {{"DOCKET_MAX_UPLOAD", "lots"}}, reader));
    CHECK(config::env_name("max-queue-depth") == "DOCKET_MAX_QUEUE_DEPTH");
    for (const auto& o : config::options()) CHECK(config::describe_options().find(config::env_name(o.name)) != std::string::npos);
}

TEST_CASE("the README documents every option with its real default", "[config]") {
    std::ifstream in(std::string(DOCKET_SOURCE_DIR) + "/README.md");
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string readme = ss.str();
    const config::settings defaults;
    for (const auto& o : config::options()) {
        const std::string row_start = "| `--" + std::string(o.name) + "` |";
        const auto pos = readme.find(row_start);
        INFO(o.name);
        REQUIRE(pos != std::string::npos);
        const std::string row = readme.substr(pos, readme.find('\n', pos) - pos);
        CHECK(row.find("`" + config::env_name(o.name) + "`") != std::string::npos);
        const auto d = o.get(defaults);
        CHECK(row.find(d.empty() ? std::string("none") : "`" + d + "`") != std::string::npos);
    }
}

TEST_CASE("rate limits: a token bucket per key, refilled with time, with the headers that say so", "[auth]") {
    using docket::auth::bucket;
    using docket::auth::rate_policy;
    const rate_policy p{2, 4}; // 2 a second, 4 at once
    bucket b;
    timestamp t = 1'000'000;
    for (int i = 0; i < 4; ++i) {
        const auto d = docket::auth::take(b, p, t);
        CHECK(d.allowed);
        CHECK(d.remaining == static_cast<std::uint64_t>(3 - i));
        CHECK(d.limit == 4);
    }
    auto refused = docket::auth::take(b, p, t);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.remaining == 0);
    CHECK(refused.retry_after == 1);
    CHECK(refused.full_in == 2);
    CHECK(docket::auth::limit_header(refused) == "\"per-key\";r=0;t=2");
    CHECK(docket::auth::policy_header(p) == "\"per-key\";q=4;w=2");
    // Half a second brings one request back; a clock stepping back brings none.
    CHECK(docket::auth::take(b, p, t + 500).allowed);
    CHECK_FALSE(docket::auth::take(b, p, t + 400).allowed);
    // A long pause refills to the bucket's size, never beyond.
    const auto later = docket::auth::take(b, p, t + 3'600'000);
    CHECK(later.allowed);
    CHECK(later.remaining == 3);
    // No burst given: twice the rate.
    CHECK(rate_policy{10, 0}.capacity() == 20);
}

TEST_CASE("a key's own rate and burst override the global policy field by field", "[auth]") {
    using docket::auth::policy_for;
    using docket::auth::rate_policy;
    const rate_policy global{100, 300};
    CHECK(policy_for(global, std::nullopt, std::nullopt).per_second == 100);
    CHECK(policy_for(global, std::nullopt, std::nullopt).capacity() == 300);
    // Its own rate brings its own default burst (twice the rate), not the global one.
    CHECK(policy_for(global, 5, std::nullopt).capacity() == 10);
    CHECK(policy_for(global, 5, 7).capacity() == 7);
    CHECK(policy_for(global, std::nullopt, 50).per_second == 100);
    CHECK(policy_for(global, std::nullopt, 50).capacity() == 50);
    // 0 lifts the limit for that key; a key may have a limit where there is no global one.
    CHECK(policy_for(global, 0, std::nullopt).per_second == 0);
    CHECK(policy_for(rate_policy{}, 2, std::nullopt).per_second == 2);
}
