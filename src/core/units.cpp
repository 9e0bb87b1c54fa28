// Parsing and printing of durations and byte sizes; used by config and the README's option table.

#include <docket/core/units.hpp>
#include <docket/core/encoding.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace docket {
namespace {

// Splits "123unit" into the number and the unit text; nullopt if there is no leading number.
std::optional<std::pair<std::uint64_t, std::string>> split(std::string_view text) {
    while (!text.empty() && std::isspace((unsigned char)text.front())) text.remove_prefix(1);
    while (!text.empty() && std::isspace((unsigned char)text.back())) text.remove_suffix(1);
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || p == text.data()) return std::nullopt;
    std::string unit(p, text.data() + text.size());
    std::transform(unit.begin(), unit.end(), unit.begin(), ascii_lower);
    return std::pair{n, unit};
}

// n × factor, or nullopt when it does not fit in `limit` (a huge flag value is an error, not a
// wrapped-around small one).
std::optional<std::uint64_t> scaled(std::uint64_t n, std::uint64_t factor, std::uint64_t limit) {
    if (n > limit / factor) return std::nullopt;
    return n * factor;
}

} // namespace

std::optional<duration> parse_duration(std::string_view text) {
    auto s = split(text);
    if (!s) return std::nullopt;
    const auto [n, unit] = *s;
    std::uint64_t factor = 0;
    if (unit == "ms") factor = 1;
    else if (unit.empty() || unit == "s") factor = 1000;
    else if (unit == "m" || unit == "min") factor = 60'000;
    else if (unit == "h") factor = 3'600'000;
    else if (unit == "d") factor = 86'400'000;
    else return std::nullopt;
    const auto ms = scaled(n, factor, static_cast<std::uint64_t>(std::numeric_limits<duration::rep>::max()));
    if (!ms) return std::nullopt;
    return duration(static_cast<duration::rep>(*ms));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    auto s = split(text);
    if (!s) return std::nullopt;
    const auto [n, unit] = *s;
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    if (unit.empty() || unit == "b") return n;
    if (unit == "kib" || unit == "k") return scaled(n, 1ull << 10, max);
    if (unit == "mib" || unit == "m") return scaled(n, 1ull << 20, max);
    if (unit == "gib" || unit == "g") return scaled(n, 1ull << 30, max);
    if (unit == "kb") return scaled(n, 1000, max);
    if (unit == "mb") return scaled(n, 1000 * 1000, max);
    if (unit == "gb") return scaled(n, 1000 * 1000 * 1000, max);
    return std::nullopt;
}

std::string format_duration(duration d) {
    const auto ms = d.count();
    if (ms == 0) return "0s";
    struct unit { std::int64_t ms; const char* name; };
    for (const unit u : {unit{86'400'000, "d"}, unit{3'600'000, "h"}, unit{60'000, "m"}, unit{1000, "s"}})
        if (ms != 0 && ms % u.ms == 0) return std::to_string(ms / u.ms) + u.name;
    return std::to_string(ms) + "ms";
}

std::string format_size(std::uint64_t bytes) {
    struct unit { std::uint64_t size; const char* name; };
    for (const unit u : {unit{1ull << 30, "GiB"}, unit{1ull << 20, "MiB"}, unit{1ull << 10, "KiB"}})
        if (bytes != 0 && bytes % u.size == 0) return std::to_string(bytes / u.size) + u.name;
    return std::to_string(bytes) + "B";
}

} // namespace docket
