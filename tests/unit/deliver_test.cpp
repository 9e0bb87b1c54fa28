#include "../support/outcome_printer.hpp"

#include <docket/deliver/address_policy.hpp>
#include <docket/deliver/http_client.hpp>
#include <docket/deliver/planner.hpp>
#include <docket/deliver/rules.hpp>
#include <docket/deliver/schedule.hpp>
#include <docket/deliver/signing.hpp>

#include <catch2/catch.hpp>

using namespace docket;
using namespace docket::deliver;
using namespace std::chrono_literals;

TEST_CASE("signatures match the Standard Webhooks test vector byte for byte", "[deliver]") {
    CHECK(sign({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
               R"({"test": 2432232314})") == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("during rotation every active secret signs, space-separated", "[deliver]") {
    const std::string old_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const std::string fresh = new_secret();
    CHECK(fresh.rfind("whsec_", 0) == 0);
    CHECK(secret_key(fresh)->size() == 24);
    const auto both = sign({fresh, old_secret}, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})");
    const auto space = both.find(' ');
    REQUIRE(space != std::string::npos);
    CHECK(both.substr(space + 1) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    CHECK(both.substr(0, space) == sign({fresh}, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"));
    CHECK(both.substr(0, space) != both.substr(space + 1));
    CHECK_FALSE(secret_key("whsec_!!!"));
}

TEST_CASE("the retry schedule follows the configured delays with bounded jitter", "[deliver]") {
    schedule_config cfg; // 0s, 5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h
    const timestamp now = 1'000'000;
    const attempt_outcome failed{attempt_outcome::failure, std::nullopt};
    CHECK(next_attempt(1, failed, now, cfg, 0.0) == now + 5'000);
    CHECK(next_attempt(2, failed, now, cfg, 0.0) == now + 300'000);
    CHECK(next_attempt(9, failed, now, cfg, 0.0) == now + 24 * 3'600'000);
    CHECK(next_attempt(2, failed, now, cfg, 1.0) == now + 360'000);  // +20 %
    CHECK(next_attempt(2, failed, now, cfg, -1.0) == now + 240'000); // -20 %
    CHECK(next_attempt(2, failed, now, cfg, 7.0) == now + 360'000);  // clamped
    CHECK_FALSE(next_attempt(10, failed, now, cfg, 0.0));           // dead-lettered after the last
    CHECK_FALSE(next_attempt(1, {attempt_outcome::success, std::nullopt}, now, cfg, 0.0));
    CHECK_FALSE(next_attempt(1, {attempt_outcome::gone, std::nullopt}, now, cfg, 0.0));
    // Summed over the whole schedule a delivery lives about three days.
    timestamp t = now;
    std::size_t attempts = 1;
    while (auto next = next_attempt(attempts, failed, t, cfg, 0.0)) { t = *next; ++attempts; }
    CHECK(attempts == 10);
    CHECK(t - now == (5 + 300 + 1800 + 7200 + 18000 + 36000 + 50400 + 72000 + 86400) * 1000ll);
}

TEST_CASE("Retry-After on 429 and 503 is honoured up to a cap; 410 and 3xx are not successes", "[deliver]") {
    schedule_config cfg;
    cfg.max_retry_after = 1h;
    const timestamp now = 0;
    auto slow_down = classify_status(429, parse_retry_after("120", now));
    CHECK(slow_down.what == attempt_outcome::failure);
    CHECK(next_attempt(1, slow_down, now, cfg, 0.0) == 120'000); // later than the 5 s step
    auto capped = classify_status(503, parse_retry_after("999999", now));
    CHECK(next_attempt(1, capped, now, cfg, 0.0) == 3'600'000);
    auto ignored = classify_status(500, std::chrono::seconds(120));
    CHECK(next_attempt(1, ignored, now, cfg, 0.0) == 5'000);
    CHECK(parse_retry_after("Thu, 01 Jan 1970 00:02:00 GMT", 0) == std::chrono::seconds(120));
    CHECK_FALSE(parse_retry_after("soon", 0));
    // A receiver's absurd number is held to a century, and then to the cap (it overflowed).
    auto absurd = classify_status(503, parse_retry_after("5555555555555555296", now));
    CHECK(next_attempt(1, absurd, now, cfg, 0.0) == 3'600'000);
    CHECK(classify_status(410).what == attempt_outcome::gone);
    CHECK(classify_status(302).what == attempt_outcome::failure);
    CHECK(classify_status(0).what == attempt_outcome::failure);
    CHECK(classify_status(204).what == attempt_outcome::success);
    CHECK(parse_schedule("0s, 100ms,1m") == std::vector<duration>{0ms, 100ms, 1min});
    CHECK_FALSE(parse_schedule("1s,later"));
}

TEST_CASE("the SSRF guard refuses every address that is not globally routable", "[deliver][ssrf]") {
    struct row { const char* address; bool refused; };
    const row table[] = {
        {"127.0.0.1", true},          {"127.255.255.254", true},       {"10.0.0.1", true},
        {"172.16.0.1", true},         {"172.31.255.255", true},        {"172.32.0.1", false},
        {"192.168.1.1", true},        {"169.254.169.254", true},       {"100.64.0.1", true},
        {"100.127.255.255", true},    {"100.128.0.1", false},          {"0.0.0.0", true},
        {"0.1.2.3", true},            {"224.0.0.1", true},             {"239.255.255.250", true},
        {"240.0.0.1", true},          {"255.255.255.255", true},       {"192.0.2.10", true},
        {"198.18.0.1", true},         {"203.0.113.7", true},           {"8.8.8.8", false},
        {"1.1.1.1", false},           {"93.184.216.34", false},        {"::1", true},
        {"::", true},                 {"fe80::1", true},               {"fc00::1", true},
        {"fd12:3456::1", true},       {"ff02::1", true},               {"::ffff:127.0.0.1", true},
        {"::ffff:169.254.169.254", true}, {"::ffff:10.0.0.1", true},   {"::ffff:8.8.8.8", false},
        {"64:ff9b::a9fe:a9fe", true}, {"64:ff9b::808:808", false},     {"2002:7f00:1::1", true},
        {"2002:c0a8:101::1", true},   {"2002:808:808::1", false},      {"2001:db8::1", true},
        {"::127.0.0.1", true},        {"2606:4700:4700::1111", false}, {"2001:4860:4860::8888", false},
        {"3fff::1", false},           {"4000::1", true},               {"fec0::1", true},
    };
    for (const auto& r : table) {
        INFO(r.address);
        auto a = boost::asio::ip::make_address(r.address);
        CHECK(refusal(a, {}).has_value() == r.refused);
    }
    CHECK_THAT(*refusal(boost::asio::ip::make_address("169.254.169.254"), {}), Catch::Contains("link-local"));
}

TEST_CASE("the allow-list opens exceptions, including for IPv4 written inside IPv6", "[deliver][ssrf]") {
    auto allow = parse_cidr_list("127.0.0.0/8, ::1, 10.1.0.0/16");
    REQUIRE(allow);
    CHECK(allow->size() == 3);
    auto ok = [&](const char* a) { return !refusal(boost::asio::ip::make_address(a), *allow); };
    CHECK(ok("127.0.0.1"));
    CHECK(ok("127.9.9.9"));
    CHECK(ok("::1"));
    CHECK(ok("::ffff:127.0.0.1"));
    CHECK(ok("10.1.200.3"));
    CHECK_FALSE(ok("10.2.0.1"));
    CHECK_FALSE(ok("169.254.169.254"));
    CHECK_FALSE(parse_cidr_list("10.0.0.0/33"));
    CHECK_FALSE(parse_cidr_list("not-an-ip"));
    CHECK(parse_cidr_list("")->empty());
}

TEST_CASE("an attempt's outcome moves the delivery: delivered, retried, or dead", "[deliver]") {
    schedule_config cfg;
    cfg.delays = {0ms, 1s, 2s};
    delivery d;
    d.id = "msg_1";
    d.next_attempt_at = 0;
    auto failed = after_attempt(d, {attempt_outcome::failure, std::nullopt}, "HTTP 500", 1000, cfg, 0.0);
    CHECK(failed.status == delivery_status::pending);
    CHECK(failed.attempts == 1);
    CHECK(failed.next_attempt_at == 2000);
    CHECK(failed.last_error == "HTTP 500");
    auto again = after_attempt(failed, {attempt_outcome::failure, std::nullopt}, "HTTP 500", 2000, cfg, 0.0);
    CHECK(again.next_attempt_at == 4000);
    auto dead = after_attempt(again, {attempt_outcome::failure, std::nullopt}, "timeout", 4000, cfg, 0.0);
    CHECK(dead.status == delivery_status::dead);
    CHECK_FALSE(dead.next_attempt_at);
    // A redelivery starts a new round under the same id, with the schedule from its start.
    auto round = redeliver(dead, 5000);
    CHECK(round.id == "msg_1");
    CHECK(round.status == delivery_status::pending);
    CHECK(round.next_attempt_at == 5000);
    auto retry = after_attempt(round, {attempt_outcome::failure, std::nullopt}, "HTTP 500", 5000, cfg, 0.0);
    CHECK(retry.next_attempt_at == 6000);
    auto ok = after_attempt(retry, {attempt_outcome::success, std::nullopt}, "", 6000, cfg, 0.0);
    CHECK(ok.status == delivery_status::delivered);
    CHECK(ok.attempts == 5);
    CHECK_FALSE(ok.last_error);
    CHECK(after_attempt(d, {attempt_outcome::gone, std::nullopt}, "HTTP 410", 1, cfg, 0.0).status == delivery_status::dead);
}

TEST_CASE("endpoints are disabled by 410 at once and by failing for the whole disable period", "[deliver]") {
    endpoint e;
    e.id = "ep_1";
    const duration five_days = std::chrono::hours(120);
    const attempt_outcome fail{attempt_outcome::failure, std::nullopt};
    auto first = endpoint_after_attempt(e, fail, 1000, five_days);
    REQUIRE(first);
    CHECK(first->failing_since == 1000);
    CHECK(first->enabled);
    CHECK_FALSE(endpoint_after_attempt(*first, fail, 2000, five_days)); // still inside the period
    auto late = endpoint_after_attempt(*first, fail, 1000 + five_days.count(), five_days);
    REQUIRE(late);
    CHECK_FALSE(late->enabled);
    auto recovered = endpoint_after_attempt(*first, {attempt_outcome::success, std::nullopt}, 3000, five_days);
    REQUIRE(recovered);
    CHECK_FALSE(recovered->failing_since);
    CHECK_FALSE(endpoint_after_attempt(*recovered, {attempt_outcome::success, std::nullopt}, 4000, five_days));
    auto gone = endpoint_after_attempt(e, {attempt_outcome::gone, std::nullopt}, 5, five_days);
    REQUIRE(gone);
    CHECK_FALSE(gone->enabled);
    CHECK_THAT(*gone->disabled_reason, Catch::Contains("410"));
}

TEST_CASE("rotation keeps the old secret signing until the grace period ends", "[deliver]") {
    endpoint e;
    e.secrets = {{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", std::nullopt}};
    const auto fresh = rotate_secret(e, 1000, std::chrono::hours(24));
    CHECK(active_secrets(e, 1000) == std::vector<std::string>{fresh, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    CHECK(active_secrets(e, 1000 + 24 * 3'600'000) == std::vector<std::string>{fresh});
    const auto third = rotate_secret(e, 2000, std::chrono::hours(1));
    CHECK(active_secrets(e, 2000).size() == 3);
    // The second secret's grace is the new 1 h; the first keeps the 24 h it was given.
    CHECK(active_secrets(e, 2000 + 3'600'000) == std::vector<std::string>{third, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    CHECK(active_secrets(e, 1000 + 24 * 3'600'000) == std::vector<std::string>{third});
}

TEST_CASE("planning sends a finished job's event to its URL and to subscribed endpoints", "[deliver]") {
    config cfg;
    cfg.public_url = "http://docket.test";
    cfg.max_inline_result = 40;
    job j;
    j.id = "job_1";
    j.tenant = "acme";
    j.status = job_status::succeeded;
    j.webhook_url = "https://hooks.example/one";
    j.document = {"a.pdf", "application/pdf", 10, 1};
    endpoint all{"ep_all", "acme", "https://hooks.example/all"};
    endpoint failures{"ep_fail", "acme", "https://hooks.example/fail", {"document.failed"}};
    endpoint off{"ep_off", "acme", "https://hooks.example/off"};
    off.enabled = false;
    endpoint other{"ep_other", "globex", "https://hooks.example/other"};
    auto ds = plan_deliveries(j, R"({"text":"short"})", {all, failures, off, other}, 100, cfg);
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].url == "https://hooks.example/one");
    CHECK(ds[0].endpoint_id.empty());
    CHECK(ds[1].endpoint_id == "ep_all");
    CHECK(ds[0].payload == ds[1].payload);
    CHECK(ds[0].id != ds[1].id);
    CHECK_THAT(ds[0].payload, Catch::Contains(R"("type":"document.completed")"));
    CHECK_THAT(ds[0].payload, Catch::Contains(R"("result":{"text":"short"})"));
    auto big = plan_deliveries(j, R"({"text":"a result longer than forty bytes in all"})", {}, 100, cfg);
    CHECK_THAT(big.at(0).payload, Catch::Contains(R"("result_url":"http://docket.test/v1/jobs/job_1/result")"));
    j.status = job_status::failed;
    j.error = job_error{"INVALID_DOCUMENT", "bad"};
    auto f = plan_deliveries(j, "", {all, failures}, 100, cfg);
    CHECK(f.size() == 3);
    CHECK_THAT(f[0].payload, Catch::Contains(R"("error":{"code":"INVALID_DOCUMENT")"));
    j.status = job_status::canceled;
    CHECK(plan_deliveries(j, "", {all}, 100, cfg).empty());
}

TEST_CASE("webhook URLs: https by default, credentials and literal private hosts refused", "[deliver][ssrf]") {
    config cfg;
    CHECK(check_url("https://hooks.example/x", cfg));
    CHECK_FALSE(check_url("http://hooks.example/x", cfg));
    CHECK_FALSE(check_url("https://user:pw@hooks.example/x", cfg));
    CHECK_FALSE(check_url("https://10.0.0.1/x", cfg));
    CHECK_FALSE(check_url("https://[::ffff:169.254.169.254]/x", cfg));
    CHECK(check_url("https://8.8.8.8/x", cfg));
    CHECK_FALSE(check_url("ftp://hooks.example/x", cfg));
    cfg.allow_http = true;
    cfg.allow_cidrs = *parse_cidr_list("10.0.0.0/8");
    CHECK(check_url("http://10.0.0.1/x", cfg));
}

TEST_CASE("an endpoint's own headers: token names, not docket's, no line breaks in values", "[deliver]") {
    CHECK(check_custom_header("X-Team", "ledger, \"east\"\twest") == header_check::ok);
    CHECK(check_custom_header("X_Trace-2", "") == header_check::ok);
    CHECK(check_custom_header("", "v") == header_check::bad_name);
    CHECK(check_custom_header("X Team", "v") == header_check::bad_name);
    CHECK(check_custom_header("X-Team:", "v") == header_check::bad_name);
    CHECK(check_custom_header(std::string(129, 'x'), "v") == header_check::bad_name);
    for (const char* name : {"Webhook-Signature", "webhook-anything", "Content-Length", "HOST", "Transfer-Encoding", "connection"})
        CHECK(check_custom_header(name, "v") == header_check::reserved);
    for (const std::string value : std::initializer_list<std::string>{"a\r\nX-Injected: 1", "a\nb", "a\rb", std::string("a\0b", 3), "a\x7f"})
        CHECK(check_custom_header("X-Team", value) == header_check::bad_value);
}

TEST_CASE("a webhook POST's header block: request line, headers in order, Host, Content-Length", "[deliver]") {
    const http::header_list headers{{"X-Team", "ledger"}, {"webhook-id", "msg_1"}};
    CHECK(post_head("/hooks?x=1", "example.test:8443", headers, 42) ==
          "POST /hooks?x=1 HTTP/1.1\r\nHost: example.test:8443\r\nX-Team: ledger\r\nwebhook-id: msg_1\r\n"
          "Content-Length: 42\r\n\r\n");
    CHECK(post_head("/", "[::1]:80", {}, 0) == "POST / HTTP/1.1\r\nHost: [::1]:80\r\nContent-Length: 0\r\n\r\n");
    // The last guard against a line break reaching the wire, whatever the caller checked.
    CHECK_FALSE(post_head("/", "h", {{"X-A", "v\r\nX-Injected: 1"}}, 0));
    CHECK_FALSE(post_head("/", "h", {{"X-A\r\nX-B", "v"}}, 0));
    CHECK_FALSE(post_head("/", "h", {{"X-A:B", "v"}}, 0));
    CHECK_FALSE(post_head("/a b", "h", {}, 0));
    CHECK_FALSE(post_head("/", "h\r\n", {}, 0));
}
