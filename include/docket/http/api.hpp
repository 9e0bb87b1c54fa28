#pragma once
// The v1 JSON API: turns requests into intake, store and queue operations and their results
// into replies. Beast-free; the server calls it through http::handler.

#include <docket/core/webhook.hpp>
#include <docket/http/server.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace boost::asio { class thread_pool; }
namespace docket::store { class store; struct config; }
namespace docket::queue { class ready_queue; class job_locks; struct config; }
namespace docket::auth { class key_directory; class rate_limiter; }
namespace docket::intake { class idempotency_guard; struct config; }
namespace docket::deliver { class endpoint_registry; struct config; }
namespace docket::sandbox { class pool; }

namespace docket::http {

struct api_context {
    store::store& store;
    queue::ready_queue& ready;
    queue::job_locks& locks;               //!< held by whoever finishes a job until its deliveries are handed over
    auth::key_directory& keys;
    auth::rate_limiter& limiter;           //!< per-key request rates
    intake::idempotency_guard& idempotency;
    const intake::config& intake_cfg;
    const queue::config& queue_cfg;
    std::atomic<std::uint64_t>& next_seq;  //!< queue sequence numbers
    std::atomic<bool>& accepting;          //!< false while starting or shutting down
    boost::asio::thread_pool& blocking;    //!< where store reads run, off the I/O threads
    sandbox::pool& unzip;                  //!< child processes that open ZIP uploads
    deliver::endpoint_registry& endpoints;
    const deliver::config& deliver_cfg;
    std::function<void(const std::vector<delivery>&)> deliveries_committed; //!< hands new pending deliveries to the dispatcher
    std::function<void(const std::string&)> batch_child_finished;            //!< a batch child was canceled
    std::function<void(std::vector<std::string>)> deliveries_deleted;        //!< about to delete these deliveries
};

class api final : public handler {
public:
    explicit api(api_context ctx) : ctx_(ctx) {}
    header_decision on_headers(const request& r) override;
    boost::asio::awaitable<reply> on_request(request r) override;

private:
    boost::asio::awaitable<reply> dispatch(request r);
    api_context ctx_;
};

} // namespace docket::http
