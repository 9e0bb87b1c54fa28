// Header lookup on docket's request type, and the header block of a reply.

#include <docket/http/message.hpp>
#include <docket/core/encoding.hpp>

namespace docket::http {

std::optional<std::string_view> request::header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers)
        if (name == lower_name) return std::string_view(value);
    return std::nullopt;
}

namespace {

std::string_view reason(unsigned status) noexcept {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    }
    // RFC 9112: a client ignores the reason phrase; the class of the code is what counts.
    return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
}

} // namespace

std::string reply_head(const reply& r, unsigned version, bool keep_alive) {
    std::string head;
    head.reserve(192);
    head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(std::to_string(r.status)).push_back(' ');
    head.append(reason(r.status)).append("\r\nServer: docket/" DOCKET_VERSION "\r\n");
    const bool no_content = r.status == 204;
    auto header = [&](std::string_view name, std::string_view value) {
        if (name.empty() || has_control_character(name) || has_control_character(value)) return;
        head.append(name).append(": ").append(value).append("\r\n");
    };
    if (!no_content) header("Content-Type", r.content_type);
    for (const auto& [name, value] : r.headers) header(name, value);
    if (!no_content) head.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    if (version == 10 && keep_alive) head.append("Connection: keep-alive\r\n");
    if (version != 10 && !keep_alive) head.append("Connection: close\r\n");
    head.append("\r\n");
    return head;
}

} // namespace docket::http
