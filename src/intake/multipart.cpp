// Strict multipart/form-data parser for POST /v1/jobs: the framing is checked completely so a
// truncated or malformed upload is a 400, never a half-read document.

#include <docket/intake/multipart.hpp>
#include <docket/core/encoding.hpp>

#include <algorithm>
#include <functional>

namespace docket::intake {
namespace {

constexpr std::size_t k_max_parts = 64;
constexpr std::size_t k_max_part_header = 8 << 10;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// RFC 5987 ext-value: charset'lang'percent-encoded.
std::optional<std::string> decode_ext_value(std::string_view v) {
    const auto q1 = v.find('\'');
    const auto q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) return std::nullopt;
    std::string out;
    for (std::size_t i = q2 + 1; i < v.size(); ++i) {
        if (v[i] != '%') { out += v[i]; continue; }
        if (i + 2 >= v.size()) return std::nullopt;
        const int hi = hex_value(v[i + 1]), lo = hex_value(v[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

struct parameters {
    std::string value; // the part before the first ';'
    std::vector<std::pair<std::string, std::string>> params;
    std::optional<std::string> get(std::string_view name) const {
        for (const auto& [k, v] : params)
            if (iequals(k, name)) return v;
        return std::nullopt;
    }
};

// Parses `value; a=b; c="quoted \" string"`; nullopt on an unterminated quote.
std::optional<parameters> parse_parameters(std::string_view s) {
    parameters out;
    const auto semi = s.find(';');
    out.value = std::string(trim(s.substr(0, semi)));
    std::size_t i = semi == std::string_view::npos ? s.size() : semi + 1;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ';')) ++i;
        if (i >= s.size()) break;
        const auto eq = s.find('=', i);
        if (eq == std::string_view::npos) return std::nullopt;
        std::string name(trim(s.substr(i, eq - i)));
        i = eq + 1;
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        std::string value;
        if (i < s.size() && s[i] == '"') {
            ++i;
            bool closed = false;
            for (; i < s.size(); ++i) {
                if (s[i] == '\\' && i + 1 < s.size()) { value += s[++i]; continue; }
                if (s[i] == '"') { closed = true; ++i; break; }
                value += s[i];
            }
            if (!closed) return std::nullopt;
        } else {
            const auto end = s.find(';', i);
            value = std::string(trim(s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
            i = end == std::string_view::npos ? s.size() : end;
        }
        out.params.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

error bad(std::string message) { return failure(errc::invalid_multipart, std::move(message)); }

outcome<part> parse_part_headers(std::string_view headers) {
    part p;
    bool disposition = false;
    std::size_t pos = 0;
    while (pos < headers.size()) {
        auto end = headers.find("\r\n", pos);
        if (end == std::string_view::npos) end = headers.size();
        const auto line = headers.substr(pos, end - pos);
        pos = end + 2;
        if (line.empty()) continue;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return bad("part header without ':'");
        const auto name = trim(line.substr(0, colon));
        const auto value = trim(line.substr(colon + 1));
        if (iequals(name, "content-disposition")) {
            auto params = parse_parameters(value);
            if (!params || !iequals(params->value, "form-data")) return bad("part is not form-data");
            auto n = params->get("name");
            if (!n) return bad("part has no name");
            p.name = *n;
            if (auto fx = params->get("filename*")) p.filename = decode_ext_value(*fx);
            if (!p.filename) p.filename = params->get("filename");
            disposition = true;
        } else if (iequals(name, "content-type")) {
            p.content_type = std::string(value);
        }
    }
    if (!disposition) return bad("part without Content-Disposition");
    return p;
}

} // namespace

outcome<std::string> multipart_boundary(std::string_view content_type) {
    auto params = parse_parameters(content_type);
    if (!params || !iequals(params->value, "multipart/form-data"))
        return bad("Content-Type is not multipart/form-data");
    auto b = params->get("boundary");
    if (!b || b->empty() || b->size() > 70) return bad("missing or invalid multipart boundary");
    return *b;
}

outcome<std::vector<part>> parse_multipart(std::string_view body, std::string_view boundary) {
    const std::string dash = "--" + std::string(boundary);
    const std::string delimiter = "\r\n" + dash;
    const std::boyer_moore_horspool_searcher search(delimiter.begin(), delimiter.end());

    std::size_t pos;
    if (body.substr(0, dash.size()) == dash) pos = dash.size();
    else {
        // A preamble before the first delimiter is allowed and ignored.
        auto it = std::search(body.begin(), body.end(), search);
        if (it == body.end()) return bad("no multipart boundary in body");
        pos = static_cast<std::size_t>(it - body.begin()) + delimiter.size();
    }
    std::vector<part> parts;
    for (;;) {
        if (body.substr(pos, 2) == "--") return parts; // close delimiter; epilogue ignored
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
        if (body.substr(pos, 2) != "\r\n") return bad("malformed boundary line");
        pos += 2;
        const auto header_end = body.find("\r\n\r\n", pos);
        const bool no_headers = body.substr(pos, 2) == "\r\n";
        if (!no_headers && (header_end == std::string_view::npos || header_end - pos > k_max_part_header))
            return bad("unterminated or oversized part headers");
        auto p = parse_part_headers(no_headers ? std::string_view{} : body.substr(pos, header_end - pos));
        if (!p) return p.error();
        pos = no_headers ? pos + 2 : header_end + 4;
        auto it = std::search(body.begin() + static_cast<std::ptrdiff_t>(pos), body.end(), search);
        if (it == body.end()) return bad("body ends inside a part (no closing boundary)");
        const auto data_end = static_cast<std::size_t>(it - body.begin());
        p->data = body.substr(pos, data_end - pos);
        parts.push_back(std::move(*p));
        if (parts.size() > k_max_parts) return bad("too many parts");
        pos = data_end + delimiter.size();
    }
}

} // namespace docket::intake
