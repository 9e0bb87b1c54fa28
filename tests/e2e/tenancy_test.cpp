// Tenants share one node: fair turns at the workers, and quotas that stop one from taking it all.

#include "../support/fixtures.hpp"
#include "../support/server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

namespace {
std::string error_code(const http_response& r) { return json_str(parse_json(r.body).at("error"), "code"); }
} // namespace

TEST_CASE("a second tenant's job waits a few jobs behind a 300-job backlog, not all of it", "[e2e][tenancy]") {
    docket_server srv({"--workers", "1"});
    const auto small_key = srv.create_key("small");
    srv.start();
    auto c = srv.client(60s);
    // Two pages each, so the one worker is still busy with the backlog when the other job comes.
    std::vector<zip_item> items;
    for (int i = 0; i < 300; ++i) items.push_back({"f" + std::to_string(i) + ".pdf", make_pdf({"flood " + std::to_string(i), "more"})});
    auto r = submit(c, srv.auth(), make_zip(items));
    REQUIRE(r.status == 202);
    std::vector<std::string> flood;
    const auto batch = parse_json(r.body);
    for (const auto& j : batch.at("jobs").as_array()) flood.push_back(json_str(j, "id"));
    REQUIRE(flood.size() == 300);
    auto s = submit(c, srv.auth(small_key), make_pdf({"the small tenant's one job"}));
    REQUIRE(s.status == 202);
    const auto small = wait_for_status(c, srv.auth(small_key), json_str(parse_json(s.body), "id"), {"succeeded"}, 120s);
    for (const auto& id : flood) wait_for_status(c, srv.auth(), id, {"succeeded"}, 300s);

    // From the records: RFC 3339 times with milliseconds compare as strings.
    const auto created = json_str(small, "created_at"), started = json_str(small, "started_at");
    int between = 0, after = 0;
    for (const auto& id : flood) {
        const auto j = parse_json(c.request("GET", "/v1/jobs/" + id, srv.auth()).body);
        const auto t = json_str(j, "started_at");
        if (t > created && t <= started) ++between;
        if (t > started) ++after;
    }
    INFO("flood jobs started while the small job waited: " << between << "; after it: " << after);
    // Meaningful only if a backlog was really there to be jumped.
    REQUIRE(after >= 100);
    CHECK(between <= 3);
}
