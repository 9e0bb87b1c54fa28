#pragma once
// docket's durable state in one RocksDB: job records, documents, results, the queue index,
// idempotency records, API keys and expiry. Writes are atomic batches; durable ones go through a
// group committer that shares one WAL fsync among every batch pending at that moment.

#include <docket/core/batch.hpp>
#include <docket/core/job.hpp>
#include <docket/core/webhook.hpp>
#include <docket/core/units.hpp>
#include <docket/store/space.hpp>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::store {

struct config {
    std::filesystem::path data_dir = "data"; //!< RocksDB directory, created if missing
    bool fsync = true;                       //!< fsync the WAL before acknowledging a write
    duration retention = std::chrono::hours(24);                //!< finished jobs and results are kept this long
    duration gone_ttl = std::chrono::hours(720);                //!< an expired job answers 410 (not 404) this long
    duration sweep_interval = std::chrono::seconds(60);           //!< how often expired records are removed
    std::uint64_t block_cache = 32ull << 20; //!< RocksDB block cache
    std::uint64_t min_free_space = 256ull << 20; //!< submissions are refused when the data volume has less free
};

//! What a commit waits for before it reports done.
enum class commit_mode {
    durable, //!< the WAL fsync that covers the batch (when fsync is on)
    applied, //!< the batch written to the WAL (the OS's page cache: it survives a crash of docket,
             //!< not of the machine) and the memtables; the next durable commit covers it too
};

struct idempotency_record {
    std::string job_id;
    std::string request_hash; //!< hex SHA-256 of the normalized request
    timestamp created_at = 0;
};

struct key_record {
    std::string id;     //!< public handle, e.g. "key_3f9a0c1b2d4e"
    std::string tenant;
    std::string hash;   //!< hex SHA-256 of the secret
    timestamp created_at = 0;
    bool revoked = false;
    std::optional<std::uint64_t> rate_limit; //!< this key's requests per second, over --rate-limit (0: none)
    std::optional<std::uint64_t> rate_burst; //!< this key's burst, over --rate-burst
};

class store;

//! One atomic write. Built by callers with domain operations, applied by store::commit*, which
//! fail with storage_full (space.hpp) when the volume has no room.
class batch {
public:
    ~batch();
    batch(batch&&) noexcept;
    batch& operator=(batch&&) noexcept;

    //! Writes `after` and keeps every index in step with the change from `before` (null when new):
    //! queue and lease indexes, tenant listing, expiry; drops the document once the job is finished.
    void put_job(const job* before, const job& after);
    void put_document(std::string_view job_id, std::string_view bytes);
    void put_result(std::string_view job_id, std::string_view json);
    void put_idempotency(std::string_view tenant, std::string_view key, const idempotency_record& r, timestamp expires_at);
    //! Removes a job with its document, result and indexes (a user's DELETE).
    void delete_job(const job& j);
    void put_key(const key_record& k);
    //! Writes a delivery and keeps its due-time, job and endpoint indexes in step (before: null when
    //! new). Its payload is written when `after` carries one: a new delivery does, records read
    //! back do not.
    void put_delivery(const delivery* before, const delivery& after);
    void put_attempt(std::string_view delivery_id, const delivery_attempt& a);
    void put_endpoint(const endpoint& e);
    //! Writes a batch; an uncompleted batch stays in the index of open batches, a completed one
    //! is removed by the sweep at `expires_at`.
    void put_batch(const batch_record& b, std::optional<timestamp> expires_at = std::nullopt);
    void delete_endpoint(std::string_view id);

private:
    friend class store;
    struct impl;
    explicit batch(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

//! What RocksDB holds in memory now, and its table files' size, in bytes.
struct memory_usage {
    std::uint64_t memtables = 0;     //!< active and not yet flushed memtables, every column family
    std::uint64_t block_cache = 0;   //!< the cache: blocks, and the charges below
    std::uint64_t cache_charges = 0; //!< of block_cache: table readers and file metadata charged to it
    std::uint64_t table_readers = 0; //!< open table files' readers (RocksDB's estimate; charged to the cache)
    std::uint64_t sst_bytes = 0;     //!< live table files on disk (not memory: the store's size)
};

//! What a checkpoint holds.
struct checkpoint_info {
    std::uint64_t sequence = 0; //!< RocksDB's last sequence number in it: every write up to it
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
};

struct job_page {
    std::vector<job> jobs;
    std::optional<std::string> next_cursor; //!< pass back to continue; absent at the end
};

class store {
public:
    //! Opens (creating if needed) the store; throws with a clear message on failure, including
    //! when another docket process holds the directory.
    static std::unique_ptr<store> open(const config& cfg);
    ~store();

    batch new_batch();
    //! Applies the batch and, if fsync is on and the mode is durable, makes it durable together
    //! with every other batch pending at that moment. `done` runs on the committer thread
    //! (nullptr = success).
    void commit(batch&& b, std::function<void(std::exception_ptr)> done, commit_mode mode = commit_mode::durable);
    //! commit() for threads that may block (workers, CLI); throws on failure.
    void commit_wait(batch&& b, commit_mode mode = commit_mode::durable);
    //! A consistent copy of the whole store, while it serves, in the directory `dest` (which
    //! must not exist; created with its parents): every commit acknowledged before the call is
    //! in it. Writes pause only while the last memtables are flushed and the files are
    //! hard-linked into a directory beside the store; the copy to `dest` runs after that.
    //! Throws (storage_full when the volume is full) on failure.
    checkpoint_info checkpoint(const std::filesystem::path& dest);
    //! WAL fsyncs the committer has made since the store opened (each covers a group of commits).
    std::uint64_t wal_syncs() const;
    //! Applies the batch at once without the committer and without waiting for fsync: in the WAL
    //! file (the OS's page cache) when it returns, so it survives a crash of docket but not of
    //! the machine; the next durable commit covers it. For claims and progress.
    void write(batch&& b);

    std::optional<job> get_job(std::string_view id) const;
    std::optional<std::string> get_document(std::string_view id) const;
    std::optional<std::string> get_result(std::string_view id) const;
    //! The tenant of a job removed by retention, while its tombstone lasts.
    std::optional<std::string> get_tombstone(std::string_view id) const;
    std::optional<idempotency_record> get_idempotency(std::string_view tenant, std::string_view key) const;

    //! A tenant's jobs, newest first, optionally of one status; examines a bounded number of
    //! records per call, so a page may be short while next_cursor is set.
    job_page list_jobs(std::string_view tenant, std::optional<job_status> status, std::size_t limit,
                       std::optional<std::string_view> cursor) const;
    //! The queue index (jobs with status queued) in (priority, seq) order, without reading a job record: a
    //! restart with a million jobs waiting rebuilds its ready queue from this in about a second. The tenant is
    //! empty for entries written before the index held it.
    void scan_queue(const std::function<void(job_priority, std::uint64_t seq, std::string_view id,
                                             std::string_view tenant)>& f) const;
    //! Jobs holding a claim (status processing).
    std::vector<job> claimed_jobs() const;
    //! Bytes a tenant keeps in the store: its open jobs' documents and its results (what its
    //! stored-bytes quota counts); kept in step by every batch, from memory.
    std::uint64_t stored_bytes(std::string_view tenant) const;
    //! Largest sequence number in use, so new jobs queue after every existing one.
    std::uint64_t max_seq() const;

    //! Removes what expired at `now` (at most `max` records); returns how many were removed. A job
    //! with a delivery still pending is kept (and looked at again an hour later): retention never
    //! cuts a webhook's retries short.
    std::size_t sweep(timestamp now, std::size_t max);

    std::vector<key_record> keys() const;

    //! A delivery's record, without its payload (see delivery::payload).
    std::optional<delivery> get_delivery(std::string_view id) const;
    //! The request body of a delivery, as it was made.
    std::optional<std::string> get_payload(std::string_view id) const;
    //! get_payload for many deliveries in one read, in the order of `ids`.
    std::vector<std::optional<std::string>> get_payloads(const std::vector<std::string>& ids) const;
    //! get_job / get_delivery / get_payload answered from memory alone (memtables, block cache):
    //! nullopt when the answer needs a file read. An I/O thread may call these and offload only a miss.
    std::optional<std::optional<job>> peek_job(std::string_view id) const;
    std::optional<std::optional<delivery>> peek_delivery(std::string_view id) const;
    std::optional<std::optional<std::string>> peek_payload(std::string_view id) const;
    //! Whether the job exists, answered from memory alone as above (nothing is decoded).
    std::optional<bool> peek_job_exists(std::string_view id) const;
    //! Pending deliveries due at `now`, earliest first, at most `limit`.
    std::vector<delivery> due_deliveries(timestamp now, std::size_t limit) const;
    //! The earliest due time strictly after `after`, if any delivery is pending then.
    std::optional<timestamp> next_due_after(timestamp after) const;
    std::vector<delivery> deliveries_of_job(std::string_view job_id) const;
    //! One page of an endpoint's deliveries created at or after `since`, oldest first: at most
    //! `limit`, from just after `cursor` (empty: the first page). `next` is the cursor of the
    //! following page, empty after the last one.
    struct delivery_page {
        std::vector<delivery> items;
        std::string next;
    };
    delivery_page deliveries_of_endpoint(std::string_view endpoint_id, timestamp since, std::size_t limit,
                                         std::string_view cursor = {}) const;
    std::vector<delivery_attempt> attempts_of(std::string_view delivery_id) const;
    //! Adds the removal of a job's deliveries and their attempt logs to `b`; returns their ids.
    std::vector<std::string> delete_deliveries_of(batch& b, std::string_view job_id) const;
    std::vector<endpoint> endpoints() const;
    std::optional<batch_record> get_batch(std::string_view id) const;
    //! Batches whose batch.completed event has not been emitted yet.
    std::vector<std::string> open_batches() const;

    //! Makes every applied write durable.
    void flush();
    //! Compacts every column family down to its last level, as a store that has been running a
    //! while would be (the bench settles a freshly filled store with it).
    void compact();

    memory_usage memory() const;

    //! The data volume's free space (measured every half second on the store's own thread) and
    //! whether writes are failing for want of it. Never touches the disk.
    space_state space() const;
    //! space_refusal for a write of `incoming` bytes, from space().
    std::optional<std::string> refuse_write(std::uint64_t incoming) const { return space_refusal(space(), incoming); }

    const config& settings() const { return cfg_; }

private:
    struct impl;
    store(const config& cfg, std::unique_ptr<impl> p);
    config cfg_;
    std::unique_ptr<impl> impl_;
};

} // namespace docket::store
