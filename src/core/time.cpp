// Timestamp formatting for API responses.

#include <docket/core/time.hpp>

namespace docket {

namespace {

// Year, month (1-12) and day of the proleptic Gregorian calendar for a count of days since
// 1970-01-01, by eras of 400 years (146,097 days each), with the year starting in March so that
// February's leap day falls at its end. gmtime_r took a lock on every call in glibc, and the
// formatting around it was ~2.6 % of the I/O thread's time on a submission.
struct civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

civil civil_from_days(std::int64_t z) noexcept {
    z += 719468; // days from 0000-03-01 to 1970-01-01
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);                   // [0, 146096]
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               // [0, 365]
    const unsigned mp = (5 * doy + 2) / 153;                                    // March = 0
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

void put_digits(char* at, std::int64_t v, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

} // namespace

std::string format_rfc3339(timestamp t) {
    // Floor division: a time before 1970 still has its milliseconds counted forwards.
    const std::int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
    const std::int64_t ms = t - secs * 1000;
    const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const std::int64_t in_day = secs - days * 86400;
    const auto c = civil_from_days(days);
    // RFC 3339 has four-digit years only; a timestamp outside 0000-9999 is a bug upstream, and
    // is shown clamped rather than as a malformed string.
    const std::int64_t year = c.year < 0 ? 0 : c.year > 9999 ? 9999 : c.year;
    std::string out = "0000-00-00T00:00:00.000Z";
    put_digits(out.data(), year, 4);
    put_digits(out.data() + 5, c.month, 2);
    put_digits(out.data() + 8, c.day, 2);
    put_digits(out.data() + 11, in_day / 3600, 2);
    put_digits(out.data() + 14, in_day / 60 % 60, 2);
    put_digits(out.data() + 17, in_day % 60, 2);
    put_digits(out.data() + 20, ms, 3);
    return out;
}

} // namespace docket
