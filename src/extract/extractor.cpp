// Documents to result JSON: PDF text layers through poppler (with words and boxes), OCR
// through tesseract for images and for PDF pages without a usable text layer, and plain text.
// Called in the extraction worker processes; never in the server.

#include <docket/extract/extractor.hpp>
#include <docket/extract/ocr.hpp>
#include <docket/core/encoding.hpp>
#include <docket/core/log.hpp>
#include <docket/fields/reader.hpp>

#include <boost/json.hpp>

#include <leptonica/allheaders.h>
// Poppler's own classes, not its poppler-cpp wrapper: the wrapper re-creates poppler's global
// tables for every document, converts every word to UTF-16 through a fresh iconv descriptor and
// copies every glyph's box; together that was more than half of the time a text page took.
#include <poppler/Error.h>
#include <poppler/GlobalParams.h>
#include <poppler/PDFDoc.h>
#include <poppler/SplashOutputDev.h>
#include <poppler/Stream.h>
#include <poppler/TextOutputDev.h>
#include <poppler/splash/SplashBitmap.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <mutex>
#include <vector>

namespace docket::extract {
namespace {

void init_libraries() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Poppler's tables (glyph names, encodings, font lookups) are built once per process and
        // kept for every document after.
        if (!globalParams) globalParams = std::make_unique<GlobalParams>();
        // Poppler and leptonica report every oddity of a damaged file on stderr; keep it at debug level.
        setErrorCallback([](ErrorCategory, Goffset, const char* msg) { log::debug(std::string("poppler: ") + msg); });
        setMsgSeverity(L_SEVERITY_NONE);
    });
}

struct pix_deleter {
    void operator()(Pix* p) const { pixDestroy(&p); }
};
using pix_ptr = std::unique_ptr<Pix, pix_deleter>;

// The pages of a document that a request asks for, as [begin, end).
struct page_range {
    std::int64_t begin = 0, end = 0;
};

outcome<page_range> requested_range(std::int64_t pages, const options& opt) {
    if (opt.first_page < 0 || opt.first_page >= pages)
        return failure(errc::invalid_document, "page " + std::to_string(opt.first_page + 1) + " was asked for but the document has " +
                                                   std::to_string(pages));
    const std::int64_t end = opt.page_count < 0 ? pages : std::min(pages, opt.first_page + opt.page_count);
    return page_range{opt.first_page, end};
}

void page_done(const options& opt, const page_range& r, std::int64_t index) {
    if (opt.on_page) opt.on_page(index + 1 - r.begin, r.end - r.begin);
}

// `{"text":…,"bbox":[x0,y0,x1,y1]` of a word or a line, left open for the caller's last fields.
template <class Boxed>
void open_boxed(std::string& out, const Boxed& b) {
    out += R"({"text":)";
    append_json_string(out, b.text);
    out += R"(,"bbox":[)";
    for (const double v : {b.x0, b.y0, b.x1, b.y1}) {
        append_json_number(out, v);
        out += ',';
    }
    out.back() = ']';
}

// The result is written straight to text, not built as a Boost.JSON tree first: a text page has
// hundreds of words, and a tree node per word and per coordinate took as long as reading the
// page. (merge_results splices results in this exact layout: keep the two in step.)
std::string build_result(std::string_view document_type, const std::vector<page_text>& pages, std::int64_t first_number) {
    // Sized once: a page's words are most of its result, and growing a result of tens of MiB
    // step by step copied it several times over.
    std::size_t size = 256;
    for (const auto& p : pages) {
        size += 128 + 2 * p.text.size();
        for (const auto& w : p.words) size += 72 + w.text.size();
        for (const auto& l : p.lines) size += 56 + l.text.size();
    }
    std::string out;
    out.reserve(size);
    std::vector<std::pair<std::size_t, std::size_t>> text_spans; // (offset, length) in `out`
    text_spans.reserve(pages.size());
    out += R"({"document_type":)";
    append_json_string(out, document_type);
    out += R"(,"pages":[)";
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const auto& p = pages[i];
        if (i > 0) out += ',';
        out += R"({"number":)";
        out += std::to_string(first_number + static_cast<std::int64_t>(i));
        out += R"(,"text":)";
        const auto text_at = out.size() + 1; // after the opening quote
        append_json_string(out, p.text);
        text_spans.emplace_back(text_at, out.size() - 1 - text_at);
        out += R"(,"source":)";
        append_json_string(out, p.source);
        if (p.width > 0) {
            out += R"(,"width":)";
            append_json_number(out, p.width);
            out += R"(,"height":)";
            append_json_number(out, p.height);
            out += R"(,"unit":)";
            append_json_string(out, p.unit);
            out += R"(,"words":[)";
            for (std::size_t w = 0; w < p.words.size(); ++w) {
                if (w > 0) out += ',';
                open_boxed(out, p.words[w]);
                out += R"(,"confidence":)";
                append_json_number(out, std::round(p.words[w].confidence * 10) / 10);
                out += '}';
            }
            out += R"(],"lines":[)";
            for (std::size_t l = 0; l < p.lines.size(); ++l) {
                if (l > 0) out += ',';
                open_boxed(out, p.lines[l]);
                out += '}';
            }
            out += ']';
        }
        out += '}';
    }
    // The top-level text is the pages' texts joined by form feeds: their escaped forms are
    // copied from where each page's text was written, not escaped a second time.
    out += R"(],"text":")";
    std::size_t joined = 2 * pages.size();
    for (const auto& [at, len] : text_spans) joined += len;
    out.reserve(out.size() + joined); // so `out` does not move while it is copied from
    for (std::size_t i = 0; i < pages.size(); ++i) {
        if (i > 0) out += "\\f";
        out.append(out, text_spans[i].first, text_spans[i].second);
    }
    out += R"(","page_count":)";
    out += std::to_string(pages.size());
    out += '}';
    return out;
}

std::string utf8(const TextWord& w) {
    std::string out;
    const int n = w.getLength();
    out.reserve(static_cast<std::size_t>(n));
    if (n > 0) append_utf8(out, w.getChar(0), static_cast<std::size_t>(n));
    return out;
}

// Bounding boxes to 1/100 pt: finer than any glyph placement matters, and it keeps a page's
// result (hundreds of boxes) a third of the size it has with every double's 17 digits.
double centi(double v) { return std::round(v * 100.0) / 100.0; }

error too_many_pixels(long long w, long long h, const options& opt) {
    return failure(errc::limit_exceeded, "an image of " + std::to_string(w) + "x" + std::to_string(h) +
                                             " pixels is over the limit of " + std::to_string(opt.max_pixels / 1'000'000) +
                                             " megapixels");
}

// A text layer is usable when it carries a few letters or digits; scans often hold none, or a
// stray page number.
bool usable_text(const std::string& text) {
    int n = 0;
    for (unsigned char c : text)
        if (std::isalnum(c) || c >= 0x80) ++n;
    return n >= 3;
}

outcome<page_text> render_and_ocr(PDFDoc& doc, int page, const options& opt, page_layout layout) {
    const long long w = static_cast<long long>(doc.getPageCropWidth(page) / 72.0 * opt.dpi);
    const long long h = static_cast<long long>(doc.getPageCropHeight(page) / 72.0 * opt.dpi);
    if (w <= 0 || h <= 0) return failure(errc::invalid_document, "a page has no area");
    if (static_cast<unsigned long long>(w * h) > opt.max_pixels) return too_many_pixels(w, h, opt);
    SplashColor white{255, 255, 255};
    SplashOutputDev out(splashModeMono8, 4, false, white);
    out.setFontAntialias(true);
    out.setVectorAntialias(true);
    out.startDoc(&doc);
    doc.displayPageSlice(&out, page, opt.dpi, opt.dpi, 0, false, true, false, -1, -1, -1, -1);
    SplashBitmap* bitmap = out.getBitmap();
    if (!bitmap || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0)
        return failure(errc::invalid_document, "a page cannot be rendered");
    pix_ptr pix(pixCreate(bitmap->getWidth(), bitmap->getHeight(), 8));
    if (!pix) return failure(errc::internal, "out of memory for a rendered page");
    const unsigned char* data = bitmap->getDataPtr();
    l_uint32* dst = pixGetData(pix.get());
    const int wpl = pixGetWpl(pix.get());
    for (int y = 0; y < bitmap->getHeight(); ++y) {
        const unsigned char* row = data + static_cast<std::ptrdiff_t>(y) * bitmap->getRowSize();
        l_uint32* line = dst + static_cast<std::ptrdiff_t>(y) * wpl;
        for (int x = 0; x < bitmap->getWidth(); ++x) SET_DATA_BYTE(line, x, row[x]);
    }
    pixSetResolution(pix.get(), opt.dpi, opt.dpi);
    return ocr_image(pix.get(), opt.language, opt.dpi, layout);
}

// The words of a page's text layer, in reading order, with their boxes in points from the top
// left; the page text is their lines.
page_text text_layer(PDFDoc& doc, int page) {
    TextOutputDev dev(nullptr, false, 0, false, false);
    doc.displayPage(&dev, page, 72, 72, 0, false, false, false);
    page_text t;
    const std::unique_ptr<TextWordList> list = dev.makeWordList();
    const int n = list ? list->getLength() : 0;
    t.words.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const TextWord* w = list->get(i);
        double x0, y0, x1, y1;
        w->getBBox(&x0, &y0, &x1, &y1);
        t.words.push_back({utf8(*w), centi(x0), centi(y0), centi(x1), centi(y1), 100.0});
    }
    t.lines = group_lines(t.words);
    for (const auto& l : t.lines) {
        if (!t.text.empty()) t.text += '\n';
        t.text += l.text;
    }
    return t;
}

// Each reader sets `total` to the pages in the whole document once it knows.
outcome<std::vector<page_text>> pdf_pages(std::string_view bytes, const options& opt, page_layout layout, std::int64_t& total) {
    // The stream reads `bytes` in place; the document owns the stream, not the bytes.
    auto doc = std::make_unique<PDFDoc>(new MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull)));
    if (!doc->isOk()) {
        if (doc->getErrorCode() == errEncrypted) return failure(errc::invalid_document, "the PDF is encrypted and needs a password");
        return failure(errc::invalid_document, "the PDF cannot be parsed (damaged or not a PDF)");
    }
    const int n = doc->getNumPages();
    if (n <= 0) return failure(errc::invalid_document, "the PDF has no pages");
    if (n > opt.max_pages)
        return failure(errc::limit_exceeded, "the PDF has " + std::to_string(n) + " pages, over the limit of " +
                                                 std::to_string(opt.max_pages));
    total = n;
    auto range = requested_range(n, opt);
    if (!range) return range.error();
    std::vector<page_text> pages;
    pages.reserve(static_cast<std::size_t>(range->end - range->begin));
    for (int i = static_cast<int>(range->begin); i < range->end; ++i) {
        const int number = i + 1; // poppler counts pages from 1
        if (!doc->getPage(number)) {
            pages.push_back({});
            continue;
        }
        page_text t = text_layer(*doc, number);
        if (!usable_text(t.text)) {
            auto ocr = render_and_ocr(*doc, number, opt, layout);
            if (!ocr) return ocr.error();
            pages.push_back(std::move(*ocr));
            page_done(opt, *range, i);
            continue;
        }
        page_done(opt, *range, i);
        t.source = "text_layer";
        t.unit = "pt";
        t.width = doc->getPageCropWidth(number);
        t.height = doc->getPageCropHeight(number);
        pages.push_back(std::move(t));
    }
    return pages;
}

outcome<std::vector<page_text>> image_pages(std::string_view bytes, std::string_view media_type, const options& opt,
                                            page_layout layout, std::int64_t& total) {
    const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
    std::vector<pix_ptr> images;
    if (media_type == "image/tiff") {
        // Every page's header is checked before any page is decoded.
        FILE* f = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
        l_int32 count = 0;
        const bool counted = f && tiffGetCount(f, &count) == 0;
        if (f) std::fclose(f);
        if (!counted || count <= 0) return failure(errc::invalid_document, "the TIFF cannot be read");
        if (count > opt.max_pages)
            return failure(errc::limit_exceeded, "the TIFF has " + std::to_string(count) + " pages, over the limit of " +
                                                     std::to_string(opt.max_pages));
        for (l_int32 i = 0; i < count; ++i) {
            l_int32 w = 0, h = 0, bps, spp, res, cmap, format;
            if (readHeaderMemTiff(data, bytes.size(), i, &w, &h, &bps, &spp, &res, &cmap, &format) != 0)
                return failure(errc::invalid_document, "a TIFF page header cannot be read");
            if (static_cast<unsigned long long>(w) * static_cast<unsigned long long>(h) > opt.max_pixels)
                return too_many_pixels(w, h, opt);
        }
        total = count;
        auto range = requested_range(count, opt);
        if (!range) return range.error();
        for (auto i = static_cast<l_int32>(range->begin); i < range->end; ++i) {
            pix_ptr p(pixReadMemTiff(data, bytes.size(), i));
            if (!p) return failure(errc::invalid_document, "a TIFF page cannot be decoded");
            images.push_back(std::move(p));
        }
    } else {
        total = 1;
        if (auto range = requested_range(1, opt); !range) return range.error();
        l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
        if (pixReadHeaderMem(data, bytes.size(), &format, &w, &h, &bps, &spp, &cmap) != 0)
            return failure(errc::invalid_document, "the image header cannot be read");
        if (static_cast<unsigned long long>(w) * static_cast<unsigned long long>(h) > opt.max_pixels)
            return too_many_pixels(w, h, opt);
        pix_ptr p(pixReadMem(data, bytes.size()));
        if (!p) return failure(errc::invalid_document, "the image cannot be decoded");
        images.push_back(std::move(p));
    }
    std::vector<page_text> pages;
    for (auto& img : images) {
        // Scans often lack a resolution; tesseract's size heuristics assume one.
        const int dpi = pixGetXRes(img.get()) > 0 ? pixGetXRes(img.get()) : opt.dpi;
        auto page = ocr_image(img.get(), opt.language, dpi, layout);
        if (!page) return page.error();
        pages.push_back(std::move(*page));
        page_done(opt, page_range{0, static_cast<std::int64_t>(images.size())}, static_cast<std::int64_t>(pages.size()) - 1);
    }
    return pages;
}

outcome<std::vector<page_text>> text_pages(std::string_view bytes, const options& opt, std::int64_t& total) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3); // BOM
    // Form feeds separate pages, as in pdftotext output.
    std::vector<page_text> pages;
    std::size_t start = 0;
    for (;;) {
        const auto ff = bytes.find('\f', start);
        pages.push_back({std::string(bytes.substr(start, ff == std::string_view::npos ? std::string_view::npos : ff - start)), "text"});
        if (ff == std::string_view::npos) break;
        start = ff + 1;
    }
    if (pages.size() > 1 && pages.back().text.empty()) pages.pop_back();
    total = static_cast<std::int64_t>(pages.size());
    auto range = requested_range(total, opt);
    if (!range) return range.error();
    pages.erase(pages.begin() + range->end, pages.end());
    pages.erase(pages.begin(), pages.begin() + range->begin);
    return pages;
}


// A plain-text page has no boxes: its characters are laid on a grid (a column 0.6 wide, a line
// 1.2 high, as a monospaced font), so the field rules see its rows and its columns of spaces.
std::vector<word> grid_words(const std::string& text) {
    std::vector<word> out;
    double y = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        const std::string_view line(text.data() + start, nl - start);
        std::size_t col = 0, i = 0;
        while (i < line.size()) {
            if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
                col += line[i] == '\t' ? 8 - col % 8 : 1;
                ++i;
                continue;
            }
            const std::size_t b = i, bcol = col;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col; // count characters, not bytes
                ++i;
            }
            out.push_back({std::string(line.substr(b, i - b)), 0.6 * static_cast<double>(bcol), y,
                           0.6 * static_cast<double>(col), y + 1.0, 100.0});
        }
        y += 1.2;
        start = nl + 1;
    }
    return out;
}

// The typed fields of a whole document's pages, as members to splice into its result.
std::string fields_members(std::vector<page_text>& pages, std::int64_t first_number, std::string_view document_type,
                           const options& opt) {
    std::vector<fields::page> in;
    in.reserve(pages.size());
    for (std::size_t i = 0; i < pages.size(); ++i) {
        auto& p = pages[i];
        if (p.words.empty() && !p.text.empty() && p.source == "text") p.words = grid_words(p.text);
        fields::page f;
        f.number = first_number + static_cast<std::int64_t>(i);
        f.ocr = p.source == "ocr";
        f.width = p.width;
        f.height = p.height;
        f.words.reserve(p.words.size());
        for (const auto& w : p.words) {
            std::string_view t = w.text;
            while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
            while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\n')) t.remove_suffix(1);
            f.words.push_back({t, {w.x0, w.y0, w.x1, w.y1}, w.confidence});
        }
        in.push_back(std::move(f));
    }
    fields::options fo;
    fo.document_type = std::string(document_type);
    fo.language = opt.language;
    fo.locale = opt.locale;
    fo.min_confidence = opt.min_confidence;
    return fields::render_members(fields::analyze(in, fo));
}

void splice_members(std::string& result, const std::string& members) {
    result.pop_back(); // the closing brace
    result += ',';
    result += members;
    result += '}';
}
} // namespace

outcome<extraction> extract_document(std::string_view bytes, std::string_view media_type, std::string_view document_type,
                                     const options& opt) {
    init_libraries();
    outcome<std::vector<page_text>> pages = failure(errc::unsupported_yet, std::string(media_type) + " cannot be extracted as one document");
    std::int64_t total = 0;
    // A receipt is one column of label-and-figure lines; read as blocks, its figures are often
    // a block of their own that tesseract loses (measured in docs/performance.md).
    const page_layout layout = document_type == "receipt" ? page_layout::single_column : page_layout::automatic;
    if (media_type == "application/pdf") {
        pages = pdf_pages(bytes, opt, layout, total);
    } else if (media_type == "text/plain") {
        pages = text_pages(bytes, opt, total);
    } else if (media_type.substr(0, 6) == "image/") {
        pages = image_pages(bytes, media_type, opt, layout, total);
    }
    if (!pages) return pages.error();
    const bool whole = opt.fields && opt.first_page == 0 && static_cast<std::int64_t>(pages->size()) == total;
    std::string members = whole ? fields_members(*pages, 1, document_type, opt) : std::string();
    std::string result = build_result(document_type, *pages, opt.first_page + 1);
    if (whole) splice_members(result, members);
    return extraction{std::move(result), total};
}

outcome<std::string> add_fields(std::string_view result_json, std::string_view document_type, const options& opt) {
    boost::system::error_code ec;
    auto v = boost::json::parse(result_json, ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto* list = o ? o->if_contains("pages") : nullptr;
    if (!list || !list->is_array()) return failure(errc::internal, "a result to add fields to has no pages");
    std::vector<page_text> pages;
    try {
        for (const auto& pv : list->get_array()) {
            const auto& po = pv.as_object();
            page_text p;
            p.text = std::string(po.at("text").as_string());
            p.source = std::string(po.at("source").as_string());
            if (const auto* ws = po.if_contains("words")) {
                p.width = po.at("width").to_number<double>();
                p.height = po.at("height").to_number<double>();
                for (const auto& wv : ws->as_array()) {
                    const auto& wo = wv.as_object();
                    const auto& b = wo.at("bbox").as_array();
                    p.words.push_back({std::string(wo.at("text").as_string()), b.at(0).to_number<double>(),
                                       b.at(1).to_number<double>(), b.at(2).to_number<double>(), b.at(3).to_number<double>(),
                                       wo.at("confidence").to_number<double>()});
                }
            }
            pages.push_back(std::move(p));
        }
    } catch (const std::exception&) {
        return failure(errc::internal, "a result to add fields to is not a result");
    }
    std::string out(result_json);
    splice_members(out, fields_members(pages, 1, document_type, opt));
    return out;
}

std::optional<std::string> fields_view(std::string_view result_json) {
    // The typed members follow page_count, written last; no key of a page is "fields", and the
    // pages' texts escape their quotes, so the first match is the members' start.
    constexpr std::string_view k_members = R"(,"fields":)";
    const auto at = result_json.find(k_members);
    if (at == std::string_view::npos || result_json.back() != '}') return std::nullopt;
    std::string out = "{";
    out += result_json.substr(at + 1);
    return out;
}

outcome<std::string> merge_results(const std::vector<std::string>& parts) {
    // Spliced as text in build_result's layout, not parsed and written again: Boost.JSON 1.81
    // does not read every double back exactly, and a merged result must equal a whole one.
    constexpr std::string_view k_pages = R"(,"pages":[)", k_text = R"(],"text":")", k_count = R"(","page_count":)";
    struct span {
        std::string_view pages, text;
        std::int64_t count = 0;
    };
    // Found first and written after into one buffer: a long document's parts are tens of MiB,
    // and growing the merged result part by part copied it over and over.
    std::vector<span> spans;
    spans.reserve(parts.size());
    std::size_t head = 0, size = 64; // head: the first part up to its pages
    for (const std::string_view part : parts) {
        const auto p = part.find(k_pages);
        const auto t = part.rfind(k_text); // the top-level text: its quotes inside are escaped
        const auto c = part.rfind(k_count);
        if (part.substr(0, 17) != R"({"document_type":)" || p == part.npos || t == part.npos || c == part.npos ||
            p > t || t > c || part.back() != '}')
            return failure(errc::internal, "a partial result is not a result");
        span s{part.substr(p + k_pages.size(), t - p - k_pages.size()), part.substr(t + k_text.size(), c - t - k_text.size())};
        for (char ch : part.substr(c + k_count.size(), part.size() - 1 - c - k_count.size())) {
            if (ch < '0' || ch > '9') return failure(errc::internal, "a partial result is not a result");
            s.count = s.count * 10 + (ch - '0');
        }
        if (spans.empty()) size += head = p + k_pages.size();
        size += s.pages.size() + s.text.size() + 3;
        spans.push_back(s);
    }
    if (spans.empty()) return failure(errc::internal, "no partial results to merge");
    std::string out;
    out.reserve(size);
    out.append(parts.front(), 0, head);
    bool any_page = false;
    for (const auto& s : spans) {
        if (s.count == 0) continue;
        if (any_page) out += ',';
        out += s.pages;
        any_page = true;
    }
    out += k_text;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (i > 0) out += "\\f";
        out += spans[i].text;
        count += spans[i].count;
    }
    out += k_count;
    out += std::to_string(count);
    out += '}';
    return out;
}

bool is_retryable(errc code) noexcept {
    return code != errc::invalid_document && code != errc::unsupported_yet && code != errc::limit_exceeded;
}

namespace {

void csv_cell(std::string& csv, std::string_view text) {
    csv += '"';
    if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
        // A negative amount stays a number: only text that is not one is defused.
        const bool numeric = text.size() > 1 && text.front() == '-' &&
                             text.find_first_not_of("0123456789.", 1) == std::string_view::npos;
        if (!numeric) csv += '\'';
    }
    for (const char c : text) {
        if (c == '"') csv += '"';
        csv += c;
    }
    csv += '"';
}

std::string scalar_text(const boost::json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_null()) return "";
    if (v.is_bool()) return v.get_bool() ? "true" : "false";
    return boost::json::serialize(v);
}

} // namespace

outcome<std::string> result_to_csv(std::string_view result_json, csv_view view) {
    boost::system::error_code ec;
    auto v = boost::json::parse(result_json, ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto* pages = o ? o->if_contains("pages") : nullptr;
    if (!pages || !pages->is_array()) return failure(errc::internal, "stored result has no pages");
    const auto* fields = o->if_contains("fields");
    std::string csv;
    if (view == csv_view::typed && fields && fields->is_object()) {
        const auto& f = fields->get_object();
        const char* list_name = f.contains("line_items") ? "line_items" : f.contains("transactions") ? "transactions" : nullptr;
        if (!list_name) {
            // generic: the key-value pairs found on the pages
            csv = "key,value\r\n";
            if (const auto* kv = o->if_contains("key_values"); kv && kv->is_array())
                for (const auto& e : kv->get_array()) {
                    csv_cell(csv, scalar_text(e.at("key")));
                    csv += ',';
                    csv_cell(csv, scalar_text(e.at("value")));
                    csv += "\r\n";
                }
            return csv;
        }
        // One row per item, after the document's scalar fields (repeated on every row).
        std::vector<std::string> head, item_keys;
        for (const auto& [k, val] : f)
            if (!val.is_array() && !val.is_object()) head.emplace_back(k);
        const auto& items = f.at(list_name).as_array();
        item_keys = std::string_view(list_name) == "line_items"
                        ? std::vector<std::string>{"description", "quantity", "unit_price", "total"}
                        : std::vector<std::string>{"date", "description", "amount", "balance"};
        for (const auto& h : head) csv += h + ',';
        for (std::size_t i = 0; i < item_keys.size(); ++i) csv += (i ? "," : "") + std::string(list_name == std::string_view("line_items") ? "item_" : "transaction_") + item_keys[i];
        csv += "\r\n";
        auto row = [&](const boost::json::object* item) {
            for (const auto& h : head) {
                csv_cell(csv, scalar_text(f.at(h)));
                csv += ',';
            }
            for (std::size_t i = 0; i < item_keys.size(); ++i) {
                if (i) csv += ',';
                const auto* cell = item ? item->if_contains(item_keys[i]) : nullptr;
                csv_cell(csv, cell ? scalar_text(*cell) : "");
            }
            csv += "\r\n";
        };
        if (items.empty()) row(nullptr);
        for (const auto& it : items) row(&it.as_object());
        return csv;
    }
    csv = "page,text\r\n";
    for (const auto& p : pages->get_array()) {
        const auto& po = p.as_object();
        csv += std::to_string(po.at("number").to_number<std::int64_t>());
        csv += ',';
        csv_cell(csv, po.at("text").as_string());
        csv += "\r\n";
    }
    return csv;
}

} // namespace docket::extract
