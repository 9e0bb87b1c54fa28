#include "../support/fixtures.hpp"
#include "../support/server.hpp"

#include <docket/core/encoding.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

TEST_CASE("a PDF sent as multipart and as base64 JSON is extracted, readable as JSON and CSV", "[e2e][api]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    const auto pdf = make_pdf({"Quarterly report for ACME", "Second page with totals 991.20"});

    auto r1 = submit(c, srv.auth(), pdf, {{"metadata", R"({"ref":"A-1"})"}, {"priority", "high"}});
    REQUIRE(r1.status == 202);
    auto accepted = parse_json(r1.body);
    CHECK(json_str(accepted, "status") == "queued");
    CHECK(accepted.at("queue_position").as_int64() >= 1);
    CHECK(r1.header("location") == "/v1/jobs/" + json_str(accepted, "id"));

    auto headers = srv.auth();
    headers.emplace_back("Content-Type", "application/json");
    auto r2 = c.request("POST", "/v1/jobs", headers,
                        R"({"file":")" + base64_encode(pdf) + R"(","filename":"report.pdf","document_type":"invoice"})");
    REQUIRE(r2.status == 202);

    for (const auto& [r, filename] : {std::pair{r1, std::string("doc.pdf")}, std::pair{r2, std::string("report.pdf")}}) {
        const auto id = json_str(parse_json(r.body), "id");
        auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"});
        REQUIRE(json_str(job, "status") == "succeeded");
        CHECK(job.at("attempts").as_int64() == 1);
        CHECK(json_str(job.at("document"), "filename") == filename);
        CHECK(json_str(job.at("document"), "media_type") == "application/pdf");
        CHECK(job.at("document").at("pages").as_int64() == 2);
        CHECK(job.at("document").at("size").as_int64() == static_cast<std::int64_t>(pdf.size()));
        auto result = c.request("GET", "/v1/jobs/" + id + "/result", srv.auth());
        REQUIRE(result.status == 200);
        auto body = parse_json(result.body);
        CHECK(body.at("page_count").as_int64() == 2);
        CHECK(json_str(body.at("pages").at(0), "text").find("Quarterly report for ACME") != std::string::npos);
        auto csv = c.request("GET", "/v1/jobs/" + id + "/result?format=csv&view=pages", srv.auth());
        CHECK(csv.status == 200);
        CHECK(csv.header("content-type")->find("text/csv") == 0);
        CHECK(csv.body.find("2,\"Second page with totals 991.20") != std::string::npos);
        // Without view=pages, the typed rows: key,value pairs for generic, line items for an invoice.
        auto typed = c.request("GET", "/v1/jobs/" + id + "/result?format=csv", srv.auth());
        CHECK(typed.body.rfind(filename == "doc.pdf" ? "key,value\r\n" : "merchant,", 0) == 0);
    }
    auto job1 = parse_json(c.request("GET", "/v1/jobs/" + json_str(accepted, "id"), srv.auth()).body);
    CHECK(job1.at("metadata").at("ref").as_string() == "A-1");
    CHECK(json_str(job1, "priority") == "high");
}

TEST_CASE("keys: none or a wrong one is 401, another tenant's job is 404, a revoked key is 401", "[e2e][api]") {
    docket_server srv;
    const auto other = srv.create_key("other");
    const auto doomed = srv.create_key("acme");
    auto keys = srv.command({"keys", "list"});
    const auto doomed_id = "key_" + hex_encode(sha256(doomed)).substr(0, 12);
    CHECK(keys.out.find(doomed_id) != std::string::npos);
    REQUIRE(srv.command({"keys", "revoke", doomed_id}).exit_code == 0);
    CHECK(srv.command({"keys", "list"}).out.find("revoked") != std::string::npos);
    srv.start();
    auto c = srv.client();
    auto none = c.request("GET", "/v1/jobs");
    CHECK(none.status == 401);
    CHECK(error_code(none) == "UNAUTHORIZED");
    CHECK(c.request("GET", "/v1/jobs", {{"Authorization", "Bearer dk_wrong"}}).status == 401);
    CHECK(c.request("GET", "/v1/jobs", srv.auth(doomed)).status == 401);
    CHECK(c.request("GET", "/v1/jobs", {{"X-API-Key", srv.key()}}).status == 200);

    auto r = submit(c, srv.auth(), make_pdf({"tenant acme only"}));
    REQUIRE(r.status == 202);
    const auto id = json_str(parse_json(r.body), "id");
    CHECK(c.request("GET", "/v1/jobs/" + id, srv.auth()).status == 200);
    auto foreign = c.request("GET", "/v1/jobs/" + id, srv.auth(other));
    CHECK(foreign.status == 404);
    CHECK(error_code(foreign) == "NOT_FOUND");
    CHECK(c.request("GET", "/v1/jobs/" + id + "/result", srv.auth(other)).status == 404);
    CHECK(c.request("DELETE", "/v1/jobs/" + id, srv.auth(other)).status == 404);
    CHECK(parse_json(c.request("GET", "/v1/jobs", srv.auth(other)).body).at("data").as_array().empty());
}

TEST_CASE("oversized uploads get 413 before the body is read, chunked ones while streaming", "[e2e][api]") {
    docket_server srv({"--max-upload", "1MiB"});
    srv.start();
    auto c = srv.client();
    auto headers = srv.auth();
    headers.emplace_back("Content-Type", "multipart/form-data; boundary=b");
    // Declares 100 MiB but sends nothing: the answer must come from the headers alone.
    auto early = c.raw("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + srv.key() +
                       "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 104857600\r\n\r\n");
    CHECK(early.status == 413);
    CHECK(error_code(early) == "PAYLOAD_TOO_LARGE");

    auto c2 = srv.client();
    std::string chunked = "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + srv.key() +
                          "\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(64 << 10, 'x');
    for (int i = 0; i < 40; ++i) chunked += "10000\r\n" + chunk + "\r\n"; // 2.5 MiB in 64 KiB chunks
    chunked += "0\r\n\r\n";
    auto streamed = c2.raw(chunked);
    CHECK(streamed.status == 413);

    // Under the HTTP limit but over the document limit once decoded: still 413.
    auto c3 = srv.client();
    auto big = submit(c3, srv.auth(), "%PDF-1.4\n" + std::string((1 << 20) + 10, 'a'));
    CHECK(big.status == 413);
    CHECK(c3.request("GET", "/healthz").status == 200); // and the service is fine
}

namespace {

// One TCP connection with a receive deadline, for exchanges the test client hides (interim replies).
struct raw_socket {
    int fd = -1;
    explicit raw_socket(unsigned short port) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    }
    ~raw_socket() { ::close(fd); }
    void send_all(const std::string& s) {
        for (std::size_t at = 0; at < s.size();) {
            const auto n = ::send(fd, s.data() + at, s.size() - at, MSG_NOSIGNAL);
            REQUIRE(n > 0);
            at += static_cast<std::size_t>(n);
        }
    }
    // Everything that arrives until `until` is in it, or the deadline passes (then what came).
    std::string read_until(const std::string& until) {
        std::string got;
        char buf[4096];
        while (got.find(until) == std::string::npos) {
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            got.append(buf, static_cast<std::size_t>(n));
        }
        return got;
    }
};

} // namespace

TEST_CASE("Expect: 100-continue gets an interim 100 before the body is sent, from HTTP/1.1 only", "[e2e][api]") {
    docket_server srv;
    srv.start();
    const auto [type, body] = multipart({}, "a.pdf", make_pdf({"continue"}), "application/pdf");
    const auto head = [&](const char* version) {
        return std::string("POST /v1/jobs ") + version + "\r\nHost: x\r\nAuthorization: Bearer " + srv.key() +
               "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\nExpect: 100-continue\r\n\r\n";
    };
    {
        raw_socket s(srv.port());
        s.send_all(head("HTTP/1.1"));
        // The body has not been sent: the only thing that can arrive is the interim reply.
        CHECK(s.read_until("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
        s.send_all(body);
        const auto reply = s.read_until("}");
        CHECK(reply.rfind("HTTP/1.1 202 Accepted\r\n", 0) == 0);
        CHECK(reply.find("\"status\":\"queued\"") != std::string::npos);
    }
    {
        // RFC 9110: no 1xx to an HTTP/1.0 client; it sends its body after a wait of its own.
        raw_socket s(srv.port());
        s.send_all(head("HTTP/1.0") + body);
        const auto reply = s.read_until("}");
        CHECK(reply.rfind("HTTP/1.0 202 Accepted\r\n", 0) == 0);
        CHECK(reply.find("100 Continue") == std::string::npos);
    }
}

TEST_CASE("malformed framing and a missing Host get 400 BAD_REQUEST in the JSON shape, then the connection closes", "[e2e][api]") {
    docket_server srv;
    srv.start();
    const std::string auth = "Authorization: Bearer " + srv.key() + "\r\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Content-Length and Transfer-Encoding",
         "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n" + auth +
             "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        {"two different lengths", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
        {"a negative length", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: -5\r\n\r\n"},
        {"a broken chunk", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n" + auth +
                               "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"},
        {"no Host", "GET /v1/jobs HTTP/1.1\r\n" + auth + "\r\n"},
        {"two Hosts", "GET /v1/jobs HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + auth + "\r\n"},
    };
    for (const auto& [what, request] : cases) {
        INFO(what);
        raw_socket s(srv.port());
        s.send_all(request);
        const auto reply = s.read_until("\r\n\r\n\x01"); // everything, until the server closes
        REQUIRE(reply.rfind("HTTP/1.1 400 ", 0) == 0);
        CHECK(reply.find("Connection: close\r\n") != std::string::npos);
        const auto body = reply.substr(reply.find("\r\n\r\n") + 4);
        CHECK(json_str(parse_json(body).at("error"), "code") == "BAD_REQUEST");
    }
    // HTTP/1.0 needs no Host, and the service still answers.
    raw_socket s(srv.port());
    s.send_all("GET /healthz HTTP/1.0\r\n\r\n");
    CHECK(s.read_until("\r\n\r\n").rfind("HTTP/1.0 200 ", 0) == 0);
}

TEST_CASE("the read timeout covers the request headers: a client trickling them is cut off", "[e2e][api]") {
    docket_server srv({"--read-timeout", "2s", "--idle-timeout", "60s"});
    srv.start();
    raw_socket s(srv.port());
    const auto start = std::chrono::steady_clock::now();
    s.send_all("GET /v1/jobs HTTP/1.1\r\nHost: x\r\n");
    // One header byte every 200 ms keeps the connection busy but never ends the headers.
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i) {
        std::this_thread::sleep_for(200ms);
        closed = ::send(s.fd, "X", 1, MSG_NOSIGNAL) < 0;
        char b;
        if (!closed) closed = ::recv(s.fd, &b, 1, MSG_DONTWAIT) == 0;
    }
    const auto held = std::chrono::steady_clock::now() - start;
    CHECK(closed);
    CHECK(held < 15s); // the read timeout, not the 60 s idle timeout
    // A client that waits between requests is still given the idle timeout.
    raw_socket k(srv.port());
    k.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(k.read_until("}").rfind("HTTP/1.1 200 ", 0) == 0);
    std::this_thread::sleep_for(3s);
    k.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(k.read_until("}").rfind("HTTP/1.1 200 ", 0) == 0);
}

TEST_CASE("unsupported types get 415 by magic bytes; malformed input gets 400 with a code", "[e2e][api]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    auto text_type = srv.auth();
    text_type.emplace_back("Content-Type", "text/plain");
    auto wrong_ct = c.request("POST", "/v1/jobs", text_type, "hello");
    CHECK(wrong_ct.status == 415);
    CHECK(error_code(wrong_ct) == "UNSUPPORTED_MEDIA_TYPE");
    // Named .pdf, declared application/pdf, but an ELF binary.
    auto elf = submit(c, srv.auth(), std::string("\x7F" "ELF\x02\x01\x01\0\0\0\0\0", 12));
    CHECK(elf.status == 415);

    auto json_ct = srv.auth();
    json_ct.emplace_back("Content-Type", "application/json");
    auto bad_json = c.request("POST", "/v1/jobs", json_ct, "{not json");
    CHECK(bad_json.status == 400);
    CHECK(error_code(bad_json) == "INVALID_JSON");
    auto bad_field = submit(c, srv.auth(), make_pdf({"x"}), {{"priority", "asap"}});
    CHECK(bad_field.status == 400);
    CHECK(error_code(bad_field) == "INVALID_FIELD");
    auto mp = srv.auth();
    mp.emplace_back("Content-Type", "multipart/form-data; boundary=zz");
    auto truncated = c.request("POST", "/v1/jobs", mp, "--zz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF-1.4 cut");
    CHECK(truncated.status == 400);
    CHECK(error_code(truncated) == "INVALID_MULTIPART");
    auto put = c.request("PUT", "/v1/jobs/job_x", srv.auth());
    CHECK(put.status == 405);
    CHECK(put.header("allow") == "GET, DELETE");
    CHECK(c.request("GET", "/v1/nothing", srv.auth()).status == 404);
    CHECK(c.request("GET", "/v1/jobs?limit=1000", srv.auth()).status == 400);
    CHECK(c.request("GET", "/v1/jobs?status=done", srv.auth()).status == 400);
    CHECK(c.request("GET", "/v1/jobs/job_doesnotexist", srv.auth()).status == 404);
}

TEST_CASE("a file name that is not UTF-8 is kept as UTF-8: the job is processed, shown and listed", "[e2e][api]") {
    // Before, the name went into the job record as sent: the record could not be read back, so
    // the job was never processed, GET answered 500, and so did every listing of the tenant.
    docket_server srv;
    srv.start();
    auto c = srv.client();
    auto [type, body] = multipart({}, "caf\xE9 \xFF.pdf", make_pdf({"latin-1 name"}), "application/pdf");
    auto headers = srv.auth();
    headers.emplace_back("Content-Type", type);
    auto r = c.request("POST", "/v1/jobs", headers, body);
    REQUIRE(r.status == 202);
    const auto id = json_str(parse_json(r.body), "id");
    auto done = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"});
    CHECK(json_str(done, "status") == "succeeded");
    CHECK(json_str(done.at("document"), "filename") == "caf\xEF\xBF\xBD \xEF\xBF\xBD.pdf");
    auto list = c.request("GET", "/v1/jobs", srv.auth());
    REQUIRE(list.status == 200);
    CHECK(parse_json(list.body).at("data").as_array().size() == 1);
}

TEST_CASE("Idempotency-Key replays the original job and refuses a different body", "[e2e][api]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    const auto pdf = make_pdf({"idempotent"});
    auto first = submit(c, srv.auth(), pdf, {}, {{"Idempotency-Key", "order-77"}});
    REQUIRE(first.status == 202);
    auto again = submit(c, srv.auth(), pdf, {}, {{"Idempotency-Key", "order-77"}});
    CHECK(again.status == 200);
    CHECK(again.header("idempotent-replayed") == "true");
    CHECK(json_str(parse_json(again.body), "id") == json_str(parse_json(first.body), "id"));
    auto changed = submit(c, srv.auth(), make_pdf({"something else"}), {}, {{"Idempotency-Key", "order-77"}});
    CHECK(changed.status == 409);
    CHECK(error_code(changed) == "IDEMPOTENCY_CONFLICT");
    // Keys are per tenant, and a new key creates a new job.
    auto fresh = submit(c, srv.auth(), pdf, {}, {{"Idempotency-Key", "order-78"}});
    CHECK(fresh.status == 202);
    CHECK(json_str(parse_json(fresh.body), "id") != json_str(parse_json(first.body), "id"));
}

TEST_CASE("a corrupt PDF fails its own job while the others succeed and the service keeps serving", "[e2e][api]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    const auto good = make_pdf({"healthy neighbour"});
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) ids.push_back(json_str(parse_json(submit(c, srv.auth(), good).body), "id"));
    auto bad = submit(c, srv.auth(), good.substr(0, good.size() / 4));
    REQUIRE(bad.status == 202);
    auto noise = submit(c, srv.auth(), "%PDF-1.5\n" + std::string(20000, '\x02'));
    REQUIRE(noise.status == 202);
    for (int i = 0; i < 3; ++i) ids.push_back(json_str(parse_json(submit(c, srv.auth(), good).body), "id"));
    for (const auto& id : ids) CHECK(json_str(wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}), "status") == "succeeded");
    auto failed = wait_for_status(c, srv.auth(), json_str(parse_json(noise.body), "id"), {"succeeded", "failed"});
    CHECK(json_str(failed, "status") == "failed");
    CHECK(json_str(failed.at("error"), "code") == "INVALID_DOCUMENT");
    CHECK(failed.at("attempts").as_int64() == 1);
    wait_for_status(c, srv.auth(), json_str(parse_json(bad.body), "id"), {"succeeded", "failed"});
    auto result = c.request("GET", "/v1/jobs/" + json_str(failed, "id") + "/result", srv.auth());
    CHECK(result.status == 404);
    auto ready = c.request("GET", "/readyz");
    CHECK(ready.status == 200);
    // RocksDB's memory is reported with readiness: the jobs above are in the memtables.
    auto store = parse_json(ready.body).at("store");
    CHECK(store.at("memtable_bytes").to_number<std::uint64_t>() > 0);
    CHECK(store.as_object().contains("block_cache_bytes"));
    // Every submission above was made durable by a WAL fsync (several may share one).
    CHECK(store.at("wal_syncs").to_number<std::uint64_t>() >= 1);
}

TEST_CASE("listing pages newest first and filters; DELETE cancels queued and removes finished jobs", "[e2e][api]") {
    docket_server srv({"--workers", "1"});
    srv.start();
    auto c = srv.client();
    // A slow first job (many pages) keeps the single worker busy so later jobs wait in the queue.
    std::vector<std::string> pages(400, "filler page with some words on it");
    const auto slow = make_pdf(pages);
    auto ids = submit_many(c, srv.auth(), slow, 4);
    const auto last = ids.back();
    auto canceled = c.request("DELETE", "/v1/jobs/" + last, srv.auth());
    REQUIRE(canceled.status == 200);
    CHECK(json_str(parse_json(canceled.body), "status") == "canceled");
    CHECK(c.request("DELETE", "/v1/jobs/" + last, srv.auth()).status == 204); // finished now: removed
    CHECK(c.request("GET", "/v1/jobs/" + last, srv.auth()).status == 404);
    ids.pop_back();

    auto page1 = parse_json(c.request("GET", "/v1/jobs?limit=2", srv.auth()).body);
    REQUIRE(page1.at("data").as_array().size() == 2);
    CHECK(json_str(page1.at("data").at(0), "id") == ids[2]);
    CHECK(json_str(page1.at("data").at(1), "id") == ids[1]);
    const auto cursor = json_str(page1, "next_cursor");
    auto page2 = parse_json(c.request("GET", "/v1/jobs?limit=2&cursor=" + cursor, srv.auth()).body);
    REQUIRE(page2.at("data").as_array().size() == 1);
    CHECK(json_str(page2.at("data").at(0), "id") == ids[0]);
    CHECK(page2.at("next_cursor").is_null());

    for (const auto& id : ids) wait_for_status(c, srv.auth(), id, {"succeeded"}, 120s);
    auto done = parse_json(c.request("GET", "/v1/jobs?status=succeeded", srv.auth()).body);
    CHECK(done.at("data").as_array().size() == 3);
    CHECK(parse_json(c.request("GET", "/v1/jobs?status=queued", srv.auth()).body).at("data").as_array().empty());
    CHECK(c.request("DELETE", "/v1/jobs/" + ids[0], srv.auth()).status == 204);
    CHECK(c.request("GET", "/v1/jobs/" + ids[0] + "/result", srv.auth()).status == 404);
}

TEST_CASE("a key over --rate-limit gets 429 RATE_LIMITED with Retry-After and RateLimit headers; other keys do not", "[e2e][api]") {
    docket_server srv({"--rate-limit", "2", "--rate-burst", "5"});
    const auto other = srv.create_key("globex");
    srv.start();
    auto c = srv.client();
    for (int i = 0; i < 5; ++i) {
        auto r = c.request("GET", "/v1/jobs", srv.auth());
        REQUIRE(r.status == 200);
        CHECK(r.header("ratelimit-policy") == "\"per-key\";q=5;w=3");
        CHECK(r.header("ratelimit")->rfind("\"per-key\";r=" + std::to_string(4 - i) + ";", 0) == 0);
    }
    auto over = c.request("GET", "/v1/jobs", srv.auth());
    CHECK(over.status == 429);
    CHECK(error_code(over) == "RATE_LIMITED");
    CHECK(over.header("retry-after") == "1");
    CHECK(over.header("ratelimit")->rfind("\"per-key\";r=0;", 0) == 0);
    // Submissions count the same; another tenant's key has its own bucket.
    CHECK(submit(c, srv.auth(), make_pdf({"x"})).status == 429);
    CHECK(c.request("GET", "/v1/jobs", srv.auth(other)).status == 200);
    // Requests come back at the key's rate.
    std::this_thread::sleep_for(1100ms);
    CHECK(c.request("GET", "/v1/jobs", srv.auth()).status == 200);
}

TEST_CASE("a full queue answers 503 with Retry-After", "[e2e][api]") {
    docket_server srv({"--max-queue-depth", "0", "--retry-after", "7s"});
    srv.start();
    auto c = srv.client();
    auto r = submit(c, srv.auth(), make_pdf({"no room"}));
    CHECK(r.status == 503);
    CHECK(r.header("retry-after") == "7");
    CHECK(error_code(r) == "QUEUE_FULL");
}

TEST_CASE("results past retention answer 410, then the job is gone from listings", "[e2e][api]") {
    docket_server srv({"--retention", "1s", "--sweep-interval", "200ms"});
    srv.start();
    auto c = srv.client();
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf({"short lived"})).body), "id");
    wait_for_status(c, srv.auth(), id, {"succeeded"});
    CHECK(c.request("GET", "/v1/jobs/" + id + "/result", srv.auth()).status == 200);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        status = c.request("GET", "/v1/jobs/" + id + "/result", srv.auth()).status;
        if (status != 200) break;
        std::this_thread::sleep_for(100ms);
    }
    CHECK(status == 410);
    CHECK(c.request("GET", "/v1/jobs/" + id, srv.auth()).status == 410);
    CHECK(parse_json(c.request("GET", "/v1/jobs", srv.auth()).body).at("data").as_array().empty());
}

TEST_CASE("with several I/O threads concurrent clients are all answered and SIGTERM still exits 0", "[e2e][api]") {
    // Connections then run on strands; with one I/O thread (the default) they do not.
    docket_server srv({"--io-threads", "3"});
    srv.start();
    const auto pdf = make_pdf({"served by one of three threads"});
    constexpr int clients = 6, each = 20;
    std::vector<std::vector<std::string>> ids(clients);
    std::vector<std::thread> ts;
    // No Catch2 macros in these threads (its message stack is not thread-safe): they only record.
    for (int t = 0; t < clients; ++t)
        ts.emplace_back([&, t] {
            auto c = srv.client();
            for (int i = 0; i < each; ++i) {
                auto r = submit(c, srv.auth(), pdf);
                if (r.status != 202) return;
                boost::system::error_code ec;
                auto v = boost::json::parse(r.body, ec);
                const auto* id = ec || !v.is_object() ? nullptr : v.as_object().if_contains("id");
                if (!id || !id->is_string()) return;
                ids[t].emplace_back(id->get_string());
                if (c.request("GET", "/v1/jobs/" + ids[t].back(), srv.auth()).status != 200) return;
            }
        });
    for (auto& t : ts) t.join();
    std::set<std::string> distinct;
    for (const auto& v : ids) {
        CHECK(v.size() == each);
        distinct.insert(v.begin(), v.end());
    }
    CHECK(distinct.size() == clients * each);
    auto c = srv.client();
    CHECK(json_str(wait_for_status(c, srv.auth(), ids[0].back(), {"succeeded", "failed"}), "status") == "succeeded");
    CHECK(srv.stop() == 0);
}
