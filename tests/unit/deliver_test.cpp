#include "../support/outcome_printer.hpp"

#include <docket/deliver/address_policy.hpp>
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
