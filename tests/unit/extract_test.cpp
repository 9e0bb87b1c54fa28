#include "../support/outcome_printer.hpp"
#include "../support/fixtures.hpp"
#include "../support/process.hpp"

#include <docket/extract/extractor.hpp>
#include <docket/extract/isolated.hpp>
#include <docket/extract/ocr.hpp>
#include <docket/extract/page_split.hpp>

#include <boost/json.hpp>
#include <leptonica/allheaders.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace docket;

TEST_CASE("the PDF text layer comes out per page", "[extract]") {
    auto pdf = test::make_pdf({"Invoice number 1234\nTotal due 56.78", "Page two says hello"});
    auto r = extract::extract_document(pdf, "application/pdf", "generic");
    REQUIRE(r);
    CHECK(r->pages == 2);
    CHECK_THAT(r->result_json, Catch::Contains("Invoice number 1234"));
    CHECK_THAT(r->result_json, Catch::Contains("Page two says hello"));
    CHECK_THAT(r->result_json, Catch::Contains(R"("page_count":2)"));
    auto csv = extract::result_to_csv(r->result_json, extract::csv_view::pages);
    REQUIRE(csv);
    CHECK_THAT(*csv, Catch::StartsWith("page,text\r\n1,\"Invoice number 1234"));
}

TEST_CASE("CSV: quotes doubled, a text a spreadsheet would run as a formula defused, a negative number kept", "[extract]") {
    const std::string result =
        R"j({"pages":[{"number":1,"text":"=HYPERLINK(\"http://x.test\",\"open\")"},{"number":2,"text":"+1+1"},)j"
        R"j({"number":3,"text":"-2"},{"number":4,"text":"@SUM(A1)"},{"number":5,"text":"\tx"},)j"
        R"j({"number":6,"text":"Total 5 = 2 + 3"},{"number":7,"text":""},{"number":8,"text":"-1+A1"}]})j";
    auto csv = extract::result_to_csv(result);
    REQUIRE(csv);
    CHECK(*csv == "page,text\r\n"
                  "1,\"'=HYPERLINK(\"\"http://x.test\"\",\"\"open\"\")\"\r\n"
                  "2,\"'+1+1\"\r\n"
                  "3,\"-2\"\r\n"
                  "4,\"'@SUM(A1)\"\r\n"
                  "5,\"'\tx\"\r\n"
                  "6,\"Total 5 = 2 + 3\"\r\n"
                  "7,\"\"\r\n"
                  "8,\"'-1+A1\"\r\n");
}

TEST_CASE("a result is valid JSON whatever the text holds, with boxes as plain numbers", "[extract]") {
    // Quotes, backslashes, controls, good multi-byte UTF-8 and bytes that are not UTF-8 at all.
    const std::string text = "say \"hi\" C:\\dir\ttab\x01 caf\xC3\xA9 \xE2\x82\xAC bad\xFF\xC3( \xED\xA0\x80 end";
    auto r = extract::extract_document(text, "text/plain", "generic");
    REQUIRE(r);
    boost::system::error_code ec;
    auto v = boost::json::parse(r->result_json, ec);
    REQUIRE_FALSE(ec);
    const std::string got(v.at("pages").at(0).at("text").as_string());
    CHECK(got == "say \"hi\" C:\\dir\ttab\x01 caf\xC3\xA9 \xE2\x82\xAC bad\xEF\xBF\xBD\xEF\xBF\xBD( "
                 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
    CHECK(std::string(v.at("text").as_string()) == got);

    auto pdf = extract::extract_document(test::make_pdf({"Total due 56.78"}), "application/pdf", "invoice");
    REQUIRE(pdf);
    auto page = boost::json::parse(pdf->result_json).at("pages").at(0);
    CHECK(page.at("width").to_number<double>() > 100);
    const auto& box = page.at("words").at(0).at("bbox").as_array();
    REQUIRE(box.size() == 4);
    CHECK(box[2].to_number<double>() > box[0].to_number<double>());
    CHECK(page.at("lines").at(0).at("text").as_string() == "Total due 56.78");
    CHECK(page.at("text").as_string() == "Total due 56.78");
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

TEST_CASE("a PDF that needs a password fails with INVALID_DOCUMENT saying so", "[extract]") {
    // A standard security handler whose user password is not empty: /U matches no empty
    // password, so the document cannot be opened, whatever the rest holds.
    const std::string u(64, 'a'), o(64, 'b');
    const std::string pdf = "%PDF-1.4\n"
                            "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                            "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                            "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
                            "4 0 obj << /Filter /Standard /V 1 /R 2 /O <" + o + "> /U <" + u + "> /P -4 >> endobj\n"
                            "trailer << /Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>\n"
                            "%%EOF\n";
    auto r = extract::extract_document(pdf, "application/pdf", "generic");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_document);
    CHECK_THAT(r.error().message, Catch::Contains("password"));
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

namespace {
const std::string k_ocr_text =
    "Invoice 2024-117 from Northwind Traders\n"
    "Bill to Contoso Limited, 42 Harbour Street\n"
    "Item Quantity Price Total\n"
    "Paper clips 12 boxes 3.50 42.00\n"
    "Amount due within thirty days of receipt";
}

TEST_CASE("OCR recovers at least 95 % of the words of a clean 300 dpi render", "[extract][ocr]") {
    auto r = extract::extract_document(test::make_png(k_ocr_text, 300), "image/png", "invoice");
    REQUIRE(r);
    auto v = boost::json::parse(r->result_json);
    const auto& page = v.at("pages").at(0);
    CHECK(page.at("source").as_string() == "ocr");
    CHECK(test::word_accuracy(k_ocr_text, std::string(page.at("text").as_string())) >= 0.95);
    const auto& words = page.at("words").as_array();
    REQUIRE(words.size() >= 20);
    const auto& first = words.at(0).as_object();
    CHECK(first.at("text").as_string() == "Invoice");
    CHECK(first.at("bbox").as_array().size() == 4);
    CHECK(first.at("confidence").to_number<double>() > 50);
}

TEST_CASE("a rotated, speckled scan still reads", "[extract][ocr]") {
    auto r = extract::extract_document(test::make_png(k_ocr_text, 300, true), "image/png", "generic");
    REQUIRE(r);
    auto v = boost::json::parse(r->result_json);
    CHECK(test::word_accuracy(k_ocr_text, std::string(v.at("text").as_string())) >= 0.85);
}

TEST_CASE("a mixed PDF uses the text layer where there is one and OCR where there is not", "[extract][ocr]") {
    auto pdf = test::make_mixed_pdf({"Typed page with a real text layer", "Scanned page about quarterly revenue"}, {false, true});
    auto r = extract::extract_document(pdf, "application/pdf", "generic");
    REQUIRE(r);
    auto v = boost::json::parse(r->result_json);
    const auto& pages = v.at("pages").as_array();
    REQUIRE(pages.size() == 2);
    CHECK(pages.at(0).at("source").as_string() == "text_layer");
    CHECK(pages.at(0).at("unit").as_string() == "pt");
    CHECK(pages.at(1).at("source").as_string() == "ocr");
    CHECK(test::word_accuracy("Scanned page about quarterly revenue", std::string(pages.at(1).at("text").as_string())) >= 0.8);
}

TEST_CASE("every page of a multi-page TIFF is read", "[extract][ocr]") {
    auto tiff = test::make_tiff({"First page of the fax", "Second page of the fax", "Third page of the fax"});
    auto r = extract::extract_document(tiff, "image/tiff", "generic");
    REQUIRE(r);
    CHECK(r->pages == 3);
    auto v = boost::json::parse(r->result_json);
    CHECK(std::string(v.at("pages").at(2).at("text").as_string()).find("Third") != std::string::npos);
}

TEST_CASE("limits are checked before decoding: huge dimensions and too many pages", "[extract]") {
    // A PNG whose header claims 100000 x 100000 pixels, with no image data behind it.
    std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x00\0\0\0\0\0\0\0\0", 33);
    png += std::string(100, '\0'); // the start of an IDAT that never comes
    auto huge = extract::extract_document(png, "image/png", "generic");
    REQUIRE_FALSE(huge);
    CHECK(huge.error().code == errc::limit_exceeded);
    CHECK_FALSE(extract::is_retryable(errc::limit_exceeded));
    extract::options few;
    few.max_pages = 2;
    auto many = extract::extract_document(test::make_pdf({"1", "2", "3"}), "application/pdf", "generic", few);
    REQUIRE_FALSE(many);
    CHECK(many.error().code == errc::limit_exceeded);
    CHECK(extract::language_installed("eng"));
    CHECK_FALSE(extract::language_installed("klingon"));
    CHECK_FALSE(extract::language_installed("eng+klingon"));
}

TEST_CASE("JPEG, WEBP and BMP images are read like PNG", "[extract][ocr]") {
    const std::string text = "Delivery note 88 for Fabrikam";
    const auto png = test::make_png(text, 300);
    PIX* pix = pixReadMem(reinterpret_cast<const l_uint8*>(png.data()), png.size());
    REQUIRE(pix);
    for (auto [format, type] : {std::pair{IFF_JFIF_JPEG, "image/jpeg"}, std::pair{IFF_WEBP, "image/webp"}, std::pair{IFF_BMP, "image/bmp"}}) {
        INFO(type);
        l_uint8* data = nullptr;
        size_t size = 0;
        REQUIRE(pixWriteMem(&data, &size, pix, format) == 0);
        const std::string bytes(reinterpret_cast<const char*>(data), size);
        lept_free(data);
        auto r = extract::extract_document(bytes, type, "generic");
        REQUIRE(r);
        auto v = boost::json::parse(r->result_json);
        CHECK(test::word_accuracy(text, std::string(v.at("text").as_string())) >= 0.8);
    }
    pixDestroy(&pix);
}

TEST_CASE("extraction reports progress page by page", "[extract]") {
    std::vector<std::pair<std::int64_t, std::int64_t>> seen;
    extract::options opt;
    opt.on_page = [&](std::int64_t done, std::int64_t total) { seen.emplace_back(done, total); };
    auto r = extract::extract_document(test::make_pdf({"a", "b", "c"}), "application/pdf", "generic", opt);
    REQUIRE(r);
    CHECK(seen == std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 3}, {2, 3}, {3, 3}});
}

TEST_CASE("words are grouped into lines by vertical overlap", "[extract]") {
    std::vector<extract::word> words = {{"Total", 10, 100, 50, 112}, {"due:", 55, 101, 80, 113}, {"42.00", 90, 99, 130, 111},
                                        {"Thank", 10, 130, 50, 142}, {"you", 55, 130, 80, 142}};
    auto lines = extract::group_lines(words);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].text == "Total due: 42.00");
    CHECK(lines[0].x0 == 10);
    CHECK(lines[0].x1 == 130);
    CHECK(lines[0].y0 == 99);
    CHECK(lines[1].text == "Thank you");
    auto pdf = extract::extract_document(test::make_pdf({"first line here\nsecond line there"}), "application/pdf", "generic");
    REQUIRE(pdf);
    auto v = boost::json::parse(pdf->result_json);
    const auto& pl = v.at("pages").at(0).at("lines").as_array();
    REQUIRE(pl.size() == 2);
    CHECK(pl.at(0).at("text").as_string() == "first line here");
    CHECK(pl.at(1).at("text").as_string() == "second line there");
}

TEST_CASE("page ranges of a document merge into exactly the whole document's result", "[extract]") {
    auto pdf = test::make_pdf({"alpha page", "bravo page", "charlie page", "delta page", "echo page"});
    auto whole = extract::extract_document(pdf, "application/pdf", "invoice");
    REQUIRE(whole);
    std::vector<std::string> parts;
    for (auto [first, count] : {std::pair<std::int64_t, std::int64_t>{0, 1}, {1, 2}, {3, -1}}) {
        extract::options opt;
        opt.first_page = first;
        opt.page_count = count;
        auto part = extract::extract_document(pdf, "application/pdf", "invoice", opt);
        REQUIRE(part);
        CHECK(part->pages == 5); // the document's page count, whatever the range
        parts.push_back(part->result_json);
    }
    CHECK_THAT(parts[1], Catch::Contains(R"("number":2)") && Catch::Contains("charlie") && !Catch::Contains("alpha"));
    auto merged = extract::merge_results(parts);
    REQUIRE(merged);
    // The parts carry no typed fields; added to the merged result, they are the whole's.
    CHECK_THAT(*merged, !Catch::Contains(R"("fields":)"));
    auto typed = extract::add_fields(*merged, "invoice", {});
    REQUIRE(typed);
    CHECK(*typed == whole->result_json);

    extract::options past;
    past.first_page = 5;
    auto r = extract::extract_document(pdf, "application/pdf", "invoice", past);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_document);
    CHECK_FALSE(extract::merge_results({parts[0], "not json"}));
    CHECK_FALSE(extract::merge_results({}));
}

TEST_CASE("a range of a multi-page TIFF decodes only its pages", "[extract][ocr]") {
    auto tiff = test::make_tiff({"First page of the fax", "Second page of the fax", "Third page of the fax"});
    extract::options opt;
    opt.first_page = 2;
    opt.page_count = 5;
    auto r = extract::extract_document(tiff, "image/tiff", "generic", opt);
    REQUIRE(r);
    CHECK(r->pages == 3);
    auto v = boost::json::parse(r->result_json);
    REQUIRE(v.at("pages").as_array().size() == 1);
    CHECK(v.at("pages").at(0).at("number").as_int64() == 3);
    CHECK(std::string(v.at("text").as_string()).find("Third") != std::string::npos);
}

TEST_CASE("a split document's pieces hold about 250 ms of work and share the rest evenly", "[extract]") {
    using namespace std::chrono_literals;
    CHECK(extract::pages_per_piece(1100ms, 199, 2) == 1);    // OCR: a page at a time
    CHECK(extract::pages_per_piece(1ms, 7999, 2) == 250);    // text layer: 250 ms of pages
    CHECK(extract::pages_per_piece(1ms, 100, 2) == 50);      // never more than an even share
    CHECK(extract::pages_per_piece(1ms, 101, 2) == 51);
    CHECK(extract::pages_per_piece(0ns, 10, 1) == 10);
    CHECK(extract::pages_per_piece(1ms, 0, 2) == 0);
}

TEST_CASE("a worker process's start-up does not count against the request's deadline", "[extract][sandbox]") {
    // A worker that takes 600 ms to start, and a request with 300 ms to run: the start-up must
    // not use up the request's time (it would fail EXTRACTION_TIMEOUT before reading a byte).
    test::temp_dir dir;
    const auto slow_start = dir.path() / "slow-worker";
    std::ofstream(slow_start) << "#!/bin/sh\nsleep 0.6\nexec " << DOCKET_BINARY << " \"$@\"\n";
    std::filesystem::permissions(slow_start, std::filesystem::perms::owner_all);
    sandbox::child child(slow_start.string(), {});
    extract::document_request req{"one page of text", "text/plain", "generic", {}, sandbox::steady::now() + std::chrono::milliseconds(300)};
    auto r = extract::extract_in(child, req);
    REQUIRE(r);
    CHECK(r->pages == 1);
    CHECK_THAT(r->result_json, Catch::Contains("one page of text"));
}
