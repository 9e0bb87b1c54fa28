// A keep-alive webhook receiver for bench/deliver.py: answers 204 to everything and prints the
// time at which the request count reaches each mark given on the command line.
// Usage: webhook_sink MARK... (prints "listening PORT", then "mark K T_NS" lines)

#include "../tests/support/receiver.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>

int main(int argc, char** argv) {
    std::set<std::size_t> marks;
    for (int i = 1; i < argc; ++i) marks.insert(std::strtoull(argv[i], nullptr, 10));
    const std::size_t last = marks.empty() ? 0 : *marks.rbegin();
    docket::test::webhook_receiver sink([&](const docket::test::received_request&, std::size_t index) {
        if (marks.count(index + 1)) {
            const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
            std::printf("mark %zu %lld\n", index + 1, static_cast<long long>(t));
            std::fflush(stdout);
        }
        return docket::test::scripted_reply{204, {}, ""};
    });
    std::printf("listening %u\n", sink.port());
    std::fflush(stdout);
    while (!sink.wait_for(last, std::chrono::seconds(1))) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return 0;
}
