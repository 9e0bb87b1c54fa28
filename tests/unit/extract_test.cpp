#include "../support/outcome_printer.hpp"
#include "../support/fixtures.hpp"

#include <docket/extract/extractor.hpp>

#include <catch2/catch.hpp>

using namespace docket;

TEST_CASE("the PDF text layer comes out per page", "[extract]") {
    auto pdf = test::make_pdf({"Invoice number 1234\nTotal due 56.78", "Page two says hello"});
    auto r = extract::extract_document(pdf, "application/pdf", "generic");
    REQUIRE(r);
    CHECK(r->pages == 2);
    CHECK_THAT(r->result_json, Catch::Contains("Invoice number 1234"));
    CHECK_THAT(r->result_json, Catch::Contains("Page two says hello"));
    CHECK_THAT(r->result_json, Catch::Contains(R"("page_count":2)"));
    auto csv = extract::result_to_csv(r->result_json);
    REQUIRE(csv);
    CHECK_THAT(*csv, Catch::StartsWith("page,text\r\n1,\"Invoice number 1234"));
}

TEST_CASE("damaged PDFs fail with INVALID_DOCUMENT and are not retried", "[extract]") {
    auto pdf = test::make_pdf({"soon to be cut"});
    const std::string damaged[] = {
        pdf.substr(0, pdf.size() / 3),                       // truncated
        "%PDF-1.7\n" + std::string(5000, '\x01'),            // header then noise
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", // self-referencing pages
    };
    for (const auto& d : damaged) {
        auto r = extract::extract_document(d, "application/pdf", "generic");
        if (r) { CHECK(r->pages >= 0); continue; } // poppler may salvage a page count; it must not crash
        CHECK(r.error().code == errc::invalid_document);
        CHECK_FALSE(extract::is_retryable(r.error().code));
    }
    auto noise = extract::extract_document("%PDF-1.7\n" + std::string(5000, '\x01'), "application/pdf", "generic");
    REQUIRE_FALSE(noise);
    CHECK(noise.error().code == errc::invalid_document);
}

TEST_CASE("plain text splits pages on form feeds; a broken image is INVALID_DOCUMENT; ZIP is UNSUPPORTED_YET", "[extract]") {
    auto r = extract::extract_document("\xEF\xBB\xBFone\ftwo\f", "text/plain", "receipt");
    REQUIRE(r);
    CHECK(r->pages == 2);
    CHECK_THAT(r->result_json, Catch::Contains(R"("document_type":"receipt")"));
    CHECK_THAT(r->result_json, Catch::Contains(R"({"number":2,"text":"two","source":"text"})"));
    auto img = extract::extract_document("\x89PNG....", "image/png", "generic");
    REQUIRE_FALSE(img);
    CHECK(img.error().code == errc::invalid_document);
    auto zip = extract::extract_document("PK\x03\x04", "application/zip", "generic");
    REQUIRE_FALSE(zip);
    CHECK(zip.error().code == errc::unsupported_yet);
    CHECK_FALSE(extract::is_retryable(errc::unsupported_yet));
    CHECK(extract::is_retryable(errc::internal));
}
