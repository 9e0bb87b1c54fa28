// docket's entry point: picks the subcommand and hands over to it.
#include <docket/core/log.hpp>
#include <docket/http/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <string>

namespace {

struct health_handler final : docket::http::handler {
    docket::http::header_decision on_headers(const docket::http::request&) override { return {}; }
    boost::asio::awaitable<docket::http::reply> on_request(docket::http::request r) override {
        docket::http::reply rep;
        if (r.target == "/healthz") rep.body = R"({"status":"ok"})";
        else { rep.status = 404; rep.body = R"({"error":{"code":"NOT_FOUND","message":"no such path"}})"; }
        co_return rep;
    }
};

} // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "version") { std::puts("docket " DOCKET_VERSION); return 0; }
    if (cmd != "serve") { std::fprintf(stderr, "usage: docket serve|version\n"); return 2; }
    boost::asio::io_context io;
    health_handler h;
    docket::http::config cfg;
    if (argc > 3 && std::string(argv[2]) == "--listen") cfg.listen = argv[3];
    docket::http::server srv(io, cfg, h);
    auto addr = srv.start();
    std::printf("docket listening on http://%s\n", addr.c_str());
    std::fflush(stdout);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { srv.stop(); io.stop(); });
    io.run();
    return 0;
}
