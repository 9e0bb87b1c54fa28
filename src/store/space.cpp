// The space decisions the store applies before it writes and while its writes are failing.

#include <docket/store/space.hpp>
#include <docket/core/units.hpp>

#include <algorithm>

namespace docket::store {
namespace {
// RocksDB's resume flushes the memtables (up to --db-write-buffer, 24 MiB) before it accepts
// a write: with less room than that it would fail again at once.
constexpr std::uint64_t k_resume_margin = 32ull << 20;
} // namespace

std::optional<std::string> space_refusal(const space_state& s, std::uint64_t incoming) {
    if (s.writes_failing)
        return "the data volume is full (" + format_size(s.free_bytes) + " free): writes resume by themselves when space returns";
    if (s.min_free == 0) return std::nullopt;
    if (s.free_bytes < s.min_free || s.free_bytes - s.min_free < incoming)
        return "the data volume has " + format_size(s.free_bytes) + " free, and --min-free-space keeps " +
               format_size(s.min_free) + " in reserve";
    return std::nullopt;
}

bool space_recovered(const space_state& s) { return s.free_bytes >= std::max(s.min_free, k_resume_margin); }

} // namespace docket::store
