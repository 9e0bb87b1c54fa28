#include "../support/outcome_printer.hpp"
#include "../support/fixtures.hpp"
#include "../support/process.hpp"

#include <docket/extract/isolated.hpp>
#include <docket/sandbox/child.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace docket;

namespace {

// A loopback port that accepts connections (the kernel completes them from the backlog).
struct listener {
    int fd = -1;
    int port = 0;
    listener() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 8) == 0);
        socklen_t n = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
        port = ntohs(a.sin_port);
    }
    ~listener() { ::close(fd); }
};

} // namespace

TEST_CASE("a worker process is confined: it cannot read the data dir, connect, write, fork or exec", "[sandbox]") {
    test::temp_dir data;
    { std::ofstream(data.path() / "secret") << "queued documents and key hashes"; }
    test::temp_dir scratch;
    listener l;
    // The same things are allowed to this test process, so a refusal below is the worker's.
    REQUIRE(std::ifstream(data.path() / "secret").good());

    sandbox::child child(DOCKET_BINARY, {});
    boost::json::object probe{{"op", "probe_confinement"},
                              {"read", (data.path() / "secret").string()},
                              {"port", l.port},
                              {"write_dir", scratch.path().string()},
                              {"fork", true},
                              {"netns", true},
                              {"cwd_write", true},
                              {"exec", "/bin/true"}};
    auto r = child.call(probe, "", sandbox::steady::now() + std::chrono::seconds(30));
    REQUIRE(r);
    const auto& h = r->header;
    INFO(boost::json::serialize(h));
    REQUIRE(child.confined());
    const auto& c = *child.confined();
    INFO(c.detail);
    CHECK(c.no_new_privs);
    CHECK(c.seccomp);
    CHECK(std::string(h.at("connect").as_string()).rfind("refused", 0) == 0);
    CHECK(std::string(h.at("exec").as_string()).rfind("refused", 0) == 0);
#if !defined(__SANITIZE_ADDRESS__)
    CHECK(std::string(h.at("fork").as_string()).rfind("refused", 0) == 0);
#endif
    // Reading and writing outside the libraries' data is Landlock's to refuse, where the kernel
    // has it (5.13 and later).
    if (c.landlock > 0) {
        CHECK(std::string(h.at("read").as_string()).rfind("refused", 0) == 0);
        CHECK(std::string(h.at("write").as_string()).rfind("refused", 0) == 0);
        CHECK_FALSE(std::filesystem::exists(scratch.path() / "written-by-worker"));
    } else {
        WARN("no Landlock in this kernel: file access is not confined (" << c.detail << ")");
    }
    CHECK(c.empty_cwd);
    CHECK(std::string(h.at("cwd_write").as_string()).rfind("refused", 0) == 0);
    // Root (as CI runs) can always give the worker a network namespace of its own.
    char mine[128] = {};
    REQUIRE(::readlink("/proc/self/ns/net", mine, sizeof mine - 1) > 0);
    if (::geteuid() == 0) CHECK(c.network_namespace);
    if (c.network_namespace) CHECK(std::string(h.at("netns").as_string()) != std::string(mine));
    else CHECK(std::string(h.at("netns").as_string()) == std::string(mine));
    CHECK(sandbox::last_confinement().has_value());

    // And confined, it still does its work: a PDF's text and an OCR'd image.
    const auto pdf = test::make_pdf({"confined but working"});
    auto text = extract::extract_in(child, {pdf, "application/pdf", "generic", {}, {}});
    REQUIRE(text);
    CHECK(text->result_json.find("confined but working") != std::string::npos);
    const auto png = test::make_png("scanned words read confined");
    auto ocr = extract::extract_in(child, {png, "image/png", "generic", {}, {}});
    REQUIRE(ocr);
    CHECK(ocr->result_json.find("confined") != std::string::npos);
}
