#pragma once
// docket's one representation of a point in time: milliseconds since the Unix epoch, UTC.

#include <chrono>
#include <cstdint>
#include <string>

namespace docket {

using timestamp = std::int64_t; //!< milliseconds since 1970-01-01T00:00:00Z

inline timestamp now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

//! RFC 3339 with milliseconds, e.g. "2026-11-25T08:21:32.123Z".
std::string format_rfc3339(timestamp t);

} // namespace docket
