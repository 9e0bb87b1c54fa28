#pragma once
// Turns document bytes into the result JSON. CPU-bound: called on worker threads only.

#include <docket/core/error.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::extract {

struct extraction {
    std::string result_json;
    std::int64_t pages = 0;          //!< pages in the document
};

struct options {
    std::string language = "eng";              //!< tesseract language spec for OCR
    std::int64_t max_pages = 500;              //!< pages (PDF, TIFF) beyond which a document is refused
    std::uint64_t max_pixels = 100'000'000;    //!< image or rendered page size, checked before decoding
    int dpi = 300;                             //!< rendering resolution of PDF pages without a text layer
    std::int64_t first_page = 0;               //!< 0-based first page to extract
    std::int64_t page_count = -1;              //!< pages to extract from first_page on; -1 = to the end
    //! Called after each page with (pages done, pages in the document); not sent to workers.
    std::function<void(std::int64_t, std::int64_t)> on_page;
};

//! Extracts a document of the sniffed media type: PDF text layers, OCR for images and for PDF
//! pages without text, plain text. Only the pages in [first_page, first_page + page_count) are
//! read and put in the result (numbered as in the whole document); limits apply to the whole
//! document. Errors: INVALID_DOCUMENT (corrupt, encrypted, range past the end),
//! LIMIT_EXCEEDED (pages, pixels), UNSUPPORTED_YET (ZIP), INTERNAL (retryable).
outcome<extraction> extract_document(std::string_view bytes, std::string_view media_type,
                                     std::string_view document_type, const options& opt = {});

//! Joins the results of consecutive page ranges of one document, given in page order, into the
//! result extract_document gives for the whole document.
outcome<std::string> merge_results(const std::vector<std::string>& parts);

//! Whether a failed extraction is worth another attempt (the document itself was not at fault).
bool is_retryable(errc code) noexcept;

//! The result as CSV: one row per page, columns page,text (RFC 4180 quoting). A text that a
//! spreadsheet would run as a formula (it starts with = + - @, a tab or a CR) gets a leading
//! apostrophe, so a hostile document cannot put a formula into the sheet of whoever opens it.
outcome<std::string> result_to_csv(std::string_view result_json);

} // namespace docket::extract
