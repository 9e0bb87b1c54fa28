// PDF text layers through poppler-cpp and plain text; builds the generic result shape.
// Called by the workers; never on an I/O thread.

#include <docket/extract/extractor.hpp>
#include <docket/core/log.hpp>

#include <boost/json.hpp>

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <memory>
#include <mutex>
#include <vector>

namespace docket::extract {
namespace {

void quiet_poppler() {
    // Poppler reports every oddity of a damaged file on stderr; keep it at debug level.
    static std::once_flag once;
    std::call_once(once, [] {
        poppler::set_debug_error_function(
            [](const std::string& msg, void*) { log::debug("poppler: " + msg); }, nullptr);
    });
}

std::string build_result(std::string_view document_type, const std::vector<std::string>& pages) {
    boost::json::object o;
    o["document_type"] = document_type;
    boost::json::array arr;
    std::string all;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        arr.push_back(boost::json::object{{"number", i + 1}, {"text", pages[i]}});
        if (i > 0) all += "\f";
        all += pages[i];
    }
    o["pages"] = std::move(arr);
    o["text"] = std::move(all);
    o["page_count"] = pages.size();
    return boost::json::serialize(o);
}

std::string utf8(const poppler::ustring& s) {
    auto bytes = s.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

outcome<std::vector<std::string>> pdf_pages(std::string_view bytes) {
    quiet_poppler();
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return failure(errc::invalid_document, "PDF too large");
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (!doc) return failure(errc::invalid_document, "the PDF cannot be parsed (damaged or not a PDF)");
    if (doc->is_locked()) return failure(errc::invalid_document, "the PDF is encrypted and needs a password");
    const int n = doc->pages();
    if (n <= 0) return failure(errc::invalid_document, "the PDF has no pages");
    std::vector<std::string> pages;
    pages.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        std::unique_ptr<poppler::page> p(doc->create_page(i));
        pages.push_back(p ? utf8(p->text()) : std::string());
    }
    return pages;
}

std::vector<std::string> text_pages(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3); // BOM
    // Form feeds separate pages, as in pdftotext output.
    std::vector<std::string> pages;
    std::size_t start = 0;
    for (;;) {
        const auto ff = bytes.find('\f', start);
        pages.emplace_back(bytes.substr(start, ff == std::string_view::npos ? std::string_view::npos : ff - start));
        if (ff == std::string_view::npos) break;
        start = ff + 1;
    }
    if (pages.size() > 1 && pages.back().empty()) pages.pop_back();
    return pages;
}

} // namespace

outcome<extraction> extract_document(std::string_view bytes, std::string_view media_type, std::string_view document_type) {
    std::vector<std::string> pages;
    if (media_type == "application/pdf") {
        auto p = pdf_pages(bytes);
        if (!p) return p.error();
        pages = std::move(*p);
    } else if (media_type == "text/plain") {
        pages = text_pages(bytes);
    } else {
        return failure(errc::unsupported_yet, std::string(media_type) + " is accepted but its extraction (OCR/ZIP) is not available yet");
    }
    return extraction{build_result(document_type, pages), static_cast<std::int64_t>(pages.size())};
}

bool is_retryable(errc code) noexcept {
    return code != errc::invalid_document && code != errc::unsupported_yet;
}

outcome<std::string> result_to_csv(std::string_view result_json) {
    boost::system::error_code ec;
    auto v = boost::json::parse(result_json, ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto* pages = o ? o->if_contains("pages") : nullptr;
    if (!pages || !pages->is_array()) return failure(errc::internal, "stored result has no pages");
    std::string csv = "page,text\r\n";
    for (const auto& p : pages->get_array()) {
        const auto& po = p.as_object();
        csv += std::to_string(po.at("number").to_number<std::int64_t>());
        csv += ",\"";
        for (const char c : po.at("text").as_string()) {
            if (c == '"') csv += '"';
            csv += c;
        }
        csv += "\"\r\n";
    }
    return csv;
}

} // namespace docket::extract
