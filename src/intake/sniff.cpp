// Magic-byte detection for uploads (called by submission parsing before anything is stored).

#include <docket/intake/sniff.hpp>
#include <docket/core/encoding.hpp>

#include <algorithm>

namespace docket::intake {
namespace {

bool starts(std::string_view b, std::string_view magic) { return b.substr(0, magic.size()) == magic; }

// Text is accepted when the sampled prefix is valid UTF-8 without NUL or other binary controls.
bool looks_like_text(std::string_view b) {
    const std::size_t n = std::min<std::size_t>(b.size(), 8192);
    std::size_t i = 0;
    while (i < n) {
        const auto c = static_cast<unsigned char>(b[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') || c == 0x7F) return false;
            ++i;
            continue;
        }
        // Checked against the whole upload, so a sequence the sample cuts is judged on its bytes.
        const auto len = utf8_sequence_length(b, i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

} // namespace

std::optional<std::string_view> sniff_media_type(std::string_view b) {
    if (b.empty()) return std::nullopt;
    // PDF readers accept the header anywhere in the first KiB.
    if (b.substr(0, 1024).find("%PDF-") != std::string_view::npos) return "application/pdf";
    if (starts(b, "\x89PNG\r\n\x1a\n")) return "image/png";
    if (starts(b, "\xFF\xD8\xFF")) return "image/jpeg";
    if (starts(b, std::string_view("II*\0", 4)) || starts(b, std::string_view("MM\0*", 4))) return "image/tiff";
    if (starts(b, "RIFF") && b.size() >= 12 && b.substr(8, 4) == "WEBP") return "image/webp";
    if (starts(b, "BM") && b.size() >= 26) return "image/bmp";
    if (starts(b, "PK\x03\x04") || starts(b, "PK\x05\x06")) return "application/zip";
    if (looks_like_text(b)) return "text/plain";
    return std::nullopt;
}

} // namespace docket::intake
