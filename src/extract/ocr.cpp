// tesseract OCR for images and scanned PDF pages. Runs in the extraction worker processes; each
// process keeps one initialised engine per language, because initialisation costs far more than
// a small page.

#include <docket/extract/ocr.hpp>

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

namespace docket::extract {

namespace {

struct engine_deleter {
    void operator()(tesseract::TessBaseAPI* api) const {
        api->End();
        delete api;
    }
};

tesseract::TessBaseAPI* engine_for(const std::string& language) {
    static std::map<std::string, std::unique_ptr<tesseract::TessBaseAPI, engine_deleter>> engines;
    auto it = engines.find(language);
    if (it != engines.end()) return it->second.get();
    std::unique_ptr<tesseract::TessBaseAPI, engine_deleter> api(new tesseract::TessBaseAPI);
    if (api->Init(tessdata_dir().c_str(), language.c_str(), tesseract::OEM_LSTM_ONLY) != 0) return nullptr;
    api->SetVariable("debug_file", "/dev/null");
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
    auto* api = engine_for(language);
    if (!api) return failure(errc::internal, "cannot initialise OCR for language '" + language + "'");
    api->SetPageSegMode(tesseract::PSM_AUTO);
    api->SetImage(image);
    api->SetSourceResolution(dpi);
    if (api->Recognize(nullptr) != 0) {
        api->Clear();
        return failure(errc::invalid_document, "OCR could not process the image");
    }
    page_text page;
    page.source = "ocr";
    page.unit = "px";
    page.width = pixGetWidth(image);
    page.height = pixGetHeight(image);
    std::unique_ptr<char[]> text(api->GetUTF8Text());
    if (text) page.text = text.get();
    std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
    if (it) {
        do {
            std::unique_ptr<char[]> w(it->GetUTF8Text(tesseract::RIL_WORD));
            if (!w || !*w.get()) continue;
            int x0, y0, x1, y1;
            it->BoundingBox(tesseract::RIL_WORD, &x0, &y0, &x1, &y1);
            page.words.push_back({w.get(), double(x0), double(y0), double(x1), double(y1), it->Confidence(tesseract::RIL_WORD)});
        } while (it->Next(tesseract::RIL_WORD));
    }
    api->Clear();
    page.lines = group_lines(page.words);
    return page;
}

} // namespace docket::extract
