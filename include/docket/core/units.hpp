#pragma once
// Human-written durations ("250ms", "24h") and byte sizes ("50MiB"), for config and flags.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace docket {

using duration = std::chrono::milliseconds;

//! Parses "<number><unit>" with unit ms|s|m|h|d; a bare number means seconds.
std::optional<duration> parse_duration(std::string_view text);
//! Parses "<number><unit>" with unit B|KiB|MiB|GiB|KB|MB|GB (case-insensitive); bare = bytes.
std::optional<std::uint64_t> parse_size(std::string_view text);

//! The shortest exact spelling that parse_duration reads back, e.g. "90s", "24h".
std::string format_duration(duration d);
//! The shortest exact binary spelling that parse_size reads back, e.g. "50MiB".
std::string format_size(std::uint64_t bytes);

} // namespace docket
