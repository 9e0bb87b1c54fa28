// Starting and stopping the processes the bench scenarios measure (bench/scenarios.cpp,
// bench/extract_scenario.cpp), with the test suite's child-process plumbing.

#include "server_process.hpp"

#include "../tests/support/process.hpp"

#include <chrono>
#include <csignal>
#include <stdexcept>

namespace docket::bench {

using namespace std::chrono_literals;

server::server() = default;
server::server(server&&) noexcept = default;

server::~server() {
    if (!proc_) return;
    proc_->signal(SIGTERM);
    if (!proc_->wait(30s)) proc_->signal(SIGKILL);
}

server server::docket(const bench_options& o, const std::vector<std::string>& extra, const prepare_fn& prepare) {
    server s;
    s.dir_ = std::make_unique<test::temp_dir>();
    const auto data = (s.dir_->path() / "data").string();
    auto k = test::run({o.self, "keys", "create", "--data-dir", data});
    const auto at = k.out.find("dk_");
    if (k.exit_code != 0 || at == std::string::npos) throw std::runtime_error("docket keys create failed: " + k.err);
    s.key_ = k.out.substr(at, k.out.find('\n', at) - at);
    if (prepare) prepare(data);
    std::vector<std::string> argv{o.self, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--log-level", "warn",
                                  "--max-queue-depth", "100000000"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), o.server_args.begin(), o.server_args.end());
    s.start(argv, "listening on");
    return s;
}

server server::baseline(const bench_options& o) {
    server s;
    s.dir_ = std::make_unique<test::temp_dir>();
    s.start({o.self, "bench", "baseline-server"}, "listening");
    return s;
}

process_usage server::usage() const { return usage_of(proc_->pid()); }

int server::pid() const { return proc_->pid(); }

void server::start(const std::vector<std::string>& argv, const std::string& ready) {
    argv_ = argv;
    ready_ = ready;
    const auto t0 = std::chrono::steady_clock::now();
    proc_ = std::make_unique<test::child>(argv, dir_->path() / "server.log");
    auto line = proc_->wait_for_line(ready, 120s);
    if (!line) throw std::runtime_error(argv[1] + " did not start");
    started_in_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    port_ = static_cast<unsigned short>(std::stoi(line->substr(line->find_last_of(": ") + 1)));
}

double server::restart() {
    proc_->signal(SIGTERM);
    if (!proc_->wait(60s)) throw std::runtime_error("the server did not stop within 60 s of SIGTERM");
    return start_again();
}

double server::crash_restart() {
    proc_->signal(SIGKILL);
    if (!proc_->wait(60s)) throw std::runtime_error("the server did not die of SIGKILL");
    return start_again();
}

double server::start_again() {
    proc_.reset();
    auto argv = argv_;
    // The same port, so clients (and result URLs) keep working across the restart.
    for (std::size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == "--listen") argv[i + 1] = "127.0.0.1:" + std::to_string(port_);
    start(argv, ready_);
    return started_in_;
}

} // namespace docket::bench
