#include "../support/fixtures.hpp"
#include "../support/server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <unistd.h>
#include <thread>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

namespace {

// The extraction worker processes docket started.
std::vector<pid_t> worker_children(pid_t server) {
    std::vector<pid_t> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(server) + "/task")) {
        std::ifstream in(task.path() / "children");
        pid_t p;
        while (in >> p) out.push_back(p);
    }
    return out;
}

// A process's or thread's scheduling niceness (field 19 of its stat file); -100 if it is gone.
int niceness(const std::filesystem::path& stat) { return static_cast<int>(stat_field(stat, 19).value_or(-100)); }

std::string long_pdf(int pages) {
    std::vector<std::string> texts;
    for (int i = 0; i < pages; ++i) texts.push_back("page " + std::to_string(i) + " of a long document with words");
    return make_pdf(texts);
}

} // namespace

TEST_CASE("extraction runs in worker processes, not in the server", "[e2e][isolation]") {
    docket_server srv({"--workers", "2", "--worker-nice", "7"});
    srv.start();
    auto c = srv.client();
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf({"isolated"})).body), "id");
    wait_for_status(c, srv.auth(), id, {"succeeded"});
    const auto server = srv.process().pid();
    const auto children = worker_children(server);
    REQUIRE_FALSE(children.empty());
    for (pid_t p : children) {
        std::ifstream cmd("/proc/" + std::to_string(p) + "/cmdline");
        std::string text((std::istreambuf_iterator<char>(cmd)), {});
        CHECK(text.find("worker") != std::string::npos);
        CHECK(niceness("/proc/" + std::to_string(p) + "/stat") == 7); // parsing yields to intake
        // Nothing of the server's but its own channel (fd 3): not the listening socket, not a
        // client's connection (this test's own is open now).
        std::vector<std::string> inherited;
        for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(p) + "/fd")) {
            std::error_code ec;
            const auto target = std::filesystem::read_symlink(fd.path(), ec).string();
            if (std::stoi(fd.path().filename().string()) > 3 && target.rfind("socket:", 0) == 0) inherited.push_back(target);
        }
        CHECK(inherited.empty());
    }
    // The server's threads are named for top -H and perf; its extraction threads are niced like
    // the worker processes, its I/O, commit and webhook threads are not.
    std::map<std::string, std::vector<int>> nice_by_name;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(server) + "/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        std::getline(comm, name);
        nice_by_name[name].push_back(niceness(task.path() / "stat"));
    }
    CHECK(nice_by_name["docket-extract"] == std::vector<int>{7, 7});
    CHECK(nice_by_name["docket-commit"] == std::vector<int>{0});
    CHECK(nice_by_name["docket-webhooks"] == std::vector<int>{0});
    CHECK(nice_by_name.count("docket-sweeper") == 1);
    // The workers report their confinement, and /readyz shows it.
    const auto ready = parse_json(c.request("GET", "/readyz").body);
    const auto& confinement = ready.at("workers").at("confinement");
    REQUIRE(confinement.is_object());
    CHECK(confinement.at("no_new_privs").as_bool());
    CHECK(confinement.at("seccomp").as_bool());
}

TEST_CASE("a worker killed mid-job retries that job while the others complete", "[e2e][isolation]") {
    docket_server srv({"--workers", "1", "--max-pages", "5000"});
    srv.start();
    auto c = srv.client();
    const auto slow = json_str(parse_json(submit(c, srv.auth(), long_pdf(1500)).body), "id");
    const auto quick = submit_many(c, srv.auth(), make_pdf({"bystander"}), 3);
    wait_for_status(c, srv.auth(), slow, {"processing"});
    // The worker process starts when the first job is handed to it, just after the job is marked
    // processing: give it a moment to show up.
    auto children = worker_children(srv.process().pid());
    for (int i = 0; i < 500 && children.empty(); ++i) {
        std::this_thread::sleep_for(10ms);
        children = worker_children(srv.process().pid());
    }
    REQUIRE(children.size() == 1);
    ::kill(children[0], SIGKILL);
    auto job = wait_for_status(c, srv.auth(), slow, {"succeeded", "failed"}, 120s);
    CHECK(json_str(job, "status") == "succeeded");
    CHECK(job.at("attempts").as_int64() == 2);
    for (const auto& id : quick) CHECK(json_str(wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}), "status") == "succeeded");
    CHECK(c.request("GET", "/healthz").status == 200);
    CHECK(srv.log().find("EXTRACTION_CRASHED") == std::string::npos); // recorded on the job, not a server error
}

TEST_CASE("a worker that dies while idle is reaped and replaced at once; the next job pays nothing for it", "[e2e][isolation]") {
    docket_server srv({"--workers", "1", "--max-attempts", "1"});
    srv.start();
    auto c = srv.client();
    const auto first = json_str(parse_json(submit(c, srv.auth(), make_pdf({"before"})).body), "id");
    wait_for_status(c, srv.auth(), first, {"succeeded"});
    const auto server = srv.process().pid();
    auto children = worker_children(server);
    REQUIRE(children.size() == 1);
    const pid_t dead = children[0];
    ::kill(dead, SIGKILL);
    // Reaped (no zombie left under the server) and a fresh worker started, with no job asking.
    // (The log line follows the new worker's hello.)
    bool replaced = false, logged = false;
    for (int i = 0; i < 500 && !(replaced && logged); ++i) {
        std::this_thread::sleep_for(10ms);
        children = worker_children(server);
        replaced = !std::filesystem::exists("/proc/" + std::to_string(dead)) && children.size() == 1 && children[0] != dead;
        logged = srv.log().find("worker process " + std::to_string(dead) + " died while idle (signal 9)") != std::string::npos;
    }
    CHECK(replaced);
    CHECK(logged);
    // With one attempt allowed, an innocent job would have failed EXTRACTION_CRASHED.
    const auto next = json_str(parse_json(submit(c, srv.auth(), make_pdf({"after"})).body), "id");
    auto job = wait_for_status(c, srv.auth(), next, {"succeeded", "failed"});
    CHECK(json_str(job, "status") == "succeeded");
    CHECK(job.at("attempts").as_int64() == 1);
}

TEST_CASE("a document over the wall-clock limit fails with EXTRACTION_TIMEOUT after its attempts", "[e2e][isolation]") {
    docket_server srv({"--workers", "1", "--extract-timeout", "150ms", "--max-attempts", "2", "--max-pages", "5000"});
    srv.start();
    auto c = srv.client();
    // Extracted in one request, 1,500 short pages took about the limit itself here; 5,000 take
    // several times it.
    const auto slow = json_str(parse_json(submit(c, srv.auth(), long_pdf(5000)).body), "id");
    const auto quick = json_str(parse_json(submit(c, srv.auth(), make_pdf({"fast one"})).body), "id");
    auto job = wait_for_status(c, srv.auth(), slow, {"succeeded", "failed"}, 60s);
    CHECK(json_str(job, "status") == "failed");
    INFO(json_str(job.at("error"), "message"));
    CHECK(json_str(job.at("error"), "code") == "EXTRACTION_TIMEOUT");
    CHECK(job.at("attempts").as_int64() == 2);
    CHECK(json_str(wait_for_status(c, srv.auth(), quick, {"succeeded", "failed"}), "status") == "succeeded");
}

TEST_CASE("a document that exhausts the worker's memory limit fails with RESOURCE_LIMIT", "[e2e][isolation]") {
#if defined(__SANITIZE_ADDRESS__)
    WARN("not checked in the AddressSanitizer build: its workers run without an address-space limit");
    return;
#endif
    docket_server srv({"--workers", "1", "--worker-memory-limit", "128MiB", "--max-upload", "64MiB", "--max-attempts", "1"});
    srv.start();
    auto c = srv.client();
    std::string text;
    text.reserve(40 << 20);
    while (text.size() < (40u << 20)) text += "a line of plain text that makes a large document\n";
    auto [type, body] = multipart({}, "big.txt", text, "text/plain");
    auto headers = srv.auth();
    headers.emplace_back("Content-Type", type);
    const auto id = json_str(parse_json(c.request("POST", "/v1/jobs", headers, body).body), "id");
    auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}, 60s);
    CHECK(json_str(job, "status") == "failed");
    INFO(json_str(job.at("error"), "message"));
    CHECK(json_str(job.at("error"), "code") == "RESOURCE_LIMIT");
    const auto after = json_str(parse_json(submit(c, srv.auth(), make_pdf({"still fine"})).body), "id");
    CHECK(json_str(wait_for_status(c, srv.auth(), after, {"succeeded", "failed"}), "status") == "succeeded");
}

TEST_CASE("a document over the CPU limit fails with RESOURCE_LIMIT", "[e2e][isolation]") {
    docket_server srv({"--workers", "1", "--extract-cpu-limit", "1s", "--max-attempts", "1", "--max-pages", "20000"});
    srv.start();
    auto c = srv.client();
    // Twelve lines a page: a worker reads 12,000 one-line pages in well under a second.
    std::vector<std::string> texts;
    std::string page;
    for (int line = 0; line < 12; ++line) page += "line " + std::to_string(line) + " of a page that takes its time to read\n";
    for (int i = 0; i < 12000; ++i) texts.push_back(page + std::to_string(i));
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_pdf(texts)).body), "id");
    auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}, 120s);
    INFO(boost::json::serialize(job));
    CHECK(json_str(job, "status") == "failed");
    CHECK(json_str(job.at("error"), "code") == "RESOURCE_LIMIT");
}

TEST_CASE("hostile PDFs (reference loops, deep nesting, truncation) end as job errors within seconds", "[e2e][isolation]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    const std::string loop = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                             "2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n"
                             "trailer << /Root 1 0 R >>\n%%EOF\n";
    std::string deep = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /Deep ";
    deep += std::string(200000, '[') + std::string(200000, ']');
    deep += " >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    const auto good = make_pdf({"a healthy page"});
    std::vector<std::string> ids;
    for (const auto& doc : {loop, deep, good.substr(0, good.size() / 2)}) {
        auto r = submit(c, srv.auth(), doc);
        REQUIRE(r.status == 202);
        ids.push_back(json_str(parse_json(r.body), "id"));
    }
    const auto healthy = json_str(parse_json(submit(c, srv.auth(), good).body), "id");
    for (const auto& id : ids) {
        auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}, 30s);
        if (json_str(job, "status") == "failed") CHECK_FALSE(json_str(job.at("error"), "code").empty());
    }
    CHECK(json_str(wait_for_status(c, srv.auth(), healthy, {"succeeded", "failed"}), "status") == "succeeded");
    CHECK(c.request("GET", "/healthz").status == 200);
}

TEST_CASE("a long document reports pages_done while it is extracted", "[e2e][isolation]") {
    docket_server srv({"--workers", "1", "--max-pages", "20000"});
    srv.start();
    auto c = srv.client();
    const auto id = json_str(parse_json(submit(c, srv.auth(), long_pdf(8000)).body), "id");
    std::int64_t best = 0, total = 0;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    for (;;) {
        auto job = parse_json(c.request("GET", "/v1/jobs/" + id, srv.auth()).body);
        if (json_str(job, "status") == "succeeded") break;
        if (auto* p = job.as_object().if_contains("progress"); p && json_str(job, "status") == "processing") {
            best = std::max(best, p->at("pages_done").as_int64());
            total = p->at("pages_total").as_int64();
        }
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(20ms);
    }
    CHECK(total == 8000);
    CHECK(best > 0);
    CHECK(best < 8000);
    auto done = parse_json(c.request("GET", "/v1/jobs/" + id, srv.auth()).body);
    CHECK(done.at("progress").at("pages_done").as_int64() == 8000);
}

TEST_CASE("the pages of one scanned document are OCR'd by every idle worker process, in page order", "[e2e][isolation][ocr]") {
    docket_server srv({"--workers", "2"});
    srv.start();
    auto c = srv.client();
    const std::vector<std::string> texts = {"First scanned page about apples",   "Second scanned page about bananas",
                                            "Third scanned page about cherries", "Fourth scanned page about dates",
                                            "Fifth scanned page about figs",     "Sixth scanned page about grapes"};
    const auto id = json_str(parse_json(submit(c, srv.auth(), make_mixed_pdf(texts, std::vector<bool>(6, true))).body), "id");
    auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}, 120s);
    REQUIRE(json_str(job, "status") == "succeeded");
    auto result = parse_json(c.request("GET", "/v1/jobs/" + id + "/result", srv.auth()).body);
    const auto& pages = result.at("pages").as_array();
    REQUIRE(pages.size() == 6);
    CHECK(result.at("page_count").as_int64() == 6);
    for (std::size_t i = 0; i < pages.size(); ++i) {
        CHECK(pages[i].at("number").as_int64() == static_cast<std::int64_t>(i + 1));
        CHECK(json_str(pages[i], "source") == "ocr");
        CHECK(word_accuracy(texts[i], json_str(pages[i], "text")) >= 0.8);
    }
    CHECK(json_str(result, "text").find("cherries") > json_str(result, "text").find("bananas"));
    // One job, yet both worker processes did a fair share of the OCR (an idle one would show only
    // its start-up).
    const auto children = worker_children(srv.process().pid());
    REQUIRE(children.size() == 2);
    const double a = cpu_seconds(children[0]), b = cpu_seconds(children[1]);
    INFO("worker CPU seconds: " << a << " and " << b);
    CHECK(std::min(a, b) >= 0.3 * std::max(a, b));
}
