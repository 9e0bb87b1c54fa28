// Child-process plumbing for end-to-end tests and `docket bench`: posix_spawn with pipes, bounded
// waits, kill -9.

#include "process.hpp"

#include <fstream>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace docket::test {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

temp_dir::temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "docket-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

namespace {

// Starts argv[0] with stdout and stderr on the given descriptors. posix_spawn, not fork: the
// tests and the bench run receivers and clients on other threads, and a forked child that
// allocates before exec (building argv, setenv) can deadlock on a lock one of them held at the
// fork (the likely cause of a CI run's `docket keys create` that was still not done after 60 s
// under AddressSanitizer, in a test that had started three receivers).
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int out_fd,
            int err_fd) {
    std::vector<std::string> env_storage;
    for (char** e = environ; *e; ++e) {
        const std::string_view entry(*e);
        if (!env.contains(std::string(entry.substr(0, entry.find('='))))) env_storage.emplace_back(entry);
    }
    for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1); // dup2 clears close-on-exec
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

// Reads whatever is available on fd within the deadline; false at EOF.
bool read_some(int fd, std::string& into, clock_type::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<long>(left, 0))) <= 0) return true;
    char buf[4096];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    into.append(buf, static_cast<std::size_t>(n));
    return true;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

} // namespace

run_result run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               std::chrono::seconds timeout) {
    // Close-on-exec everywhere: a pipe end leaked into another child would keep EOF away.
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = spawn(argv, env, out[1], err[1]);
    close(out[1]);
    close(err[1]);
    run_result r;
    const auto deadline = clock_type::now() + timeout;
    bool out_open = true, err_open = true;
    while ((out_open || err_open) && clock_type::now() < deadline) {
        pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
        if (poll(fds, 2, 100) <= 0) continue;
        if (fds[0].revents) out_open = read_some(out[0], r.out, deadline);
        if (fds[1].revents) err_open = read_some(err[0], r.err, deadline);
    }
    close(out[0]);
    close(err[0]);
    if (out_open || err_open) {
        kill(pid, SIGKILL);
        r.err += "\n[killed: still running after " + std::to_string(timeout.count()) + " s]";
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = decode_status(status);
    return r;
}

child::child(const std::vector<std::string>& argv, const fs::path& stderr_file,
             const std::map<std::string, std::string>& env) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const int err_fd = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (err_fd < 0) throw std::runtime_error("cannot open " + stderr_file.string());
    pid_ = spawn(argv, env, out[1], err_fd);
    close(out[1]);
    close(err_fd);
    out_fd_ = out[0];
}

child::~child() {
    if (running()) {
        kill(pid_, SIGKILL);
        wait(std::chrono::seconds(10));
    }
    if (out_fd_ >= 0) close(out_fd_);
}

std::optional<std::string> child::wait_for_line(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = clock_type::now() + timeout;
    for (;;) {
        for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n')) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            if (line.find(needle) != std::string::npos) return line;
        }
        if (clock_type::now() >= deadline) return std::nullopt;
        if (!read_some(out_fd_, pending_, deadline)) return std::nullopt;
    }
}

void child::signal(int sig) {
    if (!status_) kill(pid_, sig);
}

std::optional<int> child::wait(std::chrono::milliseconds timeout) {
    const auto deadline = clock_type::now() + timeout;
    while (!status_) {
        int status = 0;
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) { status_ = decode_status(status); break; }
        if (clock_type::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status_;
}

bool child::running() { return !wait(std::chrono::milliseconds(0)).has_value(); }

std::uint64_t status_kib(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1));
    return 0;
}

namespace {

// The fields of a stat file from field 3 (state) on; empty if the process or thread is gone.
std::vector<std::string> stat_fields(const std::filesystem::path& stat_file) {
    std::ifstream in(stat_file);
    const std::string stat((std::istreambuf_iterator<char>(in)), {});
    const auto paren = stat.rfind(')'); // the command name may hold spaces
    if (paren == std::string::npos) return {};
    std::istringstream fields(stat.substr(paren + 2));
    std::vector<std::string> out;
    for (std::string f; fields >> f;) out.push_back(std::move(f));
    return out;
}

} // namespace

std::optional<long long> stat_field(const std::filesystem::path& stat_file, int n) {
    const auto fields = stat_fields(stat_file);
    if (n < 3 || static_cast<std::size_t>(n - 3) >= fields.size()) return std::nullopt;
    return std::stoll(fields[static_cast<std::size_t>(n - 3)]);
}

double cpu_seconds(pid_t pid) {
    const auto fields = stat_fields("/proc/" + std::to_string(pid) + "/stat");
    if (fields.size() < 13) return 0;
    const long long ticks = std::stoll(fields[11]) + std::stoll(fields[12]); // utime, stime (fields 14, 15)
    return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

} // namespace docket::test
