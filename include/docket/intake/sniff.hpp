#pragma once
// Decides a document's type from its first bytes, never from its name or declared type.

#include <optional>
#include <string_view>

namespace docket::intake {

//! One of application/pdf, image/png, image/jpeg, image/tiff, image/webp, image/bmp,
//! application/zip, text/plain; nullopt for anything docket does not accept.
//! A ZIP whose first entry is `mimetype` or `[Content_Types].xml` is an OpenDocument, EPUB or
//! Office Open XML file: nullopt too.
std::optional<std::string_view> sniff_media_type(std::string_view bytes);

//! Whether a ZIP entry of this name marks the archive as a packaged document format (OOXML,
//! OpenDocument, EPUB) rather than a batch of files.
bool packaged_format_entry(std::string_view name);

} // namespace docket::intake
