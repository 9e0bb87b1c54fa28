// Rows and cells from word boxes, for text-layer pages and OCR'd scans alike. Called by the
// field rules (fields/reader.cpp) before any label or value is looked for.

#include <docket/fields/layout.hpp>

#include <algorithm>
#include <cmath>

namespace docket::fields {

box unite(const box& a, const box& b) {
    const bool a_empty = a.x0 == 0 && a.x1 == 0 && a.y0 == 0 && a.y1 == 0;
    const bool b_empty = b.x0 == 0 && b.x1 == 0 && b.y0 == 0 && b.y1 == 0;
    if (a_empty) return b;
    if (b_empty) return a;
    return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

// The page's skew as dy/dx, from runs of words that follow each other along one line in reading
// order (the extractor's order keeps a line's words together even when the line slants). A run
// is measured end to end: neighbouring words alone differ by their glyphs' shapes (a comma, a
// descender) more than by the skew.
double skew_of(const std::vector<word>& words) {
    std::vector<double> slopes;
    auto centre_y = [](const box& b) { return (b.y0 + b.y1) / 2; };
    std::size_t start = 0;
    for (std::size_t i = 1; i <= words.size(); ++i) {
        bool follows = false;
        if (i < words.size()) {
            const box& a = words[i - 1].b;
            const box& b = words[i].b;
            const double h = std::max(a.height(), b.height());
            const double overlap = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
            follows = h > 0 && b.x0 >= a.x1 - 0.2 * h && b.x0 - a.x1 <= 3 * h && overlap >= 0.3 * h;
        }
        if (follows) continue;
        // The run [start, i) ends here.
        if (i - start >= 3) {
            const box& f = words[start].b;
            const box& l = words[i - 1].b;
            const double h = std::max(f.height(), l.height());
            const double dx = (l.x0 + l.x1) / 2 - (f.x0 + f.x1) / 2;
            if (h > 0 && dx >= 6 * h) slopes.push_back((centre_y(l) - centre_y(f)) / dx);
        }
        start = i;
    }
    if (slopes.size() < 3) return 0;
    return std::clamp(median(std::move(slopes)), -0.2, 0.2);
}

struct open_row {
    double center = 0, height = 0;
    std::vector<const word*> words;
};

} // namespace

std::vector<row> rows_of(const page& p, double gap) {
    const double slope = skew_of(p.words);
    struct placed {
        const word* w;
        double y; // the centre with the skew taken out
    };
    std::vector<placed> order;
    order.reserve(p.words.size());
    for (const auto& w : p.words) {
        // OCR returns blanks as words too; they carry no text and would bridge two cells.
        if (w.b.height() <= 0 || w.text.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
        const double cx = (w.b.x0 + w.b.x1) / 2, cy = (w.b.y0 + w.b.y1) / 2;
        order.push_back({&w, cy - slope * cx});
    }
    std::stable_sort(order.begin(), order.end(), [](const placed& a, const placed& b) { return a.y < b.y; });
    std::vector<open_row> open;
    for (const auto& pl : order) {
        const double h = pl.w->b.height();
        open_row* best = nullptr;
        double best_d = 0;
        // Only the last few rows can be within half a line of a word taken in baseline order.
        for (std::size_t k = open.size(); k > 0 && k + 4 > open.size(); --k) {
            auto& r = open[k - 1];
            const double d = std::abs(pl.y - r.center);
            if (d > 0.5 * std::max(std::min(h, r.height * 1.5), std::min(r.height, h * 1.5))) continue;
            // Two words in the same place belong to two lines.
            const bool collides = std::any_of(r.words.begin(), r.words.end(), [&](const word* o) {
                const double ov = std::min(o->b.x1, pl.w->b.x1) - std::max(o->b.x0, pl.w->b.x0);
                return ov > 0.5 * std::min(o->b.width(), pl.w->b.width());
            });
            if (collides) continue;
            if (!best || d < best_d) {
                best = &r;
                best_d = d;
            }
        }
        if (!best) {
            open.push_back({pl.y, h, {pl.w}});
            continue;
        }
        const double n = static_cast<double>(best->words.size());
        best->center = (best->center * n + pl.y) / (n + 1);
        best->height = (best->height * n + h) / (n + 1);
        best->words.push_back(pl.w);
    }
    std::vector<row> out;
    out.reserve(open.size());
    for (auto& o : open) {
        row r;
        r.page = p.number;
        std::sort(o.words.begin(), o.words.end(), [](const word* a, const word* b) { return a->b.x0 < b->b.x0; });
        r.words = std::move(o.words);
        std::vector<double> heights;
        heights.reserve(r.words.size());
        std::size_t chars = 0;
        for (const word* w : r.words) chars += w->text.size() + 1;
        r.text.reserve(chars);
        for (const word* w : r.words) {
            r.b = unite(r.b, w->b);
            heights.push_back(w->b.height());
            if (!r.text.empty()) r.text += ' ';
            r.text += w->text;
        }
        r.height = median(std::move(heights));
        r.cells.reserve(r.words.size());
        for (std::size_t i = 0; i < r.words.size(); ++i) {
            const word* w = r.words[i];
            if (r.cells.empty() || w->b.x0 - r.words[i - 1]->b.x1 > gap * r.height) {
                r.cells.push_back({std::string(w->text), w->b, i, i + 1, w->confidence});
                continue;
            }
            auto& c = r.cells.back();
            c.text += ' ';
            c.text += w->text;
            c.b = unite(c.b, w->b);
            c.last = i + 1;
            c.confidence = std::min(c.confidence, w->confidence);
        }
        out.push_back(std::move(r));
    }
    // Top to bottom by the rows' own (skew-corrected) order, which `open` already has.
    return out;
}

std::vector<row> document_rows(const std::vector<page>& pages) {
    std::vector<row> all;
    std::vector<std::vector<row>> each;
    each.reserve(pages.size());
    std::size_t n = 0;
    for (const auto& p : pages) n += each.emplace_back(rows_of(p)).size();
    all.reserve(n);
    for (auto& rows : each) {
        for (auto& r : rows) {
            r.index = all.size();
            all.push_back(std::move(r));
        }
    }
    return all;
}

} // namespace docket::fields
