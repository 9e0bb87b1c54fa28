// Encodings and hashes on plain strings; OpenSSL supplies SHA-256, randomness and memcmp.
// Called by intake (base64 uploads), auth (key hashes) and store (ids, cursors).

#include <docket/core/encoding.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace docket {
namespace {

constexpr std::string_view k_std_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_url_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view in, std::string_view alphabet, bool pad) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = in.size() - i;
    if (rest > 0) {
        unsigned v = (unsigned char)in[i] << 16;
        if (rest == 2) v |= (unsigned char)in[i + 1] << 8;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        if (rest == 2) out += alphabet[v >> 6 & 63];
        if (pad) out.append(3 - rest, '=');
    }
    return out;
}

constexpr std::array<signed char, 256> make_decode_table() {
    std::array<signed char, 256> t{};
    for (auto& x : t) x = -1;
    for (int i = 0; i < 64; ++i) {
        t[(unsigned char)k_std_alphabet[i]] = (signed char)i;
        t[(unsigned char)k_url_alphabet[i]] = (signed char)i;
    }
    return t;
}
constexpr auto k_decode = make_decode_table();

} // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, k_std_alphabet, true); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, k_url_alphabet, false); }

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3 + 3);
    unsigned acc = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (const char ch : text) {
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') continue;
        if (ch == '=') { ++padding; continue; }
        if (padding > 0) return std::nullopt; // data after padding
        const int v = k_decode[(unsigned char)ch];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += (char)((acc >> bits) & 0xFF);
        }
    }
    // A lone leftover sextet cannot encode a byte; more than two '=' is not base64.
    if (bits >= 6 || padding > 2) return std::nullopt;
    return out;
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    const auto cont = [&](std::size_t k) { return (b(k) & 0xC0) == 0x80; };
    const unsigned c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2) || (c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) >= 0xA0)) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3) || (c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) >= 0x90)) return 0;
        return 4;
    }
    return 0;
}

bool is_valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) ++i;
        else if (const auto len = utf8_sequence_length(s, i)) i += len;
        else return false;
    }
    return true;
}

std::string valid_utf8(std::string_view s, std::size_t max_bytes) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD
    std::string out;
    out.reserve(std::min(s.size(), max_bytes));
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = static_cast<unsigned char>(s[i]) < 0x80 ? 1 : utf8_sequence_length(s, i);
        const std::string_view piece = len ? s.substr(i, len) : replacement;
        if (out.size() + piece.size() > max_bytes) break;
        out.append(piece);
        i += len ? len : 1;
    }
    return out;
}

// Bytes that need nothing are copied in runs: a text page is thousands of them, and one append
// per byte was a tenth of the time a page took.
void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    std::size_t run = 0; // first byte not yet copied
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (const auto n = utf8_sequence_length(s, i)) {
                i += n;
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\f': out += "\\f"; break;
        case '\b': out += "\\b"; break;
        default:
            if (c >= 0x80) {
                out += "\xEF\xBF\xBD";
            } else {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
                out += esc;
            }
        }
        run = ++i;
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

// Extraction results carry a thousand box coordinates a page, all in hundredths: those are printed
// from an integer, which gives to_chars' digits (x/100 is the double nearest to that decimal, so no
// shorter decimal reads back as it) at a fraction of the cost. From 1e5 up to_chars may choose an
// exponent ("1e+05"), so larger values and negative ones take it.
void append_json_number(std::string& out, double v) {
    if (!std::isfinite(v)) v = 0;
    char buf[32];
    if (v >= 0 && v < 1e5 && !std::signbit(v)) {
        const auto hundredths = static_cast<std::uint64_t>(std::llround(v * 100));
        if (static_cast<double>(hundredths) / 100 == v) {
            auto r = std::to_chars(buf, buf + sizeof buf, hundredths / 100);
            if (const auto frac = hundredths % 100) {
                *r.ptr++ = '.';
                *r.ptr++ = static_cast<char>('0' + frac / 10);
                if (frac % 10) *r.ptr++ = static_cast<char>('0' + frac % 10);
            }
            out.append(buf, r.ptr);
            return;
        }
    }
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_utf8(std::string& out, const std::uint32_t* code_points, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t cp = code_points[i];
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
}

std::string hex_encode(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string sha256(std::string_view bytes) {
    // Fetched once: OpenSSL 3's one-shot SHA256() looks the algorithm up by name on every call
    // (an API key is hashed on each request): 0.46-0.52 -> 0.19-0.21 us a hash, one thread.
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    std::string out(SHA256_DIGEST_LENGTH, '\0');
    if (!md || EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(out.data()), nullptr, md, nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return out;
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::string random_id_bytes(std::size_t n) {
    constexpr std::size_t k_pool = 1024;
    if (n > k_pool / 4) return random_bytes(n);
    thread_local std::array<unsigned char, k_pool> pool;
    thread_local std::size_t used = k_pool;
    if (k_pool - used < n) {
        if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) throw std::runtime_error("RAND_bytes failed");
        used = 0;
    }
    std::string out(reinterpret_cast<const char*>(pool.data() + used), n);
    // Handed-out bytes do not stay behind in the buffer.
    OPENSSL_cleanse(pool.data() + used, n);
    used += n;
    return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

bool starts_with_ci(std::string_view s, std::string_view lower_prefix) noexcept {
    return s.size() >= lower_prefix.size() &&
           std::equal(lower_prefix.begin(), lower_prefix.end(), s.begin(), [](char p, char c) { return p == ascii_lower(c); });
}

bool has_control_character(std::string_view s) noexcept {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace docket
