#include "../support/outcome_printer.hpp"
#include <docket/queue/fair_order.hpp>
#include <docket/queue/ready_queue.hpp>
#include <docket/queue/transitions.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

using namespace docket;
using namespace std::chrono_literals;

namespace {
job queued_job(std::string id = "job_a") {
    job j;
    j.id = std::move(id);
    j.tenant = "t";
    j.created_at = j.updated_at = 1000;
    return j;
}
constexpr duration k_retention = 24h;
} // namespace

TEST_CASE("a claim counts an attempt and sets the lease", "[queue]") {
    queue::config cfg;
    auto c = queue::claim(queued_job(), 5000, cfg);
    REQUIRE(c);
    CHECK(c->status == job_status::processing);
    CHECK(c->attempts == 1);
    CHECK(c->started_at == 5000);
    CHECK(c->lease_until == 5000 + cfg.lease.count());
    CHECK_FALSE(queue::claim(*c, 6000, cfg)); // already processing
}

TEST_CASE("success is recorded only by the attempt holding the claim", "[queue]") {
    queue::config cfg;
    auto c = queue::claim(queued_job(), 5000, cfg).value();
    auto stale = queue::succeed(c, c.attempts - 1, 3, 6000, k_retention);
    REQUIRE_FALSE(stale);
    CHECK(stale.error().code == errc::conflict);
    auto ok = queue::succeed(c, c.attempts, 3, 6000, k_retention);
    REQUIRE(ok);
    CHECK(ok->status == job_status::succeeded);
    CHECK(ok->document.pages == 3);
    CHECK(ok->expires_at == 6000 + k_retention.count());
    CHECK_FALSE(ok->lease_until);
    CHECK_FALSE(queue::succeed(*ok, ok->attempts, 3, 7000, k_retention)); // not twice
}

TEST_CASE("a retryable failure requeues until the attempts are used up", "[queue]") {
    queue::config cfg;
    cfg.max_attempts = 3;
    job j = queued_job();
    for (int attempt = 1; attempt <= 3; ++attempt) {
        auto c = queue::claim(j, 1000 * attempt, cfg).value();
        auto f = queue::fail(c, c.attempts, {"INTERNAL", "boom"}, true, 1000 * attempt + 1, cfg, k_retention).value();
        j = f;
        if (attempt < 3) {
            CHECK(f.status == job_status::queued);
            CHECK(f.error->message == "boom");
        }
    }
    CHECK(j.status == job_status::failed);
    CHECK(j.attempts == 3);
    CHECK(j.finished_at);
}

TEST_CASE("a permanent failure ends the job at once", "[queue]") {
    queue::config cfg;
    auto c = queue::claim(queued_job(), 1, cfg).value();
    auto f = queue::fail(c, 1, {"INVALID_DOCUMENT", "bad"}, false, 2, cfg, k_retention).value();
    CHECK(f.status == job_status::failed);
    CHECK(f.attempts == 1);
}

TEST_CASE("recovery hands an interrupted job back, or fails it when attempts are spent", "[queue]") {
    queue::config cfg;
    cfg.max_attempts = 2;
    auto c1 = queue::claim(queued_job(), 1, cfg).value();
    auto r1 = queue::recover(c1, 2, cfg, k_retention);
    CHECK(r1.status == job_status::queued);
    CHECK(r1.error->code == "INTERRUPTED");
    auto c2 = queue::claim(r1, 3, cfg).value();
    auto r2 = queue::recover(c2, 4, cfg, k_retention);
    CHECK(r2.status == job_status::failed);
    // A stale worker of attempt 1 cannot complete after the hand-back.
    CHECK_FALSE(queue::succeed(c2, 1, 1, 5, k_retention));
}

TEST_CASE("only a queued job can be canceled", "[queue]") {
    queue::config cfg;
    auto j = queued_job();
    auto canceled = queue::cancel(j, 10, k_retention);
    REQUIRE(canceled);
    CHECK(canceled->status == job_status::canceled);
    auto c = queue::claim(j, 10, cfg).value();
    CHECK_FALSE(queue::cancel(c, 11, k_retention));
}

TEST_CASE("the ready queue serves high priority first, FIFO within a priority", "[queue]") {
    queue::ready_queue q;
    CHECK(q.push({job_priority::normal, 1, "n1", "t"}) == 1);
    CHECK(q.push({job_priority::normal, 2, "n2", "t"}) == 2);
    CHECK(q.push({job_priority::high, 3, "h1", "t"}) == 1);
    CHECK(q.push({job_priority::high, 4, "h2", "t"}) == 2);
    CHECK(q.push({job_priority::normal, 5, "n3", "t"}) == 5);
    CHECK(q.push({job_priority::normal, 5, "n3", "t"}) == 5); // already here: not added twice
    CHECK(q.count("t") == 5);
    CHECK(q.erase({job_priority::normal, 2, "n2", "t"}));
    CHECK_FALSE(q.erase({job_priority::normal, 2, "n2", "t"}));
    CHECK_FALSE(q.erase({job_priority::normal, 1, "n1", "other"}));
    std::vector<std::string> order;
    while (q.size() > 0) order.push_back(q.pop_wait()->id);
    CHECK(order == std::vector<std::string>{"h1", "h2", "n1", "n3"});
    CHECK(q.count("t") == 0);
}

namespace {
std::vector<std::string> drain(queue::fair_order& q) {
    std::vector<std::string> out;
    while (auto e = q.pop()) out.push_back(e->id);
    return out;
}
} // namespace

TEST_CASE("tenants take turns within a priority: a backlog does not starve a single job", "[queue][fair]") {
    queue::fair_order q;
    std::uint64_t seq = 0;
    for (int i = 0; i < 10000; ++i) q.push({job_priority::normal, ++seq, "a" + std::to_string(i), "flood"});
    // The flooder has 10,000 waiting; the newcomer is second in line, not 10,001st.
    CHECK(q.push({job_priority::normal, ++seq, "b0", "small"}) == 2);
    CHECK(q.push({job_priority::normal, ++seq, "b1", "small"}) == 4);
    CHECK(q.count("flood") == 10000);
    CHECK(q.count("small") == 2);
    auto first = q.pop();
    REQUIRE(first);
    CHECK(first->id == "a0");
    CHECK(q.pop()->id == "b0");
    CHECK(q.pop()->id == "a1");
    CHECK(q.pop()->id == "b1");
    CHECK(q.pop()->id == "a2");
    CHECK(q.pop()->id == "a3"); // the small tenant is done: the flooder has the queue again
    CHECK(q.size() == 10000 - 4);
}

TEST_CASE("fair order: high priority first across tenants, FIFO per tenant, erase keeps the rotation", "[queue][fair]") {
    queue::fair_order q;
    q.push({job_priority::normal, 1, "x1", "x"});
    q.push({job_priority::normal, 2, "x2", "x"});
    q.push({job_priority::normal, 3, "y1", "y"});
    q.push({job_priority::normal, 4, "z1", "z"});
    q.push({job_priority::normal, 5, "z2", "z"});
    CHECK(q.push({job_priority::high, 6, "yh", "y"}) == 1);
    // A retried job comes back with its old sequence number: first of its tenant again.
    q.push({job_priority::normal, 0, "x0", "x"});
    CHECK(q.erase({job_priority::normal, 3, "y1", "y"}));
    CHECK_FALSE(q.erase({job_priority::normal, 3, "y1", "y"}));
    CHECK(q.count("y") == 1);
    CHECK(drain(q) == std::vector<std::string>{"yh", "x0", "z1", "x1", "z2", "x2"});
    CHECK(q.size() == 0);
    CHECK_FALSE(q.pop());
}

TEST_CASE("fair order: the place in line counts the turns of the tenants ahead", "[queue][fair]") {
    queue::fair_order q;
    q.push({job_priority::normal, 1, "a1", "a"});
    q.push({job_priority::normal, 2, "a2", "a"});
    q.push({job_priority::normal, 3, "a3", "a"});
    q.push({job_priority::normal, 4, "b1", "b"});
    // Rotation a, b. c's first job waits for one of a's and one of b's.
    CHECK(q.push({job_priority::normal, 5, "c1", "c"}) == 3);
    // b's second job: a serves two (it is ahead of b), b one, c one.
    CHECK(q.push({job_priority::normal, 6, "b2", "b"}) == 5);
    // Check the estimate against the real order.
    auto order = drain(q);
    CHECK(order == std::vector<std::string>{"a1", "b1", "c1", "a2", "b2", "a3"});
    CHECK(std::find(order.begin(), order.end(), "c1") - order.begin() + 1 == 3);
    CHECK(std::find(order.begin(), order.end(), "b2") - order.begin() + 1 == 5);
}

TEST_CASE("a waiting worker wakes on push and on stop", "[queue]") {
    queue::ready_queue q;
    std::optional<queue::entry> got;
    std::thread t([&] { got = q.pop_wait(); });
    q.push({job_priority::normal, 1, "x", "t"});
    t.join();
    REQUIRE(got);
    CHECK(got->id == "x");
    std::optional<queue::entry> after_stop = queue::entry{};
    std::thread t2([&] { after_stop = q.pop_wait(); });
    q.stop();
    t2.join();
    CHECK_FALSE(after_stop);
}
