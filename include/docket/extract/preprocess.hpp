#pragma once
// Readying a scan or a photo for tesseract: what real receipts need before OCR reads them (faint
// thermal print, shadows, small text, a tilted page). Runs in the worker processes.

#include <string>
#include <vector>

struct Pix; // leptonica

namespace docket::extract {

struct prepared {
    Pix* image = nullptr;   //!< owned; the image to OCR
    double scale = 1;       //!< the image's size over the original's: OCR boxes divide by it
    double angle = 0;       //!< degrees the page was turned to straighten it
    std::vector<std::string> steps; //!< what was done, for the log

    prepared() = default;
    prepared(const prepared&) = delete;
    prepared& operator=(const prepared&) = delete;
    prepared(prepared&& o) noexcept;
    prepared& operator=(prepared&& o) noexcept;
    ~prepared();
};

//! A grey copy of `image` with its background flattened (shadows, yellowed paper), enlarged
//! when its characters are small (median glyph under 24 px, to ~30 px), turned straight when it
//! is tilted.
prepared prepare_for_ocr(Pix* image);

//! Median height in pixels of the character-sized dark shapes of a grey image; 0 if none.
double median_glyph_height(Pix* gray);

} // namespace docket::extract
