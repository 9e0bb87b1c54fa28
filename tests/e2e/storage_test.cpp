#include "../support/server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <thread>

#include <sys/mount.h>
#include <unistd.h>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

namespace {

// A small tmpfs of its own, so that filling it fills nothing else (needs root, as CI runs).
struct small_volume {
    temp_dir dir;
    bool mounted = false;
    explicit small_volume(const char* size) {
        const std::string options = std::string("size=") + size;
        mounted = ::mount("tmpfs", dir.path().c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~small_volume() {
        if (mounted) ::umount2(dir.path().c_str(), MNT_DETACH);
    }
    std::filesystem::path path() const { return dir.path(); }
};

// Takes `mib` of the volume, to be given back by removing it.
void fill(const std::filesystem::path& file, int mib) {
    std::ofstream out(file, std::ios::binary);
    const std::string block(1 << 20, '\0');
    for (int i = 0; i < mib && out; ++i) out.write(block.data(), static_cast<std::streamsize>(block.size()));
}

// A 1 MiB upload that sniffs as a PDF (its extraction fails; the job is kept all the same).
std::string junk_pdf(unsigned seed) {
    std::mt19937 rng(seed);
    std::string s = "%PDF-1.4\n";
    while (s.size() < (1u << 20)) s += static_cast<char>(rng());
    return s;
}

// Submits 1 MiB documents until one is not accepted (at most `limit`): the ids accepted and the
// reply that was not. `pause` lets the server's free-space measurement catch up.
std::pair<std::vector<std::string>, http_response> submit_until_refused(http_client& c, const docket_server& srv, unsigned limit,
                                                                       std::chrono::milliseconds pause = {}) {
    std::vector<std::string> accepted;
    for (unsigned i = 0; i < limit; ++i) {
        auto r = submit(c, srv.auth(), junk_pdf(i));
        if (r.status != 202) return {accepted, r};
        accepted.push_back(json_str(parse_json(r.body), "id"));
        std::this_thread::sleep_for(pause);
    }
    return {accepted, {}};
}

} // namespace

TEST_CASE("a full data volume answers 507 and loses nothing; writes resume when space returns, a restart waits for it", "[e2e][storage]") {
    small_volume vol("80m");
    if (!vol.mounted) {
        WARN("cannot mount a tmpfs (not root): skipped");
        return;
    }
    fill(vol.path() / "filler", 30);
    docket_server srv({"--workers", "1", "--min-free-space", "0"}, vol.path() / "data");
    srv.start();
    auto c = srv.client();
    auto [accepted, refused] = submit_until_refused(c, srv, 200);
    REQUIRE(refused.status == 507);
    CHECK(error_code(refused) == "INSUFFICIENT_STORAGE");
    CHECK(refused.header("retry-after"));
    CHECK_FALSE(accepted.empty());
    // Still serving, and it says why it is not ready.
    CHECK(c.request("GET", "/healthz").status == 200);
    auto ready = c.request("GET", "/readyz");
    CHECK(ready.status == 503);
    CHECK(ready.body.find("full") != std::string::npos);
    CHECK(submit(c, srv.auth(), junk_pdf(999)).status == 507);
    for (const auto& id : accepted) CHECK(c.request("GET", "/v1/jobs/" + id, srv.auth()).status == 200);

    // Space comes back: docket resumes without a restart.
    std::filesystem::remove(vol.path() / "filler");
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
        std::this_thread::sleep_for(100ms);
        status = c.request("GET", "/readyz").status;
    }
    CHECK(status == 200);
    CHECK(srv.log().find("writes resumed") != std::string::npos);
    auto after = submit(c, srv.auth(), junk_pdf(1000));
    REQUIRE(after.status == 202);
    accepted.push_back(json_str(parse_json(after.body), "id"));

    // Stopped and started again on a full volume: it waits for space instead of dying.
    CHECK(srv.stop() == 0);
    fill(vol.path() / "filler", 200); // as much as fits
    std::thread later([&] {
        std::this_thread::sleep_for(3s);
        std::filesystem::remove(vol.path() / "filler");
    });
    srv.start();
    later.join();
    CHECK(srv.log().find("waiting for space to open the store") != std::string::npos);
    auto c2 = srv.client();
    for (const auto& id : accepted) CHECK(c2.request("GET", "/v1/jobs/" + id, srv.auth()).status == 200);
    CHECK(srv.log().find("Assertion") == std::string::npos);
    CHECK(srv.stop() == 0);
}

TEST_CASE("--min-free-space refuses submissions before the volume is full", "[e2e][storage]") {
    small_volume vol("80m");
    if (!vol.mounted) {
        WARN("cannot mount a tmpfs (not root): skipped");
        return;
    }
    docket_server srv({"--workers", "1", "--min-free-space", "64MiB"}, vol.path() / "data");
    srv.start();
    auto c = srv.client();
    // The free space is measured every half second.
    const auto [accepted, refused] = submit_until_refused(c, srv, 80, 50ms);
    REQUIRE(refused.status == 507);
    CHECK(error_code(refused) == "INSUFFICIENT_STORAGE");
    CHECK(refused.body.find("--min-free-space") != std::string::npos);
    CHECK_FALSE(accepted.empty());
    CHECK(std::filesystem::space(vol.path()).available > (40ull << 20)); // far from full
    auto ready = c.request("GET", "/readyz");
    CHECK(ready.status == 503);
    CHECK(ready.body.find("--min-free-space") != std::string::npos);
    CHECK(c.request("GET", "/v1/jobs", srv.auth()).status == 200); // reading goes on
}
