// Backup and restore of a serving docket: `docket backup` over the admin channel while jobs
// arrive, `docket restore` into a fresh data dir, and everything acknowledged before the backup
// is there, deliveries included.

#include "../support/fixtures.hpp"
#include "../support/receiver.hpp"
#include "../support/server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <thread>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> loopback_args() {
    return {"--webhook-allow-http", "true", "--webhook-allow-cidrs", "127.0.0.0/8", "--webhook-retry-schedule", "0s,1s,1s,1s,1s,1s,1s,1s,1s,1h"};
}

// The job id a document.completed webhook is about.
std::string job_of(const received_request& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) return {};
    const auto* data = v.as_object().if_contains("data");
    return data && data->is_object() ? json_str(*data, "id") : std::string();
}

} // namespace

TEST_CASE("a backup taken while jobs arrive restores every job acknowledged before it, deliveries pending where they were",
          "[e2e][backup]") {
    std::atomic<bool> receiver_up{false};
    webhook_receiver receiver([&](const received_request&, std::size_t) { return scripted_reply{receiver_up ? 204 : 503}; });
    docket_server srv(loopback_args());
    srv.start();
    // The admin channel is the service's user's only.
    struct stat sock{};
    REQUIRE(::stat((srv.dir() / "data" / "admin.sock").c_str(), &sock) == 0);
    CHECK((sock.st_mode & 0777) == 0600);

    std::mutex m;
    std::vector<std::string> acked;
    std::atomic<bool> stop{false};
    std::thread submitter([&] {
        auto c = srv.client();
        const auto pdf = make_pdf({"backed up while arriving"});
        for (int i = 0; i < 600 && !stop; ++i) {
            auto r = submit(c, srv.auth(), pdf, {{"webhook_url", receiver.url()}});
            if (r.status != 202) continue;
            std::lock_guard lock(m);
            acked.push_back(json_str(parse_json(r.body), "id"));
        }
    });
    // Some jobs done with their first attempt failed, some still queued, more arriving.
    REQUIRE(receiver.wait_for(20, 30s));
    std::size_t before;
    {
        std::lock_guard lock(m);
        before = acked.size();
    }
    const auto backup_dir = srv.dir() / "backups" / "one";
    auto b = srv.command({"backup", backup_dir.string()});
    INFO(b.err);
    REQUIRE(b.exit_code == 0);
    const auto report = parse_json(b.out);
    CHECK(report.at("files").as_int64() > 0);
    CHECK(std::filesystem::exists(backup_dir / "BACKUP.json"));
    // A second backup into the same place is refused, the first left alone.
    CHECK(srv.command({"backup", backup_dir.string()}).exit_code != 0);
    stop = true;
    submitter.join();
    REQUIRE(before >= 20);
    srv.stop();

    // A fresh data dir (its server made a store and a key there) gets the backup instead.
    docket_server restored(loopback_args(), srv.dir() / "restored");
    CHECK(restored.command({"restore", backup_dir.string()}).exit_code != 0); // not empty: refused without --force
    auto rr = restored.command({"restore", backup_dir.string(), "--force", "true"});
    INFO(rr.err);
    REQUIRE(rr.exit_code == 0);
    const auto received_before = receiver.requests().size();
    receiver_up = true;
    restored.start();
    auto c = restored.client();
    // The backup's keys came with it: the first server's key works here.
    std::size_t failed_before_backup = 0;
    for (std::size_t i = 0; i < before; ++i) {
        auto j = wait_for_status(c, srv.auth(), acked[i], {"succeeded"}, 120s);
        (void)j;
    }
    // Every job acknowledged before the backup is delivered from the restored store.
    std::set<std::string> want(acked.begin(), acked.begin() + static_cast<std::ptrdiff_t>(before));
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    std::set<std::string> got;
    while (std::chrono::steady_clock::now() < deadline) {
        got.clear();
        const auto reqs = receiver.requests();
        for (std::size_t i = received_before; i < reqs.size(); ++i) got.insert(job_of(reqs[i]));
        if (std::includes(got.begin(), got.end(), want.begin(), want.end())) break;
        std::this_thread::sleep_for(100ms);
    }
    std::size_t missing = 0;
    for (const auto& id : want) missing += got.count(id) ? 0 : 1;
    CHECK(missing == 0);
    // The ones that had failed an attempt before the backup kept that attempt in their log.
    for (std::size_t i = 0; i < before; ++i) {
        auto d = parse_json(c.request("GET", "/v1/jobs/" + acked[i] + "/deliveries", srv.auth()).body);
        const auto& data = d.at("data").as_array();
        REQUIRE(data.size() == 1);
        const auto& log = data.at(0).at("attempt_log").as_array();
        if (log.size() >= 2 && log.at(0).at("status").as_int64() == 503) ++failed_before_backup;
    }
    INFO("before " << before << " acked " << acked.size() << " failed-before " << failed_before_backup);
    CHECK(failed_before_backup >= 20);
}
