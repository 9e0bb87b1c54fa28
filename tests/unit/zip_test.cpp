#include "../support/fixtures.hpp"
#include "../support/outcome_printer.hpp"

#include <docket/intake/sniff.hpp>
#include <docket/intake/zip.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <map>
#include <unistd.h>

using namespace docket;
using namespace docket::intake;

TEST_CASE("a ZIP yields its supported documents and lists what it skipped", "[intake][zip]") {
    const auto pdf = test::make_pdf({"inside"});
    auto zip = test::make_zip({{"invoices/", ""},
                               {"invoices/a.pdf", pdf},
                               {"invoices/2024/b.txt", "plain text document"},
                               {"../../etc/passwd.pdf", pdf},
                               {"/absolute/c.pdf", pdf},
                               {".DS_Store", "junk"},
                               {"__MACOSX/._a.pdf", "junk"},
                               {"tool.exe", std::string("MZ\x90\0\x03\0\0\0", 8)},
                               {"link.pdf", "invoices/a.pdf", true}});
    auto r = unpack_zip(zip, {});
    REQUIRE(r);
    std::vector<std::string> names;
    for (const auto& d : r->documents) names.push_back(d.name);
    CHECK(names == std::vector<std::string>{"invoices/a.pdf", "invoices/2024/b.txt", "../../etc/passwd.pdf", "/absolute/c.pdf"});
    CHECK(r->documents[0].bytes == pdf);
    CHECK(r->documents[1].media_type == "text/plain");
    std::map<std::string, std::string> skipped;
    for (const auto& s : r->skipped) skipped[s.name] = s.reason;
    CHECK(skipped["invoices/"] == "directory");
    CHECK(skipped[".DS_Store"] == "hidden or system file");
    CHECK(skipped["__MACOSX/._a.pdf"] == "hidden or system file");
    CHECK(skipped["tool.exe"] == "unsupported type");
    CHECK(skipped["link.pdf"] == "symbolic link");
}

TEST_CASE("a ZIP is told by its local file header, and OOXML, OpenDocument and EPUB are not batches", "[intake][zip]") {
    const auto pdf = test::make_pdf({"first of two"});
    // Stored without compression, the first entry's "%PDF-" sits within the archive's first KiB.
    const auto stored = test::make_zip({{"a.pdf", pdf, false, true}, {"b.txt", "second document", false, true}});
    REQUIRE(stored.substr(0, 1024).find("%PDF-") != std::string::npos);
    CHECK(sniff_media_type(stored) == "application/zip");
    auto r = unpack_zip(stored, {});
    REQUIRE(r);
    CHECK(r->documents.size() == 2);

    const auto odt = test::make_zip({{"mimetype", "application/vnd.oasis.opendocument.text", false, true},
                                     {"content.xml", "<office:document-content/>"}});
    CHECK_FALSE(sniff_media_type(odt));
    const auto epub = test::make_zip({{"mimetype", "application/epub+zip", false, true}, {"a.pdf", pdf}});
    CHECK_FALSE(sniff_media_type(epub));
    const auto docx = test::make_zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}});
    CHECK_FALSE(sniff_media_type(docx));
    // The manifest need not come first: the archive's directory tells.
    const auto late = test::make_zip({{"a.pdf", pdf}, {"[Content_Types].xml", "<Types/>"}});
    CHECK(sniff_media_type(late) == "application/zip");
    auto refused = unpack_zip(late, {});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == errc::unsupported_media_type);
}

TEST_CASE("ZIP bombs, too many entries and too much data are refused on the real bytes", "[intake][zip]") {
    auto bomb = test::make_zip({{"zeros.txt", std::string(64 << 20, 'a')}});
    CHECK(bomb.size() < (1 << 20));
    auto b = unpack_zip(bomb, {});
    REQUIRE_FALSE(b);
    CHECK(b.error().code == errc::limit_exceeded);
    CHECK_THAT(b.error().message, Catch::Contains("bomb"));

    std::vector<test::zip_item> many;
    for (int i = 0; i < 10000; ++i) many.push_back({"f" + std::to_string(i) + ".txt", "x"});
    auto m = unpack_zip(test::make_zip(many), {});
    REQUIRE_FALSE(m);
    CHECK(m.error().code == errc::limit_exceeded);
    CHECK_THAT(m.error().message, Catch::Contains("10000 entries"));

    zip_limits small;
    small.max_total = 1 << 20;
    std::string text;
    while (text.size() < (700 << 10)) text += "words that do not compress all that well 0123456789 ";
    auto t = unpack_zip(test::make_zip({{"a.txt", text}, {"b.txt", text}}), small);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == errc::limit_exceeded);

    CHECK(unpack_zip("PK\x03\x04 broken", {}).error().code == errc::invalid_document);
    CHECK(unpack_zip(test::make_zip({{"only.exe", std::string("MZ\0\0", 4)}}), {}).error().code == errc::invalid_document);
}

TEST_CASE("a ZIP is opened in a worker process: same contents, and a dead worker fails only that request", "[intake][zip][sandbox]") {
    const auto pdf = test::make_pdf({"inside"});
    auto zip = test::make_zip({{"a.pdf", pdf}, {"notes/b.txt", "plain"}, {".hidden", "x"}});
    sandbox::child child(DOCKET_BINARY, {});
    auto r = unpack_zip_in(child, zip, {});
    REQUIRE(r);
    REQUIRE(r->documents.size() == 2);
    CHECK(r->documents[0].name == "a.pdf");
    CHECK(r->documents[0].bytes == pdf);
    CHECK(r->documents[0].media_type == "application/pdf");
    CHECK(r->documents[1].bytes == "plain");
    REQUIRE(r->skipped.size() == 1);
    CHECK(r->skipped[0].reason == "hidden or system file");
    REQUIRE(child.pid() > 0);
    CHECK(child.pid() != ::getpid());

    // The archive's own errors come back as they are.
    auto bomb = unpack_zip_in(child, test::make_zip({{"zeros.txt", std::string(8 << 20, 'a')}}), {});
    REQUIRE_FALSE(bomb);
    CHECK(bomb.error().code == errc::limit_exceeded);

    ::kill(child.pid(), SIGKILL);
    auto lost = unpack_zip_in(child, zip, {});
    REQUIRE_FALSE(lost);
    CHECK(lost.error().code == errc::extraction_crashed);
    CHECK_THAT(lost.error().message, Catch::StartsWith("unpacking the ZIP failed"));
    auto again = unpack_zip_in(child, zip, {}); // a fresh worker takes over
    REQUIRE(again);
    CHECK(again->documents.size() == 2);
}
