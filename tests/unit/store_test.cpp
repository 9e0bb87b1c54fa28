#include "../support/outcome_printer.hpp"
#include "../support/fixtures.hpp"
#include "../support/process.hpp"
#include "../support/raw_rocksdb.hpp"

#include <docket/extract/workers.hpp>
#include <docket/queue/recovery.hpp>
#include <docket/queue/sweeper.hpp>
#include <docket/store/store.hpp>

#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include <algorithm>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <unistd.h>

using namespace docket;
using namespace std::chrono_literals;

namespace {

store::config cfg_for(const test::temp_dir& dir) {
    store::config c;
    c.data_dir = dir.path() / "db";
    return c;
}

job new_job(std::string id, std::uint64_t seq, job_priority p = job_priority::normal, std::string tenant = "t",
            timestamp created = 1000) {
    job j;
    j.id = std::move(id);
    j.tenant = std::move(tenant);
    j.priority = p;
    j.seq = seq;
    j.created_at = j.updated_at = created;
    j.document = {"a.txt", "text/plain", 5, std::nullopt};
    return j;
}

void add(store::store& s, const job& j, std::string_view doc = "hello") {
    auto b = s.new_batch();
    b.put_job(nullptr, j);
    b.put_document(j.id, doc);
    s.commit_wait(std::move(b));
}

// Claims a stored queued job and stores the claim, as a worker does.
job claim_stored(store::store& s, const job& j, timestamp now, const queue::config& qc) {
    auto c = queue::claim(j, now, qc).value();
    auto b = s.new_batch();
    b.put_job(&j, c);
    s.commit_wait(std::move(b));
    return c;
}

std::vector<std::string> ids(const std::vector<job>& jobs) {
    std::vector<std::string> out;
    for (const auto& j : jobs) out.push_back(j.id);
    return out;
}

// The ids in the queue index, in queue order.
std::vector<std::string> queued_ids(const store::store& s) {
    std::vector<std::string> out;
    s.scan_queue([&](job_priority, std::uint64_t, std::string_view id, std::string_view) { out.emplace_back(id); });
    return out;
}

} // namespace

TEST_CASE("committed jobs survive reopening, in queue order", "[store]") {
    test::temp_dir dir;
    {
        auto s = store::store::open(cfg_for(dir));
        add(*s, new_job("a", 1));
        add(*s, new_job("b", 2, job_priority::high));
        add(*s, new_job("c", 3));
    }
    auto s = store::store::open(cfg_for(dir));
    CHECK(queued_ids(*s) == std::vector<std::string>{"b", "a", "c"});
    CHECK(s->get_document("a") == "hello");
    CHECK(s->max_seq() == 3);
    std::vector<std::string> scanned;
    s->scan_queue([&](job_priority p, std::uint64_t seq, std::string_view id, std::string_view tenant) {
        std::string line(id);
        line += '@';
        line += tenant;
        line += ':';
        line += std::to_string(seq);
        line += p == job_priority::high ? 'h' : 'n';
        scanned.push_back(line);
    });
    CHECK(scanned == std::vector<std::string>{"b@t:2h", "a@t:1n", "c@t:3n"});
}

TEST_CASE("the largest queued sequence number is found in either priority", "[store]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    CHECK(s->max_seq() == 0);
    add(*s, new_job("a", 7));
    add(*s, new_job("b", 9, job_priority::high));
    CHECK(s->max_seq() == 9);
    add(*s, new_job("c", 12));
    CHECK(s->max_seq() == 12);
}

TEST_CASE("a second process cannot open the same data dir", "[store]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    CHECK_THROWS_WITH(store::store::open(cfg_for(dir)), Catch::Contains("in use by another docket process"));
}

TEST_CASE("indexes follow the job through its states in one batch", "[store]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    queue::config qc;
    auto j = new_job("a", 1);
    add(*s, j);
    auto c = claim_stored(*s, j, 2000, qc);
    CHECK(queued_ids(*s).empty());
    CHECK(ids(s->claimed_jobs()) == std::vector<std::string>{"a"});

    auto done = queue::succeed(c, 1, 1, 3000, 24h).value();
    auto b2 = s->new_batch();
    b2.put_job(&c, done);
    b2.put_result("a", R"({"ok":true})");
    s->commit_wait(std::move(b2));
    CHECK(s->claimed_jobs().empty());
    CHECK(s->get_job("a")->status == job_status::succeeded);
    CHECK(s->get_result("a") == R"({"ok":true})");
    CHECK_FALSE(s->get_document("a")); // documents go once extraction has finished
}

TEST_CASE("many threads committing at once are all durable and all acknowledged", "[store]") {
    test::temp_dir dir;
    constexpr int threads = 16, per_thread = 50;
    {
        auto s = store::store::open(cfg_for(dir));
        std::vector<std::thread> ts;
        std::atomic<int> acked{0};
        for (int t = 0; t < threads; ++t)
            ts.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    add(*s, new_job("j" + std::to_string(t) + "_" + std::to_string(i), static_cast<std::uint64_t>(t * per_thread + i + 1)));
                    ++acked;
                }
            });
        for (auto& t : ts) t.join();
        CHECK(acked == threads * per_thread);
    }
    auto s = store::store::open(cfg_for(dir));
    CHECK(queued_ids(*s).size() == threads * per_thread);
}

// What another process reading the data dir now would find: a read-only open replays the WAL
// file as it is on disk (page cache included), which is what a restart after docket is killed
// would see.
bool in_wal_file(const std::filesystem::path& db_dir, const std::string& job_id) {
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), db_dir.string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, test::raw_cf_options(n));
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), db_dir.string(), descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    const auto jobs = std::find(names.begin(), names.end(), "jobs") - names.begin();
    REQUIRE(static_cast<std::size_t>(jobs) < names.size());
    const bool found = db->Get(rocksdb::ReadOptions(), handles[jobs], job_id, &value).ok();
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    return found;
}

TEST_CASE("a commit is in the WAL file when it reports done, applied or durable, fsync or not", "[store]") {
    // The committer leaves the WAL in RocksDB's buffer while it writes a group
    // (manual_wal_flush) and must hand it to the file before it answers anyone.
    for (const bool fsync : {false, true}) {
        test::temp_dir dir;
        auto c = cfg_for(dir);
        c.fsync = fsync;
        auto s = store::store::open(c);
        auto b = s->new_batch();
        b.put_job(nullptr, new_job("applied", 1));
        s->commit_wait(std::move(b), store::commit_mode::applied);
        CHECK(in_wal_file(c.data_dir, "applied"));
        add(*s, new_job("durable", 2));
        CHECK(in_wal_file(c.data_dir, "durable"));
        // A direct write (a claim) is in the file when it returns, before any later group.
        auto w = s->new_batch();
        w.put_job(nullptr, new_job("written", 3));
        s->write(std::move(w));
        CHECK(in_wal_file(c.data_dir, "written"));
    }
}

TEST_CASE("an applied commit is readable at once and waits for no fsync; a durable one fsyncs", "[store]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    const auto before = s->wal_syncs();
    auto b = s->new_batch();
    b.put_job(nullptr, new_job("applied", 1));
    s->commit_wait(std::move(b), store::commit_mode::applied);
    CHECK(s->get_job("applied"));
    CHECK(s->wal_syncs() == before);
    add(*s, new_job("durable", 2));
    CHECK(s->wal_syncs() == before + 1);
}

TEST_CASE("listing is newest first, paginated, filterable, and per tenant", "[store]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    for (int i = 1; i <= 7; ++i) add(*s, new_job("t" + std::to_string(i), static_cast<std::uint64_t>(i), job_priority::normal, "t", 1000 + i));
    add(*s, new_job("other", 99, job_priority::normal, "u", 5000));
    auto p1 = s->list_jobs("t", std::nullopt, 3, std::nullopt);
    CHECK(ids(p1.jobs) == std::vector<std::string>{"t7", "t6", "t5"});
    REQUIRE(p1.next_cursor);
    auto p2 = s->list_jobs("t", std::nullopt, 3, *p1.next_cursor);
    CHECK(ids(p2.jobs) == std::vector<std::string>{"t4", "t3", "t2"});
    auto p3 = s->list_jobs("t", std::nullopt, 3, *p2.next_cursor);
    CHECK(ids(p3.jobs) == std::vector<std::string>{"t1"});
    CHECK_FALSE(p3.next_cursor);
    CHECK(s->list_jobs("t", job_status::succeeded, 10, std::nullopt).jobs.empty());
    CHECK(ids(s->list_jobs("u", std::nullopt, 10, std::nullopt).jobs) == std::vector<std::string>{"other"});
}

TEST_CASE("the sweep removes expired jobs and leaves a tombstone, then removes that too", "[store]") {
    test::temp_dir dir;
    auto cfg = cfg_for(dir);
    cfg.gone_ttl = 1h;
    auto s = store::store::open(cfg);
    queue::config qc;
    auto j = new_job("a", 1);
    add(*s, j);
    auto c = queue::claim(j, 2000, qc).value();
    auto done = queue::succeed(c, 1, 1, 3000, 10s).value();
    auto b = s->new_batch();
    b.put_job(&j, done);
    b.put_result("a", "{}");
    b.put_idempotency("t", "key1", {"a", "h", 1000}, 1000 + 5000);
    s->commit_wait(std::move(b));

    CHECK(s->sweep(3000 + 9999, 100) == 1); // only the idempotency record is due
    CHECK_FALSE(s->get_idempotency("t", "key1"));
    CHECK(s->get_job("a"));
    CHECK(s->sweep(3000 + 10000, 100) == 1);
    CHECK_FALSE(s->get_job("a"));
    CHECK_FALSE(s->get_result("a"));
    CHECK(s->get_tombstone("a") == "t");
    CHECK(s->list_jobs("t", std::nullopt, 10, std::nullopt).jobs.empty());
    CHECK(s->sweep(13000 + 3600 * 1000, 100) == 1);
    CHECK_FALSE(s->get_tombstone("a"));
}

TEST_CASE("a sweep gives freed heap memory back to the system", "[store][queue]") {
#if defined(__SANITIZE_ADDRESS__)
    WARN("not checked under AddressSanitizer: it replaces glibc's allocator");
    return;
#endif
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    queue::ready_queue ready;
    queue::job_locks locks;
    queue::config qc;
    queue::sweeper sweeper(*s, ready, locks, qc);
    // 64 MiB in small blocks, all freed but the last: glibc keeps the freed ones resident, since
    // they lie below a block still in use.
    std::vector<char*> blocks;
    for (int i = 0; i < 64 * 1024; ++i) {
        blocks.push_back(static_cast<char*>(std::malloc(1000)));
        std::memset(blocks.back(), 1, 1000);
    }
    for (std::size_t i = 0; i + 1 < blocks.size(); ++i) std::free(blocks[i]);
    const auto before = test::status_kib(::getpid(), "RssAnon");
    sweeper.run_once(now_ms());
    const auto after = test::status_kib(::getpid(), "RssAnon");
    std::free(blocks.back());
    INFO("anonymous RSS before the sweep " << before << " KiB, after " << after << " KiB");
    CHECK(after + 32 * 1024 < before); // not a subtraction: a rise must not wrap around to a pass
}

TEST_CASE("start-up recovery hands back claimed jobs and rebuilds the ready queue", "[store][queue]") {
    test::temp_dir dir;
    queue::config qc;
    qc.max_attempts = 2;
    {
        auto s = store::store::open(cfg_for(dir));
        add(*s, new_job("q", 2));
        auto a = new_job("once", 1);
        add(*s, a);
        claim_stored(*s, a, 10, qc);
        auto t = new_job("twice", 3);
        t.attempts = 1;
        add(*s, t);
        claim_stored(*s, t, 10, qc);
    } // as if the process died here
    auto s = store::store::open(cfg_for(dir));
    queue::ready_queue ready;
    auto [handed_back, queued] = queue::recover_at_start(*s, ready, qc, 100);
    CHECK(handed_back == 2);
    CHECK(queued == 2);
    CHECK(ready.pop_wait()->id == "once");
    CHECK(ready.pop_wait()->id == "q");
    CHECK(s->get_job("twice")->status == job_status::failed);
    CHECK(s->claimed_jobs().empty());
}

TEST_CASE("an expired lease is handed back and the stale worker's outcome is dropped", "[store][queue]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    queue::config qc;
    qc.lease = 1s;
    queue::ready_queue ready;
    queue::job_locks locks;
    auto j = new_job("a", 1);
    add(*s, j);
    auto c = claim_stored(*s, j, 1000, qc);
    CHECK(queue::recover_expired_leases(*s, ready, locks, qc, 1500) == 0);
    CHECK(queue::recover_expired_leases(*s, ready, locks, qc, 2001) == 1);
    CHECK(ready.size() == 1);
    auto now = s->get_job("a").value();
    CHECK(now.status == job_status::queued);
    CHECK_FALSE(queue::succeed(now, c.attempts, 1, 3000, 24h));
}

TEST_CASE("workers extract a PDF, fail a corrupt one without retrying, and keep going", "[store][extract]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    queue::config qc;
    queue::ready_queue ready;
    queue::job_locks locks;
    extract::workers w(*s, ready, locks, qc, extract::config{.workers = 1, .worker_binary = test::docket_binary()});
    auto good = new_job("good", 1);
    good.document = {"a.pdf", "application/pdf", 0, std::nullopt};
    add(*s, good, test::make_pdf({"Invoice 42", "Second page"}));
    auto bad = new_job("bad", 2);
    bad.document = {"b.pdf", "application/pdf", 0, std::nullopt};
    add(*s, bad, "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> garbage");
    w.process({job_priority::normal, 2, "bad"});
    w.process({job_priority::normal, 1, "good"});
    auto g = s->get_job("good").value();
    CHECK(g.status == job_status::succeeded);
    CHECK(g.document.pages == 2);
    CHECK(s->get_result("good")->find("Invoice 42") != std::string::npos);
    auto f = s->get_job("bad").value();
    CHECK(f.status == job_status::failed);
    CHECK(f.attempts == 1);
    CHECK(f.error->code == "INVALID_DOCUMENT");
}

TEST_CASE("a completed batch leaves the open index and expires with the retention sweep", "[store]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    batch_record b;
    b.id = "bat_1";
    b.tenant = "t";
    b.job_ids = {"a", "b"};
    auto w = s->new_batch();
    w.put_batch(b);
    s->commit_wait(std::move(w));
    CHECK(s->open_batches() == std::vector<std::string>{"bat_1"});
    b.completed_at = 1000;
    auto w2 = s->new_batch();
    w2.put_batch(b, 5000);
    s->commit_wait(std::move(w2));
    CHECK(s->open_batches().empty());
    CHECK(s->get_batch("bat_1")->completed_at == 1000);
    CHECK(s->sweep(4999, 100) == 0);
    CHECK(s->sweep(5000, 100) == 1);
    CHECK_FALSE(s->get_batch("bat_1"));
}

TEST_CASE("peeking answers from memory only: a record on disk and not cached is not peeked", "[store]") {
    test::temp_dir dir;
    {
        auto s = store::store::open(cfg_for(dir));
        add(*s, new_job("a", 1));
        auto peeked = s->peek_job("a"); // still in the memtable
        REQUIRE(peeked);
        REQUIRE(*peeked);
        CHECK((*peeked)->id == "a");
        s->compact(); // flushed to a table file; the write-ahead log is no longer needed
    }
    auto s = store::store::open(cfg_for(dir));
    CHECK_FALSE(s->peek_job("a"));      // would need a file read
    CHECK_FALSE(s->peek_job_exists("a"));
    REQUIRE(s->get_job("a"));           // reads the file, and its block is cached now
    auto cached = s->peek_job("a");
    REQUIRE(cached);
    REQUIRE(*cached);
    CHECK((*cached)->id == "a");
    CHECK(s->peek_job_exists("a") == std::optional<bool>(true));
    CHECK(s->peek_job_exists("b") == std::optional<bool>(false)); // its block is cached: known absent
    auto missing = s->peek_delivery("nope"); // an empty column family: known absent without a read
    REQUIRE(missing);
    CHECK_FALSE(*missing);
}

TEST_CASE("the store reports what RocksDB holds in memory: memtables, cached blocks, charges, table files", "[store]") {
    test::temp_dir dir;
    {
        auto s = store::store::open(cfg_for(dir));
        const auto empty = s->memory();
        CHECK(empty.sst_bytes == 0);
        const std::string doc(1000, 'x');
        for (int i = 0; i < 500; ++i) add(*s, new_job("job" + std::to_string(i), static_cast<std::uint64_t>(i)), doc);
        const auto written = s->memory();
        CHECK(written.memtables > empty.memtables + 500 * 1000); // the documents alone are 500 KB
        s->compact();
        const auto compacted = s->memory();
        CHECK(compacted.sst_bytes > 500 * 1000); // the documents are in table files now
        CHECK(compacted.memtables < written.memtables);
    }
    auto s = store::store::open(cfg_for(dir));
    const auto reopened = s->memory();
    CHECK(reopened.memtables < 500 * 1000); // nothing to replay: it was all in table files
    // The open table files' readers and metadata are charged to the cache, inside its usage.
    CHECK(reopened.cache_charges > 0);
    CHECK(reopened.block_cache >= reopened.cache_charges);
    const auto before_read = s->memory().block_cache;
    REQUIRE(s->get_job("job7"));
    CHECK(s->memory().block_cache > before_read); // the data block read to answer is cached now
}

TEST_CASE("an endpoint's deliveries are read page by page, each once, oldest first", "[store][deliver]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    auto b = s->new_batch();
    auto put = [&](std::string endpoint, int n, timestamp created) {
        delivery d;
        d.id = "msg_" + endpoint + "_" + std::to_string(n);
        d.job_id = "job_" + std::to_string(n);
        d.endpoint_id = std::move(endpoint);
        d.url = "https://example.test/hook";
        d.status = delivery_status::delivered;
        d.created_at = created;
        b.put_delivery(nullptr, d);
    };
    for (int i = 0; i < 7; ++i) put("ep_1", i, 100 + i);
    put("ep_2", 0, 101); // another endpoint's, in the middle of ep_1's times
    put("ep_10", 0, 50); // an id that extends ep_1's
    s->commit_wait(std::move(b));

    auto ids = [](const store::store::delivery_page& p) {
        std::vector<std::string> out;
        for (const auto& d : p.items) out.push_back(d.id);
        return out;
    };
    CHECK(ids(s->deliveries_of_endpoint("ep_1", 0, 100)).size() == 7); // neither ep_2's nor ep_10's
    auto first = s->deliveries_of_endpoint("ep_1", 102, 3);
    CHECK(ids(first) == std::vector<std::string>{"msg_ep_1_2", "msg_ep_1_3", "msg_ep_1_4"});
    REQUIRE_FALSE(first.next.empty());
    auto second = s->deliveries_of_endpoint("ep_1", 102, 3, first.next);
    CHECK(ids(second) == std::vector<std::string>{"msg_ep_1_5", "msg_ep_1_6"});
    CHECK(second.next.empty());
    // Exactly a page left: it says it is the last one.
    auto exact = s->deliveries_of_endpoint("ep_1", 104, 3);
    CHECK(ids(exact).size() == 3);
    CHECK(exact.next.empty());
    // A cursor of another endpoint does not lead outside this one's deliveries.
    auto other = s->deliveries_of_endpoint("ep_2", 0, 1);
    CHECK(ids(other) == std::vector<std::string>{"msg_ep_2_0"});
    CHECK(ids(s->deliveries_of_endpoint("ep_1", 105, 10, first.next)) == std::vector<std::string>{"msg_ep_1_5", "msg_ep_1_6"});
    CHECK(ids(s->deliveries_of_endpoint("ep_2", 0, 10, first.next)) == std::vector<std::string>{"msg_ep_2_0"});
}

TEST_CASE("a delivery's payload is written once, kept apart from its record, and removed with it", "[store][deliver]") {
    test::temp_dir dir;
    auto s = store::store::open(cfg_for(dir));
    add(*s, new_job("job_p", 1));
    delivery d;
    d.id = "msg_p";
    d.job_id = "job_p";
    d.url = "https://example.test/hook";
    d.payload = R"({"type":"document.completed","data":{"result":")" + std::string(20'000, 'r') + R"("}})";
    d.next_attempt_at = 5000;
    auto b = s->new_batch();
    b.put_delivery(nullptr, d);
    s->commit_wait(std::move(b));

    auto stored = s->get_delivery("msg_p");
    REQUIRE(stored);
    CHECK(stored->payload.empty()); // the record alone
    CHECK(encode(*stored).size() < 1000);
    CHECK(s->get_payload("msg_p") == d.payload);
    auto peeked = s->peek_payload("msg_p");
    REQUIRE(peeked);
    CHECK(*peeked == d.payload);

    // An attempt rewrites the record from what was read back: the payload stays as it was.
    delivery after = *stored;
    after.attempts = 1;
    after.next_attempt_at = 9000;
    auto b2 = s->new_batch();
    b2.put_delivery(&*stored, after);
    s->commit_wait(std::move(b2));
    CHECK(s->get_delivery("msg_p")->attempts == 1);
    CHECK(s->get_payload("msg_p") == d.payload);

    // A record written before payloads were kept apart carries its own; its first rewrite moves it.
    const std::string old_record = R"({"id":"msg_old","job_id":"job_p","tenant":"t","event":"document.completed",)"
                                   R"("endpoint_id":"","url":"https://example.test/hook","payload":"{\"type\":\"old\"}",)"
                                   R"("status":"pending","attempts":2,"round_start":0,"created_at":1000,)"
                                   R"("next_attempt_at":4000,"last_error":"HTTP 503"})";
    auto old = decode_delivery(old_record);
    REQUIRE(old);
    CHECK(old->payload == R"({"type":"old"})");
    CHECK(old->attempts == 2);
    CHECK(old->last_error == "HTTP 503");
    CHECK_FALSE(decode_delivery(R"({"id":"msg_old","payload":7})"));
    delivery moved = *old;
    moved.attempts = 3;
    auto b3 = s->new_batch();
    b3.put_delivery(nullptr, moved);
    s->commit_wait(std::move(b3));
    CHECK(s->get_payload("msg_old") == R"({"type":"old"})");
    CHECK(s->get_delivery("msg_old")->payload.empty());

    // Deleting a job's deliveries takes their payloads too, and names what it deletes.
    auto del = s->new_batch();
    auto deleted = s->delete_deliveries_of(del, "job_p");
    std::sort(deleted.begin(), deleted.end());
    CHECK(deleted == std::vector<std::string>{"msg_old", "msg_p"});
    s->commit_wait(std::move(del));
    CHECK_FALSE(s->get_delivery("msg_p"));
    CHECK_FALSE(s->get_payload("msg_p"));
    CHECK_FALSE(s->get_payload("msg_old"));
}

TEST_CASE("space: a write is refused under the floor or once the volume is full, and resumes with room to flush", "[store][space]") {
    using docket::store::space_recovered;
    using docket::store::space_refusal;
    using docket::store::space_state;
    constexpr std::uint64_t mib = 1ull << 20;
    // No floor: only a failed write refuses.
    CHECK_FALSE(space_refusal({0, 0, false}, 10 * mib));
    const auto full = space_refusal({3 * mib, 0, true}, 0);
    REQUIRE(full);
    CHECK(full->find("full") != std::string::npos);
    // A floor of 256 MiB: the upload counts against what is above it.
    CHECK_FALSE(space_refusal({300 * mib, 256 * mib, false}, 40 * mib));
    CHECK(space_refusal({300 * mib, 256 * mib, false}, 50 * mib));
    const auto under = space_refusal({200 * mib, 256 * mib, false}, 0);
    REQUIRE(under);
    CHECK(under->find("--min-free-space") != std::string::npos);
    // Resumed only with room for RocksDB's flush, and above the floor.
    CHECK_FALSE(space_recovered({8 * mib, 0, true}));
    CHECK(space_recovered({40 * mib, 0, true}));
    CHECK_FALSE(space_recovered({100 * mib, 256 * mib, true}));
    CHECK(space_recovered({300 * mib, 256 * mib, true}));
}

TEST_CASE("each tenant's stored bytes follow its documents and results, atomically and across a reopen", "[store][quota]") {
    test::temp_dir dir;
    job a = new_job("a", 1, job_priority::normal, "t");
    {
        auto s = store::store::open(cfg_for(dir));
        CHECK(s->stored_bytes("t") == 0);
        add(*s, a);                                            // document of 5 bytes
        add(*s, new_job("b", 2, job_priority::normal, "u"));
        CHECK(s->stored_bytes("t") == 5);
        CHECK(s->stored_bytes("u") == 5);
        // Finishing drops the document and keeps the result.
        job done = a;
        done.status = job_status::succeeded;
        done.result_size = 12;
        auto b = s->new_batch();
        b.put_job(&a, done);
        b.put_result("a", "{\"result\":1}");
        s->commit_wait(std::move(b));
        CHECK(s->stored_bytes("t") == 12);
        a = done;
    }
    auto s = store::store::open(cfg_for(dir));
    CHECK(s->stored_bytes("t") == 12);
    CHECK(s->stored_bytes("u") == 5);
    auto b = s->new_batch();
    b.delete_job(a);
    s->write(std::move(b));
    CHECK(s->stored_bytes("t") == 0);
    CHECK(s->stored_bytes("u") == 5);
}

TEST_CASE("a store from before the usage totals is counted once when it is opened", "[store][quota]") {
    test::temp_dir dir;
    const auto c = cfg_for(dir);
    {
        auto s = store::store::open(c);
        add(*s, new_job("a", 1, job_priority::normal, "t"));
        add(*s, new_job("b", 2, job_priority::normal, "t"));
        add(*s, new_job("c", 3, job_priority::normal, "u"));
    }
    {
        // Take the totals away, as a store written by an older docket lacks them.
        std::vector<std::string> names;
        REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), c.data_dir.string(), &names).ok());
        std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
        for (const auto& n : names) descriptors.emplace_back(n, test::raw_cf_options(n));
        std::vector<rocksdb::ColumnFamilyHandle*> handles;
        rocksdb::DB* raw = nullptr;
        REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), c.data_dir.string(), descriptors, &handles, &raw).ok());
        std::unique_ptr<rocksdb::DB> db(raw);
        const auto usage = std::find(names.begin(), names.end(), "usage") - names.begin();
        REQUIRE(static_cast<std::size_t>(usage) < names.size());
        REQUIRE(db->DropColumnFamily(handles[static_cast<std::size_t>(usage)]).ok());
        for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    }
    auto s = store::store::open(c);
    CHECK(s->stored_bytes("t") == 10);
    CHECK(s->stored_bytes("u") == 5);
}
