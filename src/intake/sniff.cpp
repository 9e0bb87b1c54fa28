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

// The name of the entry a ZIP's first local file header describes (empty if cut short).
std::string_view first_entry_name(std::string_view b) {
    if (b.size() < 30) return {};
    const auto len = static_cast<std::size_t>(static_cast<unsigned char>(b[26]) | static_cast<unsigned char>(b[27]) << 8);
    return b.substr(30, len);
}

} // namespace

bool packaged_format_entry(std::string_view name) {
    return name == "mimetype" || name == "[Content_Types].xml" || name == "META-INF/manifest.xml";
}

std::optional<std::string_view> sniff_media_type(std::string_view b) {
    if (b.empty()) return std::nullopt;
    // A local file header first is a ZIP whatever follows: an archive stored without compression
    // whose first entry is a PDF holds "%PDF-" within its first KiB. Office Open XML,
    // OpenDocument and EPUB files are ZIPs too, with their own first entry, and not batches.
    if (starts(b, "PK\x03\x04")) return packaged_format_entry(first_entry_name(b)) ? std::nullopt : std::optional<std::string_view>("application/zip");
    if (starts(b, "PK\x05\x06")) return "application/zip";
    // PDF readers accept the header anywhere in the first KiB.
    if (b.substr(0, 1024).find("%PDF-") != std::string_view::npos) return "application/pdf";
    if (starts(b, "\x89PNG\r\n\x1a\n")) return "image/png";
    if (starts(b, "\xFF\xD8\xFF")) return "image/jpeg";
    if (starts(b, std::string_view("II*\0", 4)) || starts(b, std::string_view("MM\0*", 4))) return "image/tiff";
    if (starts(b, "RIFF") && b.size() >= 12 && b.substr(8, 4) == "WEBP") return "image/webp";
    if (starts(b, "BM") && b.size() >= 26) return "image/bmp";
    if (looks_like_text(b)) return "text/plain";
    return std::nullopt;
}

} // namespace docket::intake
