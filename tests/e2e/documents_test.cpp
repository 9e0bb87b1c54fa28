#include "../support/fixtures.hpp"
#include "../support/receiver.hpp"
#include "../support/server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <thread>

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

TEST_CASE("a ZIP of 20 mixed files: 20 child jobs, 20 webhooks and one batch.completed with the counts", "[e2e][zip]") {
    webhook_receiver receiver;
    docket_server srv({"--webhook-allow-http", "true", "--webhook-allow-cidrs", "127.0.0.0/8"});
    srv.start();
    auto c = srv.client();
    std::vector<zip_item> items;
    for (int i = 0; i < 10; ++i) items.push_back({"pdf/doc" + std::to_string(i) + ".pdf", make_pdf({"zip document " + std::to_string(i)})});
    for (int i = 0; i < 3; ++i) items.push_back({"scans/page" + std::to_string(i) + ".png", make_png("scanned page " + std::to_string(i))});
    for (int i = 0; i < 5; ++i) items.push_back({"notes/n" + std::to_string(i) + ".txt", "note number " + std::to_string(i)});
    items.push_back({"bad/broken.pdf", "%PDF-1.5\n" + std::string(3000, '\x01')});
    items.push_back({"../outside.pdf", "%PDF-1.5\n" + std::string(3000, '\x02')});
    items.push_back({".hidden.pdf", make_pdf({"hidden"})});
    items.push_back({"folder/", ""});
    auto r = submit_file(c, srv, "bundle.zip", make_zip(items), {{"webhook_url", receiver.url()}, {"metadata", R"({"run":9})"}});
    REQUIRE(r.status == 202);
    auto accepted = parse_json(r.body);
    const auto batch_id = json_str(accepted, "batch_id");
    REQUIRE(accepted.at("jobs").as_array().size() == 20);
    CHECK(accepted.at("skipped").as_array().size() == 2);

    REQUIRE(receiver.wait_for(21, 120s));
    std::this_thread::sleep_for(300ms); // a late duplicate would show up here
    int documents = 0, completions = 0;
    boost::json::value completion;
    for (const auto& req : receiver.requests()) {
        auto body = parse_json(req.body);
        const auto type = json_str(body, "type");
        if (type == "batch.completed") {
            ++completions;
            completion = body;
        } else {
            ++documents;
        }
    }
    CHECK(documents == 20);
    REQUIRE(completions == 1);
    const auto& data = completion.at("data");
    CHECK(json_str(data, "batch_id") == batch_id);
    CHECK(data.at("total").as_int64() == 20);
    CHECK(data.at("succeeded").as_int64() == 18);
    CHECK(data.at("failed").as_int64() == 2);
    CHECK(data.at("metadata").at("run").as_int64() == 9);

    auto view = parse_json(c.request("GET", "/v1/batches/" + batch_id, srv.auth()).body);
    CHECK(json_str(view, "status") == "completed");
    CHECK(view.at("counts").at("succeeded").as_int64() == 18);
    CHECK(view.at("counts").at("failed").as_int64() == 2);
    auto child = parse_json(c.request("GET", "/v1/jobs/" + json_str(view.at("jobs").at(0), "id"), srv.auth()).body);
    CHECK(json_str(child, "batch_id") == batch_id);
}

TEST_CASE("a stored ZIP whose first entry is a PDF is a batch; a .docx is 415, not a batch", "[e2e][zip]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    const auto stored = make_zip({{"one.pdf", make_pdf({"stored one"}), false, true}, {"two.pdf", make_pdf({"stored two"}), false, true}});
    auto r = submit_file(c, srv, "stored.zip", stored);
    REQUIRE(r.status == 202);
    const auto accepted = parse_json(r.body);
    CHECK(accepted.as_object().contains("batch_id"));
    CHECK(accepted.at("jobs").as_array().size() == 2);
    const auto docx = make_zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}});
    auto office = submit_file(c, srv, "letter.docx", docx);
    CHECK(office.status == 415);
    CHECK(office.body.find("UNSUPPORTED_MEDIA_TYPE") != std::string::npos);
    const auto late = make_zip({{"a.pdf", make_pdf({"x"})}, {"[Content_Types].xml", "<Types/>"}});
    auto late_office = submit_file(c, srv, "sheet.xlsx", late);
    CHECK(late_office.status == 415);
    CHECK(late_office.body.find("UNSUPPORTED_MEDIA_TYPE") != std::string::npos);
}

TEST_CASE("ZIP bombs and ZIPs with 10,000 entries are refused at once", "[e2e][zip]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    auto bomb = submit_file(c, srv, "bomb.zip", make_zip({{"a.txt", std::string(200 << 20, 'a')}}));
    CHECK(bomb.status == 422);
    CHECK(bomb.body.find("LIMIT_EXCEEDED") != std::string::npos);
    std::vector<zip_item> many;
    for (int i = 0; i < 10000; ++i) many.push_back({"f" + std::to_string(i) + ".txt", "x"});
    auto crowd = submit_file(c, srv, "many.zip", make_zip(many));
    CHECK(crowd.status == 422);
    CHECK(c.request("GET", "/healthz").status == 200);
}
