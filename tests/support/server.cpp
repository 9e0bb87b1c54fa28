// Starting, stopping and talking to a real docket process in e2e tests.

#include "server.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace docket::test {

using namespace std::chrono_literals;

std::string docket_binary() { return DOCKET_BINARY; }

docket_server::docket_server(std::vector<std::string> args, std::filesystem::path data_dir)
    : args_(std::move(args)), data_(data_dir.empty() ? dir_.path() / "data" : std::move(data_dir)) {
    key_ = create_key("acme");
}

run_result docket_server::command(std::vector<std::string> args) const {
    args.insert(args.begin(), docket_binary());
    args.push_back("--data-dir");
    args.push_back(data_.string());
    return run(args);
}

std::string docket_server::create_key(const std::string& tenant) const {
    auto r = command({"keys", "create", "--tenant", tenant});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto pos = r.out.find("dk_");
    REQUIRE(pos != std::string::npos);
    return r.out.substr(pos, r.out.find('\n', pos) - pos);
}

void docket_server::start() {
    std::vector<std::string> argv{docket_binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                                  data_.string()};
    argv.insert(argv.end(), args_.begin(), args_.end());
    proc_ = std::make_unique<child>(argv, dir_.path() / "server.log");
    auto line = proc_->wait_for_line("listening on", 20s);
    INFO(log());
    REQUIRE(line);
    port_ = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));
}

namespace {
std::string tail(const std::string& s, std::size_t n) { return s.size() > n ? s.substr(s.size() - n) : s; }
} // namespace

int docket_server::stop() {
    proc_->signal(SIGTERM);
    auto code = proc_->wait(60s);
    // An unclean exit is checked by the caller; its reason (a sanitizer report, an exception) is
    // in the server's stderr, shown with that check's failure.
    if (code != 0) UNSCOPED_INFO("docket exited " << (code ? *code : -1) << "; its log ends:\n" << tail(log(), 4000));
    return code ? *code : -1;
}

void docket_server::kill9() {
    proc_->signal(SIGKILL);
    proc_->wait(10s);
}

std::string docket_server::log() const {
    std::ifstream in(dir_.path() / "server.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string json_str(const boost::json::value& v, const char* key) { return std::string(v.at(key).as_string()); }

std::vector<std::string> submit_many(http_client& c, const std::vector<std::pair<std::string, std::string>>& auth,
                                     const std::string& file, int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
        auto r = submit(c, auth, file);
        REQUIRE(r.status == 202);
        ids.push_back(json_str(parse_json(r.body), "id"));
    }
    return ids;
}

boost::json::value parse_json(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    INFO(body);
    REQUIRE_FALSE(ec);
    return v;
}

std::string error_code(const http_response& r) { return json_str(parse_json(r.body).at("error"), "code"); }

boost::json::value wait_for_status(http_client& c, const std::vector<std::pair<std::string, std::string>>& auth,
                                   const std::string& id, const std::set<std::string>& statuses,
                                   std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    boost::json::value last;
    for (;;) {
        auto r = c.request("GET", "/v1/jobs/" + id, auth);
        REQUIRE(r.status == 200);
        last = parse_json(r.body);
        if (statuses.count(std::string(last.at("status").as_string()))) return last;
        if (std::chrono::steady_clock::now() > deadline) {
            FAIL("job " << id << " still " << last.at("status").as_string());
        }
        std::this_thread::sleep_for(10ms);
    }
}

http_response submit(http_client& c, const std::vector<std::pair<std::string, std::string>>& auth,
                     const std::string& file, const std::vector<std::pair<std::string, std::string>>& fields,
                     const std::vector<std::pair<std::string, std::string>>& extra_headers) {
    auto [type, body] = multipart(fields, "doc.pdf", file, "application/pdf");
    auto headers = auth;
    headers.emplace_back("Content-Type", type);
    headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
    return c.request("POST", "/v1/jobs", headers, body);
}

} // namespace docket::test
