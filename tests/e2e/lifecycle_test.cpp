#include "../support/fixtures.hpp"
#include "../support/server.hpp"

#include <docket/core/time.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <mutex>
#include <thread>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

TEST_CASE("a fresh data dir prints a first API key that works; SIGTERM exits 0", "[e2e][lifecycle]") {
    temp_dir dir;
    child server({docket_binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()},
                 dir.path() / "stderr.log");
    auto key_line = server.wait_for_line("first API key", 20s);
    REQUIRE(key_line);
    const auto key = key_line->substr(key_line->find("dk_"));
    auto line = server.wait_for_line("listening on", 20s);
    REQUIRE(line);
    http_client c("127.0.0.1", static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1))));
    CHECK(c.request("GET", "/healthz").status == 200);
    CHECK(c.request("GET", "/readyz").status == 200);
    CHECK(c.request("GET", "/v1/jobs", {{"Authorization", "Bearer " + key}}).status == 200);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);

    // The key is not printed again on the next start.
    child again({docket_binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()},
                dir.path() / "stderr.log");
    auto next = again.wait_for_line("docket", 20s);
    REQUIRE(next);
    CHECK(next->find("first API key") == std::string::npos);
}

TEST_CASE("kill -9 right after a burst of 202s: after restart every acknowledged job completes", "[e2e][lifecycle][slow]") {
    // One worker and twenty-page documents, so that much of the burst is still queued or being
    // extracted when the process dies.
    docket_server srv({"--workers", "1"});
    srv.start();
    constexpr int threads = 8, per_thread = 40;
    const std::vector<std::string> filler(19, "filler page of the burst");
    // Documents are made before the burst so that the burst is as fast as the server allows.
    std::vector<std::vector<std::pair<std::string, std::string>>> docs(threads); // text, pdf
    for (int t = 0; t < threads; ++t)
        for (int i = 0; i < per_thread; ++i) {
            std::vector<std::string> pages{"burst document " + std::to_string(t) + "-" + std::to_string(i)};
            pages.insert(pages.end(), filler.begin(), filler.end());
            docs[t].emplace_back(pages[0], make_pdf(pages));
        }
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> acked; // id, text it carries
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            auto c = srv.client();
            for (const auto& [text, pdf] : docs[t]) {
                auto r = submit(c, srv.auth(), pdf);
                if (r.status != 202) continue;
                std::lock_guard lock(mutex);
                acked.emplace_back(json_str(parse_json(r.body), "id"), text);
            }
        });
    for (auto& t : ts) t.join();
    srv.kill9();
    REQUIRE(acked.size() == threads * per_thread);

    const std::string restarted_at = format_rfc3339(now_ms());
    srv.start();
    auto c = srv.client();
    int finished_after_restart = 0, interrupted = 0;
    for (const auto& [id, text] : acked) {
        auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}, 60s);
        INFO(id << " " << boost::json::serialize(job));
        REQUIRE(json_str(job, "status") == "succeeded");
        CHECK(job.at("attempts").as_int64() <= 2);
        if (json_str(job, "finished_at") >= restarted_at) ++finished_after_restart;
        if (job.at("attempts").as_int64() == 2) ++interrupted;
        auto result = c.request("GET", "/v1/jobs/" + id + "/result", srv.auth());
        REQUIRE(result.status == 200);
        CHECK(result.body.find(text) != std::string::npos);
    }
    // The listing holds each job exactly once.
    std::set<std::string> listed;
    std::string cursor;
    for (;;) {
        auto page = parse_json(c.request("GET", "/v1/jobs?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor), srv.auth()).body);
        for (const auto& j : page.at("data").as_array()) CHECK(listed.insert(json_str(j, "id")).second);
        if (page.at("next_cursor").is_null()) break;
        cursor = json_str(page, "next_cursor");
    }
    CHECK(listed.size() == acked.size());
    WARN("of " << acked.size() << " acknowledged jobs, " << finished_after_restart << " completed after the restart, "
                << interrupted << " of them interrupted mid-extraction");
}

TEST_CASE("SIGTERM with work queued exits 0 and the work completes after restart", "[e2e][lifecycle]") {
    docket_server srv({"--workers", "1"});
    srv.start();
    auto c = srv.client();
    std::vector<std::string> pages(300, "a page of a long document");
    const auto slow = make_pdf(pages);
    const auto ids = submit_many(c, srv.auth(), slow, 6);
    CHECK(srv.stop() == 0);
    CHECK(srv.log().find("stopped") != std::string::npos);
    srv.start();
    auto c2 = srv.client();
    for (const auto& id : ids) CHECK(json_str(wait_for_status(c2, srv.auth(), id, {"succeeded", "failed"}, 120s), "status") == "succeeded");
}

TEST_CASE("a connection still open when the shutdown grace ends does not stop a clean exit", "[e2e][lifecycle]") {
    for (const char* io_threads : {"1", "3"}) {
        DYNAMIC_SECTION("--io-threads " << io_threads) {
            docket_server srv({"--shutdown-timeout", "1s", "--io-threads", io_threads});
            srv.start();
            // A request whose body never finishes: the connection is busy until the grace ends.
            auto c = srv.client(300ms);
            std::string head = "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                               "Content-Length: 100000\r\n";
            for (const auto& [k, v] : srv.auth()) head += k + ": " + v + "\r\n";
            CHECK(c.raw(head + "\r\n" + std::string(1000, 'x')).status == 0); // no reply: still reading
            CHECK(srv.stop() == 0);
            CHECK_THAT(srv.log(), Catch::Contains("1 connections still open"));
        }
    }
}
