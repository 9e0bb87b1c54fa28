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

prepared::prepared(prepared&& o) noexcept
    : image(std::exchange(o.image, nullptr)), scale(o.scale), angle(o.angle), steps(std::move(o.steps)) {}

prepared& prepared::operator=(prepared&& o) noexcept {
    if (this != &o) {
        if (image) pixDestroy(&image);
        image = std::exchange(o.image, nullptr);
        scale = o.scale;
        angle = o.angle;
        steps = std::move(o.steps);
    }
    return *this;
}

prepared::~prepared() {
    if (image) pixDestroy(&image);
}

double median_glyph_height(Pix* gray) {
    Pix* bin = pixConvertTo1(gray, 140);
    if (!bin) return 0;
    Boxa* boxes = pixConnCompBB(bin, 8);
    pixDestroy(&bin);
    if (!boxes) return 0;
    std::vector<int> heights;
    const int n = boxaGetCount(boxes);
    for (int i = 0; i < n; ++i) {
        l_int32 x, y, w, h;
        if (boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h) != 0) continue;
        // Character-sized shapes: not specks, not rules or pictures.
        if (h >= 5 && h <= 300 && w >= 2 && w <= 3 * h) heights.push_back(h);
    }
    boxaDestroy(&boxes);
    if (heights.size() < 10) return 0;
    std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2), heights.end());
    return heights[heights.size() / 2];
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
    // Shadows, yellowed or crumpled paper: the background brought to one level.
    if (take(gray, pixBackgroundNormSimple(gray, nullptr, nullptr))) out.steps.push_back("background");
    // Small text (a receipt scanned at 150 dpi): tesseract reads glyphs of ~30 px best.
    if (const double h = median_glyph_height(gray); h > 0 && h < 24) {
        const auto s = static_cast<l_float32>(std::min(4.0, 30.0 / h));
        if (take(gray, pixScaleGrayLI(gray, s, s))) {
            out.scale = s;
            out.steps.push_back("scale");
        }
    }
    // A page fed crooked: turned straight when the skew is measured with confidence.
    if (Pix* bin = pixConvertTo1(gray, 140)) {
        l_float32 angle = 0, conf = 0;
        if (pixFindSkew(bin, &angle, &conf) == 0 && conf > 2.5 && std::abs(angle) > 0.3 && std::abs(angle) < 20 &&
            take(gray, pixRotate(gray, angle * 3.14159265f / 180.0f, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0))) {
            out.angle = angle;
            out.steps.push_back("deskew");
        }
        pixDestroy(&bin);
    }
    out.image = gray;
    return out;
}

} // namespace docket::extract
