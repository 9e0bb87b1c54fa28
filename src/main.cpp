// docket's entry point: resolves the settings and runs the subcommand.

#include <docket/app/commands.hpp>
#include <docket/core/log.hpp>

#include "../bench/bench.hpp"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

extern char** environ;

namespace {

constexpr const char* k_usage =
    "usage: docket <command> [options]\n"
    "commands:\n"
    "  serve                                   run the service\n"
    "  keys create [--tenant NAME] [--rate-limit N] [--rate-burst N] | list | limit KEY_ID [--rate-limit N]\n"
    "       [--rate-burst N] | revoke KEY_ID   manage API keys (while the service is stopped)\n"
    "  backup DIR                              a consistent copy of the store into DIR, while the service runs\n"
    "  restore DIR [--force true]              a backup into --data-dir (the service stopped; --force moves\n"
    "                                          a non-empty data dir aside)\n"
    "  bench SCENARIO [options]                measure docket against baselines (docket bench help)\n"
    "  version                                 print the version\n"
    "  help                                    this text\n"
    "options (flag, environment variable, default):\n";

std::map<std::string, std::string> environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        if (auto eq = kv.find('='); eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return env;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "help";
    if (cmd == "version" || cmd == "--version") {
        std::printf("docket %s\n", DOCKET_VERSION);
        return 0;
    }
    if (cmd == "worker") return docket::app::worker(3); // started by serve, never by hand
    if (cmd == "bench") {
        try {
            return docket::bench::bench_main(std::vector<std::string>(argv + 2, argv + argc));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "docket bench: %s\n", e.what());
            return 1;
        }
    }
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
        std::printf("%s%s", k_usage, docket::config::describe_options().c_str());
        return 0;
    }
    const std::vector<std::string> args(argv + 2, argv + argc);
    // A key's own rate flags share their names with serve's global ones.
    const std::set<std::string> own_flags = cmd == "keys" ? std::set<std::string>{"tenant", "rate-limit", "rate-burst"}
                                                          : std::set<std::string>{"tenant", "force"};
    auto loaded = docket::config::load(args, environment(), read_file, own_flags);
    if (!loaded) {
        std::fprintf(stderr, "docket: %s\n", loaded.error().message.c_str());
        return 2;
    }
    try {
        if (cmd == "serve") return docket::app::serve(loaded->values);
        if (cmd == "keys") return docket::app::keys(*loaded);
        if (cmd == "backup") return docket::app::backup(*loaded);
        if (cmd == "restore") return docket::app::restore(*loaded);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "docket: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "%s", k_usage);
    return 2;
}
