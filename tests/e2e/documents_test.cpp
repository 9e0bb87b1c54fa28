#include "../support/fixtures.hpp"
#include "../support/server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

namespace {
http_response submit_file(http_client& c, const docket_server& srv, const std::string& name, const std::string& bytes,
                          const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    auto [type, body] = multipart(fields, name, bytes, "application/octet-stream");
    auto headers = srv.auth();
    headers.emplace_back("Content-Type", type);
    return c.request("POST", "/v1/jobs", headers, body);
}
} // namespace

TEST_CASE("images are OCR'd through the API, with the page source and word boxes in the result", "[e2e][ocr]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    const std::string text = "Receipt number 5521\nTotal paid 18.40 by card";
    auto r = submit_file(c, srv, "photo.png", make_png(text), {{"document_type", "receipt"}, {"language", "eng"}});
    REQUIRE(r.status == 202);
    const auto id = json_str(parse_json(r.body), "id");
    auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}, 60s);
    REQUIRE(json_str(job, "status") == "succeeded");
    CHECK(json_str(job.at("document"), "media_type") == "image/png");
    auto result = parse_json(c.request("GET", "/v1/jobs/" + id + "/result", srv.auth()).body);
    const auto& page = result.at("pages").at(0);
    CHECK(json_str(page, "source") == "ocr");
    CHECK(word_accuracy(text, json_str(page, "text")) >= 0.9);
    CHECK(page.at("words").as_array().size() >= 8);

    auto tiff = submit_file(c, srv, "fax.tif", make_tiff({"one", "two", "three"}));
    REQUIRE(tiff.status == 202);
    auto tjob = wait_for_status(c, srv.auth(), json_str(parse_json(tiff.body), "id"), {"succeeded", "failed"}, 60s);
    CHECK(tjob.at("document").at("pages").as_int64() == 3);
}

TEST_CASE("an OCR language that is not installed is a 400 at submission", "[e2e][ocr]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    auto r = submit_file(c, srv, "photo.png", make_png("hello"), {{"language", "qya"}});
    CHECK(r.status == 400);
    CHECK(r.body.find("no OCR data installed") != std::string::npos);
}

TEST_CASE("an image claiming huge dimensions fails its job at once, before decoding", "[e2e][ocr]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x00\0\0\0\0\0\0\0\0", 33);
    png += std::string(1000, '\0');
    auto r = submit_file(c, srv, "bomb.png", png);
    REQUIRE(r.status == 202);
    auto job = wait_for_status(c, srv.auth(), json_str(parse_json(r.body), "id"), {"succeeded", "failed"}, 20s);
    CHECK(json_str(job, "status") == "failed");
    CHECK(json_str(job.at("error"), "code") == "LIMIT_EXCEEDED");
    CHECK(job.at("attempts").as_int64() == 1);
    CHECK(c.request("GET", "/healthz").status == 200);
}
