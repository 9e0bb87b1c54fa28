// OCR preparation with leptonica: called by ocr_image (extract/ocr.cpp) before tesseract reads
// an image. Each step was kept because it raised the share of truth values found in the OCR text
// of real receipts (docs/performance.md has the figures).

#include <docket/extract/preprocess.hpp>

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace docket::extract {

void pix_free::operator()(Pix* p) const noexcept { pixDestroy(&p); }

ink_shapes measure_ink(Pix* gray) {
    ink_shapes out;
    Pix* bin = pixConvertTo1(gray, 140);
    if (!bin) return out;
    Boxa* boxes = pixConnCompBB(bin, 8);
    pixDestroy(&bin);
    if (!boxes) return out;
    std::vector<int> heights;
    const int n = boxaGetCount(boxes);
    for (int i = 0; i < n; ++i) {
        l_int32 x, y, w, h;
        if (boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h) != 0) continue;
        if (w <= 2 && h <= 2) ++out.specks;
        // Character-sized shapes: not specks, not rules or pictures.
        else if (h >= 5 && h <= 300 && w >= 2 && w <= 3 * h) heights.push_back(h);
    }
    boxaDestroy(&boxes);
    out.glyphs = static_cast<int>(heights.size());
    if (heights.size() < 10) return out;
    std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2), heights.end());
    out.glyph_height = heights[heights.size() / 2];
    return out;
}

namespace {

// Replaces `gray` by `next` when a step produced one.
bool take(Pix*& gray, Pix* next) {
    if (!next) return false;
    pixDestroy(&gray);
    gray = next;
    return true;
}

} // namespace

prepared prepare_for_ocr(Pix* image) {
    prepared out;
    Pix* gray = pixConvertTo8(image, 0);
    if (!gray) return out;
    if (pixGetColormap(gray)) take(gray, pixRemoveColormap(gray, REMOVE_CMAP_TO_GRAYSCALE));
    // Shadows, yellowed or crumpled paper: the background brought to one level (200, which
    // tesseract's recogniser read better on real receipts than the same page stretched to white).
    constexpr l_int32 k_paper = 200;
    take(gray, pixBackgroundNormSimple(gray, nullptr, nullptr));
    const ink_shapes ink = measure_ink(gray);
    // Speckle (dust, a noisy sensor) outnumbering the characters: a 3x3 median takes it off
    // before enlarging would make blobs of it. Clean pages keep their thin strokes untouched.
    if (ink.specks > 2 * std::max(ink.glyphs, 50)) take(gray, pixRankFilterGray(gray, 3, 3, 0.5));
    // Small text (a receipt scanned at 150 dpi): tesseract reads glyphs of ~30 px best.
    if (const double h = ink.glyph_height; h > 0 && h < 24) {
        const auto s = static_cast<l_float32>(std::min(4.0, 30.0 / h));
        if (take(gray, pixScaleGrayLI(gray, s, s))) out.scale = s;
    }
    // A page fed crooked: turned straight when the skew is measured with confidence. The corners
    // turned in take the paper's grey: white wedges beside grey paper split tesseract's threshold.
    if (Pix* bin = pixConvertTo1(gray, 140)) {
        l_float32 angle = 0, conf = 0;
        if (pixFindSkew(bin, &angle, &conf) == 0 && conf > 2.5 && std::abs(angle) > 0.3 && std::abs(angle) < 20)
            take(gray, pixRotateAMGray(gray, angle * 3.14159265f / 180.0f, static_cast<l_uint8>(k_paper)));
        pixDestroy(&bin);
    }
    out.image.reset(gray);
    return out;
}

} // namespace docket::extract
