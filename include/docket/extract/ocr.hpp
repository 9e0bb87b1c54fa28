#pragma once
// Page-level extraction building blocks: OCR of an image with tesseract (engines are created once
// per process and language, then reused), and the page/word records a result is made of.

#include <docket/core/error.hpp>

#include <string>
#include <string_view>
#include <vector>

struct Pix; // leptonica

namespace docket::extract {

struct word {
    std::string text;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0; //!< bounding box, origin top-left, in the page's unit
    double confidence = 0;                 //!< 0-100
};

struct line {
    std::string text;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct page_text {
    std::string text;
    std::string source; //!< "text_layer", "ocr" or "text"
    double width = 0, height = 0;
    std::string unit;   //!< "pt" (PDF text layer) or "px" (OCR)
    std::vector<word> words;
    std::vector<line> lines; //!< words grouped into lines, in reading order
};

//! Groups words (in reading order) into lines: a word joins the current line when it overlaps
//! it vertically by at least half its height and starts to its right.
std::vector<line> group_lines(const std::vector<word>& words);

//! How tesseract cuts the page up: into the columns and blocks it finds, or as one column of
//! lines of varying size, the way a till receipt is printed (its label on the left and its
//! figure on the right stay one line instead of two blocks, one of which is often lost).
enum class page_layout { automatic, single_column };

//! OCRs one image; `language` is a tesseract language spec such as "eng" or "deu+eng".
outcome<page_text> ocr_image(Pix* image, const std::string& language, int dpi, page_layout layout = page_layout::automatic);

//! Whether every language of a spec like "deu+eng" has trained data installed.
bool language_installed(std::string_view spec);

//! The directory tesseract reads trained data from (TESSDATA_PREFIX or Debian's default).
std::string tessdata_dir();

} // namespace docket::extract
