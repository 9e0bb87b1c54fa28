#pragma once
// Readying a scan or a photo for tesseract: what real receipts need before OCR reads them (faint
// thermal print, shadows, small text, a tilted page). Runs in the worker processes.

#include <memory>

struct Pix; // leptonica

namespace docket::extract {

struct pix_free {
    void operator()(Pix* p) const noexcept;
};

struct prepared {
    std::unique_ptr<Pix, pix_free> image; //!< the image to OCR; empty if it could not be made
    double scale = 1;                     //!< its size over the original's: OCR boxes divide by it
};

//! A grey copy of `image` with its background flattened (shadows, yellowed paper), speckle
//! taken off when it outnumbers the characters, enlarged when its characters are small (median
//! glyph under 24 px, to ~30 px), turned straight when it is tilted.
prepared prepare_for_ocr(Pix* image);

struct ink_shapes {
    double glyph_height = 0; //!< median height in pixels of the character-sized dark shapes; 0 if few
    int glyphs = 0;          //!< character-sized shapes
    int specks = 0;          //!< dark dots of one or two pixels
};

//! The dark shapes of a grey image, as its text size and its speckle tell them.
ink_shapes measure_ink(Pix* gray);

} // namespace docket::extract
