// Log sink for every module: whole lines written with one write(2) so threads never interleave.

#include <docket/core/log.hpp>
#include <docket/core/time.hpp>

#include <atomic>
#include <string>
#include <unistd.h>

namespace docket::log {
namespace {
std::atomic<level> g_level{level::info};
constexpr const char* k_names[] = {"debug", "info", "warn", "error"};
} // namespace

void set_level(level l) { g_level = l; }
bool enabled(level l) { return l >= g_level.load(std::memory_order_relaxed); }

void write(level l, std::string_view message) {
    if (!enabled(l)) return;
    std::string line = format_rfc3339(now_ms());
    line += ' ';
    line += k_names[static_cast<int>(l)];
    line += ' ';
    line += message;
    line += '\n';
    [[maybe_unused]] auto n = ::write(2, line.data(), line.size());
}

} // namespace docket::log
