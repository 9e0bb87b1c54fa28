// `docket serve`: opens the store, recovers the queue, starts workers, sweeper and the HTTP API,
// and shuts them down in order on SIGTERM/SIGINT.

#include <docket/core/thread.hpp>
#include <docket/app/admin.hpp>
#include <docket/app/commands.hpp>
#include <docket/auth/keys.hpp>
#include <docket/auth/rate_limit.hpp>
#include <docket/core/log.hpp>
#include <docket/deliver/batch_monitor.hpp>
#include <docket/deliver/dispatcher.hpp>
#include <docket/deliver/planner.hpp>
#include <docket/extract/workers.hpp>
#include <docket/http/api.hpp>
#include <docket/intake/idempotency.hpp>
#include <docket/queue/recovery.hpp>
#include <docket/queue/sweeper.hpp>
#include <docket/sandbox/pool.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <filesystem>
#include <malloc.h>
#include <sys/resource.h>
#include <future>
#include <thread>

namespace docket::app {

namespace asio = boost::asio;

namespace {

// Threads for store reads and ZIP opening, off the I/O threads.
constexpr unsigned k_blocking_threads = 2;

void set_log_level(const std::string& name) {
    if (name == "debug") log::set_level(log::level::debug);
    else if (name == "warn") log::set_level(log::level::warn);
    else if (name == "error") log::set_level(log::level::error);
    else log::set_level(log::level::info);
}

// A fresh store gets one key, printed once, so the service is usable straight away.
void ensure_first_key(store::store& st) {
    if (!st.keys().empty()) return;
    auto k = auth::make_key("default", now_ms());
    auto b = st.new_batch();
    b.put_key(k.record);
    st.commit_wait(std::move(b));
    std::printf("first API key (tenant \"default\", shown only now): %s\n", k.secret.c_str());
    std::fflush(stdout);
}

// Stops accepting, then waits (bounded) for in-flight requests before stopping the I/O loop.
asio::awaitable<void> drain(asio::io_context& io, http::server& srv, duration timeout) {
    srv.stop();
    asio::steady_timer timer(io);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (srv.connections() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::use_awaitable);
    }
    if (srv.connections() > 0) log::warn("shutdown: " + std::to_string(srv.connections()) + " connections still open");
    io.stop();
}

} // namespace

std::uint64_t raise_open_file_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    return lim.rlim_cur;
}

int serve(const config::settings& s) {
    set_log_level(s.app.log_level);
    // glibc gives a block of 128 KiB or more its own mapping, but raises that threshold to the
    // largest such block freed so far. RocksDB's memtable arena blocks (1 MiB) and large results
    // then come from the heap, where they stay once freed, scattered among live data. A fixed
    // threshold sends them back to the system when freed: at 1,000 jobs/s over 150,000 jobs the
    // server's RSS outside RocksDB's memtables and cache stayed at 24 MiB instead of drifting
    // 27 -> 40 MiB (whole RSS ~40 instead of ~55 MiB).
    ::mallopt(M_MMAP_THRESHOLD, 256 << 10);
    // Default soft limits (often 1024) would cap connections far below --max-connections.
    if (const auto files = raise_open_file_limit(); files < s.http.max_connections)
        log::warn("open-file limit " + std::to_string(files) + " is below --max-connections " +
                  std::to_string(s.http.max_connections) + "; connections beyond it are refused");
    auto st = store::store::open(s.store);
    ensure_first_key(*st);
    auth::key_directory keys(st->keys());

    asio::io_context io;
    asio::thread_pool blocking(k_blocking_threads);
    queue::ready_queue ready;
    queue::job_locks locks;
    intake::idempotency_guard idempotency;
    std::atomic<bool> accepting{false};
    std::atomic<std::uint64_t> next_seq{0};
    deliver::config deliver_cfg = s.deliver;
    deliver::endpoint_registry endpoints(st->endpoints());
    deliver::dispatcher dispatcher(*st, endpoints, deliver_cfg);

    deliver::batch_monitor batches(*st, endpoints, deliver_cfg, [&dispatcher](const std::vector<delivery>& ds) { dispatcher.notify(ds); });
    extract::config extract_cfg = s.extract;
    if (extract_cfg.worker_binary.empty()) extract_cfg.worker_binary = std::filesystem::read_symlink("/proc/self/exe").string();
    // One child per blocking thread: a ZIP upload never waits for another to be opened.
    sandbox::limits unzip_limits = s.extract.limits;
    unzip_limits.memory = std::max(unzip_limits.memory, intake::unzip_memory(s.intake.zip, s.intake.max_upload));
    sandbox::pool unzippers(k_blocking_threads, extract_cfg.worker_binary, unzip_limits);
    auth::rate_limiter limiter({s.intake.rate_limit, s.intake.rate_burst});
    http::api api({*st, ready, locks, keys, limiter, idempotency, s.intake, s.queue, next_seq, accepting, blocking, unzippers, endpoints,
                   deliver_cfg, [&dispatcher](const std::vector<delivery>& ds) { dispatcher.notify(ds); },
                   [&batches](const std::string& id) { batches.child_finished(id); },
                   [&dispatcher](std::vector<std::string> ids) { dispatcher.forget(std::move(ids)); }});
    http::server srv(io, s.http, api);
    // Bound before anything else starts, so result_url can name the real port when --listen asks for 0.
    const auto address = srv.start();
    if (deliver_cfg.public_url.empty()) deliver_cfg.public_url = "http://" + address;

    // A finished job's webhook deliveries are committed in the batch that finishes it.
    // and a batch child's end has the batch checked for completion once that is durable.
    queue::finish_hook hook{[&](store::batch& b, const job& j, std::string_view result) -> queue::finish_hook::after_commit {
        auto planned = deliver::plan_deliveries(j, result, endpoints.of_tenant(j.tenant), now_ms(), deliver_cfg);
        if (planned.empty() && !j.batch_id) return {};
        for (const auto& d : planned) b.put_delivery(nullptr, d);
        // Called once, after the commit: the deliveries (payloads included) move on to the dispatcher.
        return [&dispatcher, &batches, planned = std::move(planned), batch = j.batch_id]() mutable {
            if (!planned.empty()) dispatcher.notify(std::move(planned));
            if (batch) batches.child_finished(*batch);
        };
    }};

    const auto [handed_back, queued] = queue::recover_at_start(*st, ready, s.queue, now_ms(), hook);
    log::info("store open at " + s.store.data_dir.string() + ": " + std::to_string(queued) + " jobs queued, " +
              std::to_string(handed_back) + " interrupted jobs handed back");
    next_seq = st->max_seq();

    extract::workers workers(*st, ready, locks, s.queue, extract_cfg, hook);
    workers.start();
    queue::sweeper sweeper(*st, ready, locks, s.queue, hook);
    sweeper.start();
    dispatcher.start();
    batches.start();
    admin_channel admin(io, *st);
    admin.start(admin_socket(s.store.data_dir));
    accepting = true;
    std::printf("docket %s listening on http://%s\n", DOCKET_VERSION, address.c_str());
    std::fflush(stdout);
    log::info("listening on http://" + address);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        log::info("signal " + std::to_string(sig) + ": shutting down");
        accepting = false;
        admin.stop();
        asio::co_spawn(io, drain(io, srv, s.app.shutdown_timeout), asio::detached);
    });

    std::vector<std::thread> io_threads;
    for (unsigned i = 1; i < s.http.io_threads; ++i) io_threads.emplace_back([&] {
        name_this_thread("docket-io");
        io.run();
    });
    io.run();
    for (auto& t : io_threads) t.join();

    // Jobs not yet taken stay queued on disk; running ones get the rest of the grace period.
    auto stopped = std::async(std::launch::async, [&] { workers.stop(); });
    if (stopped.wait_for(s.app.shutdown_timeout) != std::future_status::ready) {
        log::warn("shutdown: extraction still running; its jobs are handed back at the next start");
        st->flush();
        std::fflush(nullptr);
        std::_Exit(0);
    }
    sweeper.stop();
    batches.stop();
    dispatcher.stop();
    admin.close();
    blocking.join();
    st.reset();
    log::info("stopped");
    return 0;
}

} // namespace docket::app
