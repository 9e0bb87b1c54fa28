// The webhook dispatcher: scheduling loop and attempts. Started by the serve command; woken by
// the workers (new events), the API (redeliver, replay) and its own finished attempts.

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

#include <map>
#include <random>
#include <set>
#include <thread>

namespace docket::deliver {

namespace asio = boost::asio;

namespace {

constexpr std::string_view k_reserved_headers[] = {"webhook-id", "webhook-timestamp", "webhook-signature",
                                                   "content-type", "user-agent", "host", "content-length"};

bool reserved(std::string_view name) {
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto r : k_reserved_headers)
        if (r == lower) return true;
    return false;
}

std::string origin_of(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return std::string(url);
    return std::string(u->scheme()) + "://" + std::string(u->host_address()) + ":" + std::string(u->port());
}

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
    std::set<std::string> in_flight_;            // delivery ids being attempted
    std::map<std::string, std::size_t> per_origin_; // attempts in flight per receiver

    bool dirty_ = false; // a wake-up arrived while the loop was not waiting on the timer

    void wake() {
        dirty_ = true;
        timer_.cancel();
    }

    asio::awaitable<void> run() {
        while (!stopping_) {
            dirty_ = false;
            const timestamp now = now_ms();
            auto due = co_await offload(blocking_, [&] { return store_.due_deliveries(now, cfg_.max_in_flight * 2); });
            for (auto& d : due) {
                if (in_flight_.size() >= cfg_.max_in_flight) break;
                if (in_flight_.count(d.id)) continue;
                auto origin = origin_of(d.url);
                if (per_origin_[origin] >= cfg_.per_origin_concurrency) continue; // a slow receiver waits alone
                in_flight_.insert(d.id);
                ++per_origin_[origin];
                asio::co_spawn(io_, attempt(std::move(d), origin), [self = shared_from_this()](std::exception_ptr e) {
                    if (!e) return;
                    try { std::rethrow_exception(e); } catch (const std::exception& x) { log::error(std::string("webhook attempt: ") + x.what()); }
                });
            }
            // Sleep until the next due time; anything that changes the picture wakes us earlier.
            auto next = co_await offload(blocking_, [&] { return store_.next_due_after(now); });
            const timestamp wake_at = std::min<timestamp>(next.value_or(now + 60'000), now + 60'000);
            if (dirty_) continue;
            timer_.expires_after(std::chrono::milliseconds(std::max<timestamp>(wake_at - now_ms(), 0)));
            co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }

    asio::awaitable<void> attempt(delivery d, std::string origin) {
        struct release {
            impl* self;
            std::string id, origin;
            ~release() {
                self->in_flight_.erase(id);
                if (--self->per_origin_[origin] == 0) self->per_origin_.erase(origin);
                self->wake();
            }
        } guard{this, d.id, origin};

        const timestamp started = now_ms();
        std::vector<std::string> secrets;
        std::optional<endpoint> ep;
        http::header_list headers;
        std::string refused;
        if (d.endpoint_id.empty()) {
            auto j = co_await offload(blocking_, [&] { return store_.get_job(d.job_id); });
            if (j && j->webhook_secret) secrets.push_back(*j->webhook_secret);
        } else {
            ep = endpoints_.get(d.endpoint_id);
            if (!ep) refused = "the endpoint was deleted";
            else if (!ep->enabled) refused = "the endpoint is disabled: " + ep->disabled_reason.value_or("");
            else {
                secrets = active_secrets(*ep, started);
                for (const auto& [k, v] : ep->headers)
                    if (!reserved(k)) headers.emplace_back(k, v);
            }
        }

        http_result r;
        if (refused.empty()) {
            headers.emplace_back("webhook-id", d.id);
            headers.emplace_back("webhook-timestamp", std::to_string(started / 1000));
            headers.emplace_back("webhook-signature", sign(secrets, d.id, started / 1000, d.payload));
            headers.emplace_back("content-type", "application/json");
            headers.emplace_back("user-agent", "docket/" DOCKET_VERSION);
            // Named, not temporaries inside co_await (GCC 12 destroys those twice).
            std::string url = d.url, payload = d.payload;
            r = co_await client_.post(std::move(url), std::move(headers), std::move(payload));
        }
        const timestamp finished = now_ms();

        attempt_outcome outcome;
        if (!refused.empty()) outcome = {attempt_outcome::gone, std::nullopt}; // no endpoint: nothing to retry
        else outcome = classify_status(r.status, r.retry_after ? parse_retry_after(*r.retry_after, finished) : std::nullopt);
        std::uniform_real_distribution<double> jitter(-1.0, 1.0);
        const std::string error = refused.empty() ? r.error : refused;
        auto next = after_attempt(d, outcome, error, finished, cfg_.schedule, jitter(rng_));

        auto b = store_.new_batch();
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
        std::function<void()> nothing;
        co_await store::async_commit(store_, std::move(b), std::chrono::minutes(1), std::move(nothing));
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
    self->thread_ = std::thread([self] { self->io_.run(); });
}

void dispatcher::stop() {
    auto self = impl_;
    if (!self->thread_.joinable()) return;
    asio::post(self->io_, [self] {
        self->stopping_ = true;
        self->wake();
        self->client_.close_idle();
        self->work_.reset();
    });
    self->thread_.join();
    self->blocking_.join();
}

void dispatcher::notify() {
    auto self = impl_;
    asio::post(self->io_, [self] { self->wake(); });
}

} // namespace docket::deliver
