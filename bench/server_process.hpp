#pragma once
// The processes a bench scenario measures: docket serve on a fresh data directory with a new
// key, or the fixed-202 baseline server; each stopped (SIGTERM) at the end of its scope.

#include "report.hpp"
#include "scenarios.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace docket::test { class temp_dir; class child; }

namespace docket::bench {

class server {
public:
    //! Fills a data directory (the key already made) before docket first starts on it.
    using prepare_fn = std::function<void(const std::filesystem::path& data_dir)>;
    //! `docket serve` on 127.0.0.1:0 with `extra` and the bench's --  arguments.
    static server docket(const bench_options& o, const std::vector<std::string>& extra, const prepare_fn& prepare = {});
    //! `docket bench baseline-server`.
    static server baseline(const bench_options& o);
    ~server();
    server(server&&) noexcept;
    unsigned short port() const { return port_; }
    const std::string& key() const { return key_; }
    //! CPU and memory of the process and its worker children so far.
    process_usage usage() const;
    //! Seconds from starting the process to its "ready" line (docket: recovered and accepting).
    double started_in() const { return started_in_; }
    //! SIGTERM, wait for the exit, start again on the same data; returns the new started_in().
    double restart();
    //! SIGKILL (a crash: nothing flushed, nothing handed back), then start again as restart() does.
    double crash_restart();
    int pid() const;

private:
    server();
    void start(const std::vector<std::string>& argv, const std::string& ready);
    double start_again();
    std::unique_ptr<test::temp_dir> dir_;
    std::unique_ptr<test::child> proc_;
    std::vector<std::string> argv_;
    std::string ready_;
    double started_in_ = 0;
    unsigned short port_ = 0;
    std::string key_;
};

} // namespace docket::bench
