#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace docket::test;
using namespace std::chrono_literals;

TEST_CASE("serve answers /healthz on loopback and exits 0 on SIGTERM", "[e2e]") {
    temp_dir dir;
    child server({docket_binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()}, dir.path() / "stderr.log");
    auto line = server.wait_for_line("listening on", 10s);
    REQUIRE(line);
    const auto port = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));
    http_client client("127.0.0.1", port);
    auto r = client.request("GET", "/healthz");
    CHECK(r.status == 200);
    CHECK(r.body.find("ok") != std::string::npos);
    server.signal(SIGTERM);
    CHECK(server.wait(10s) == 0);
}
