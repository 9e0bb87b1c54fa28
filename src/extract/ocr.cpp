// tesseract OCR for images and scanned PDF pages. Runs in the extraction worker processes; each
// process keeps one initialised engine per language, because initialisation costs far more than
// a small page.

#include <docket/extract/ocr.hpp>
#include <docket/extract/preprocess.hpp>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

namespace docket::extract {

namespace {

// Words read with a confidence under this are read again (see reread_unsure), at most this
// many a page: a page that unsure throughout is not helped by reading it twice.
constexpr double k_reread_below = 75;
constexpr double k_reread_gain = 10;
constexpr std::size_t k_reread_most = 60;

// libtesseract is loaded on first use, so only the worker processes that OCR ever map it. Linked
// into the binary it would bring some thirty libraries of its own (curl, gnutls, krb5, ldap, icu,
// libarchive...) into the server process as well: about 6 MiB of its resident memory, for code it
// never runs. Its C API is used because plain C symbols can be looked up by name.
#define DOCKET_TESSERACT_FUNCTIONS(X)                                                                                  \
    X(TessBaseAPICreate) X(TessBaseAPIDelete) X(TessBaseAPIInit2) X(TessBaseAPIEnd) X(TessBaseAPISetVariable)         \
    X(TessBaseAPISetPageSegMode) X(TessBaseAPISetImage2) X(TessBaseAPISetSourceResolution) X(TessBaseAPIRecognize)    \
    X(TessBaseAPIGetUTF8Text) X(TessBaseAPIGetIterator) X(TessBaseAPIClear) X(TessDeleteText)                         \
    X(TessResultIteratorGetUTF8Text) X(TessResultIteratorConfidence) X(TessResultIteratorNext)                        \
    X(TessResultIteratorGetPageIterator) X(TessResultIteratorDelete) X(TessPageIteratorBoundingBox)                    \
    X(TessBaseAPISetRectangle)

struct tesseract_library {
#define DOCKET_MEMBER(f) decltype(&::f) f = nullptr;
    DOCKET_TESSERACT_FUNCTIONS(DOCKET_MEMBER)
#undef DOCKET_MEMBER
};

// The library, or why it could not be loaded. Loaded once per process and never unloaded.
const outcome<tesseract_library>& tesseract() {
    static const outcome<tesseract_library> lib = []() -> outcome<tesseract_library> {
        void* h = ::dlopen(DOCKET_TESSERACT_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!h) return failure(errc::internal, std::string("OCR is unavailable: ") + ::dlerror());
        tesseract_library l;
#define DOCKET_RESOLVE(f)                                                                                              \
    if (!(l.f = reinterpret_cast<decltype(&::f)>(::dlsym(h, #f))))                                                      \
        return failure(errc::internal, "OCR is unavailable: " DOCKET_TESSERACT_SONAME " has no " #f);
        DOCKET_TESSERACT_FUNCTIONS(DOCKET_RESOLVE)
#undef DOCKET_RESOLVE
        return l;
    }();
    return lib;
}

TessBaseAPI* engine_for(const tesseract_library& t, const std::string& language) {
    struct engine_deleter {
        const tesseract_library* t;
        void operator()(TessBaseAPI* api) const {
            t->TessBaseAPIEnd(api);
            t->TessBaseAPIDelete(api);
        }
    };
    // One set per thread: an engine is not to be shared, and `docket bench fields` OCRs on two threads.
    thread_local std::map<std::string, std::unique_ptr<TessBaseAPI, engine_deleter>> engines;
    auto it = engines.find(language);
    if (it != engines.end()) return it->second.get();
    std::unique_ptr<TessBaseAPI, engine_deleter> api(t.TessBaseAPICreate(), engine_deleter{&t});
    if (!api || t.TessBaseAPIInit2(api.get(), tessdata_dir().c_str(), language.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
        return nullptr;
    t.TessBaseAPISetVariable(api.get(), "debug_file", "/dev/null");
    auto* raw = api.get();
    engines.emplace(language, std::move(api));
    return raw;
}

// A word that reads as a figure: digits, separators and signs, and at most a letter or two that
// OCR puts for a digit ("l55,02", "1O.00").
// `least` digits: 2 for a reading to be taken, 1 for a word to be read again ("5S").
bool figure_like(std::string_view s, int least = 2) {
    int digits = 0, letters = 0;
    for (const char c : s) {
        if (c >= '0' && c <= '9') ++digits;
        else if (c == 'O' || c == 'o' || c == 'l' || c == 'I' || c == '|' || c == 'S' || c == 'B') ++letters;
        else if (c != '.' && c != ',' && c != '\'' && c != '-' && c != '(' && c != ')' && c != '+') return false;
    }
    return digits >= least && digits + letters >= 2 && letters <= 1;
}

struct read_word {
    std::string text;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0; // in the pixels of the image set on the engine
    double confidence = 0;
};

// The words of the engine's last recognition, with their boxes and confidences.
std::vector<read_word> words_read(const tesseract_library& t, TessBaseAPI* api) {
    std::vector<read_word> out;
    TessResultIterator* it = t.TessBaseAPIGetIterator(api);
    if (!it) return out;
    do {
        char* s = t.TessResultIteratorGetUTF8Text(it, tesseract::RIL_WORD);
        if (!s) continue;
        read_word w;
        w.text = s;
        t.TessDeleteText(s);
        if (w.text.empty()) continue;
        t.TessPageIteratorBoundingBox(t.TessResultIteratorGetPageIterator(it), tesseract::RIL_WORD, &w.x0, &w.y0, &w.x1, &w.y1);
        w.confidence = t.TessResultIteratorConfidence(it, tesseract::RIL_WORD);
        out.push_back(std::move(w));
    } while (t.TessResultIteratorNext(it, tesseract::RIL_WORD));
    t.TessResultIteratorDelete(it);
    return out;
}

// The words tesseract reads in one rectangle (grown by `pad` on every side) of the image set on
// `api`, segmented by `mode`; boxes come back in the whole image's pixels.
std::vector<read_word> read_region(const tesseract_library& t, TessBaseAPI* api, Pix* image, const read_word& at,
                                   int pad, TessPageSegMode mode) {
    const int left = std::max(0, at.x0 - pad), top = std::max(0, at.y0 - pad);
    const int right = std::min(static_cast<int>(pixGetWidth(image)), at.x1 + pad);
    const int bottom = std::min(static_cast<int>(pixGetHeight(image)), at.y1 + pad);
    std::vector<read_word> out;
    if (right <= left || bottom <= top) return out;
    t.TessBaseAPISetPageSegMode(api, mode);
    t.TessBaseAPISetRectangle(api, left, top, right - left, bottom - top);
    if (t.TessBaseAPIRecognize(api, nullptr) != 0) return out;
    return words_read(t, api);
}

// Digits and separators: a second reading that turns a 7 back into the comma it was
// ("25730" -> "23,31") keeps its length, one that drops a digit does not.
std::ptrdiff_t marks_in(std::string_view s) {
    return std::count_if(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == ','; });
}

// Second readings of what the page's reading was unsure of, each taken only when it is clearly
// surer than the first (by `k_reread_gain` confidence points):
// - a figure, read alone as one word of digits and separators: whole-page reading loses a digit
//   now and then (a thin leading "1" of "1.155,01") and says so by a low confidence;
// - a "word" several lines tall: a column of short figures (a quantity column of 1s and 2s)
//   that page segmentation took for one block of garbage ("DrPrPrP"), read again as a block.
// Returns whether any word changed.
bool reread_unsure(const tesseract_library& t, TessBaseAPI* api, Pix* image, std::vector<read_word>& words) {
    std::vector<double> heights;
    for (const auto& w : words) heights.push_back(w.y1 - w.y0);
    if (heights.empty()) return false;
    std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2), heights.end());
    const double line = heights[heights.size() / 2];
    // A short scrap right after a figure on its line is most likely the rest of it ("19 ou" for 19,51).
    auto scrap_after = [&](std::size_t i) {
        if (i + 1 >= words.size()) return false;
        const auto &a = words[i], &b = words[i + 1];
        const int shared = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
        return b.confidence < k_reread_below && b.text.size() <= 3 && shared * 2 >= std::min(a.y1 - a.y0, b.y1 - b.y0) &&
               b.x0 >= a.x0 && b.x0 - a.x1 <= line;
    };
    std::vector<std::size_t> figures, columns;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        const bool tall = line > 0 && w.y1 - w.y0 > 2.5 * line;
        if (tall && w.confidence < k_reread_below) columns.push_back(i);
        else if (!tall && figure_like(w.text, 1) && (w.confidence < k_reread_below || scrap_after(i))) figures.push_back(i);
    }
    if (figures.size() + columns.size() > k_reread_most) return false;
    bool changed = false;
    std::vector<bool> dropped(words.size(), false);
    if (!figures.empty()) {
        t.TessBaseAPISetVariable(api, "tessedit_char_whitelist", "0123456789.,'-()");
        for (const auto i : figures) {
            if (dropped[i]) continue;
            read_word area = words[i];
            const bool scrap = scrap_after(i);
            double was = area.confidence;
            std::ptrdiff_t marks = marks_in(area.text);
            if (scrap) {
                const auto& n = words[i + 1];
                area.x1 = std::max(area.x1, n.x1);
                area.y0 = std::min(area.y0, n.y0);
                area.y1 = std::max(area.y1, n.y1);
                was = std::min(was, n.confidence);
                marks += marks_in(n.text);
            }
            const auto again = read_region(t, api, image, area, std::max(2, (area.y1 - area.y0) / 3),
                                           scrap ? tesseract::PSM_SINGLE_LINE : tesseract::PSM_SINGLE_WORD);
            if (again.size() != 1 || again[0].confidence < was + k_reread_gain || !figure_like(again[0].text) ||
                marks_in(again[0].text) < marks)
                continue;
            words[i] = area;
            words[i].text = again[0].text;
            words[i].confidence = again[0].confidence;
            if (scrap) dropped[i + 1] = true;
            changed = true;
        }
        t.TessBaseAPISetVariable(api, "tessedit_char_whitelist", "");
    }
    if (columns.empty() && std::none_of(dropped.begin(), dropped.end(), [](bool d) { return d; })) {
        t.TessBaseAPISetPageSegMode(api, tesseract::PSM_AUTO);
        return changed;
    }
    // Tall words that overlap are one region, read once.
    auto overlap_area = [](const read_word& a, const read_word& b) {
        const int w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0), h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
        return w > 0 && h > 0 ? static_cast<double>(w) * h : 0.0;
    };
    struct region {
        read_word area;
        std::vector<std::size_t> members;
    };
    std::vector<region> regions;
    for (const auto i : columns) {
        auto it = std::find_if(regions.begin(), regions.end(), [&](const region& r) { return overlap_area(r.area, words[i]) > 0; });
        if (it == regions.end()) {
            regions.push_back({words[i], {i}});
            continue;
        }
        it->area.x0 = std::min(it->area.x0, words[i].x0);
        it->area.y0 = std::min(it->area.y0, words[i].y0);
        it->area.x1 = std::max(it->area.x1, words[i].x1);
        it->area.y1 = std::max(it->area.y1, words[i].y1);
        it->members.push_back(i);
    }
    std::vector<bool> in_region(words.size(), false);
    for (const auto& r : regions)
        for (const auto i : r.members) in_region[i] = true;
    std::vector<std::vector<read_word>> put_at(words.size()); // new words, before the word at an index
    for (const auto& r : regions) {
        auto again = read_region(t, api, image, r.area, static_cast<int>(line / 3), tesseract::PSM_SINGLE_BLOCK);
        // The margin around the region may catch a neighbour the first reading has already.
        std::erase_if(again, [&](const read_word& n) {
            const double area = std::max(1.0, static_cast<double>(n.x1 - n.x0) * (n.y1 - n.y0));
            for (std::size_t k = 0; k < words.size(); ++k)
                if (!in_region[k] && overlap_area(words[k], n) > 0.5 * area) return true;
            return false;
        });
        if (again.empty()) continue;
        double sum = 0, was = 0;
        for (const auto& w : again) sum += w.confidence;
        for (const auto i : r.members) was += words[i].confidence;
        if (sum / static_cast<double>(again.size()) < was / static_cast<double>(r.members.size()) + k_reread_gain) continue;
        for (const auto i : r.members) dropped[i] = true;
        put_at[r.members.front()] = std::move(again);
        changed = true;
    }
    std::vector<read_word> out;
    out.reserve(words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {
        for (auto& w : put_at[i]) out.push_back(std::move(w));
        if (!dropped[i]) out.push_back(std::move(words[i]));
    }
    words = std::move(out);
    t.TessBaseAPISetPageSegMode(api, tesseract::PSM_AUTO);
    return changed;
}

} // namespace

std::string tessdata_dir() {
    if (const char* p = std::getenv("TESSDATA_PREFIX"); p && *p) return p;
    return "/usr/share/tesseract-ocr/5/tessdata";
}

bool language_installed(std::string_view spec) {
    if (spec.empty()) return false;
    const std::string dir = tessdata_dir();
    while (!spec.empty()) {
        const auto plus = spec.find('+');
        const auto lang = spec.substr(0, plus);
        if (lang.empty() || !std::filesystem::exists(dir + "/" + std::string(lang) + ".traineddata")) return false;
        if (plus == std::string_view::npos) break;
        spec.remove_prefix(plus + 1);
    }
    return true;
}

std::vector<line> group_lines(const std::vector<word>& words) {
    std::vector<line> out;
    for (const auto& w : words) {
        if (!out.empty()) {
            auto& l = out.back();
            const double overlap = std::min(l.y1, w.y1) - std::max(l.y0, w.y0);
            if (overlap >= 0.5 * (w.y1 - w.y0) && w.x0 >= l.x0) {
                l.text += ' ';
                l.text += w.text;
                l.x0 = std::min(l.x0, w.x0);
                l.y0 = std::min(l.y0, w.y0);
                l.x1 = std::max(l.x1, w.x1);
                l.y1 = std::max(l.y1, w.y1);
                continue;
            }
        }
        out.push_back({w.text, w.x0, w.y0, w.x1, w.y1});
    }
    return out;
}

outcome<page_text> ocr_image(Pix* image, const std::string& language, int dpi, page_layout layout) {
    const auto& loaded = tesseract();
    if (!loaded) return loaded.error();
    const tesseract_library& t = *loaded;
    auto* api = engine_for(t, language);
    if (!api) return failure(errc::internal, "cannot initialise OCR for language '" + language + "'");
    prepared ready = prepare_for_ocr(image);
    Pix* input = ready.image ? ready.image.get() : image;
    const double scale = ready.image ? ready.scale : 1.0;
    t.TessBaseAPISetPageSegMode(api, layout == page_layout::single_column ? tesseract::PSM_SINGLE_COLUMN : tesseract::PSM_AUTO);
    t.TessBaseAPISetImage2(api, input);
    t.TessBaseAPISetSourceResolution(api, static_cast<int>(dpi * scale));
    if (t.TessBaseAPIRecognize(api, nullptr) != 0) {
        t.TessBaseAPIClear(api);
        return failure(errc::invalid_document, "OCR could not process the image");
    }
    auto text_of = [&t](char* s) {
        std::string out = s ? s : "";
        if (s) t.TessDeleteText(s);
        return out;
    };
    page_text page{.source = "ocr", .width = static_cast<double>(pixGetWidth(image)),
                   .height = static_cast<double>(pixGetHeight(image)), .unit = "px"};
    page.text = text_of(t.TessBaseAPIGetUTF8Text(api));
    std::vector<read_word> words = words_read(t, api);
    const bool changed = reread_unsure(t, api, input, words);
    // Boxes in the original image's pixels (of the straightened page, when it was turned).
    auto px = [scale](int v) { return std::round(v / scale * 10) / 10; };
    for (auto& w : words)
        page.words.push_back({std::move(w.text), px(w.x0), px(w.y0), px(w.x1), px(w.y1), w.confidence});
    t.TessBaseAPIClear(api);
    page.lines = group_lines(page.words);
    if (changed) { // the text as read the second time
        page.text.clear();
        for (const auto& l : page.lines) page.text += l.text + '\n';
    }
    return page;
}

} // namespace docket::extract
