// The webhook dispatcher: scheduling loop and attempts. Started by the serve command; fed by the
// workers (new events) and the API (redeliver, replay); wakes itself when attempts finish.

#include <docket/core/thread.hpp>
#include <docket/deliver/dispatcher.hpp>
#include <docket/core/log.hpp>
#include <docket/core/offload.hpp>
#include <docket/deliver/http_client.hpp>
#include <docket/deliver/rules.hpp>
#include <docket/deliver/signing.hpp>
#include <docket/store/async_commit.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/url/parse.hpp>

#include <deque>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

namespace docket::deliver {

namespace asio = boost::asio;

namespace {

std::string origin_of(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return std::string(url);
    return std::string(u->scheme()) + "://" + std::string(u->host_address()) + ":" + std::string(u->port());
}

// Deliveries handed over by notify() are held whole (record and payload) until their attempt
// takes them, up to this many bytes; beyond it, and for retries, the attempt reads the store. The
// two point reads (record, payload) of an attempt were ~20 % of the dispatcher thread's time.
constexpr std::size_t k_held_bytes = 16 << 20;

std::size_t held_size(const delivery& d) {
    return sizeof(delivery) + d.id.size() + d.job_id.size() + d.tenant.size() + d.event.size() + d.endpoint_id.size() +
           d.url.size() + d.payload.size();
}

// A pending delivery as the scheduler sees it; the record itself stays in the store.
struct due_entry {
    timestamp at;
    std::string id;
    std::string origin;
    friend bool operator<(const due_entry& a, const due_entry& b) { return a.at != b.at ? a.at < b.at : a.id < b.id; }
};

} // namespace

struct dispatcher::impl : std::enable_shared_from_this<impl> {
    impl(store::store& s, endpoint_registry& e, const config& c)
        : store_(s), endpoints_(e), cfg_(c), work_(asio::make_work_guard(io_)), timer_(io_), client_(io_, c),
          rng_(std::random_device{}()) {}

    store::store& store_;
    endpoint_registry& endpoints_;
    const config& cfg_;
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::steady_timer timer_;
    http_client client_;
    asio::thread_pool blocking_{1};
    std::thread thread_;
    std::mt19937_64 rng_;
    bool stopping_ = false;
    std::set<due_entry> due_;                             // pending deliveries by due time
    std::set<std::string> in_flight_;                     // delivery ids being attempted
    std::map<std::string, std::size_t> per_origin_;       // attempts in flight per receiver
    std::map<std::string, std::deque<due_entry>> waiting_; // due, held back by the per-receiver bound
    timestamp wake_at_ = 0;                               // when the scheduler's timer fires
    std::unordered_map<std::string, delivery> held_;      // the latest notified record of an id
    std::size_t held_bytes_ = 0;

    // Attempts' outcomes are written in groups: while one group's batch is with the store, the
    // outcomes finishing meanwhile gather in the next, which goes as one batch when the first
    // returns. (One store write per attempt cost the committer a wake-up, a RocksDB write and a
    // hand-back each.)
    struct outcome_group {
        outcome_group(asio::io_context& io, store::batch b) : b(std::move(b)), written(io, k_outcome_write_limit) {}
        store::batch b;
        asio::steady_timer written; // cancelled once the batch is applied; expires if it never is
        bool done = false;
        std::exception_ptr error;
    };
    static constexpr auto k_outcome_write_limit = std::chrono::minutes(1);
    std::shared_ptr<outcome_group> open_group_;
    bool group_writing_ = false;

    store::batch& outcome_batch() {
        if (!open_group_) open_group_ = std::make_shared<outcome_group>(io_, store_.new_batch());
        return open_group_->b;
    }

    // Resumes once the group holding what was just added to outcome_batch() is applied. Not
    // waiting for an fsync: if the machine (not just docket) fails before a later durable commit
    // covers it, an attempt is forgotten and made again under the same webhook-id, which
    // receivers deduplicate; nothing is lost. (bench deliver: the committer's CPU time per
    // delivery went from 32-39 to 26-28 us without these fsyncs.)
    asio::awaitable<void> outcome_written() {
        auto g = open_group_;
        if (!group_writing_) write_group();
        if (!g->done) {
            auto [ec] = co_await g->written.async_wait(asio::as_tuple(asio::use_awaitable));
            if (!ec) throw store::commit_timeout();
        }
        if (g->error) std::rethrow_exception(g->error);
    }

    void write_group() {
        group_writing_ = true;
        auto g = std::move(open_group_);
        auto done = [self = shared_from_this(), g](std::exception_ptr e) {
            asio::post(self->io_, [self, g, e] { self->group_written(*g, e); });
        };
        try {
            store_.commit(std::move(g->b), std::move(done), store::commit_mode::applied);
        } catch (...) { // the store is closing: this group fails, and so will the next
            group_written(*g, std::current_exception());
        }
    }

    void group_written(outcome_group& g, std::exception_ptr e) {
        g.done = true;
        g.error = e;
        g.written.cancel();
        group_writing_ = false;
        if (open_group_) write_group();
    }

    // Takes a record out of held_, keeping the byte count.
    delivery release_held(std::unordered_map<std::string, delivery>::iterator it) {
        auto node = held_.extract(it);
        held_bytes_ -= held_size(node.mapped());
        return std::move(node.mapped());
    }

    void hold(delivery d) {
        if (auto it = held_.find(d.id); it != held_.end()) release_held(it);
        const auto size = held_size(d);
        if (held_bytes_ + size > k_held_bytes) return;
        held_bytes_ += size;
        std::string id = d.id;
        held_.emplace(std::move(id), std::move(d));
    }

    // The held record of this entry, if it is the one the entry was made for (an older entry of
    // a redelivered id reads the store and finds itself stale).
    std::optional<delivery> take_held(const due_entry& e) {
        auto it = held_.find(e.id);
        if (it == held_.end() || it->second.next_attempt_at != e.at) return std::nullopt;
        return release_held(it);
    }

    void forget(const std::vector<std::string>& ids) {
        for (const auto& id : ids)
            if (auto it = held_.find(id); it != held_.end()) release_held(it);
    }

    // After an attempt: the scheduler sleeps on unless a delivery is now due before its timer (a
    // retry just scheduled, or due ones held back by the in-flight bound, which has a free place
    // now). Waking it after every attempt cost a timer re-arm per delivery.
    void wake_if_due_before_timer() {
        if (!due_.empty() && due_.begin()->at < wake_at_) timer_.cancel();
    }

    void add(const delivery& d) {
        if (d.status == delivery_status::pending && d.next_attempt_at)
            due_.insert({*d.next_attempt_at, d.id, origin_of(d.url)});
    }

    void start_attempt(due_entry e) {
        in_flight_.insert(e.id);
        ++per_origin_[e.origin];
        asio::co_spawn(io_, attempt(std::move(e)), [self = shared_from_this()](std::exception_ptr ex) {
            if (!ex) return;
            try { std::rethrow_exception(ex); } catch (const std::exception& x) { log::error(std::string("webhook attempt: ") + x.what()); }
        });
    }

    // The scheduler: starts every due delivery it may, then sleeps until the next due time.
    asio::awaitable<void> run() {
        auto pending = co_await offload(blocking_, [&] {
            return store_.due_deliveries(std::numeric_limits<timestamp>::max(), std::numeric_limits<std::size_t>::max());
        });
        for (const auto& d : pending) add(d);
        if (!pending.empty()) log::info("webhooks: " + std::to_string(pending.size()) + " pending deliveries resumed");
        while (!stopping_) {
            const timestamp now = now_ms();
            while (!due_.empty() && due_.begin()->at <= now && in_flight_.size() < cfg_.max_in_flight) {
                auto e = due_.extract(due_.begin()).value();
                if (in_flight_.count(e.id)) continue; // a stale entry of a delivery being attempted
                if (per_origin_[e.origin] >= cfg_.per_origin_concurrency) {
                    waiting_[e.origin].push_back(std::move(e)); // a slow receiver waits alone
                    continue;
                }
                start_attempt(std::move(e));
            }
            // At the in-flight bound the next due time is no reason to wake (it may be past
            // already): a finishing attempt wakes the loop instead.
            wake_at_ = now + 60'000;
            if (!due_.empty() && in_flight_.size() < cfg_.max_in_flight) wake_at_ = std::min(due_.begin()->at, wake_at_);
            timer_.expires_after(std::chrono::milliseconds(std::max<timestamp>(wake_at_ - now, 0)));
            co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }

    // The receiver has a free slot again: its next held-back delivery takes it.
    void free_slot(const std::string& origin) {
        auto& waiting = waiting_[origin];
        if (!waiting.empty() && !stopping_) {
            --per_origin_[origin];
            auto next = std::move(waiting.front());
            waiting.pop_front();
            start_attempt(std::move(next));
        } else if (--per_origin_[origin] == 0) {
            per_origin_.erase(origin);
            waiting_.erase(origin);
        }
    }

    // The secret of the job's (or batch's) own webhook_url, if it has one and `need_secret`;
    // nullopt when the job or batch is gone. A job is usually in memory (a memtable or the block
    // cache), and an endpoint's delivery needs only its existence (no record decoded); a batch is
    // read off this thread.
    asio::awaitable<std::optional<std::optional<std::string>>> owner_secret(const std::string& owner, bool need_secret) {
        using answer = std::optional<std::optional<std::string>>;
        const bool batch = owner.rfind("bat_", 0) == 0;
        if (!batch && !need_secret) {
            if (auto exists = store_.peek_job_exists(owner)) co_return *exists ? answer{std::in_place} : answer{};
        } else if (!batch) {
            if (auto j = store_.peek_job(owner)) co_return *j ? answer{std::in_place, (*j)->webhook_secret} : answer{};
        }
        co_return co_await offload(blocking_, [&]() -> answer {
            if (batch) {
                auto b = store_.get_batch(owner);
                return b ? answer{std::in_place, b->webhook_secret} : answer{};
            }
            auto j = store_.get_job(owner);
            return j ? answer{std::in_place, j->webhook_secret} : answer{};
        });
    }

    // Removes every delivery of a job (or batch) that is gone, and any copies held of them.
    asio::awaitable<void> drop_orphan(const delivery& d) {
        log::warn("webhook " + d.id + ": its job " + d.job_id + " is gone; its deliveries are dropped unsent");
        auto b = store_.new_batch();
        auto ids = co_await offload(blocking_, [&] { return store_.delete_deliveries_of(b, d.job_id); });
        if (ids.empty()) co_return; // a held copy of what the deletion already removed
        forget(ids);
        std::function<void()> nothing;
        co_await store::async_commit(store_, std::move(b), std::chrono::minutes(1), std::move(nothing));
    }

    asio::awaitable<void> attempt(due_entry entry) {
        // The receiver's slot is given back as soon as the HTTP exchange is over; the delivery
        // stays in flight until its attempt is recorded, so it cannot be attempted twice. (Holding
        // the slot through the record's fsync capped a receiver at 8 deliveries per fsync.)
        struct release {
            impl* self;
            const due_entry& e;
            bool slot_freed = false;
            void free_slot() {
                if (slot_freed) return;
                slot_freed = true;
                self->free_slot(e.origin);
            }
            ~release() {
                free_slot();
                self->in_flight_.erase(e.id);
                self->wake_if_due_before_timer();
            }
        } guard{this, entry};

        const std::string& id = entry.id;
        std::optional<std::string> payload;
        std::optional<delivery> loaded = take_held(entry);
        if (loaded) {
            // Its payload is in the store already (written with the record): the attempt's
            // record write below must not write it again.
            payload = std::move(loaded->payload);
            loaded->payload.clear();
        } else {
            // Usually still in a memtable or the block cache: a hop to the blocking thread per
            // delivery cost more than the lookup. Only a read that needs the disk is offloaded.
            if (auto in_memory = store_.peek_delivery(id)) loaded = std::move(*in_memory);
            else loaded = co_await offload(blocking_, [&] { return store_.get_delivery(id); });
            // A record from before payloads were stored apart still carries its own, which the
            // attempt's write below moves apart.
            if (loaded) payload = loaded->payload;
        }
        // Redelivered or deleted since this entry was made: the entry is stale.
        if (!loaded || loaded->status != delivery_status::pending || loaded->next_attempt_at != entry.at) co_return;
        const delivery d = std::move(*loaded);
        if (payload->empty()) {
            if (auto in_memory = store_.peek_payload(id)) payload = std::move(*in_memory);
            else payload = co_await offload(blocking_, [&] { return store_.get_payload(id); });
        }

        // A pending delivery keeps its job from expiring, so a job (or batch) that is gone was
        // deleted, and the delivery is left over from a deletion that raced its hand-over to
        // this dispatcher: it is neither sent nor kept.
        const auto owner = co_await owner_secret(d.job_id, d.endpoint_id.empty());
        if (!owner) {
            co_await drop_orphan(d);
            co_return;
        }
        const timestamp started = now_ms();
        std::vector<std::string> secrets;
        std::optional<endpoint> ep;
        http::header_list headers;
        std::string refused;
        if (!payload) {
            refused = "the delivery's payload is missing from the store";
        } else if (d.endpoint_id.empty()) {
            if (*owner) secrets.push_back(**owner);
        } else {
            ep = endpoints_.get(d.endpoint_id);
            if (!ep) refused = "the endpoint was deleted";
            else if (!ep->enabled) refused = "the endpoint is disabled: " + ep->disabled_reason.value_or("");
            else {
                secrets = active_secrets(*ep, started);
                // The API refuses what is not ok; an endpoint stored before a rule existed may
                // still hold such a header, and it is left out.
                for (const auto& [k, v] : ep->headers)
                    if (check_custom_header(k, v) == header_check::ok) headers.emplace_back(k, v);
            }
        }

        http_result r;
        if (refused.empty()) {
            headers.emplace_back("webhook-id", d.id);
            headers.emplace_back("webhook-timestamp", std::to_string(started / 1000));
            headers.emplace_back("webhook-signature", sign(secrets, d.id, started / 1000, *payload));
            headers.emplace_back("content-type", "application/json");
            headers.emplace_back("user-agent", "docket/" DOCKET_VERSION);
            // Named, not temporaries inside co_await (GCC 12 destroys those twice).
            std::string url = d.url;
            r = co_await client_.post(std::move(url), std::move(headers), std::move(*payload));
        }
        const timestamp finished = now_ms();
        guard.free_slot();

        attempt_outcome outcome;
        if (!refused.empty()) outcome = {attempt_outcome::gone, std::nullopt}; // nowhere or nothing to send: no retry
        else outcome = classify_status(r.status, r.retry_after ? parse_retry_after(*r.retry_after, finished) : std::nullopt);
        std::uniform_real_distribution<double> jitter(-1.0, 1.0);
        const std::string error = refused.empty() ? r.error : refused;
        auto next = after_attempt(d, outcome, error, finished, cfg_.schedule, jitter(rng_));

        auto& b = outcome_batch();
        b.put_delivery(&d, next);
        if (refused.empty())
            b.put_attempt(d.id, delivery_attempt{next.attempts, started, finished - started, r.status, r.error,
                                                 r.body_prefix, d.endpoint_id, d.url});
        if (ep && refused.empty()) {
            if (auto changed = endpoint_after_attempt(*ep, outcome, finished, cfg_.disable_after)) {
                b.put_endpoint(*changed);
                endpoints_.put(*changed);
                if (!changed->enabled) log::warn("webhook endpoint " + changed->id + " disabled: " + changed->disabled_reason.value_or(""));
            }
        }
        co_await outcome_written();
        add(next);
        if (next.status == delivery_status::dead)
            log::warn("webhook " + d.id + " for " + d.job_id + " dead-lettered after " + std::to_string(next.attempts) +
                      " attempts: " + error);
    }
};

dispatcher::dispatcher(store::store& s, endpoint_registry& e, const config& c) : impl_(std::make_shared<impl>(s, e, c)) {}

dispatcher::~dispatcher() { stop(); }

void dispatcher::start() {
    auto self = impl_;
    asio::co_spawn(self->io_, self->run(), [self](std::exception_ptr e) {
        if (!e) return;
        try { std::rethrow_exception(e); } catch (const std::exception& x) { log::error(std::string("webhook dispatcher stopped: ") + x.what()); }
    });
    self->thread_ = std::thread([self] {
        name_this_thread("docket-webhooks");
        self->io_.run();
    });
}

void dispatcher::stop() {
    auto self = impl_;
    if (!self->thread_.joinable()) return;
    asio::post(self->io_, [self] {
        self->stopping_ = true;
        self->timer_.cancel();
        self->client_.close_idle();
        self->work_.reset();
    });
    self->thread_.join();
    self->blocking_.join();
}

void dispatcher::notify(std::vector<delivery> pending) {
    std::erase_if(pending, [](const delivery& d) { return d.status != delivery_status::pending || !d.next_attempt_at; });
    if (pending.empty()) return;
    auto self = impl_;
    asio::post(self->io_, [self, pending = std::move(pending)]() mutable {
        for (auto& d : pending) {
            self->due_.insert({*d.next_attempt_at, d.id, origin_of(d.url)});
            self->hold(std::move(d));
        }
        self->timer_.cancel();
    });
}

void dispatcher::forget(std::vector<std::string> ids) {
    if (ids.empty()) return;
    auto self = impl_;
    asio::post(self->io_, [self, ids = std::move(ids)] { self->forget(ids); });
}

} // namespace docket::deliver
