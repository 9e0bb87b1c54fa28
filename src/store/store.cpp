// RocksDB behind docket's domain operations, and the group committer that makes intake durable
// at HTTP speed. Called by intake, the workers, the sweeper and the keys command.

#include <docket/core/thread.hpp>
#include <docket/store/store.hpp>
#include <docket/core/log.hpp>

#include "tenant_usage.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <cstdarg>
#include <cstdio>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace docket::store {

BOOST_DESCRIBE_STRUCT(idempotency_record, (), (job_id, request_hash, created_at))

namespace {

// Column families, in the order of the handles vector.
enum cf : std::size_t {
    meta, jobs, documents, results, queue_idx, leases, tenant_jobs, expiry, idempotency, keys_cf, tombstones,
    deliveries, delivery_due, job_deliveries, endpoint_deliveries, delivery_attempts, endpoints_cf, batches,
    open_batches_cf, delivery_payloads, usage_cf, cf_count
};
constexpr const char* k_cf_names[cf_count] = {
    "default", "jobs", "documents", "results", "queue", "leases", "tenant_jobs", "expiry", "idempotency", "keys",
    "tombstones", "deliveries", "delivery_due", "job_deliveries", "endpoint_deliveries", "delivery_attempts", "endpoints", "batches", "open_batches",
    "delivery_payloads", "usage"};

// In the usage column family (whose other keys are tenant names, which are never empty): its
// presence says the totals were counted, so a store from before them is counted once at open.
constexpr std::string_view k_usage_counted{"\0counted", 8};

// What RocksDB charges to the block cache besides blocks (see store::open): the open table
// files' readers and their metadata.
constexpr rocksdb::CacheEntryRole k_charged_roles[] = {rocksdb::CacheEntryRole::kBlockBasedTableReader,
                                                      rocksdb::CacheEntryRole::kFileMetadata};

// Expiry index entries say what expires: a job, an idempotency record, or a tombstone.
constexpr char k_expire_job = 'j', k_expire_idem = 'i', k_expire_tomb = 'g', k_expire_batch = 'b';

void append_be64(std::string& s, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) s += static_cast<char>(v >> (8 * i));
}

std::uint64_t read_be64(std::string_view s) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
    return v;
}

std::string queue_key(const job& j) {
    std::string k(1, static_cast<char>(j.priority));
    append_be64(k, j.seq);
    return k;
}

// The id, then NUL and the tenant, so the ready queue is rebuilt fair without reading jobs.
// Entries written before fairness hold the id alone.
std::string queue_value(const job& j) {
    std::string v = j.id;
    v += '\0';
    v += j.tenant;
    return v;
}

std::string tenant_prefix(std::string_view tenant) {
    std::string k(tenant);
    k += '\0';
    return k;
}

// Newest first: the creation time is stored inverted.
std::string tenant_suffix(const job& j) {
    std::string s;
    append_be64(s, ~static_cast<std::uint64_t>(j.created_at));
    s += j.id;
    return s;
}

std::string expiry_key(timestamp t, char kind, std::string_view what) {
    std::string k;
    append_be64(k, static_cast<std::uint64_t>(t));
    k += kind;
    k += what;
    return k;
}

std::string idem_key(std::string_view tenant, std::string_view key) {
    std::string k = tenant_prefix(tenant);
    k += key;
    return k;
}

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

std::string due_key(timestamp t, std::string_view id) {
    std::string k;
    append_be64(k, static_cast<std::uint64_t>(t));
    k += id;
    return k;
}

std::string owned_key(std::string_view owner, std::string_view id) {
    std::string k(owner);
    k += '\0';
    k += id;
    return k;
}

std::string endpoint_delivery_key(const delivery& d) {
    std::string k(d.endpoint_id);
    k += '\0';
    append_be64(k, static_cast<std::uint64_t>(d.created_at));
    k += d.id;
    return k;
}

std::string attempt_key(std::string_view delivery_id, std::int64_t number) {
    std::string k(delivery_id);
    k += '\0';
    append_be64(k, static_cast<std::uint64_t>(number));
    return k;
}

bool is_due(const delivery& d) { return d.status == delivery_status::pending && d.next_attempt_at.has_value(); }

// A write that failed for want of space (RocksDB's NoSpace, or the OS's ENOSPC it passed on).
bool no_space(const rocksdb::Status& s) {
    return s.IsNoSpace() || s.subcode() == rocksdb::Status::kSpaceLimit || s.ToString().find("No space left") != std::string::npos;
}

void check(const rocksdb::Status& s, std::string_view what) {
    if (s.ok()) return;
    if (no_space(s)) throw storage_full(std::string(what) + ": " + s.ToString());
    throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

// RocksDB's own messages go to docket's log, not to a LOG file in the data dir: that file sat on
// the volume that fills up, and a failed write to it tripped an assertion Debian's librocksdb
// keeps (the process died with SIGABRT when the disk filled, and again at every start).
// Warnings RocksDB repeats for things docket does on purpose or reports itself: a checkpoint
// nests the disabling of file deletions, and an open retried while the volume is full fails
// once a second (docket says once that it waits).
bool expected_warning(std::string_view m) {
    return m.find("File Deletions Disabled, but already disabled") != std::string_view::npos ||
           m.find("File Deletions Enable, but not really enabled") != std::string_view::npos ||
           (m.find("DB::Open() failed") != std::string_view::npos && m.find("No space left") != std::string_view::npos);
}

class rocksdb_logger final : public rocksdb::Logger {
public:
    explicit rocksdb_logger(rocksdb::InfoLogLevel l) : rocksdb::Logger(l) {}
    using rocksdb::Logger::Logv;
    void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
    void Logv(const rocksdb::InfoLogLevel l, const char* format, va_list ap) override {
        if (l < GetInfoLogLevel()) return;
        char line[1024];
        const int n = std::vsnprintf(line, sizeof line, format, ap);
        if (n <= 0) return;
        const std::string message = "rocksdb: " + std::string(line, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof line - 1));
        if (l >= rocksdb::InfoLogLevel::ERROR_LEVEL) log::error(message);
        else if (l >= rocksdb::InfoLogLevel::WARN_LEVEL && !expected_warning(message)) log::warn(message);
        else log::debug(message);
    }
};

std::uint64_t free_bytes_at(const std::filesystem::path& dir) {
    struct statvfs v{};
    if (::statvfs(dir.c_str(), &v) != 0) return std::numeric_limits<std::uint64_t>::max();
    return static_cast<std::uint64_t>(v.f_bavail) * v.f_frsize;
}

} // namespace

struct batch::impl {
    std::vector<rocksdb::ColumnFamilyHandle*>* cfs;
    rocksdb::WriteBatch wb;
    usage_deltas usage; //!< applied to the store's totals once the batch is written
    rocksdb::ColumnFamilyHandle* h(cf c) const { return (*cfs)[c]; }

    void count(const std::string& tenant, std::int64_t delta) {
        if (delta == 0) return;
        check(wb.Merge(h(usage_cf), tenant, encode_usage(delta)), "batch");
        usage.emplace_back(tenant, delta);
    }
};

batch::batch(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
batch::~batch() = default;
batch::batch(batch&&) noexcept = default;
batch& batch::operator=(batch&&) noexcept = default;

void batch::put_job(const job* before, const job& after) {
    auto& wb = impl_->wb;
    auto h = [&](cf c) { return impl_->h(c); };
    const std::string id = after.id;
    check(wb.Put(h(jobs), id, encode_job(after)), "batch");
    if (!before) check(wb.Put(h(tenant_jobs), tenant_prefix(after.tenant) + tenant_suffix(after), ""), "batch");
    if (before && before->status == job_status::queued) check(wb.Delete(h(queue_idx), queue_key(*before)), "batch");
    if (after.status == job_status::queued) check(wb.Put(h(queue_idx), queue_key(after), queue_value(after)), "batch");
    if (before && before->status == job_status::processing && after.status != job_status::processing)
        check(wb.Delete(h(leases), id), "batch");
    if (after.status == job_status::processing) check(wb.Put(h(leases), id, ""), "batch");
    const bool expiry_changed = !before || before->expires_at != after.expires_at;
    if (expiry_changed && before && before->expires_at)
        check(wb.Delete(h(expiry), expiry_key(*before->expires_at, k_expire_job, id)), "batch");
    if (expiry_changed && after.expires_at)
        check(wb.Put(h(expiry), expiry_key(*after.expires_at, k_expire_job, id), ""), "batch");
    if (is_finished(after.status)) check(wb.Delete(h(documents), id), "batch");
    impl_->count(after.tenant, static_cast<std::int64_t>(stored_bytes(after)) -
                                   static_cast<std::int64_t>(before ? stored_bytes(*before) : 0));
}

void batch::put_document(std::string_view job_id, std::string_view bytes) {
    check(impl_->wb.Put(impl_->h(documents), slice(job_id), slice(bytes)), "batch");
}

void batch::put_result(std::string_view job_id, std::string_view json) {
    check(impl_->wb.Put(impl_->h(results), slice(job_id), slice(json)), "batch");
}

void batch::put_idempotency(std::string_view tenant, std::string_view key, const idempotency_record& r,
                            timestamp expires_at) {
    const std::string k = idem_key(tenant, key);
    check(impl_->wb.Put(impl_->h(idempotency), k, boost::json::serialize(boost::json::value_from(r))), "batch");
    check(impl_->wb.Put(impl_->h(expiry), expiry_key(expires_at, k_expire_idem, k), ""), "batch");
}

void batch::delete_job(const job& j) {
    auto& wb = impl_->wb;
    auto h = [&](cf c) { return impl_->h(c); };
    check(wb.Delete(h(jobs), j.id), "batch");
    check(wb.Delete(h(documents), j.id), "batch");
    check(wb.Delete(h(results), j.id), "batch");
    check(wb.Delete(h(tenant_jobs), tenant_prefix(j.tenant) + tenant_suffix(j)), "batch");
    if (j.status == job_status::queued) check(wb.Delete(h(queue_idx), queue_key(j)), "batch");
    if (j.status == job_status::processing) check(wb.Delete(h(leases), j.id), "batch");
    if (j.expires_at) check(wb.Delete(h(expiry), expiry_key(*j.expires_at, k_expire_job, j.id)), "batch");
    impl_->count(j.tenant, -static_cast<std::int64_t>(stored_bytes(j)));
}

namespace {

// By hand, not described: a key written before the rate fields existed lacks them.
std::string encode_key(const key_record& k) {
    boost::json::object o{{"id", k.id}, {"tenant", k.tenant}, {"hash", k.hash}, {"created_at", k.created_at}, {"revoked", k.revoked}};
    if (k.rate_limit) o["rate_limit"] = *k.rate_limit;
    if (k.rate_burst) o["rate_burst"] = *k.rate_burst;
    return boost::json::serialize(o);
}

key_record decode_key(std::string_view bytes) {
    const auto v = boost::json::parse(bytes);
    const auto& o = v.as_object();
    key_record k;
    k.id = boost::json::value_to<std::string>(o.at("id"));
    k.tenant = boost::json::value_to<std::string>(o.at("tenant"));
    k.hash = boost::json::value_to<std::string>(o.at("hash"));
    k.created_at = o.at("created_at").to_number<timestamp>();
    k.revoked = o.at("revoked").as_bool();
    if (const auto* r = o.if_contains("rate_limit")) k.rate_limit = r->to_number<std::uint64_t>();
    if (const auto* r = o.if_contains("rate_burst")) k.rate_burst = r->to_number<std::uint64_t>();
    return k;
}

} // namespace

void batch::put_key(const key_record& k) {
    check(impl_->wb.Put(impl_->h(keys_cf), k.hash, encode_key(k)), "batch");
}

void batch::put_delivery(const delivery* before, const delivery& after) {
    auto& wb = impl_->wb;
    auto h = [&](cf c) { return impl_->h(c); };
    check(wb.Put(h(deliveries), after.id, encode(after)), "batch");
    // The payload is written once, with a new delivery, and not again with every attempt's state
    // (up to --webhook-max-inline-result with the result inline, retried for days). A record
    // from before payloads were stored apart brings its own here the first time it is rewritten.
    if (!after.payload.empty()) check(wb.Put(h(delivery_payloads), after.id, after.payload), "batch");
    if (!before) {
        check(wb.Put(h(job_deliveries), owned_key(after.job_id, after.id), ""), "batch");
        if (!after.endpoint_id.empty()) check(wb.Put(h(endpoint_deliveries), endpoint_delivery_key(after), ""), "batch");
    }
    if (before && is_due(*before)) check(wb.Delete(h(delivery_due), due_key(*before->next_attempt_at, before->id)), "batch");
    if (is_due(after)) check(wb.Put(h(delivery_due), due_key(*after.next_attempt_at, after.id), ""), "batch");
}

void batch::put_attempt(std::string_view delivery_id, const delivery_attempt& a) {
    check(impl_->wb.Put(impl_->h(delivery_attempts), attempt_key(delivery_id, a.number), encode(a)), "batch");
}

void batch::put_endpoint(const endpoint& e) {
    check(impl_->wb.Put(impl_->h(endpoints_cf), e.id, encode(e)), "batch");
}

void batch::put_batch(const batch_record& b, std::optional<timestamp> expires_at) {
    check(impl_->wb.Put(impl_->h(batches), b.id, encode(b)), "batch");
    if (expires_at) check(impl_->wb.Put(impl_->h(expiry), expiry_key(*expires_at, k_expire_batch, b.id), ""), "batch");
    if (b.completed_at) check(impl_->wb.Delete(impl_->h(open_batches_cf), b.id), "batch");
    else check(impl_->wb.Put(impl_->h(open_batches_cf), b.id, ""), "batch");
}

void batch::delete_endpoint(std::string_view id) { check(impl_->wb.Delete(impl_->h(endpoints_cf), slice(id)), "batch"); }

struct store::impl {
    std::unique_ptr<rocksdb::DB> db;
    std::vector<rocksdb::ColumnFamilyHandle*> cfs;

    // Group committer: batches wait here while the previous fsync runs, then share the next.
    struct pending {
        rocksdb::WriteBatch wb;
        std::function<void(std::exception_ptr)> done;
        commit_mode mode;
        usage_deltas usage;
    };
    usage_totals usage;
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<pending> queue;
    bool stopping = false;
    bool fsync = true;
    std::atomic<std::uint64_t> syncs{0};
    std::thread committer;

    // Space. Once a write to the WAL has failed, RocksDB's writer must not be touched again
    // until Resume() retires it (Debian's librocksdb asserts on a second use: SIGABRT), so every
    // WAL write and flush happens under wal_mutex, and none once `no_space_now` is set.
    std::filesystem::path dir;
    std::uint64_t min_free = 0;
    std::mutex wal_mutex;
    std::atomic<bool> no_space_now{false};
    std::atomic<std::uint64_t> free_bytes{std::numeric_limits<std::uint64_t>::max()};
    std::thread space_watch;
    std::condition_variable space_cv;

    // Called under wal_mutex after a failed write: a failure for want of space stops writes.
    std::exception_ptr failed(const rocksdb::Status& s, std::string_view what) {
        if (no_space(s)) {
            if (!no_space_now.exchange(true))
                log::error("store: the data volume is full (" + s.ToString() + "); writes are refused until space returns");
            return std::make_exception_ptr(storage_full(std::string(what) + ": " + s.ToString()));
        }
        return std::make_exception_ptr(std::runtime_error(std::string(what) + ": " + s.ToString()));
    }

    static std::exception_ptr refused() {
        return std::make_exception_ptr(storage_full("the data volume is full: the write was not made"));
    }

    // Every half second: the free space, and a resume once it is back.
    void watch_space() {
        name_this_thread("docket-space");
        std::unique_lock lock(mutex);
        while (!stopping) {
            lock.unlock();
            free_bytes = free_bytes_at(dir);
            if (no_space_now && space_recovered({free_bytes, min_free, true})) {
                std::lock_guard wal(wal_mutex);
                // Flushes the memtables to new files and starts a new WAL, retiring the failed one.
                if (auto r = db->Resume(); r.ok()) {
                    no_space_now = false;
                    log::info("store: space is back (" + format_size(free_bytes) + " free); writes resumed");
                } else {
                    log::warn("store: resume failed, tried again shortly: " + r.ToString());
                }
            }
            lock.lock();
            space_cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping; });
        }
    }

    void run_committer() {
        std::vector<pending> items;
        for (;;) {
            {
                std::unique_lock lock(mutex);
                cv.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty()) return;
                items.swap(queue);
            }
            std::vector<std::exception_ptr> errors(items.size());
            rocksdb::WriteOptions wo;
            wo.sync = false;
            bool needs_sync = false;
            std::exception_ptr sync_error;
            {
                std::lock_guard wal(wal_mutex);
                for (std::size_t i = 0; i < items.size() && !no_space_now; ++i) {
                    auto s = db->Write(wo, &items[i].wb);
                    if (!s.ok()) errors[i] = failed(s, "write");
                    else usage.apply(items[i].usage);
                    needs_sync = needs_sync || items[i].mode == commit_mode::durable;
                }
                // The batches above went to RocksDB's WAL buffer (manual_wal_flush): one write
                // hands them all to the file, and one fsync, if any item needs it, makes them
                // durable. This is the group commit. Until then no item is answered.
                const bool sync = fsync && needs_sync;
                if (no_space_now) {
                    // Nothing written since the failure is durable: every item of the group fails.
                    sync_error = refused();
                    for (auto& e : errors) e = e ? e : sync_error;
                } else if (auto s = db->FlushWAL(sync); !s.ok()) {
                    sync_error = failed(s, "WAL flush");
                }
                if (sync && !sync_error) syncs.fetch_add(1, std::memory_order_relaxed);
            }
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (items[i].done) items[i].done(errors[i] ? errors[i] : sync_error);
            }
            items.clear();
        }
    }

    rocksdb::ColumnFamilyHandle* h(cf c) const { return cfs[c]; }

    // The tenants' stored bytes into memory; counted from the jobs (once, and slowly: every job
    // record is read) when the store is from before the totals were kept. A result stored before
    // jobs recorded its size is not counted: its removal could not subtract it, and it leaves
    // with retention anyway.
    void load_usage() {
        if (!get(usage_cf, k_usage_counted)) {
            std::unordered_map<std::string, std::int64_t> totals;
            std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h(jobs)));
            for (it->SeekToFirst(); it->Valid(); it->Next()) {
                auto j = decode_job(std::string_view(it->value().data(), it->value().size()));
                if (!j) continue;
                std::int64_t bytes = is_finished(j->status) ? 0 : static_cast<std::int64_t>(j->document.size);
                bytes += static_cast<std::int64_t>(j->result_size.value_or(0));
                totals[j->tenant] += bytes;
            }
            check(it->status(), "count usage");
            rocksdb::WriteBatch wb;
            for (const auto& [tenant, bytes] : totals) check(wb.Put(h(usage_cf), tenant, encode_usage(bytes)), "count usage");
            check(wb.Put(h(usage_cf), rocksdb::Slice(k_usage_counted.data(), k_usage_counted.size()), ""), "count usage");
            rocksdb::WriteOptions wo;
            wo.sync = true;
            check(db->Write(wo, &wb), "count usage");
            check(db->FlushWAL(true), "count usage");
        }
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h(usage_cf)));
        for (it->SeekToFirst(); it->Valid(); it->Next()) {
            if (it->key().size() > 0 && it->key()[0] == '\0') continue;
            usage.set(it->key().ToString(), decode_usage(std::string_view(it->value().data(), it->value().size())));
        }
        check(it->status(), "read usage");
    }

    std::optional<std::string> get(cf c, std::string_view key) const {
        std::string value;
        auto s = db->Get(rocksdb::ReadOptions(), h(c), slice(key), &value);
        if (s.IsNotFound()) return std::nullopt;
        check(s, "read");
        return value;
    }

    // nullopt when the answer is not in memory (memtables, block cache); never reads a file.
    std::optional<std::optional<std::string>> get_in_memory(cf c, std::string_view key) const {
        rocksdb::ReadOptions ro;
        ro.read_tier = rocksdb::kBlockCacheTier;
        std::string value;
        auto s = db->Get(ro, h(c), slice(key), &value);
        if (s.IsIncomplete()) return std::nullopt;
        if (s.IsNotFound()) return std::optional<std::string>{};
        check(s, "read");
        return std::optional<std::string>{std::move(value)};
    }

    // One read for many keys: RocksDB looks them up together, a table block once for all the
    // keys in it (a replay page's 500 records were 500 separate lookups).
    std::vector<std::optional<std::string>> multi_get(cf c, const std::vector<std::string>& keys) const {
        std::vector<rocksdb::Slice> slices;
        slices.reserve(keys.size());
        for (const auto& k : keys) slices.emplace_back(k);
        std::vector<rocksdb::PinnableSlice> values(keys.size());
        std::vector<rocksdb::Status> statuses(keys.size());
        db->MultiGet(rocksdb::ReadOptions(), h(c), keys.size(), slices.data(), values.data(), statuses.data());
        std::vector<std::optional<std::string>> out(keys.size());
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (statuses[i].IsNotFound()) continue;
            check(statuses[i], "read");
            out[i] = values[i].ToString();
        }
        return out;
    }

    template <class F>
    void scan(cf c, std::string_view from, F&& f) const {
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h(c)));
        for (it->Seek(slice(from)); it->Valid(); it->Next())
            if (!f(std::string_view(it->key().data(), it->key().size()), std::string_view(it->value().data(), it->value().size())))
                break;
        check(it->status(), "scan");
    }
};

store::store(const config& cfg, std::unique_ptr<impl> p) : cfg_(cfg), impl_(std::move(p)) {}

std::unique_ptr<store> store::open(const config& cfg) {
    std::filesystem::create_directories(cfg.data_dir);
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    options.max_background_jobs = 2;
    // All memtables together. They fill and are flushed over and over, so this budget is what
    // resident memory swings by under steady load: kept small (a flush is cheap and runs in the
    // background; the WAL, not the memtable, is what makes a write durable).
    options.db_write_buffer_size = 24ull << 20;
    options.keep_log_file_num = 4;
    // Table files written by flushes and compactions are synced every MiB as they are written,
    // not all at once when closed: a burst of tens of MiB queued on the disk made the WAL fsync
    // of the submissions behind it wait (open-loop intake p99 at 7,500 req/s 20 / 11 ms -> 8 ms
    // in alternated runs here).
    options.bytes_per_sync = 1 << 20;
    options.max_manifest_file_size = 64ull << 20;
    options.info_log = std::make_shared<rocksdb_logger>(log::enabled(log::level::debug) ? rocksdb::InfoLogLevel::INFO_LEVEL
                                                                                          : rocksdb::InfoLogLevel::WARN_LEVEL);
    // One committer thread writes everything, so there is nothing to insert concurrently; and
    // only without concurrent inserts does a memtable use the insert hints set below.
    options.allow_concurrent_memtable_write = false;
    // The WAL is written to its file only when the committer flushes it, once per group instead
    // of a write() per batch (~30 % of the committer's time on intake went to those writes).
    // store::write flushes its own.
    options.manual_wal_flush = true;

    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(cfg.block_cache);
    // Index and filter blocks live in the block cache too, so their memory stays within
    // --block-cache however much the store holds (outside it they grow with every table file).
    // Level-0 ones stay pinned: they are read on every lookup.
    table.cache_index_and_filter_blocks = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    // Index blocks hold one entry per data block, so together they grow with what the store
    // holds, and RocksDB reads a table file's index into the cache when it opens the file (after
    // every flush and compaction). Blocks of files that compactions replaced stay cached until the
    // LRU needs their room (RocksDB 7.8 does not drop them), so the cache fills towards its
    // capacity under steady load, ~2 MiB per 100,000 jobs over a 1,000,000-job run. 16 KiB data
    // blocks need a quarter of the index entries of 4 KiB ones. A point read decodes a bigger
    // block, but most reads are of recent jobs, which the memtables answer.
    table.block_size = 16 << 10;
    // Table readers and per-file metadata are charged to the cache as well: both grow with the
    // number of table files (~1.7 KiB of readers a file, ~540 files after 1,000,000 jobs), and
    // charged, they push cached blocks out instead of adding to them, so --block-cache bounds
    // everything RocksDB keeps for reading, not only the blocks.
    for (auto role : k_charged_roles)
        table.cache_usage_options.options_overrides.insert({role, {rocksdb::CacheEntryRoleOptions::Decision::kEnabled}});
    rocksdb::ColumnFamilyOptions base;
    base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    base.write_buffer_size = 8ull << 20;
    // Keys mostly arrive in order (time-ordered job ids, queue sequence numbers, expiry times, a
    // tenant's newest job next to its previous one), so each memtable keeps the position of its
    // last insert (one hint for all keys: the empty prefix) and starts the next search there.
    base.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (std::size_t i = 0; i < cf_count; ++i) {
        rocksdb::ColumnFamilyOptions o = base;
        if (i == documents) {
            // Document bytes go to blob files at flush and are not rewritten by compactions.
            o.enable_blob_files = true;
            o.min_blob_size = 4096;
            o.enable_blob_garbage_collection = true;
            // PDFs, images and ZIPs are compressed already: snappy would spend CPU at every
            // flush and compaction to save almost nothing.
            o.compression = rocksdb::kNoCompression;
            o.blob_compression_type = rocksdb::kNoCompression;
        }
        if (i == usage_cf) o.merge_operator = usage_merge_operator();
        descriptors.emplace_back(k_cf_names[i], o);
    }
    auto p = std::make_unique<impl>();
    rocksdb::DB* raw = nullptr;
    rocksdb::DBOptions dbo(options);
    auto s = rocksdb::DB::Open(dbo, cfg.data_dir.string(), descriptors, &p->cfs, &raw);
    // Opening writes a new manifest and WAL: on a full volume it waits for space rather than
    // exiting, so a service restarted there comes up by itself once room is made.
    for (bool said = false; !s.ok() && no_space(s); s = rocksdb::DB::Open(dbo, cfg.data_dir.string(), descriptors, &p->cfs, &raw)) {
        if (!said) log::error("store: the data volume is full (" + s.ToString() + "); waiting for space to open the store");
        said = true;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (!s.ok()) {
        if (s.ToString().find("lock") != std::string::npos)
            throw std::runtime_error("the data dir " + cfg.data_dir.string() +
                                     " is in use by another docket process (" + s.ToString() + ")");
        throw std::runtime_error("cannot open the store at " + cfg.data_dir.string() + ": " + s.ToString());
    }
    p->db.reset(raw);
    p->fsync = cfg.fsync;
    p->dir = cfg.data_dir;
    p->min_free = cfg.min_free_space;
    p->free_bytes = free_bytes_at(cfg.data_dir);
    p->load_usage();
    auto* ip = p.get();
    p->committer = std::thread([ip] {
        name_this_thread("docket-commit");
        ip->run_committer();
    });
    p->space_watch = std::thread([ip] { ip->watch_space(); });
    return std::unique_ptr<store>(new store(cfg, std::move(p)));
}

store::~store() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->cv.notify_all();
    impl_->space_cv.notify_all();
    if (impl_->committer.joinable()) impl_->committer.join();
    if (impl_->space_watch.joinable()) impl_->space_watch.join();
    try { flush(); } catch (const std::exception& e) { log::error(std::string("store close: ") + e.what()); }
    for (auto* h : impl_->cfs) impl_->db->DestroyColumnFamilyHandle(h);
    impl_->db->Close();
}

batch store::new_batch() {
    auto p = std::make_unique<batch::impl>();
    p->cfs = &impl_->cfs;
    return batch(std::move(p));
}

void store::commit(batch&& b, std::function<void(std::exception_ptr)> done, commit_mode mode) {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopping) throw std::runtime_error("store is closing");
        impl_->queue.push_back({std::move(b.impl_->wb), std::move(done), mode, std::move(b.impl_->usage)});
    }
    impl_->cv.notify_one();
}

void store::commit_wait(batch&& b, commit_mode mode) {
    std::promise<void> p;
    auto f = p.get_future();
    commit(std::move(b), [&p](std::exception_ptr e) {
        if (e) p.set_exception(e);
        else p.set_value();
    }, mode);
    f.get();
}

std::uint64_t store::wal_syncs() const { return impl_->syncs.load(std::memory_order_relaxed); }

void store::write(batch&& b) {
    std::lock_guard wal(impl_->wal_mutex);
    if (impl_->no_space_now) std::rethrow_exception(impl::refused());
    if (auto s = impl_->db->Write(rocksdb::WriteOptions(), &b.impl_->wb); !s.ok()) std::rethrow_exception(impl_->failed(s, "write"));
    impl_->usage.apply(b.impl_->usage);
    // With manual_wal_flush the record would wait in RocksDB's buffer for the committer's next
    // group; a claim must reach the file now, so that a crash of docket during a long extraction
    // still counts the attempt (a document that took the process down must not loop forever).
    if (auto s = impl_->db->FlushWAL(false); !s.ok()) std::rethrow_exception(impl_->failed(s, "write"));
}

space_state store::space() const {
    return {impl_->free_bytes.load(std::memory_order_relaxed), cfg_.min_free_space,
            impl_->no_space_now.load(std::memory_order_relaxed)};
}

namespace {

job decoded_job(std::string_view id, const std::string& record) {
    auto j = decode_job(record);
    if (!j) throw std::runtime_error("corrupt job record " + std::string(id));
    return std::move(*j);
}

} // namespace

std::optional<job> store::get_job(std::string_view id) const {
    auto v = impl_->get(jobs, id);
    if (!v) return std::nullopt;
    return decoded_job(id, *v);
}

std::optional<std::string> store::get_document(std::string_view id) const { return impl_->get(documents, id); }
std::optional<std::string> store::get_result(std::string_view id) const { return impl_->get(results, id); }
std::optional<std::string> store::get_tombstone(std::string_view id) const { return impl_->get(tombstones, id); }

std::optional<idempotency_record> store::get_idempotency(std::string_view tenant, std::string_view key) const {
    auto v = impl_->get(idempotency, idem_key(tenant, key));
    if (!v) return std::nullopt;
    return boost::json::value_to<idempotency_record>(boost::json::parse(*v));
}

job_page store::list_jobs(std::string_view tenant, std::optional<job_status> status, std::size_t limit,
                          std::optional<std::string_view> cursor) const {
    constexpr std::size_t k_max_examined = 5000;
    const std::string prefix = tenant_prefix(tenant);
    std::string from = prefix;
    if (cursor) from += *cursor;
    job_page page;
    std::size_t examined = 0;
    std::string last_suffix;
    bool more = false;
    impl_->scan(tenant_jobs, from, [&](std::string_view key, std::string_view) {
        if (key.substr(0, prefix.size()) != prefix) return false;
        const auto suffix = key.substr(prefix.size());
        if (cursor && suffix == *cursor) return true; // the cursor names the last one already returned
        if (page.jobs.size() == limit || examined == k_max_examined) { more = true; return false; }
        ++examined;
        last_suffix = suffix;
        auto j = get_job(suffix.substr(8));
        if (j && (!status || j->status == *status)) page.jobs.push_back(std::move(*j));
        return true;
    });
    if (more) page.next_cursor = last_suffix;
    return page;
}

std::vector<job> store::claimed_jobs() const {
    std::vector<job> out;
    impl_->scan(leases, "", [&](std::string_view id, std::string_view) {
        if (auto j = get_job(id)) out.push_back(std::move(*j));
        return true;
    });
    return out;
}

void store::scan_queue(const std::function<void(job_priority, std::uint64_t, std::string_view, std::string_view)>& f) const {
    impl_->scan(queue_idx, "", [&](std::string_view key, std::string_view value) {
        const auto nul = value.find('\0');
        const auto id = value.substr(0, nul);
        const auto tenant = nul == std::string_view::npos ? std::string_view() : value.substr(nul + 1);
        f(static_cast<job_priority>(key[0]), read_be64(key.substr(1)), id, tenant);
        return true;
    });
}

memory_usage store::memory() const {
    memory_usage m;
    auto& db = *impl_->db;
    db.GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &m.memtables);
    db.GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimateTableReadersMem, &m.table_readers);
    // One cache is shared by every column family: asking any of them gives its whole usage.
    db.GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &m.block_cache);
    // The charges come from a walk over the cache, which RocksDB repeats at most every 10 s
    // for a caller like this one (in between it answers from the last walk): cheap enough for
    // /readyz, at the cost of being up to 10 s old.
    std::map<std::string, std::string> entries;
    if (db.GetMapProperty(rocksdb::DB::Properties::kBlockCacheEntryStats, &entries)) {
        for (auto role : k_charged_roles) {
            auto it = entries.find(rocksdb::BlockCacheEntryStatsMapKeys::UsedBytes(role));
            if (it != entries.end()) m.cache_charges += std::strtoull(it->second.c_str(), nullptr, 10);
        }
    }
    // A property, not GetLiveFilesMetaData: /readyz asks on an I/O thread, and listing every
    // table file's metadata to count them would allocate per file on each probe.
    db.GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize, &m.sst_bytes);
    return m;
}

void store::compact() {
    rocksdb::CompactRangeOptions o;
    o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto* h : impl_->cfs) check(impl_->db->CompactRange(o, h, nullptr, nullptr), "compact");
}

checkpoint_info store::checkpoint(const std::filesystem::path& dest) {
    namespace fs = std::filesystem;
    if (fs::exists(dest)) throw std::runtime_error("backup: " + dest.string() + " exists already");
    // Inside the data dir: on its file system (so the checkpoint hard-links its table files) and
    // ignored by RocksDB, which only looks at its own file names there.
    const fs::path staging = impl_->dir / (".checkpoint-" + std::to_string(now_ms()));
    fs::remove_all(staging);
    // Most of what the memtables hold reaches table files before writes pause.
    rocksdb::FlushOptions flush;
    check(impl_->db->Flush(flush, impl_->cfs), "backup: flush");
    rocksdb::Checkpoint* raw = nullptr;
    check(rocksdb::Checkpoint::Create(impl_->db.get(), &raw), "backup");
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    checkpoint_info info;
    {
        // With manual_wal_flush, writes the committer made may still sit in RocksDB's WAL buffer:
        // they reach the file, and no new ones are made, until the checkpoint has its files.
        std::lock_guard wal(impl_->wal_mutex);
        if (impl_->no_space_now) std::rethrow_exception(impl::refused());
        if (auto s = impl_->db->FlushWAL(false); !s.ok()) std::rethrow_exception(impl_->failed(s, "backup: WAL flush"));
        // 0: the memtables are flushed (again, briefly) so the checkpoint needs little of the WAL.
        if (auto s = cp->CreateCheckpoint(staging.string(), 0, &info.sequence); !s.ok())
            std::rethrow_exception(impl_->failed(s, "backup: checkpoint"));
    }
    std::error_code ec;
    if (dest.has_parent_path()) fs::create_directories(dest.parent_path(), ec);
    fs::rename(staging, dest, ec);
    if (ec) { // another file system: copy, then drop the links
        std::error_code copy_ec;
        fs::copy(staging, dest, fs::copy_options::recursive, copy_ec);
        fs::remove_all(staging, ec);
        if (copy_ec) {
            fs::remove_all(dest, ec);
            throw std::runtime_error("backup: cannot copy the checkpoint to " + dest.string() + ": " + copy_ec.message());
        }
    }
    // The backup is durable when this returns: its files (copies are new), its directory, and
    // the directory that names it.
    auto sync = [](const fs::path& p, int flags) {
        const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
        if (fd < 0) throw std::runtime_error("backup: cannot open " + p.string() + " to sync it");
        const int r = ::fsync(fd);
        ::close(fd);
        if (r != 0) throw std::runtime_error("backup: fsync of " + p.string() + " failed");
    };
    for (const auto& f : fs::directory_iterator(dest)) {
        if (!f.is_regular_file()) continue;
        sync(f.path(), O_RDONLY);
        ++info.files;
        info.bytes += f.file_size();
    }
    sync(dest, O_RDONLY | O_DIRECTORY);
    sync(fs::absolute(dest).parent_path(), O_RDONLY | O_DIRECTORY);
    return info;
}

std::uint64_t store::stored_bytes(std::string_view tenant) const { return impl_->usage.of(tenant); }

std::uint64_t store::max_seq() const {
    // The last key of each priority holds its largest queued sequence number.
    std::uint64_t m = 0;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->h(queue_idx)));
    for (const auto p : {job_priority::high, job_priority::normal}) {
        job probe;
        probe.priority = p;
        probe.seq = std::numeric_limits<std::uint64_t>::max();
        const auto last = queue_key(probe);
        it->SeekForPrev(rocksdb::Slice(last.data(), last.size()));
        if (it->Valid() && it->key().size() == 9 && it->key()[0] == static_cast<char>(p))
            m = std::max(m, read_be64(std::string_view(it->key().data() + 1, 8)));
    }
    check(it->status(), "max_seq");
    for (const auto& j : claimed_jobs()) m = std::max(m, j.seq);
    return m;
}

std::size_t store::sweep(timestamp now, std::size_t max) {
    auto b = new_batch();
    auto& wb = b.impl_->wb;
    std::size_t removed = 0;
    impl_->scan(expiry, "", [&](std::string_view key, std::string_view) {
        if (removed == max || static_cast<timestamp>(read_be64(key)) > now) return false;
        const char kind = key[8];
        const std::string what(key.substr(9));
        if (kind == k_expire_job) {
            auto j = get_job(what);
            const auto ds = j ? deliveries_of_job(what) : std::vector<delivery>{};
            const bool pending = std::any_of(ds.begin(), ds.end(), [](const delivery& d) { return d.status == delivery_status::pending; });
            if (j && pending) {
                job later = *j;
                later.expires_at = now + 3'600'000;
                b.put_job(&*j, later); // moves its expiry entry
            } else if (j) {
                b.delete_job(*j);
                delete_deliveries_of(b, what);
                check(wb.Put(impl_->h(tombstones), what, j->tenant), "batch");
                check(wb.Put(impl_->h(expiry), expiry_key(now + cfg_.gone_ttl.count(), k_expire_tomb, what), ""), "batch");
            }
        } else if (kind == k_expire_idem) {
            check(wb.Delete(impl_->h(idempotency), what), "batch");
        } else if (kind == k_expire_batch) {
            check(wb.Delete(impl_->h(batches), what), "batch");
            check(wb.Delete(impl_->h(open_batches_cf), what), "batch");
        } else if (kind == k_expire_tomb) {
            check(wb.Delete(impl_->h(tombstones), what), "batch");
        }
        check(wb.Delete(impl_->h(expiry), slice(key)), "batch");
        ++removed;
        return true;
    });
    if (removed > 0) write(std::move(b));
    return removed;
}

std::optional<std::optional<job>> store::peek_job(std::string_view id) const {
    auto v = impl_->get_in_memory(jobs, id);
    if (!v) return std::nullopt;
    if (!*v) return std::optional<job>{};
    return std::optional<job>{decoded_job(id, **v)};
}

std::optional<bool> store::peek_job_exists(std::string_view id) const {
    auto v = impl_->get_in_memory(jobs, id);
    if (!v) return std::nullopt;
    return v->has_value();
}

std::optional<std::optional<delivery>> store::peek_delivery(std::string_view id) const {
    auto v = impl_->get_in_memory(deliveries, id);
    if (!v) return std::nullopt;
    if (!*v) return std::optional<delivery>{};
    return decode_delivery(**v);
}

std::optional<std::optional<std::string>> store::peek_payload(std::string_view id) const {
    return impl_->get_in_memory(delivery_payloads, id);
}

std::optional<std::string> store::get_payload(std::string_view id) const { return impl_->get(delivery_payloads, id); }

std::vector<std::optional<std::string>> store::get_payloads(const std::vector<std::string>& ids) const {
    return impl_->multi_get(delivery_payloads, ids);
}

std::optional<delivery> store::get_delivery(std::string_view id) const {
    auto v = impl_->get(deliveries, id);
    if (!v) return std::nullopt;
    return decode_delivery(*v);
}

std::vector<delivery> store::due_deliveries(timestamp now, std::size_t limit) const {
    std::vector<delivery> out;
    impl_->scan(delivery_due, "", [&](std::string_view key, std::string_view) {
        if (out.size() == limit || static_cast<timestamp>(read_be64(key)) > now) return false;
        if (auto d = get_delivery(key.substr(8))) out.push_back(std::move(*d));
        return true;
    });
    return out;
}

std::optional<timestamp> store::next_due_after(timestamp after) const {
    std::optional<timestamp> next;
    std::string from;
    append_be64(from, static_cast<std::uint64_t>(after + 1));
    impl_->scan(delivery_due, from, [&](std::string_view key, std::string_view) {
        next = static_cast<timestamp>(read_be64(key));
        return false;
    });
    return next;
}

std::vector<delivery> store::deliveries_of_job(std::string_view job_id) const {
    std::vector<delivery> out;
    const std::string prefix = owned_key(job_id, "");
    impl_->scan(job_deliveries, prefix, [&](std::string_view key, std::string_view) {
        if (key.substr(0, prefix.size()) != prefix) return false;
        if (auto d = get_delivery(key.substr(prefix.size()))) out.push_back(std::move(*d));
        return true;
    });
    return out;
}

store::delivery_page store::deliveries_of_endpoint(std::string_view endpoint_id, timestamp since, std::size_t limit,
                                                   std::string_view cursor) const {
    delivery_page out;
    const std::string prefix = owned_key(endpoint_id, "");
    std::string from = prefix;
    append_be64(from, static_cast<std::uint64_t>(std::max<timestamp>(since, 0)));
    // The cursor is the last index key of the previous page; with a NUL appended it is the
    // smallest key after that one. A cursor of another endpoint is ignored.
    if (!cursor.empty() && cursor.substr(0, prefix.size()) == prefix) from = std::max(from, std::string(cursor) + '\0');
    std::vector<std::string> ids;
    std::string last;
    impl_->scan(endpoint_deliveries, from, [&](std::string_view key, std::string_view) {
        if (key.substr(0, prefix.size()) != prefix) return false;
        if (ids.size() == limit) {
            out.next = std::move(last); // more follow
            return false;
        }
        last = key;
        ids.emplace_back(key.substr(prefix.size() + 8));
        return true;
    });
    for (auto& record : impl_->multi_get(deliveries, ids))
        if (record)
            if (auto d = decode_delivery(*record)) out.items.push_back(std::move(*d));
    return out;
}

std::vector<delivery_attempt> store::attempts_of(std::string_view delivery_id) const {
    std::vector<delivery_attempt> out;
    const std::string prefix = owned_key(delivery_id, "");
    impl_->scan(delivery_attempts, prefix, [&](std::string_view key, std::string_view v) {
        if (key.substr(0, prefix.size()) != prefix) return false;
        if (auto a = decode_attempt(v)) out.push_back(std::move(*a));
        return true;
    });
    return out;
}

std::vector<std::string> store::delete_deliveries_of(batch& b, std::string_view job_id) const {
    auto& wb = b.impl_->wb;
    std::vector<std::string> ids;
    for (const auto& d : deliveries_of_job(job_id)) {
        ids.push_back(d.id);
        check(wb.Delete(impl_->h(deliveries), d.id), "batch");
        check(wb.Delete(impl_->h(delivery_payloads), d.id), "batch");
        check(wb.Delete(impl_->h(job_deliveries), owned_key(job_id, d.id)), "batch");
        if (!d.endpoint_id.empty()) check(wb.Delete(impl_->h(endpoint_deliveries), endpoint_delivery_key(d)), "batch");
        if (is_due(d)) check(wb.Delete(impl_->h(delivery_due), due_key(*d.next_attempt_at, d.id)), "batch");
        for (const auto& a : attempts_of(d.id)) check(wb.Delete(impl_->h(delivery_attempts), attempt_key(d.id, a.number)), "batch");
    }
    return ids;
}

std::vector<endpoint> store::endpoints() const {
    std::vector<endpoint> out;
    impl_->scan(endpoints_cf, "", [&](std::string_view, std::string_view v) {
        if (auto e = decode_endpoint(v)) out.push_back(std::move(*e));
        return true;
    });
    return out;
}

std::optional<batch_record> store::get_batch(std::string_view id) const {
    auto v = impl_->get(batches, id);
    if (!v) return std::nullopt;
    return decode_batch(*v);
}

std::vector<std::string> store::open_batches() const {
    std::vector<std::string> out;
    impl_->scan(open_batches_cf, "", [&](std::string_view id, std::string_view) {
        out.emplace_back(id);
        return true;
    });
    return out;
}

std::vector<key_record> store::keys() const {
    std::vector<key_record> out;
    impl_->scan(keys_cf, "", [&](std::string_view, std::string_view v) {
        out.push_back(decode_key(v));
        return true;
    });
    return out;
}

void store::flush() {
    std::lock_guard wal(impl_->wal_mutex);
    if (impl_->no_space_now) std::rethrow_exception(impl::refused());
    if (auto s = impl_->db->FlushWAL(true); !s.ok()) std::rethrow_exception(impl_->failed(s, "flush"));
}

} // namespace docket::store
