// `docket backup DIR` and `docket restore DIR`. A backup asks the running service over the
// admin channel; with no service running it opens the store itself. A restore needs the
// service stopped, and never deletes: a data dir in the way is moved aside.

#include <docket/app/admin.hpp>
#include <docket/app/commands.hpp>
#include <docket/core/time.hpp>
#include <docket/core/units.hpp>

#include <boost/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace docket::app {
namespace {

namespace fs = std::filesystem;

struct channel_reply {
    bool reached = false; //!< false: no service listens on the socket
    int status = 0;
    std::string body;
    std::string error;
};

// One request over the admin socket, the whole exchange bounded by `deadline`.
channel_reply ask(const fs::path& socket_path, const std::string& target, const std::string& body,
                  std::chrono::milliseconds deadline) {
    channel_reply out;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.string().size() >= sizeof(addr.sun_path)) return out;
    std::strcpy(addr.sun_path, socket_path.c_str());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return out;
    struct closer { int fd; ~closer() { ::close(fd); } } guard{fd};
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return out;
    out.reached = true;
    const std::string request = "POST " + target + " HTTP/1.1\r\nHost: docket-admin\r\nContent-Type: application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    const auto end = std::chrono::steady_clock::now() + deadline;
    auto wait = [&](short events) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
        pollfd p{fd, events, 0};
        return left > 0 && ::poll(&p, 1, static_cast<int>(left)) == 1;
    };
    for (std::size_t sent = 0; sent < request.size();) {
        if (!wait(POLLOUT)) return out.error = "the service did not take the request in time", out;
        const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return out.error = std::string("sending to the admin channel: ") + std::strerror(errno), out;
        sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buf[4096];
    for (;;) {
        if (!wait(POLLIN)) return out.error = "no answer from the service in time", out;
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0) return out.error = std::string("reading the admin channel: ") + std::strerror(errno), out;
        if (n == 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    const auto head_end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return out.error = "a malformed answer from the service", out;
    out.status = std::atoi(raw.c_str() + 9);
    out.body = raw.substr(head_end + 4);
    return out;
}

std::string message_of(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (!ec && v.is_object())
        if (const auto* e = v.as_object().if_contains("error"); e && e->is_object())
            if (const auto* m = e->as_object().if_contains("message"); m && m->is_string()) return std::string(m->as_string());
    return body;
}

// Whether a process (docket, through RocksDB) holds the store's lock.
bool store_in_use(const fs::path& data_dir) {
    const int fd = ::open((data_dir / "LOCK").c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    struct flock l{};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    const bool busy = ::fcntl(fd, F_SETLK, &l) != 0;
    ::close(fd); // closing releases the lock if we took it
    return busy;
}

bool truthy(const config::loaded& args, const char* name) {
    auto it = args.extra.find(name);
    return it != args.extra.end() && (it->second == "true" || it->second == "1" || it->second == "yes");
}

} // namespace

int backup(const config::loaded& args) {
    if (args.positional.size() != 1) {
        std::fprintf(stderr, "usage: docket backup DIR   (DIR must not exist)\n");
        return 2;
    }
    const fs::path dest = fs::absolute(args.positional[0]);
    if (fs::exists(dest)) {
        std::fprintf(stderr, "docket backup: %s exists already\n", dest.c_str());
        return 1;
    }
    const auto& data_dir = args.values.store.data_dir;
    const std::string body = boost::json::serialize(boost::json::object{{"dir", dest.string()}});
    auto r = ask(admin_socket(data_dir), "/v1/admin/backup", body, std::chrono::hours(6));
    if (r.reached) {
        if (!r.error.empty()) {
            std::fprintf(stderr, "docket backup: %s\n", r.error.c_str());
            return 1;
        }
        if (r.status != 200) {
            std::fprintf(stderr, "docket backup: the service answered %d: %s\n", r.status, message_of(r.body).c_str());
            return 1;
        }
        std::printf("%s\n", r.body.c_str());
        return 0;
    }
    // Nobody listens: the service is stopped (or runs without its channel, and then opening
    // the store below fails with a clear message).
    auto st = store::store::open(args.values.store);
    const auto t0 = std::chrono::steady_clock::now();
    auto info = backup_to(*st, dest);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s\n", boost::json::serialize(boost::json::object{{"dir", dest.string()},
                                                                  {"sequence", info.sequence},
                                                                  {"files", info.files},
                                                                  {"bytes", info.bytes},
                                                                  {"seconds", seconds},
                                                                  {"service", "stopped"}})
                            .c_str());
    return 0;
}

int restore(const config::loaded& args) {
    if (args.positional.size() != 1) {
        std::fprintf(stderr, "usage: docket restore DIR [--force true]   (the service stopped)\n");
        return 2;
    }
    const fs::path src = fs::absolute(args.positional[0]);
    const fs::path data_dir = fs::absolute(args.values.store.data_dir);
    if (!fs::exists(src / "CURRENT") || !fs::exists(src / "BACKUP.json")) {
        std::fprintf(stderr, "docket restore: %s is not a docket backup (no CURRENT or BACKUP.json)\n", src.c_str());
        return 1;
    }
    std::error_code ec;
    if (fs::exists(data_dir) && !fs::is_empty(data_dir, ec)) {
        if (store_in_use(data_dir)) {
            std::fprintf(stderr, "docket restore: %s is in use: stop the service first\n", data_dir.c_str());
            return 1;
        }
        if (!truthy(args, "force")) {
            std::fprintf(stderr, "docket restore: %s is not empty; --force true moves it aside first\n", data_dir.c_str());
            return 1;
        }
        std::string stamp = format_rfc3339(now_ms());
        for (auto& c : stamp) if (c == ':') c = '-';
        const fs::path aside = data_dir.string() + ".replaced-" + stamp;
        fs::rename(data_dir, aside, ec);
        if (ec) {
            std::fprintf(stderr, "docket restore: cannot move %s aside: %s\n", data_dir.c_str(), ec.message().c_str());
            return 1;
        }
        std::fprintf(stderr, "moved the old data dir to %s\n", aside.c_str());
    }
    fs::create_directories(data_dir.parent_path(), ec);
    fs::copy(src, data_dir, fs::copy_options::recursive, ec);
    if (ec) {
        std::fprintf(stderr, "docket restore: copying %s to %s: %s\n", src.c_str(), data_dir.c_str(), ec.message().c_str());
        return 1;
    }
    // Opening checks the copy (and makes it durable: RocksDB syncs what it opens and writes).
    config::settings s = args.values;
    s.store.data_dir = data_dir;
    auto st = store::store::open(s.store);
    std::size_t queued = 0;
    st->scan_queue([&](job_priority, std::uint64_t, std::string_view, std::string_view) { ++queued; });
    const auto running = st->claimed_jobs().size();
    st->flush();
    st.reset();
    std::printf("restored %s into %s: %zu jobs queued, %zu were running (handed back at start)\n", src.c_str(), data_dir.c_str(),
                queued, running);
    return 0;
}

} // namespace docket::app
