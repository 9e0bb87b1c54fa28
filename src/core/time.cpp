// Timestamp formatting for API responses.

#include <docket/core/time.hpp>

#include <cstdio>
#include <ctime>

namespace docket {

std::string format_rfc3339(timestamp t) {
    const std::time_t secs = static_cast<std::time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
    const int ms = static_cast<int>(t - static_cast<timestamp>(secs) * 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return buf;
}

} // namespace docket
