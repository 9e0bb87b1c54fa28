#pragma once
// The geometry of an extracted document as the field rules see it: words with boxes, gathered
// into visual rows (a skewed scan's rows included) and cut into cells at wide gaps.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace docket::fields {

struct box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0; //!< origin top left, in the page's unit
    double width() const { return x1 - x0; }
    double height() const { return y1 - y0; }
};

//! The union of two boxes; an empty box (all zero) is no box.
box unite(const box& a, const box& b);

struct word {
    std::string_view text; //!< views into the extraction, which outlives the analysis
    box b;
    double confidence = 100; //!< 0-100 (OCR), 100 for a text layer
};

struct page {
    std::int64_t number = 1;
    bool ocr = false;
    double width = 0, height = 0;
    std::vector<word> words; //!< in the extractor's reading order
};

//! A run of words on one row with no wide gap inside: a label, a value, a table cell.
struct cell {
    std::string text;
    box b;
    std::size_t first = 0, last = 0; //!< word range [first, last) within the row
    double confidence = 100;          //!< the lowest of its words
};

//! Words that share a baseline, left to right, across the whole page width.
struct row {
    std::int64_t page = 1;
    std::size_t index = 0; //!< in the document's row order
    box b;
    std::vector<const word*> words;
    std::vector<cell> cells;
    std::string text;        //!< its words joined by spaces
    double height = 0;       //!< median word height
};

//! The rows of a page, top to bottom: words are grouped by their baseline after the page's
//! skew (measured from neighbouring words in reading order) is taken out; a row is cut into
//! cells where the gap between words is wider than `gap` times the row's text height.
std::vector<row> rows_of(const page& p, double gap = 1.2);

//! Every page's rows in order, numbered through the document.
std::vector<row> document_rows(const std::vector<page>& pages);

} // namespace docket::fields
