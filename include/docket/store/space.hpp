#pragma once
// Room on the data volume: when a write is refused for want of it, and when writes may start
// again. Pure decisions; the store measures the volume and asks them.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace docket::store {

//! A write refused for want of space: RocksDB found the volume full, or it is under
//! --min-free-space. The API answers 507 INSUFFICIENT_STORAGE with Retry-After.
struct storage_full : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct space_state {
    std::uint64_t free_bytes = 0;  //!< available to docket on the data volume, as last measured
    std::uint64_t min_free = 0;    //!< --min-free-space
    bool writes_failing = false;   //!< RocksDB refused a write for want of space and has not resumed
};

//! Why a write adding about `incoming` bytes should be refused now, or nullopt to go ahead.
std::optional<std::string> space_refusal(const space_state& s, std::uint64_t incoming);

//! Whether a store whose writes failed for want of space may resume: the volume has room again
//! above the floor (at least a margin when the floor is 0, so that the resume's own flush fits).
bool space_recovered(const space_state& s);

} // namespace docket::store
