#pragma once
// Human-written durations ("250ms", "24h") and byte sizes ("50MiB"), for config and flags.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

using duration = std::chrono::milliseconds;

//! Parses "<number><unit>" with unit ms|s|m|h|d; a bare number means seconds.
std::optional<duration> parse_duration(std::string_view text);
//! Parses "<number><unit>" with unit B|KiB|MiB|GiB|KB|MB|GB (case-insensitive); bare = bytes.
std::optional<std::uint64_t> parse_size(std::string_view text);

//! Parses a comma-separated list with `parse` (returning an optional) for each item; nullopt if
//! any item fails. Empty text is an empty list.
template <class Parse>
auto parse_comma_list(std::string_view text, Parse parse)
    -> std::optional<std::vector<typename decltype(parse(std::string_view{}))::value_type>> {
    std::vector<typename decltype(parse(std::string_view{}))::value_type> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        auto item = parse(text.substr(0, comma));
        if (!item) return std::nullopt;
        out.push_back(std::move(*item));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

//! The shortest exact spelling that parse_duration reads back, e.g. "90s", "24h".
std::string format_duration(duration d);
//! The shortest exact binary spelling that parse_size reads back, e.g. "50MiB".
std::string format_size(std::uint64_t bytes);

} // namespace docket
