#pragma once
// The processes a bench scenario measures: docket serve on a fresh data directory with a new
// key, or the fixed-202 baseline server; each stopped (SIGTERM) at the end of its scope.

#include "report.hpp"
#include "scenarios.hpp"

#include <memory>
#include <string>
#include <vector>

namespace docket::test { class temp_dir; class child; }

namespace docket::bench {

class server {
public:
    //! `docket serve` on 127.0.0.1:0 with `extra` and the bench's --  arguments.
    static server docket(const bench_options& o, const std::vector<std::string>& extra);
    //! `docket bench baseline-server`.
    static server baseline(const bench_options& o);
    ~server();
    server(server&&) noexcept;
    unsigned short port() const { return port_; }
    const std::string& key() const { return key_; }
    //! CPU and memory of the process and its worker children so far.
    process_usage usage() const;

private:
    server();
    void start(const std::vector<std::string>& argv, const std::string& ready);
    std::unique_ptr<test::temp_dir> dir_;
    std::unique_ptr<test::child> proc_;
    unsigned short port_ = 0;
    std::string key_;
};

} // namespace docket::bench
