#pragma once
// The real docket binary on a loopback port with its own temp data dir, for e2e tests.

#include "http_client.hpp"
#include "process.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <set>

namespace docket::test {

class docket_server {
public:
    //! Creates the data dir (in its temp dir unless given) and an API key for tenant "acme";
    //! `args` are extra serve flags.
    explicit docket_server(std::vector<std::string> args = {}, std::filesystem::path data_dir = {});

    //! Starts `docket serve` and waits until it listens.
    void start();
    //! SIGTERM and wait; returns the exit code.
    int stop();
    //! SIGKILL and reap, as a crash would.
    void kill9();

    //! Runs another docket subcommand against the same data dir (server should be stopped).
    run_result command(std::vector<std::string> args) const;
    //! A new key for a tenant (server should be stopped).
    std::string create_key(const std::string& tenant) const;

    http_client client(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
        return http_client("127.0.0.1", port_, timeout);
    }
    const std::string& key() const { return key_; }
    unsigned short port() const { return port_; }
    std::vector<std::pair<std::string, std::string>> auth(const std::string& key = {}) const {
        return {{"Authorization", "Bearer " + (key.empty() ? key_ : key)}};
    }
    std::string log() const; //!< the server's stderr so far
    child& process() { return *proc_; }
    const std::filesystem::path& dir() const { return dir_.path(); }

private:
    temp_dir dir_;
    std::vector<std::string> args_;
    std::filesystem::path data_;
    std::string key_;
    unsigned short port_ = 0;
    std::unique_ptr<child> proc_;
};

//! The string member `key` of a JSON object.
std::string json_str(const boost::json::value& v, const char* key);

//! Parses a JSON body; fails the test if it is not JSON.
boost::json::value parse_json(const std::string& body);

//! The machine-readable code of an error reply ({"error":{"code":…}}).
std::string error_code(const http_response& r);

//! Polls GET /v1/jobs/{id} until the status is one of `statuses`; returns the last job JSON.
boost::json::value wait_for_status(http_client& c, const std::vector<std::pair<std::string, std::string>>& auth,
                                   const std::string& id, const std::set<std::string>& statuses,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

//! Submits `count` copies of a document; returns their job ids (fails the test on a non-202).
std::vector<std::string> submit_many(http_client& c, const std::vector<std::pair<std::string, std::string>>& auth,
                                     const std::string& file, int count);

//! POSTs a document as multipart; returns the response.
http_response submit(http_client& c, const std::vector<std::pair<std::string, std::string>>& auth,
                     const std::string& file, const std::vector<std::pair<std::string, std::string>>& fields = {},
                     const std::vector<std::pair<std::string, std::string>>& extra_headers = {});

} // namespace docket::test
