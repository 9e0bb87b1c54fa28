#pragma once
// Byte encodings and hashes used across docket: base64 (standard and URL-safe), hex, code points to
// UTF-8 and UTF-8 checks, JSON numbers, SHA-256, random bytes and constant-time comparison.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace docket {

//! Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
//! URL-safe base64 without padding (for ids, keys and cursors).
std::string base64url_encode(std::string_view bytes);
//! Decodes standard or URL-safe base64, padded or not, ignoring ASCII whitespace; nullopt if invalid.
std::optional<std::string> base64_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);

//! Appends Unicode code points as UTF-8; a surrogate or a value past U+10FFFF (neither is a
//! character, and a PDF's ToUnicode map can produce both) becomes U+FFFD.
void append_utf8(std::string& out, const std::uint32_t* code_points, std::size_t n);

//! Length (2-4) of the valid UTF-8 sequence that starts at s[i], or 0 if none does there: a lone
//! continuation byte, an overlong form, a surrogate, past U+10FFFF, or cut off by the end of `s`.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

//! Whether `s` is well-formed UTF-8 (ASCII included).
bool is_valid_utf8(std::string_view s) noexcept;

//! `s` as well-formed UTF-8, cut to at most `max_bytes` at a character boundary: each byte that
//! starts no valid sequence becomes U+FFFD. For names that arrive as raw bytes (an upload's file
//! name): JSON records and answers must hold UTF-8 only.
std::string valid_utf8(std::string_view s, std::size_t max_bytes = std::string_view::npos);

//! ASCII case folding for protocol text (header names, media types, units): std::tolower asks the
//! locale on every character, which showed in the I/O thread's profile.
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

//! Equality ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b) noexcept;

//! Whether `s` begins with `lower_prefix` (given in lower case), ignoring ASCII case.
bool starts_with_ci(std::string_view s, std::string_view lower_prefix) noexcept;

//! Whether `s` holds a control character other than tab: in an HTTP header it would end the line.
bool has_control_character(std::string_view s) noexcept;

//! Appends `s` as a JSON string literal. A byte that begins no valid UTF-8 sequence becomes
//! U+FFFD, so the output always parses (plain-text uploads are only sampled for UTF-8 at intake).
void append_json_string(std::string& out, std::string_view s);

//! Appends the shortest decimal that reads back as `v`, exactly as std::to_chars writes it ("612",
//! "71.5"), and 0 for NaN and the infinities, which JSON has no form for.
void append_json_number(std::string& out, double v);

//! Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view bytes);

//! Cryptographically strong random bytes (OpenSSL's generator); throws if it fails.
std::string random_bytes(std::size_t n);

//! The same generator's bytes for ids made at a high rate (one a job, one a delivery): each thread
//! draws 1 KiB at a time and hands it out in order. A call of RAND_bytes costs about as much for
//! 10 bytes as for 1 KiB (its locks and cipher set-up), and was ~4 % of the I/O thread's time on a
//! submission. Secrets (keys, signing secrets) use random_bytes, so they never wait in a buffer.
std::string random_id_bytes(std::size_t n);

//! Equality whose running time does not depend on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

} // namespace docket
