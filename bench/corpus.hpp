#pragma once
// Documents the benchmarks submit, made on the spot: no fixture files to ship or go stale.

#include <cstddef>
#include <string>
#include <vector>

namespace docket::bench {

//! A one-page PDF showing `text`, padded with a content-stream comment to about `size` bytes.
std::string small_pdf(const std::string& text, std::size_t size);

//! A PDF of `pages` pages, each showing the given lines (a real text layer, Helvetica).
std::string text_pdf(const std::vector<std::string>& lines, int pages);

//! The standard fonts a laid-out page may use (no font file embedded).
enum class pdf_font { helvetica, helvetica_bold, courier, times };

//! One piece of text at a place: x from the left, y of the baseline from the top, in points.
struct text_run {
    double x = 0, y = 0, size = 10;
    pdf_font font = pdf_font::helvetica;
    std::string text; //!< UTF-8; what WinAnsi lacks is written as '?'
};

struct page_layout {
    double width = 595, height = 842;
    std::vector<text_run> runs;
};

//! A PDF of laid-out pages with a real text layer.
std::string layout_pdf(const std::vector<page_layout>& pages);

//! The width of `text` in points in a standard font (its metrics for digits, punctuation and
//! capitals; an average for the rest), for right-aligned figures.
double text_width(const std::string& text, pdf_font font, double size);

} // namespace docket::bench
