// Confinement of the `docket worker` processes (app/worker.cpp applies it before the first
// request): no_new_privs, a seccomp filter, and Landlock where the kernel has it.
//
// The seccomp filter allows a list (k_allowed) and refuses everything else with EPERM: no
// sockets, programs, processes, tracing, mounts or namespaces, kernel modules, bpf, io_uring,
// keyrings or identity changes, and nothing parsing was never seen to need.

#include <docket/sandbox/confine.hpp>

#include <boost/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace docket::sandbox {

namespace json = boost::json;

json::object confinement::to_json() const {
    return {{"no_new_privs", no_new_privs},
            {"seccomp", seccomp},
            {"network_namespace", network_namespace},
            {"empty_cwd", empty_cwd},
            {"landlock", landlock},
            {"detail", detail}};
}

confinement confinement::from_json(const json::object& o) {
    confinement c;
    if (const auto* v = o.if_contains("no_new_privs"); v && v->is_bool()) c.no_new_privs = v->get_bool();
    if (const auto* v = o.if_contains("seccomp"); v && v->is_bool()) c.seccomp = v->get_bool();
    if (const auto* v = o.if_contains("network_namespace"); v && v->is_bool()) c.network_namespace = v->get_bool();
    if (const auto* v = o.if_contains("empty_cwd"); v && v->is_bool()) c.empty_cwd = v->get_bool();
    if (const auto* v = o.if_contains("landlock"); v && v->is_int64()) c.landlock = static_cast<int>(v->get_int64());
    if (const auto* v = o.if_contains("detail"); v && v->is_string()) c.detail = std::string(v->get_string());
    return c;
}

namespace {

void add_detail(confinement& c, const std::string& what) {
    if (!c.detail.empty()) c.detail += "; ";
    c.detail += what;
}

// The file-system rights this build knows, for the Landlock ABI the kernel has.
std::uint64_t handled_rights(int abi) {
    std::uint64_t all = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
                        LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                        LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                        LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                        LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
    if (abi >= 2) all |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
    if (abi >= 3) all |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
    return all;
}

// Read-only access to the system's libraries and data and to `readable`; nothing else.
int apply_landlock(const std::vector<std::string>& readable, confinement& c) {
    const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) {
        add_detail(c, "Landlock: not available in this kernel");
        return 0;
    }
    landlock_ruleset_attr attr{};
    attr.handled_access_fs = handled_rights(static_cast<int>(abi));
    const int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
    if (ruleset < 0) {
        add_detail(c, std::string("Landlock: ") + std::strerror(errno));
        return 0;
    }
    // Libraries and their data (fonts, tessdata, locale), and what glibc, OpenMP and the
    // sanitizers read from /proc and /sys; /dev for /dev/null and /dev/urandom.
    std::vector<std::string> paths{"/usr", "/lib", "/lib64", "/etc", "/proc", "/sys", "/dev", "/var/cache/fontconfig"};
    paths.insert(paths.end(), readable.begin(), readable.end());
    for (const auto& p : paths) {
        const int fd = ::open(p.c_str(), O_PATH | O_CLOEXEC);
        if (fd < 0) continue;
        landlock_path_beneath_attr rule{};
        rule.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
        rule.parent_fd = fd;
        if (::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
            add_detail(c, "Landlock: cannot allow " + p + ": " + std::strerror(errno));
        ::close(fd);
    }
    const bool ok = ::syscall(SYS_landlock_restrict_self, ruleset, 0) == 0;
    if (!ok) add_detail(c, std::string("Landlock: ") + std::strerror(errno));
    ::close(ruleset);
    return ok ? static_cast<int>(abi) : 0;
}

// A network namespace of its own, where the kernel lets this process make one: root can, and
// so can a user with unprivileged user namespaces (then a user namespace comes first, mapping
// the same ids, so files are read as before). Without it the seccomp filter alone keeps the
// network out.
// The working directory becomes a directory made for the purpose and removed at once: relative
// paths find nothing there, and nothing can be created in it.
bool empty_working_dir(confinement& c) {
    char dir[] = "/tmp/docket-worker-XXXXXX";
    if (!::mkdtemp(dir)) {
        add_detail(c, std::string("empty working directory: ") + std::strerror(errno));
        return false;
    }
    const bool moved = ::chdir(dir) == 0;
    ::rmdir(dir);
    if (!moved) add_detail(c, std::string("empty working directory: ") + std::strerror(errno));
    return moved;
}

bool leave_network(confinement& c) {
    if (::unshare(CLONE_NEWNET) == 0) return true;
    const int first = errno;
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) {
        auto write_file = [](const char* path, const std::string& text) {
            const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
            if (fd < 0) return false;
            const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
            ::close(fd);
            return ok;
        };
        const bool mapped = write_file("/proc/self/setgroups", "deny") &&
                            write_file("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1") &&
                            write_file("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1");
        if (!mapped) add_detail(c, "network namespace: made, but the user namespace's ids could not be mapped");
        return true;
    }
    add_detail(c, std::string("network namespace: ") + std::strerror(first));
    return false;
}

// Allowed after confinement: what the worker and its libraries were seen to call (strace of
// the OCR, ZIP, fields and isolation tests' workers), and the benign relatives of those calls
// (memory, time, signals, reading files, its own socket). Everything else is EPERM, never a
// kill: a library that probes for something (a socket, an ioctl) gets an error it handles.
constexpr const char* k_allowed[] = {
    // memory
    "brk", "mmap", "munmap", "mprotect", "mremap", "madvise",
    // threads and their synchronisation (clone itself: threads only, below)
    "futex", "set_robust_list", "get_robust_list", "rseq", "sched_yield", "sched_getaffinity", "membarrier", "getcpu",
    "gettid", "getpid", "getppid",
    // signals (an abort raises its own)
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
    // time
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep", "getrusage", "times",
    // files: which ones is Landlock's to say
    "openat", "open", "read", "pread64", "readv", "preadv", "close", "fstat", "newfstatat", "lstat", "stat", "statx",
    "lseek", "getdents64", "readlink", "readlinkat", "access", "faccessat", "faccessat2", "fcntl", "dup", "dup2", "dup3",
    "getcwd", "fadvise64",
    // the socket to the server (already open) and stderr
    "recvfrom", "sendto", "recvmsg", "sendmsg", "write", "writev", "poll", "ppoll",
    // the process itself
    "exit", "exit_group", "prlimit64", "getrlimit", "sysinfo", "uname", "getuid", "geteuid", "getgid", "getegid",
    "prctl", "getrandom", "seccomp",
};

bool apply_seccomp(confinement& c) {
#if !defined(__SANITIZE_ADDRESS__)
    scmp_filter_ctx ctx = ::seccomp_init(SCMP_ACT_ERRNO(EPERM));
#else
    // The sanitizers' runtime needs far more (LeakSanitizer stops the world with a traced helper
    // process at exit): a sanitizer build refuses a list instead of allowing one.
    scmp_filter_ctx ctx = ::seccomp_init(SCMP_ACT_ALLOW);
#endif
    if (!ctx) {
        add_detail(c, "seccomp: cannot make a filter");
        return false;
    }
    bool ok = true;
    auto rule = [&](std::uint32_t action, const char* name) {
        const int nr = ::seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) return; // not on this architecture
        ok = ::seccomp_rule_add(ctx, action, nr, 0) == 0 && ok;
    };
#if !defined(__SANITIZE_ADDRESS__)
    for (const char* name : k_allowed) rule(SCMP_ACT_ALLOW, name);
    // Threads yes (tesseract's, OpenMP's), processes no: clone only with CLONE_THREAD, and clone3
    // (whose flags a filter cannot see) says it does not exist, so glibc falls back to clone.
    ok = ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) == 0 && ok;
    ok = ::seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) == 0 && ok;
    // isatty() on stderr, nothing else of ioctl's many devices.
    ok = ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, TCGETS)) == 0 && ok;
#else
    static constexpr const char* refused[] = {
        "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "execve", "execveat",
        "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot", "setns", "unshare",
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf", "perf_event_open",
        "keyctl", "add_key", "request_key", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
        "open_by_handle_at", "name_to_handle_at", "reboot", "swapon", "swapoff", "acct", "settimeofday", "clock_settime",
        "adjtimex", "syslog", "quotactl", "mknod", "mknodat", "setuid", "setgid", "setreuid", "setregid", "setresuid",
        "setresgid", "setgroups", "fanotify_init", "iopl", "ioperm"};
    for (const char* name : refused) rule(SCMP_ACT_ERRNO(EPERM), name);
#endif
    if (ok) ok = ::seccomp_load(ctx) == 0;
    if (!ok) add_detail(c, std::string("seccomp: cannot load the filter: ") + std::strerror(errno));
    ::seccomp_release(ctx);
    return ok;
}

std::string outcome_of(bool allowed, int err) { return allowed ? "allowed" : std::string("refused: ") + std::strerror(err); }

} // namespace

confinement confine_self(const std::vector<std::string>& readable) {
    confinement c;
    c.no_new_privs = ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    if (!c.no_new_privs) add_detail(c, std::string("no_new_privs: ") + std::strerror(errno));
    // Before Landlock and seccomp, which both forbid what making a namespace needs.
    c.network_namespace = leave_network(c);
    c.empty_cwd = empty_working_dir(c);
    c.landlock = apply_landlock(readable, c);
    c.seccomp = c.no_new_privs && apply_seccomp(c);
    return c;
}

json::object probe_confinement(const json::object& request) {
    json::object out;
    if (const auto* p = request.if_contains("read"); p && p->is_string()) {
        const int fd = ::open(std::string(p->get_string()).c_str(), O_RDONLY | O_CLOEXEC);
        const int err = errno;
        if (fd >= 0) ::close(fd);
        out["read"] = outcome_of(fd >= 0, err);
    }
    if (const auto* p = request.if_contains("port"); p && p->is_int64()) {
        const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bool connected = false;
        int err = errno;
        if (s >= 0) {
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(static_cast<std::uint16_t>(p->get_int64()));
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            connected = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            err = errno;
            ::close(s);
        }
        out["connect"] = outcome_of(connected, err);
    }
    if (const auto* p = request.if_contains("write_dir"); p && p->is_string()) {
        const std::string file = std::string(p->get_string()) + "/written-by-worker";
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        const int err = errno;
        if (fd >= 0) ::close(fd);
        out["write"] = outcome_of(fd >= 0, err);
    }
    if (request.contains("cwd_write")) {
        const int fd = ::open("made-in-cwd", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        const int err = errno;
        if (fd >= 0) ::close(fd);
        out["cwd_write"] = outcome_of(fd >= 0, err);
    }
    if (request.contains("netns")) {
        char link[128] = {};
        const auto n = ::readlink("/proc/self/ns/net", link, sizeof link - 1);
        out["netns"] = n > 0 ? std::string(link, static_cast<std::size_t>(n)) : std::string("unknown");
    }
    if (request.contains("fork")) {
        const pid_t pid = ::fork();
        const int err = errno;
        if (pid == 0) ::_exit(0);
        if (pid > 0) ::waitpid(pid, nullptr, 0);
        out["fork"] = outcome_of(pid > 0, err);
    }
    if (const auto* p = request.if_contains("exec"); p && p->is_string()) {
        // Here, not in a child: had it been allowed, the worker would be gone and the probe's
        // caller would see it die.
        const std::string path(p->get_string());
        char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
        ::execv(path.c_str(), argv);
        out["exec"] = outcome_of(false, errno);
    }
    return out;
}

} // namespace docket::sandbox
