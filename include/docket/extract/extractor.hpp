#pragma once
// Turns document bytes into the result JSON. CPU-bound: called on worker threads only.

#include <docket/core/error.hpp>

#include <cstdint>
#include <functional>
#include <optional>
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
    double min_confidence = 0.8;               //!< typed fields under it are listed in needs_review
    std::string locale;                        //!< "en-US", "de-DE"…: how to read 01/05 when the page can't tell
    bool fields = true;                        //!< read typed fields (off only to measure what they cost)
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

//! Adds the typed fields (fields/reader.hpp) to a whole document's result, reading them from the
//! result's own pages: for a document extracted in pieces, whose parts carry none.
//! extract_document adds them itself when it reads the whole document.
outcome<std::string> add_fields(std::string_view result_json, std::string_view document_type, const options& opt);

//! The typed part of a result (fields, evidence, checks, confidence, needs_review, key_values,
//! tables, classification) as one JSON object, cut from the result's text so that it is the
//! same bytes; nullopt for a result stored without fields.
std::optional<std::string> fields_view(std::string_view result_json);

//! Joins the results of consecutive page ranges of one document, given in page order, into the
//! result extract_document gives for the whole document.
outcome<std::string> merge_results(const std::vector<std::string>& parts);

//! Whether a failed extraction is worth another attempt (the document itself was not at fault).
bool is_retryable(errc code) noexcept;

enum class csv_view {
    typed, //!< one row per line item or transaction, the document's fields repeated; key,value for generic
    pages, //!< one row per page: page,text
};

//! The result as CSV (RFC 4180 quoting). A result stored without fields gives the pages view.
//! A cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a CR)
//! gets a leading apostrophe, so a hostile document cannot put a formula into the sheet of
//! whoever opens it.
outcome<std::string> result_to_csv(std::string_view result_json, csv_view view = csv_view::typed);

} // namespace docket::extract
