// The admin channel's server: one request per connection, each with a read deadline; the work
// itself runs on the channel's own thread.

#include <docket/app/admin.hpp>
#include <docket/core/log.hpp>
#include <docket/core/offload.hpp>
#include <docket/core/time.hpp>
#include <docket/core/units.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <sys/stat.h>

namespace docket::app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using local = asio::local::stream_protocol;

std::filesystem::path admin_socket(const std::filesystem::path& data_dir) { return data_dir / "admin.sock"; }

store::checkpoint_info backup_to(store::store& st, const std::filesystem::path& dest) {
    const auto started = now_ms();
    auto info = st.checkpoint(dest);
    const boost::json::object manifest{{"format", 1},
                                       {"docket", DOCKET_VERSION},
                                       {"created_at", format_rfc3339(started)},
                                       {"sequence", info.sequence},
                                       {"files", info.files},
                                       {"bytes", info.bytes}};
    {
        std::ofstream out(dest / "BACKUP.json");
        out << boost::json::serialize(manifest) << '\n';
        if (!out.flush()) throw std::runtime_error("backup: cannot write " + (dest / "BACKUP.json").string());
    }
    return info;
}

namespace {

using response = bhttp::response<bhttp::string_body>;

response json_response(unsigned status, const boost::json::object& body) {
    response r{static_cast<bhttp::status>(status), 11};
    r.set(bhttp::field::content_type, "application/json");
    r.keep_alive(false);
    r.body() = boost::json::serialize(body);
    r.prepare_payload();
    return r;
}

response error_response(unsigned status, std::string_view code, const std::string& message) {
    return json_response(status, {{"error", boost::json::object{{"code", code}, {"message", message}}}});
}

asio::awaitable<response> backup(store::store& st, asio::thread_pool& work, const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    const auto* dir = !ec && v.is_object() ? v.as_object().if_contains("dir") : nullptr;
    if (!dir || !dir->is_string() || dir->as_string().empty())
        co_return error_response(400, "INVALID_FIELD", "expected {\"dir\": \"/absolute/path\"}");
    const std::filesystem::path dest(std::string(dir->as_string()));
    if (!dest.is_absolute()) co_return error_response(400, "INVALID_FIELD", "dir must be an absolute path");
    if (std::filesystem::exists(dest)) co_return error_response(409, "CONFLICT", dest.string() + " exists already");
    const auto t0 = std::chrono::steady_clock::now();
    try {
        auto info = co_await offload(work, [&] { return backup_to(st, dest); });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        log::info("backup written to " + dest.string() + " (" + std::to_string(info.files) + " files, " +
                  format_size(info.bytes) + ", sequence " + std::to_string(info.sequence) + ")");
        co_return json_response(200, {{"dir", dest.string()},
                                      {"sequence", info.sequence},
                                      {"files", info.files},
                                      {"bytes", info.bytes},
                                      {"seconds", seconds}});
    } catch (const store::storage_full& e) {
        co_return error_response(507, "INSUFFICIENT_STORAGE", e.what());
    } catch (const std::exception& e) {
        log::error(std::string("backup failed: ") + e.what());
        co_return error_response(500, "INTERNAL", e.what());
    }
}

asio::awaitable<void> session(local::socket socket, store::store& st, asio::thread_pool& work) {
    beast::basic_stream<local> stream(std::move(socket));
    beast::flat_buffer buffer;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 10);
    response r;
    try {
        stream.expires_after(std::chrono::seconds(10));
        co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
        const auto& req = parser.get();
        if (req.target() != "/v1/admin/backup") r = error_response(404, "NOT_FOUND", "no admin route " + std::string(req.target()));
        else if (req.method() != bhttp::verb::post) r = error_response(405, "METHOD_NOT_ALLOWED", "POST only");
        else {
            stream.expires_never(); // a backup takes as long as its copy
            r = co_await backup(st, work, req.body());
        }
    } catch (const boost::system::system_error& e) {
        if (e.code() == beast::error::timeout || e.code() == asio::error::eof) co_return;
        r = error_response(400, "BAD_REQUEST", e.code().message());
    }
    try {
        stream.expires_after(std::chrono::seconds(10));
        co_await bhttp::async_write(stream, r, asio::use_awaitable);
    } catch (const boost::system::system_error&) {
        // The client went away; the backup (if any) stands.
    }
}

} // namespace

admin_channel::admin_channel(asio::io_context& io, store::store& st) : io_(io), store_(st), acceptor_(io) {}

admin_channel::~admin_channel() { close(); }

void admin_channel::close() {
    stop();
    work_.join();
}

bool admin_channel::start(const std::filesystem::path& socket_path) {
    // sun_path holds 107 characters and a NUL.
    if (socket_path.string().size() > 107) {
        log::warn("admin channel off: " + socket_path.string() + " is too long for a Unix socket; `docket backup` needs the service stopped");
        return false;
    }
    boost::system::error_code ec;
    std::filesystem::remove(socket_path, ec);
    const mode_t old = ::umask(0177); // the socket is created 0600
    acceptor_.open(local(), ec);
    if (!ec) acceptor_.bind(local::endpoint(socket_path.string()), ec);
    ::umask(old);
    if (!ec) acceptor_.listen(16, ec);
    if (ec) {
        log::warn("admin channel off: cannot listen on " + socket_path.string() + ": " + ec.message());
        acceptor_.close(ec);
        return false;
    }
    path_ = socket_path;
    asio::co_spawn(
        io_,
        [this]() -> asio::awaitable<void> {
            for (;;) {
                auto [ec, s] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
                if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
                if (ec) continue;
                asio::co_spawn(io_, session(std::move(s), store_, work_), asio::detached);
            }
        },
        asio::detached);
    return true;
}

void admin_channel::stop() {
    boost::system::error_code ec;
    if (acceptor_.is_open()) acceptor_.close(ec);
    if (!path_.empty()) std::filesystem::remove(path_, ec);
    path_.clear();
}

} // namespace docket::app
