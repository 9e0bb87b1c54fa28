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

// libtesseract is loaded on first use, so only the worker processes that OCR ever map it. Linked
// into the binary it would bring some thirty libraries of its own (curl, gnutls, krb5, ldap, icu,
// libarchive...) into the server process as well: about 6 MiB of its resident memory, for code it
// never runs. Its C API is used because plain C symbols can be looked up by name.
#define DOCKET_TESSERACT_FUNCTIONS(X)                                                                                  \
    X(TessBaseAPICreate) X(TessBaseAPIDelete) X(TessBaseAPIInit2) X(TessBaseAPIEnd) X(TessBaseAPISetVariable)         \
    X(TessBaseAPISetPageSegMode) X(TessBaseAPISetImage2) X(TessBaseAPISetSourceResolution) X(TessBaseAPIRecognize)    \
    X(TessBaseAPIGetUTF8Text) X(TessBaseAPIGetIterator) X(TessBaseAPIClear) X(TessDeleteText)                         \
    X(TessResultIteratorGetUTF8Text) X(TessResultIteratorConfidence) X(TessResultIteratorNext)                        \
    X(TessResultIteratorGetPageIterator) X(TessResultIteratorDelete) X(TessPageIteratorBoundingBox)

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

outcome<page_text> ocr_image(Pix* image, const std::string& language, int dpi) {
    const auto& loaded = tesseract();
    if (!loaded) return loaded.error();
    const tesseract_library& t = *loaded;
    auto* api = engine_for(t, language);
    if (!api) return failure(errc::internal, "cannot initialise OCR for language '" + language + "'");
    prepared ready = prepare_for_ocr(image);
    Pix* input = ready.image ? ready.image.get() : image;
    const double scale = ready.image ? ready.scale : 1.0;
    t.TessBaseAPISetPageSegMode(api, tesseract::PSM_AUTO);
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
    page_text page;
    page.source = "ocr";
    page.unit = "px";
    page.width = pixGetWidth(image);
    page.height = pixGetHeight(image);
    page.text = text_of(t.TessBaseAPIGetUTF8Text(api));
    if (TessResultIterator* it = t.TessBaseAPIGetIterator(api)) {
        do {
            std::string w = text_of(t.TessResultIteratorGetUTF8Text(it, tesseract::RIL_WORD));
            if (w.empty()) continue;
            int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            t.TessPageIteratorBoundingBox(t.TessResultIteratorGetPageIterator(it), tesseract::RIL_WORD, &x0, &y0, &x1, &y1);
            // Boxes in the original image's pixels (of the straightened page, when it was turned).
            auto px = [scale](int v) { return std::round(v / scale * 10) / 10; };
            page.words.push_back({std::move(w), px(x0), px(y0), px(x1), px(y1),
                                  t.TessResultIteratorConfidence(it, tesseract::RIL_WORD)});
        } while (t.TessResultIteratorNext(it, tesseract::RIL_WORD));
        t.TessResultIteratorDelete(it);
    }
    t.TessBaseAPIClear(api);
    page.lines = group_lines(page.words);
    return page;
}

} // namespace docket::extract
