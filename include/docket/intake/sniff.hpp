#pragma once
// Decides a document's type from its first bytes, never from its name or declared type.

#include <optional>
#include <string_view>

namespace docket::intake {

//! One of application/pdf, image/png, image/jpeg, image/tiff, image/webp, image/bmp,
//! application/zip, text/plain; nullopt for anything docket does not accept.
std::optional<std::string_view> sniff_media_type(std::string_view bytes);

} // namespace docket::intake
