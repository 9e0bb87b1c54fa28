#pragma once
// Documents made by the tests themselves: PDFs with known text, drawn with cairo.

#include <string>
#include <vector>

namespace docket::test {

//! A PDF with one page per entry, each page showing its text (lines split on '\n').
std::string make_pdf(const std::vector<std::string>& pages);

//! A PNG of text rendered at `dpi` (black on white, lines split on '\n'); `noise` adds a
//! slight rotation and speckles, like a scan.
std::string make_png(const std::string& text, int dpi = 300, bool noise = false);

//! A PDF whose pages are images of text (no text layer) where `scanned[i]` is true, and real
//! text otherwise.
std::string make_mixed_pdf(const std::vector<std::string>& pages, const std::vector<bool>& scanned);

//! A multi-page TIFF, one page per text.
std::string make_tiff(const std::vector<std::string>& pages);

struct zip_item {
    std::string name;
    std::string bytes;
    bool symlink = false;
    bool stored = false; //!< without compression, the bytes as they are
};

//! A ZIP (deflated unless an item says stored) of the items, in their order; directories are
//! items whose name ends with '/'.
std::string make_zip(const std::vector<zip_item>& items);

//! The fraction of `expected`'s words found, in order-insensitive multiset terms, in `actual`.
double word_accuracy(const std::string& expected, const std::string& actual);

} // namespace docket::test
