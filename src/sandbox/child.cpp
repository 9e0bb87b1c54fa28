// Supervisor and request loop of the `docket worker` child processes. The extraction threads
// (extract/) and ZIP intake (intake/) call children through this file; `docket worker` runs serve.
//
// Protocol on a socketpair, each message a 4-byte little-endian length and that many bytes:
//   hello:   {"ready":true} from the child once it has started
//   request: header JSON {"op", "cpu_seconds", ...the op's arguments}, then one payload frame
//   interim: {"interim":true, ...} (progress), any number of times before the reply
//   reply:   header JSON {"ok":true,"frames":N, ...} then N data frames,
//            or {"ok":false,"code","message"}

#include <docket/sandbox/child.hpp>

#include <boost/json.hpp>

#include <mutex>

#include <cerrno>
#include <csignal>
#include <new>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace docket::sandbox {

namespace json = boost::json;

namespace {

constexpr int k_exit_out_of_memory = 3;
constexpr std::uint32_t k_max_frame = 1u << 30;
constexpr auto k_forever = steady::time_point::max();
constexpr auto k_startup_timeout = std::chrono::seconds(30);

// What the last worker to start said of its confinement (for /readyz).
std::mutex g_confinement_mutex;
std::optional<confinement> g_confinement;

enum class io_result { ok, timeout, closed };

// Waits for `events` on fd until the deadline.
io_result wait_fd(int fd, short events, steady::time_point deadline) {
    for (;;) {
        const auto now = steady::now();
        if (now >= deadline) return io_result::timeout;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (r > 0) return io_result::ok; // readable, writable, or hung up: the next call tells
        if (r < 0 && errno != EINTR) return io_result::closed;
    }
}

io_result write_all(int fd, const char* data, std::size_t n, steady::time_point deadline) {
    while (n > 0) {
        if (auto w = wait_fd(fd, POLLOUT, deadline); w != io_result::ok) return w;
        const auto sent = ::send(fd, data, n, MSG_NOSIGNAL);
        if (sent < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (sent <= 0) return io_result::closed;
        data += sent;
        n -= static_cast<std::size_t>(sent);
    }
    return io_result::ok;
}

io_result read_all(int fd, char* data, std::size_t n, steady::time_point deadline) {
    while (n > 0) {
        if (auto w = wait_fd(fd, POLLIN, deadline); w != io_result::ok) return w;
        const auto r = ::recv(fd, data, n, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (r <= 0) return io_result::closed;
        data += r;
        n -= static_cast<std::size_t>(r);
    }
    return io_result::ok;
}

io_result write_frame(int fd, std::string_view payload, steady::time_point deadline) {
    const auto n = static_cast<std::uint32_t>(payload.size());
    const char len[4] = {char(n), char(n >> 8), char(n >> 16), char(n >> 24)};
    if (auto r = write_all(fd, len, 4, deadline); r != io_result::ok) return r;
    return write_all(fd, payload.data(), payload.size(), deadline);
}

io_result read_frame(int fd, std::string& out, steady::time_point deadline) {
    unsigned char len[4];
    if (auto r = read_all(fd, reinterpret_cast<char*>(len), 4, deadline); r != io_result::ok) return r;
    const std::uint32_t n = len[0] | len[1] << 8 | len[2] << 16 | static_cast<std::uint32_t>(len[3]) << 24;
    if (n > k_max_frame) return io_result::closed;
    out.resize(n);
    return read_all(fd, out.data(), n, deadline);
}

// The code named in a child's error reply (the child speaks docket's own codes).
errc code_from_name(std::string_view name) {
    for (int c = 1; c <= static_cast<int>(last_errc); ++c)
        if (code_name(static_cast<errc>(c)) == name) return static_cast<errc>(c);
    return errc::internal;
}

// How a process ended, from its wait status: "signal 9", "exit code 1".
std::string status_text(int status) {
    return WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status)) : "exit code " + std::to_string(WEXITSTATUS(status));
}

} // namespace

child::child(std::string executable, const limits& l) : executable_(std::move(executable)), limits_(l) {}

child::~child() { reap(true); }

bool child::spawn() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
    // Everything the child needs is prepared before fork: between fork and exec only
    // async-signal-safe calls are allowed in a multi-threaded parent.
    const std::string exe = executable_;
    char arg0[] = "docket", arg1[] = "worker";
    char* argv[] = {arg0, arg1, nullptr};
    // OpenMP reads OMP_THREAD_LIMIT when it is loaded, so the child must start with it: each
    // worker runs tesseract on one thread and the cores are shared out by running more workers.
    std::vector<std::string> env_storage;
    for (char** e = environ; *e; ++e)
        if (std::string_view(*e).rfind("OMP_THREAD_LIMIT=", 0) != 0) env_storage.emplace_back(*e);
    env_storage.emplace_back("OMP_THREAD_LIMIT=1");
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    [[maybe_unused]] const rlimit mem{limits_.memory, limits_.memory};
    const int nice = static_cast<int>(limits_.nice); // the kernel caps it at 19
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    const unsigned max_fd = files.rlim_cur == RLIM_INFINITY ? 1u << 20 : static_cast<unsigned>(files.rlim_cur);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(sv[0]);
        ::close(sv[1]);
        return false;
    }
    if (pid == 0) {
        ::dup2(sv[1], 3); // dup2 clears close-on-exec on fd 3
        // Asio opens the listening socket and accepts connections without close-on-exec, so the
        // child would otherwise inherit them: a worker parsing a hostile document could accept on
        // the API port or write into clients' connections, and a connection the server closes
        // would stay open while a worker holds it. The child keeps stdio and fd 3 only.
        if (::close_range(4, ~0u, 0) != 0)
            for (unsigned fd = 4; fd < max_fd; ++fd) ::close(static_cast<int>(fd));
        ::setpriority(PRIO_PROCESS, 0, nice);
#if !defined(__SANITIZE_ADDRESS__)
        // (AddressSanitizer reserves terabytes of address space for its shadow memory, so a
        // sanitizer build cannot run under an address-space limit.)
        ::setrlimit(RLIMIT_AS, &mem);
#endif
        ::execve(exe.c_str(), argv, envp.data());
        ::_exit(127);
    }
    ::close(sv[1]);
    pid_ = pid;
    fd_ = sv[0];
    // Where the kernel has pidfds (5.3), the pool watches idle children's with poll and
    // replaces one that dies at once; without, exited() still catches it before a request.
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd_ >= 0) ::fcntl(pidfd_, F_SETFD, FD_CLOEXEC);
    // The child says when it is ready, so its start-up (exec, loading libraries) never counts
    // against a request's time limit.
    std::string hello;
    if (read_frame(fd_, hello, steady::now() + k_startup_timeout) != io_result::ok) {
        reap(true);
        return false;
    }
    boost::system::error_code ec;
    auto v = json::parse(hello, ec);
    const auto* ready = !ec && v.is_object() ? v.get_object().if_contains("ready") : nullptr;
    if (!ready || !ready->is_bool() || !ready->get_bool()) {
        reap(true);
        return false;
    }
    if (const auto* c = v.get_object().if_contains("confinement"); c && c->is_object()) {
        confinement_ = confinement::from_json(c->get_object());
        std::lock_guard lock(g_confinement_mutex);
        g_confinement = confinement_;
    }
    return true;
}

void child::reap(bool kill_first) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
    if (pid_ < 0) return;
    if (kill_first) ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    last_status_ = status;
    pid_ = -1;
}

bool child::exited() {
    if (pid_ < 0) return false;
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {}
    if (r != pid_) return false;
    last_status_ = status;
    pid_ = -1; // reaped: reap() only closes the descriptors
    reap(false);
    return true;
}

std::string child::renew() {
    if (!exited()) return {};
    const std::string how = status_text(last_status_);
    spawn(); // if it cannot start now, the next request tries again
    return how;
}

error child::death(bool timed_out) {
    reap(timed_out);
    if (timed_out) return failure(errc::extraction_timeout, "the worker took longer than " + format_duration(limits_.timeout));
    if (WIFSIGNALED(last_status_) && WTERMSIG(last_status_) == SIGXCPU)
        return failure(errc::resource_limit, "the worker used more than " + format_duration(limits_.cpu) + " of CPU");
    if (WIFEXITED(last_status_) && WEXITSTATUS(last_status_) == k_exit_out_of_memory)
        return failure(errc::resource_limit, "the worker needed more than " + format_size(limits_.memory) + " of memory");
    return failure(errc::extraction_crashed, "the worker process died (" + status_text(last_status_) + ")");
}

error child::garbled() {
    reap(true); // not our protocol: whatever state it is in, it is put down
    return failure(errc::extraction_crashed, "the worker process sent a malformed reply");
}

outcome<reply> child::call(json::object header, std::string_view payload, steady::time_point deadline,
                           const interim_fn& interim) {
    // A process that died while idle (the pool replaces those it sees, but one may die just as
    // it is taken) is replaced here: the request is not charged for it.
    exited();
    if (pid_ < 0) {
        // A fresh process (the first request, or the one after a kill) starts on the request's
        // clock; its start-up is not the document's time, so the deadline moves by it. (Under
        // load or a sanitizer, start-up alone can pass a short --extract-timeout.)
        const auto started = steady::now();
        if (!spawn()) return failure(errc::internal, "cannot start a worker process");
        deadline += steady::now() - started;
    }
    header["cpu_seconds"] = std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(limits_.cpu).count());
    io_result io = write_frame(fd_, json::serialize(header), deadline);
    if (io == io_result::ok) io = write_frame(fd_, payload, deadline);
    std::string frame;
    json::object head;
    while (io == io_result::ok) {
        io = read_frame(fd_, frame, deadline);
        if (io != io_result::ok) break;
        boost::system::error_code ec;
        auto v = json::parse(frame, ec);
        if (ec || !v.is_object()) return garbled();
        if (!v.get_object().contains("interim")) {
            head = std::move(v.get_object());
            break;
        }
        if (interim) interim(v.get_object());
    }
    if (io != io_result::ok) return death(io == io_result::timeout);

    const auto* ok = head.if_contains("ok");
    if (!ok || !ok->is_bool()) return garbled();
    if (!ok->get_bool()) {
        const auto* code = head.if_contains("code");
        const auto* message = head.if_contains("message");
        const errc c = code && code->is_string() ? code_from_name(code->get_string()) : errc::internal;
        if (c == errc::resource_limit) reap(false); // it exits after saying so
        return failure(c, message && message->is_string() ? std::string(message->get_string()) : "the worker failed");
    }
    reply r;
    const auto* frames = head.if_contains("frames");
    const std::int64_t n = frames && frames->is_int64() ? frames->get_int64() : 0;
    for (std::int64_t i = 0; i < n; ++i) {
        r.frames.emplace_back();
        if (auto got = read_frame(fd_, r.frames.back(), deadline); got != io_result::ok) return death(got == io_result::timeout);
    }
    r.header = std::move(head);
    return r;
}

std::optional<confinement> last_confinement() {
    std::lock_guard lock(g_confinement_mutex);
    return g_confinement;
}

int serve(int fd, const handler& handle, const std::optional<confinement>& confined) {
    ::signal(SIGPIPE, SIG_IGN);
    json::object hello{{"ready", true}};
    if (confined) hello["confinement"] = confined->to_json();
    if (write_frame(fd, json::serialize(hello), steady::now() + k_startup_timeout) != io_result::ok) return 0;
    std::string header, payload;
    for (;;) {
        outcome<reply> r = failure(errc::internal, "no reply");
        try {
            if (read_frame(fd, header, k_forever) != io_result::ok) return 0; // the server closed: done
            if (read_frame(fd, payload, k_forever) != io_result::ok) return 0;
            const auto h = json::parse(header).as_object();
            // A per-request CPU budget: the soft limit sits that far above what is used so far,
            // and the kernel sends SIGXCPU when it is crossed.
            rusage usage{};
            ::getrusage(RUSAGE_SELF, &usage);
            const auto used = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1;
            rlimit cpu{};
            ::getrlimit(RLIMIT_CPU, &cpu);
            cpu.rlim_cur = static_cast<rlim_t>(used + h.at("cpu_seconds").to_number<long long>());
            if (cpu.rlim_max != RLIM_INFINITY && cpu.rlim_cur > cpu.rlim_max) cpu.rlim_cur = cpu.rlim_max;
            ::setrlimit(RLIMIT_CPU, &cpu);
            r = handle(h, payload, [fd](const json::object& message) {
                json::object m = message;
                m["interim"] = true;
                write_frame(fd, json::serialize(m), k_forever);
            });
        } catch (const std::bad_alloc&) {
            // Out of address space, possibly mid-request: say so if possible and start afresh.
            std::string().swap(payload);
            const std::string msg = R"({"ok":false,"code":"RESOURCE_LIMIT","message":"the worker ran out of memory"})";
            write_frame(fd, msg, steady::now() + std::chrono::seconds(5));
            return k_exit_out_of_memory;
        } catch (const std::exception& e) {
            r = failure(errc::internal, std::string("the worker failed: ") + e.what());
        }
        std::string().swap(payload);
        json::object head;
        if (r) {
            head = std::move(r->header);
            head["ok"] = true;
            head["frames"] = r->frames.size();
        } else {
            head = {{"ok", false}, {"code", code_name(r.error().code)}, {"message", r.error().message}};
        }
        if (write_frame(fd, json::serialize(head), k_forever) != io_result::ok) return 0;
        if (r)
            for (const auto& f : r->frames)
                if (write_frame(fd, f, k_forever) != io_result::ok) return 0;
    }
}

} // namespace docket::sandbox
