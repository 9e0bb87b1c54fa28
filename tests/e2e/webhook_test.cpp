#include "../support/fixtures.hpp"
#include "../support/raw_rocksdb.hpp"
#include "../support/receiver.hpp"
#include "../support/server.hpp"

#include <docket/deliver/signing.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> loopback_webhooks(std::string schedule = "0s,200ms,200ms,200ms") {
    return {"--webhook-allow-http", "true", "--webhook-allow-cidrs", "127.0.0.0/8", "--webhook-retry-schedule", schedule};
}

// Checks a received request the way a receiver following the Standard Webhooks spec would.
void verify_signature(const received_request& r, const std::vector<std::string>& secrets) {
    const auto id = r.header("webhook-id");
    const auto ts = r.header("webhook-timestamp");
    const auto sig = r.header("webhook-signature");
    REQUIRE(id);
    REQUIRE(ts);
    REQUIRE(sig);
    CHECK(*sig == deliver::sign(secrets, *id, std::stoll(*ts), r.body));
    CHECK(std::abs(std::stoll(*ts) - std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch()).count()) < 60);
}

boost::json::value deliveries(http_client& c, const docket_server& srv, const std::string& job_id) {
    auto r = c.request("GET", "/v1/jobs/" + job_id + "/deliveries", srv.auth());
    REQUIRE(r.status == 200);
    return parse_json(r.body);
}

// Polls the delivery log until the first delivery has the status (and at least that many
// attempts); returns it.
boost::json::value wait_for_delivery(http_client& c, const docket_server& srv, const std::string& job_id,
                                     const std::string& status, std::int64_t min_attempts = 0,
                                     std::chrono::seconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto d = deliveries(c, srv, job_id);
        if (!d.at("data").as_array().empty() && json_str(d.at("data").at(0), "status") == status &&
            d.at("data").at(0).at("attempts").as_int64() >= min_attempts)
            return d.at("data").at(0);
        if (std::chrono::steady_clock::now() > deadline) FAIL("delivery never became " << status << ": " << boost::json::serialize(d));
        std::this_thread::sleep_for(20ms);
    }
}

// A job whose webhook got a 503 on its first attempt, with the retry recorded and due after
// `retry_after`.
struct pending_retry {
    webhook_receiver receiver{[](const received_request&, std::size_t i) { return scripted_reply{i == 0 ? 503 : 204, {}, ""}; }};
    docket_server srv;
    std::string job_id;
    boost::json::value delivery; // as the delivery log shows it then

    pending_retry(const std::string& retry_after, const std::string& text) : srv(loopback_webhooks("0s," + retry_after)) {
        srv.start();
        auto c = srv.client();
        job_id = json_str(parse_json(submit(c, srv.auth(), make_pdf({text}), {{"webhook_url", receiver.url()}}).body), "id");
        REQUIRE(receiver.wait_for(1, 20s));
        delivery = wait_for_delivery(c, srv, job_id, "pending", 1);
    }
};

// The RocksDB store of a stopped server, opened raw with every column family, to change it
// behind docket's back as an older version or damage would have left it.
struct raw_store {
    std::vector<std::string> names;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::unique_ptr<rocksdb::DB> db;
    rocksdb::WriteOptions sync;

    explicit raw_store(const std::filesystem::path& data_dir) {
        REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), data_dir.string(), &names).ok());
        std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
        for (const auto& n : names) cfs.emplace_back(n, raw_cf_options(n));
        rocksdb::DB* raw = nullptr;
        REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), data_dir.string(), cfs, &handles, &raw).ok());
        db.reset(raw);
        sync.sync = true;
    }
    ~raw_store() {
        for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    }
    rocksdb::ColumnFamilyHandle* cf(const std::string& name) const {
        const auto at = std::find(names.begin(), names.end(), name);
        REQUIRE(at != names.end());
        return handles[static_cast<std::size_t>(at - names.begin())];
    }
    std::size_t count(const std::string& name) const {
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf(name)));
        std::size_t n = 0;
        for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
        return n;
    }
};

// Rewrites the data dir of a stopped server: the job's one delivery record gets its payload back
// inside it, as stores written before payloads were kept apart have it (or, with `inline_it`
// false, the payload is just deleted, as damage would). Returns the payload it found.
std::string rewrite_delivery(const std::filesystem::path& data_dir, bool inline_it) {
    raw_store st(data_dir);
    std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(rocksdb::ReadOptions(), st.cf("deliveries")));
    it->SeekToFirst();
    REQUIRE(it->Valid());
    const std::string id = it->key().ToString();
    auto record = boost::json::parse(it->value().ToString()).as_object();
    it.reset();
    std::string payload;
    REQUIRE(st.db->Get(rocksdb::ReadOptions(), st.cf("delivery_payloads"), id, &payload).ok());
    REQUIRE_FALSE(record.contains("payload"));
    if (inline_it) {
        record["payload"] = payload;
        REQUIRE(st.db->Put(st.sync, st.cf("deliveries"), id, boost::json::serialize(record)).ok());
    }
    REQUIRE(st.db->Delete(st.sync, st.cf("delivery_payloads"), id).ok());
    return payload;
}

// A server with one place in flight for webhooks, and a receiver that holds each request until
// released: at the latest when the fixture ends, before the server stops and the receiver's
// thread is joined.
struct one_place_in_flight {
    std::atomic<bool> release{false};
    webhook_receiver slow{[this](const received_request&, std::size_t) {
        while (!release) std::this_thread::sleep_for(10ms);
        return scripted_reply{};
    }};
    docket_server srv;

    one_place_in_flight() : srv(args()) { srv.start(); }
    ~one_place_in_flight() { release = true; }

    static std::vector<std::string> args() {
        auto a = loopback_webhooks();
        a.insert(a.end(), {"--webhook-max-in-flight", "1", "--webhook-timeout", "30s"});
        return a;
    }
    // A job whose webhook goes to the slow receiver, which then holds the only place.
    void take_the_place(http_client& c, const std::string& text) {
        REQUIRE(submit(c, srv.auth(), make_pdf({text}), {{"webhook_url", slow.url()}}).status == 202);
        REQUIRE(slow.wait_for(1, 20s));
    }
};

} // namespace

TEST_CASE("a finished job's webhook arrives signed, with the result inline", "[e2e][webhook]") {
    webhook_receiver receiver;
    docket_server srv(loopback_webhooks());
    srv.start();
    auto c = srv.client();
    auto r = submit(c, srv.auth(), make_pdf({"Signed and delivered"}),
                    {{"webhook_url", receiver.url()}, {"metadata", R"({"order":"A-7"})"}});
    REQUIRE(r.status == 202);
    const auto accepted = parse_json(r.body);
    const auto secret = json_str(accepted, "webhook_secret");
    CHECK(secret.rfind("whsec_", 0) == 0);
    REQUIRE(receiver.wait_for(1, 20s));
    const auto got = receiver.requests().at(0);
    CHECK(got.method == "POST");
    CHECK(got.target == "/hook");
    verify_signature(got, {secret});
    CHECK(got.header("content-type") == "application/json");
    CHECK(got.header("user-agent")->rfind("docket/", 0) == 0);
    auto body = parse_json(got.body);
    CHECK(json_str(body, "type") == "document.completed");
    CHECK(json_str(body.at("data"), "id") == json_str(accepted, "id"));
    CHECK(json_str(body.at("data").at("metadata"), "order") == "A-7");
    CHECK(json_str(body.at("data").at("result"), "text").find("Signed and delivered") != std::string::npos);
    auto d = wait_for_delivery(c, srv, json_str(accepted, "id"), "delivered");
    CHECK(json_str(d, "id") == *got.header("webhook-id"));
    REQUIRE(d.at("attempt_log").as_array().size() == 1);
    CHECK(d.at("attempt_log").at(0).at("status").as_int64() == 204);
}

TEST_CASE("a receiver failing twice gets three attempts under one webhook-id, all logged", "[e2e][webhook]") {
    webhook_receiver receiver([](const received_request&, std::size_t i) {
        return scripted_reply{i < 2 ? 500 : 200, {}, i < 2 ? "try later" : "ok"};
    });
    docket_server srv(loopback_webhooks());
    srv.start();
    auto c = srv.client();
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf({"flaky receiver"}), {{"webhook_url", receiver.url()}}).body), "id");
    auto d = wait_for_delivery(c, srv, id, "delivered");
    const auto reqs = receiver.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(*reqs[0].header("webhook-id") == *reqs[1].header("webhook-id"));
    CHECK(*reqs[1].header("webhook-id") == *reqs[2].header("webhook-id"));
    CHECK(reqs[0].body == reqs[2].body);
    const auto& log = d.at("attempt_log").as_array();
    REQUIRE(log.size() == 3);
    CHECK(log.at(0).at("status").as_int64() == 500);
    CHECK(json_str(log.at(0), "response_body") == "try later");
    CHECK(log.at(1).at("status").as_int64() == 500);
    CHECK(log.at(2).at("status").as_int64() == 200);
    CHECK(d.at("attempts").as_int64() == 3);
}

TEST_CASE("a 302 is a failed attempt and the redirect is not followed", "[e2e][webhook]") {
    webhook_receiver receiver([](const received_request&, std::size_t) {
        return scripted_reply{302, {{"Location", "/elsewhere"}}, ""};
    });
    docket_server srv(loopback_webhooks("0s,100ms"));
    srv.start();
    auto c = srv.client();
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf({"redirected"}), {{"webhook_url", receiver.url()}}).body), "id");
    auto d = wait_for_delivery(c, srv, id, "dead");
    CHECK(d.at("attempt_log").as_array().size() == 2);
    CHECK(d.at("attempt_log").at(0).at("status").as_int64() == 302);
    for (const auto& r : receiver.requests()) CHECK(r.target == "/hook");
}

TEST_CASE("a pending delivery written by an older store is still sent, and a lost payload dead-letters", "[e2e][webhook][lifecycle]") {
    for (const bool inline_payload : {true, false}) {
        DYNAMIC_SECTION((inline_payload ? "payload inside the record" : "payload missing")) {
            pending_retry p("2s", "from an older store");
            auto& [receiver, srv, id, first] = p;
            REQUIRE(srv.stop() == 0);
            const auto payload = rewrite_delivery(srv.dir() / "data", inline_payload);
            CHECK_THAT(payload, Catch::Contains(R"("type":"document.completed")"));
            srv.start();
            auto c2 = srv.client();
            if (inline_payload) {
                REQUIRE(receiver.wait_for(2, 20s));
                const auto reqs = receiver.requests();
                CHECK(reqs[1].body == payload);
                CHECK(reqs[1].body == reqs[0].body);
                CHECK(*reqs[1].header("webhook-id") == *reqs[0].header("webhook-id"));
                CHECK(wait_for_delivery(c2, srv, id, "delivered").at("attempts").as_int64() == 2);
                // Its payload moved apart on that rewrite: a redelivery still has it.
                REQUIRE(c2.request("POST", "/v1/jobs/" + id + "/redeliver", srv.auth()).status == 202);
                REQUIRE(receiver.wait_for(3, 20s));
                CHECK(receiver.requests()[2].body == payload);
            } else {
                auto d = wait_for_delivery(c2, srv, id, "dead");
                CHECK_THAT(json_str(d, "last_error"), Catch::Contains("payload is missing"));
                std::this_thread::sleep_for(300ms);
                CHECK(receiver.requests().size() == 1); // nothing sent without a body
            }
        }
    }
}

TEST_CASE("a pending delivery whose job is gone is neither sent nor kept", "[e2e][webhook][lifecycle]") {
    // What a deletion racing the hand-over of a job's deliveries to the dispatcher can leave: the
    // job gone, a delivery of it still pending. Made here by deleting only the job's record.
    for (const bool to_endpoint : {false, true}) {
        DYNAMIC_SECTION((to_endpoint ? "to a registered endpoint" : "to the job's webhook_url")) {
            webhook_receiver receiver{[](const received_request&, std::size_t i) { return scripted_reply{i == 0 ? 503 : 204, {}, ""}; }};
            docket_server srv(loopback_webhooks("0s,1s"));
            srv.start();
            auto c = srv.client();
            std::vector<std::pair<std::string, std::string>> fields;
            if (to_endpoint) {
                auto headers = srv.auth();
                headers.emplace_back("Content-Type", "application/json");
                REQUIRE(c.request("POST", "/v1/webhooks", headers, R"({"url":")" + receiver.url() + R"("})").status == 201);
            } else {
                fields = {{"webhook_url", receiver.url()}};
            }
            const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf({"orphaned"}), fields).body), "id");
            REQUIRE(receiver.wait_for(1, 20s));
            wait_for_delivery(c, srv, id, "pending", 1); // its retry is due 1 s after the failure
            REQUIRE(srv.stop() == 0);
            {
                raw_store st(srv.dir() / "data");
                REQUIRE(st.db->Delete(st.sync, st.cf("jobs"), id).ok());
                REQUIRE(st.count("deliveries") == 1);
            }
            srv.start();
            const auto deadline = std::chrono::steady_clock::now() + 20s;
            while (srv.log().find("is gone") == std::string::npos && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(20ms);
            CHECK_THAT(srv.log(), Catch::Contains("its job " + id + " is gone"));
            REQUIRE(srv.stop() == 0);
            CHECK(receiver.requests().size() == 1); // only the failed first attempt
            raw_store st(srv.dir() / "data");
            CHECK(st.count("deliveries") == 0);
            CHECK(st.count("delivery_payloads") == 0);
            CHECK(st.count("delivery_due") == 0);
        }
    }
}

TEST_CASE("kill -9 with a retry pending: after restart the delivery still arrives", "[e2e][webhook][lifecycle]") {
    // The failed first attempt is recorded and the second one is due in about 3 s.
    pending_retry p("3s", "survives a crash");
    auto& [receiver, srv, id, pending] = p;
    REQUIRE(pending.at("attempts").as_int64() == 1);
    srv.kill9();
    srv.start();
    REQUIRE(receiver.wait_for(2, 20s));
    auto c2 = srv.client();
    auto d = wait_for_delivery(c2, srv, id, "delivered");
    CHECK(d.at("attempts").as_int64() == 2);
    const auto reqs = receiver.requests();
    CHECK(*reqs[0].header("webhook-id") == *reqs[1].header("webhook-id"));
}

TEST_CASE("redeliver resends the event under its original webhook-id", "[e2e][webhook]") {
    webhook_receiver receiver;
    docket_server srv(loopback_webhooks());
    srv.start();
    auto c = srv.client();
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf({"again please"}), {{"webhook_url", receiver.url()}}).body), "id");
    wait_for_delivery(c, srv, id, "delivered");
    auto r = c.request("POST", "/v1/jobs/" + id + "/redeliver", srv.auth());
    REQUIRE(r.status == 202);
    CHECK(parse_json(r.body).at("redelivered").as_int64() == 1);
    REQUIRE(receiver.wait_for(2, 20s));
    const auto reqs = receiver.requests();
    CHECK(*reqs[0].header("webhook-id") == *reqs[1].header("webhook-id"));
    CHECK(reqs[0].body == reqs[1].body);
    CHECK(*reqs[0].header("webhook-signature") != "");
}

TEST_CASE("registered endpoints: secret shown once, event filter, custom headers, rotation, 410 disables", "[e2e][webhook]") {
    webhook_receiver all_events;
    webhook_receiver failures_only;
    webhook_receiver gone([](const received_request&, std::size_t) { return scripted_reply{410, {}, ""}; });
    docket_server srv(loopback_webhooks());
    srv.start();
    auto c = srv.client();
    auto json_headers = srv.auth();
    json_headers.emplace_back("Content-Type", "application/json");
    auto create = [&](const std::string& body) {
        auto r = c.request("POST", "/v1/webhooks", json_headers, body);
        REQUIRE(r.status == 201);
        return parse_json(r.body);
    };
    auto ep_all = create(R"({"url":")" + all_events.url() + R"(","headers":{"X-Team":"ledger"}})");
    auto ep_failed = create(R"({"url":")" + failures_only.url() + R"(","events":["document.failed"]})");
    auto ep_gone = create(R"({"url":")" + gone.url() + R"("})");
    const auto secret = json_str(ep_all, "secret");
    CHECK(c.request("GET", "/v1/webhooks/" + json_str(ep_all, "id"), srv.auth()).body.find("whsec_") == std::string::npos);
    CHECK(c.request("POST", "/v1/webhooks", json_headers, R"({"url":")" + all_events.url() + R"(","headers":{"webhook-id":"x"}})").status == 400);
    CHECK(c.request("POST", "/v1/webhooks", json_headers, R"({"url":")" + all_events.url() + R"(","events":["nope"]})").status == 400);
    // A value that would end its header line (and inject headers into the receiver's request).
    auto injected = c.request("POST", "/v1/webhooks", json_headers,
                              R"({"url":")" + all_events.url() + R"(","headers":{"X-Team":"a\r\nX-Injected: 1"}})");
    CHECK(injected.status == 400);
    CHECK(json_str(parse_json(injected.body).at("error"), "code") == "INVALID_FIELD");

    const auto job1 = json_str(parse_json(submit(c, srv.auth(), make_pdf({"to endpoints"})).body), "id");
    REQUIRE(all_events.wait_for(1, 20s));
    auto first = all_events.requests().at(0);
    verify_signature(first, {secret});
    CHECK(first.header("x-team") == "ledger");
    CHECK(first.header("content-length") == std::to_string(first.body.size()));
    CHECK(first.header("host") == all_events.url().substr(7, all_events.url().find('/', 7) - 7));
    REQUIRE(gone.wait_for(1, 20s));
    const auto gone_id = json_str(ep_gone, "id");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (parse_json(c.request("GET", "/v1/webhooks/" + gone_id, srv.auth()).body).at("enabled").as_bool() &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    auto gone_view = parse_json(c.request("GET", "/v1/webhooks/" + gone_id, srv.auth()).body);
    CHECK_FALSE(gone_view.at("enabled").as_bool());
    CHECK(json_str(gone_view, "disabled_reason").find("410") != std::string::npos);

    auto rotated = c.request("POST", "/v1/webhooks/" + json_str(ep_all, "id") + "/rotate-secret", srv.auth());
    REQUIRE(rotated.status == 200);
    const auto fresh = json_str(parse_json(rotated.body), "secret");
    CHECK(fresh != secret);
    submit(c, srv.auth(), make_pdf({"after rotation"}));
    REQUIRE(all_events.wait_for(2, 20s));
    auto second = all_events.requests().at(1);
    verify_signature(second, {fresh, secret}); // both secrets sign during the grace period
    CHECK(second.header("webhook-signature")->find(' ') != std::string::npos);

    CHECK(failures_only.requests().empty()); // it only wants document.failed
    submit(c, srv.auth(), "%PDF-1.5\n" + std::string(3000, '\x03'));
    REQUIRE(failures_only.wait_for(1, 20s));
    CHECK(json_str(parse_json(failures_only.requests().at(0).body), "type") == "document.failed");
    CHECK(gone.requests().size() == 1); // disabled: nothing more
    (void)job1;

    auto list = parse_json(c.request("GET", "/v1/webhooks", srv.auth()).body);
    CHECK(list.at("data").as_array().size() == 3);
    CHECK(c.request("DELETE", "/v1/webhooks/" + json_str(ep_failed, "id"), srv.auth()).status == 204);
    CHECK(c.request("GET", "/v1/webhooks/" + json_str(ep_failed, "id"), srv.auth()).status == 404);
}

TEST_CASE("an endpoint stored with a header that breaks its line is delivered without that header", "[e2e][webhook][lifecycle]") {
    // The API refuses such a value now; an endpoint stored before that rule may still hold one.
    webhook_receiver receiver;
    docket_server srv(loopback_webhooks());
    srv.start();
    std::string ep_id;
    {
        auto c = srv.client();
        auto json_headers = srv.auth();
        json_headers.emplace_back("Content-Type", "application/json");
        auto r = c.request("POST", "/v1/webhooks", json_headers,
                           R"({"url":")" + receiver.url() + R"(","headers":{"X-Team":"ledger","X-Bad":"fine for now"}})");
        REQUIRE(r.status == 201);
        ep_id = json_str(parse_json(r.body), "id");
    }
    REQUIRE(srv.stop() == 0);
    {
        raw_store st(srv.dir() / "data");
        std::string record;
        REQUIRE(st.db->Get(rocksdb::ReadOptions(), st.cf("endpoints"), ep_id, &record).ok());
        auto ep = boost::json::parse(record).as_object();
        ep["headers"].as_object()["X-Bad"] = "v\r\nX-Injected: 1";
        REQUIRE(st.db->Put(st.sync, st.cf("endpoints"), ep_id, boost::json::serialize(ep)).ok());
    }
    srv.start();
    auto c = srv.client();
    REQUIRE(submit(c, srv.auth(), make_pdf({"legacy endpoint"})).status == 202);
    REQUIRE(receiver.wait_for(1, 20s));
    const auto got = receiver.requests().at(0);
    CHECK(got.header("x-team") == "ledger");
    CHECK_FALSE(got.header("x-bad"));
    CHECK_FALSE(got.header("x-injected"));
}

TEST_CASE("replay resends an endpoint's deliveries since a time", "[e2e][webhook]") {
    webhook_receiver receiver;
    docket_server srv(loopback_webhooks());
    srv.start();
    auto c = srv.client();
    auto json_headers = srv.auth();
    json_headers.emplace_back("Content-Type", "application/json");
    auto ep = parse_json(c.request("POST", "/v1/webhooks", json_headers, R"({"url":")" + receiver.url() + R"("})").body);
    const auto jobs = submit_many(c, srv.auth(), make_pdf({"replay me"}), 2);
    REQUIRE(receiver.wait_for(2, 20s));
    for (const auto& id : jobs) wait_for_delivery(c, srv, id, "delivered"); // replay skips pending ones
    auto r = c.request("POST", "/v1/webhooks/" + json_str(ep, "id") + "/replay?since=0", srv.auth());
    REQUIRE(r.status == 202);
    CHECK(parse_json(r.body).at("replayed").as_int64() == 2);
    REQUIRE(receiver.wait_for(4, 20s));
    // Each replayed request is its original again: same webhook-id, same body, validly signed.
    std::map<std::string, std::vector<std::string>> bodies;
    for (const auto& q : receiver.requests()) {
        verify_signature(q, {json_str(ep, "secret")});
        bodies[*q.header("webhook-id")].push_back(q.body);
    }
    REQUIRE(bodies.size() == 2);
    for (const auto& [id, sent] : bodies) {
        REQUIRE(sent.size() == 2);
        CHECK(sent[0] == sent[1]);
    }
}

TEST_CASE("a host name that resolves to a refused address fails the attempt with a clear error", "[e2e][webhook][ssrf]") {
    webhook_receiver receiver;
    // http allowed but no allow-list: localhost resolves to loopback, which the guard refuses.
    docket_server srv({"--webhook-allow-http", "true", "--webhook-retry-schedule", "0s"});
    srv.start();
    auto c = srv.client();
    const auto url = "http://localhost:" + std::to_string(receiver.port()) + "/hook";
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf({"ssrf"}), {{"webhook_url", url}}).body), "id");
    auto d = wait_for_delivery(c, srv, id, "dead");
    CHECK(json_str(d, "last_error").find("SSRF") != std::string::npos);
    CHECK(receiver.requests().empty());
    // A literal loopback address is refused at submission already.
    auto literal = submit(c, srv.auth(), make_pdf({"ssrf"}), {{"webhook_url", receiver.url()}});
    CHECK(literal.status == 400);
    CHECK(literal.body.find("not a public address") != std::string::npos);
    // Plain http is refused unless enabled.
    docket_server strict;
    strict.start();
    auto sc = strict.client();
    CHECK(submit(sc, strict.auth(), make_pdf({"x"}), {{"webhook_url", "http://example.test/hook"}}).status == 400);
}

// Runs only inside the network namespace made by the next test: docket sees non-loopback
// webhook URLs there, and nothing can leave the namespace even if the guard had a bug.
TEST_CASE("inside a private netns: non-public literal webhook addresses are refused at the door", "[.netns]") {
    docket_server srv({"--webhook-allow-http", "true", "--webhook-retry-schedule", "0s"});
    srv.start();
    auto c = srv.client();
    const auto pdf = make_pdf({"ssrf"});
    for (const char* url : {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook", "http://100.64.0.1/",
                            "http://[::ffff:10.0.0.1]/", "http://[fd00::1]/", "http://[64:ff9b::a9fe:a9fe]/",
                            "http://0.0.0.0:8080/", "https://192.168.1.1/"}) {
        INFO(url);
        auto r = submit(c, srv.auth(), pdf, {{"webhook_url", url}});
        CHECK(r.status == 400);
        CHECK(r.body.find("not a public address") != std::string::npos);
        auto json_headers = srv.auth();
        json_headers.emplace_back("Content-Type", "application/json");
        CHECK(c.request("POST", "/v1/webhooks", json_headers, std::string(R"({"url":")") + url + R"("})").status == 400);
    }
    // An allow-listed private address is accepted, and the attempt fails without a route out.
    docket_server open({"--webhook-allow-http", "true", "--webhook-allow-cidrs", "10.0.0.0/8", "--webhook-retry-schedule", "0s",
                        "--webhook-timeout", "2s"});
    open.start();
    auto oc = open.client();
    auto r = submit(oc, open.auth(), pdf, {{"webhook_url", "http://10.0.0.1/hook"}});
    REQUIRE(r.status == 202);
    const auto id = json_str(parse_json(r.body), "id");
    auto d = wait_for_delivery(oc, open, id, "dead");
    CHECK(d.at("attempt_log").at(0).at("status").is_null());
}

TEST_CASE("SSRF cases with non-loopback addresses run in a fresh network namespace", "[e2e][webhook][ssrf]") {
    const auto self = std::filesystem::read_symlink("/proc/self/exe").string();
    auto r = run({"/usr/bin/unshare", "-n", "/bin/sh", "-c",
                  "PATH=/usr/sbin:/sbin:$PATH; ip link set lo up && exec '" + self + "' --durations no '[.netns]'"},
                 {}, std::chrono::seconds(120));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("All tests passed") != std::string::npos);
}

TEST_CASE("https webhooks verify the certificate chain and the host name", "[e2e][webhook][tls]") {
    temp_dir certs;
    const auto cert = (certs.path() / "cert.pem").string(), key = (certs.path() / "key.pem").string();
    auto made = run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                     "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    child receiver({"/usr/bin/python3", std::string(DOCKET_SOURCE_DIR) + "/tests/support/tls_receiver.py", cert, key},
                   certs.path() / "receiver.log");
    auto port_line = receiver.wait_for_line("port", 20s);
    REQUIRE(port_line);
    const auto port = port_line->substr(5);

    // Trusting the test CA: delivered over TLS.
    docket_server srv({"--webhook-allow-cidrs", "127.0.0.0/8", "--webhook-ca-file", cert, "--webhook-retry-schedule", "0s"});
    srv.start();
    auto c = srv.client();
    auto ok = submit(c, srv.auth(), make_pdf({"over tls"}), {{"webhook_url", "https://localhost:" + port + "/secure"}});
    REQUIRE(ok.status == 202);
    wait_for_delivery(c, srv, json_str(parse_json(ok.body), "id"), "delivered");
    CHECK(receiver.wait_for_line("POST /secure", 10s));

    // The certificate names localhost, not 127.0.0.1: host-name verification fails the attempt.
    auto wrong_name = submit(c, srv.auth(), make_pdf({"wrong name"}), {{"webhook_url", "https://127.0.0.1:" + port + "/x"}});
    REQUIRE(wrong_name.status == 202);
    auto d = wait_for_delivery(c, srv, json_str(parse_json(wrong_name.body), "id"), "dead");
    CHECK(json_str(d, "last_error").find("TLS") != std::string::npos);

    // Without the test CA the chain is not trusted.
    docket_server untrusting({"--webhook-allow-cidrs", "127.0.0.0/8", "--webhook-retry-schedule", "0s"});
    untrusting.start();
    auto uc = untrusting.client();
    auto r = submit(uc, untrusting.auth(), make_pdf({"untrusted"}), {{"webhook_url", "https://localhost:" + port + "/y"}});
    auto ud = wait_for_delivery(uc, untrusting, json_str(parse_json(r.body), "id"), "dead");
    CHECK(json_str(ud, "last_error").find("TLS") != std::string::npos);
}

TEST_CASE("the in-flight bound holds a due delivery back, and the dispatcher sleeps while it waits", "[e2e][webhook]") {
    webhook_receiver fast;
    one_place_in_flight f;
    auto& srv = f.srv;
    auto c = srv.client();
    f.take_the_place(c, "held by a slow receiver");
    auto r = submit(c, srv.auth(), make_pdf({"due, waiting for a place"}), {{"webhook_url", fast.url()}});
    REQUIRE(r.status == 202);
    wait_for_status(c, srv.auth(), json_str(parse_json(r.body), "id"), {"succeeded"});

    // Its delivery is due now. While it waits, the server uses (next to) no CPU: a scheduler
    // that re-checked its due list in a loop would burn a core here.
    const double cpu_before = cpu_seconds(srv.process().pid());
    std::this_thread::sleep_for(1500ms);
    const double cpu_used = cpu_seconds(srv.process().pid()) - cpu_before;
    CHECK(cpu_used < 0.5);
    CHECK(fast.requests().empty());

    f.release = true;
    REQUIRE(fast.wait_for(1, 20s)); // the place came free: the held delivery goes out
}

TEST_CASE("a job deleted while its first delivery waits for a place is never sent", "[e2e][webhook]") {
    // The dispatcher holds a new delivery's record and payload in memory until its first attempt;
    // deleting the job must reach that copy too, not only the store. (An endpoint's delivery: one
    // to the job's own webhook_url also looks the job up for its secret.)
    webhook_receiver endpoint;
    one_place_in_flight f;
    auto& srv = f.srv;
    auto c = srv.client();
    auto json_headers = srv.auth();
    json_headers.emplace_back("Content-Type", "application/json");
    REQUIRE(c.request("POST", "/v1/webhooks", json_headers, R"({"url":")" + endpoint.url() + R"("})").status == 201);
    f.take_the_place(c, "holds the only place");
    const auto deleted = json_str(parse_json(submit(c, srv.auth(), make_pdf({"deleted while waiting"})).body), "id");
    const auto kept = json_str(parse_json(submit(c, srv.auth(), make_pdf({"kept while waiting"})).body), "id");
    wait_for_status(c, srv.auth(), deleted, {"succeeded"});
    wait_for_status(c, srv.auth(), kept, {"succeeded"});
    CHECK(json_str(wait_for_delivery(c, srv, deleted, "pending"), "status") == "pending");
    REQUIRE(c.request("DELETE", "/v1/jobs/" + deleted, srv.auth()).status == 204);

    f.release = true;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    auto has = [&](const std::string& id) {
        for (const auto& r : endpoint.requests())
            if (r.body.find(id) != std::string::npos) return true;
        return false;
    };
    while (!has(kept) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    REQUIRE(has(kept));
    std::this_thread::sleep_for(1s); // time enough for a wrongly kept copy to go out after it
    CHECK_FALSE(has(deleted));
}
