// Typed fields through the real service: an invoice's webhook carries its fields, evidence and
// checks; the fields view and the CSV rows; auto classification; fields inline when the result
// itself goes by URL.

#include "../support/fixtures.hpp"
#include "../support/receiver.hpp"
#include "../support/server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace docket;
using namespace docket::test;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> k_invoice = {
    "Harbour Supplies Ltd\n"
    "1 Quay Road, Bristol\n"
    "INVOICE\n"
    "Invoice No: HS-1042            Invoice Date: 2026-03-02\n"
    "Due Date: 2026-04-01\n"
    "Description               Qty          Unit Price          Amount\n"
    "Rope 20 m                 3              4.50               13.50\n"
    "Anchor chain              1             30.00               30.00\n"
    "Subtotal                                                    43.50\n"
    "VAT 20%                                                      8.70\n"
    "Total                                                   GBP 52.20\n"};

std::vector<std::string> webhooks_on_loopback(std::vector<std::string> more = {}) {
    std::vector<std::string> a{"--webhook-allow-http", "true", "--webhook-allow-cidrs", "127.0.0.0/8"};
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

const boost::json::value& check_named(const boost::json::value& checks, const std::string& name) {
    for (const auto& k : checks.as_array())
        if (k.at("name").as_string() == name) return k;
    FAIL("no check " << name << " in " << boost::json::serialize(checks));
    return checks;
}

} // namespace

TEST_CASE("an invoice submitted with a webhook arrives with its fields, evidence and checks", "[e2e][fields]") {
    webhook_receiver receiver;
    docket_server srv(webhooks_on_loopback());
    srv.start();
    auto c = srv.client();
    auto r = submit(c, srv.auth(), make_pdf(k_invoice), {{"document_type", "invoice"}, {"webhook_url", receiver.url()}});
    REQUIRE(r.status == 202);
    const auto id = json_str(parse_json(r.body), "id");
    REQUIRE(receiver.wait_for(1, 60s));
    const auto event = parse_json(receiver.requests().at(0).body);
    CHECK(json_str(event, "type") == "document.completed");
    const auto& result = event.at("data").at("result");
    const auto& f = result.at("fields");
    CHECK(f.at("merchant").as_string() == "Harbour Supplies Ltd");
    CHECK(f.at("invoice_id").as_string() == "HS-1042");
    CHECK(f.at("date").as_string() == "2026-03-02");
    CHECK(f.at("due_date").as_string() == "2026-04-01");
    CHECK(f.at("currency").as_string() == "GBP");
    CHECK(f.at("subtotal").as_string() == "43.50");
    CHECK(f.at("tax").as_string() == "8.70");
    CHECK(f.at("total").as_string() == "52.20");
    CHECK(f.at("purchase_order").is_null());
    const auto& items = f.at("line_items").as_array();
    REQUIRE(items.size() == 2);
    CHECK(items[0].at("description").as_string() == "Rope 20 m");
    CHECK(items[0].at("quantity").to_number<double>() == 3);
    CHECK(items[0].at("unit_price").as_string() == "4.50");
    CHECK(items[1].at("total").as_string() == "30.00");
    const auto& ev = result.at("evidence").at("total");
    CHECK(ev.at("page").as_int64() == 1);
    CHECK(ev.at("bbox").as_array().size() == 4);
    CHECK(ev.at("confidence").to_number<double>() > 0.9);
    CHECK(check_named(result.at("checks"), "subtotal_plus_tax_equals_total").at("passed").as_bool());
    CHECK(check_named(result.at("checks"), "line_totals_equal_subtotal").at("passed").as_bool());
    CHECK(result.at("needs_review").is_array());

    // Polling gives the same typed part; the fields view is exactly the result's own bytes.
    auto full = c.request("GET", "/v1/jobs/" + id + "/result", srv.auth());
    auto view = c.request("GET", "/v1/jobs/" + id + "/result?view=fields", srv.auth());
    REQUIRE(view.status == 200);
    CHECK(full.body.find(view.body.substr(1, view.body.size() - 2)) != std::string::npos);
    CHECK(parse_json(view.body).at("fields").at("total").as_string() == "52.20");
    CHECK_FALSE(parse_json(view.body).as_object().contains("pages"));

    // CSV: one row per line item, the document's fields repeated.
    auto csv = c.request("GET", "/v1/jobs/" + id + "/result?format=csv", srv.auth());
    REQUIRE(csv.status == 200);
    CHECK(csv.body.find("item_description,item_quantity,item_unit_price,item_total\r\n") != std::string::npos);
    CHECK(csv.body.find("\"HS-1042\"") != std::string::npos);
    CHECK(csv.body.find("\"Anchor chain\",\"1\",\"30.00\",\"30.00\"\r\n") != std::string::npos);
    auto pages = c.request("GET", "/v1/jobs/" + id + "/result?format=csv&view=pages", srv.auth());
    CHECK(pages.body.rfind("page,text\r\n", 0) == 0);
    CHECK(c.request("GET", "/v1/jobs/" + id + "/result?view=nope", srv.auth()).status == 400);
}

TEST_CASE("auto classifies each type and says so", "[e2e][fields]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    struct doc {
        std::string name, bytes, type;
    };
    const std::vector<doc> docs = {
        {"invoice.pdf", make_pdf(k_invoice), "invoice"},
        {"receipt.txt",
         "CORNER CAFE\nCASH BILL\nCashier: 2   Table: 4\nLatte              4.20\nCroissant          2.80\n"
         "TOTAL              7.00\nCASH              10.00\nCHANGE             3.00\nTHANK YOU\n",
         "receipt"},
        {"statement.txt",
         "Riverside Bank\nAccount statement\nStatement period 01/02/2026 to 28/02/2026\n"
         "Opening balance                      500.00\n"
         "03/02/2026   Deposit                  100.00      600.00\n"
         "10/02/2026   Card purchase             20.00      580.00\n"
         "Closing balance                      580.00\n",
         "bank_statement"},
    };
    std::vector<std::string> ids;
    for (const auto& d : docs) {
        auto r = submit(c, srv.auth(), d.bytes, {{"document_type", "auto"}});
        REQUIRE(r.status == 202);
        ids.push_back(json_str(parse_json(r.body), "id"));
    }
    for (std::size_t i = 0; i < docs.size(); ++i) {
        auto job = wait_for_status(c, srv.auth(), ids[i], {"succeeded", "failed"}, 60s);
        REQUIRE(json_str(job, "status") == "succeeded");
        CHECK(json_str(job, "document_type") == "auto");
        auto result = parse_json(c.request("GET", "/v1/jobs/" + ids[i] + "/result?view=fields", srv.auth()).body);
        CHECK(result.at("classification").at("type").as_string() == docs[i].type);
        CHECK(result.at("classification").at("confidence").to_number<double>() > 0.34);
    }
    auto statement = parse_json(c.request("GET", "/v1/jobs/" + ids[2] + "/result?view=fields", srv.auth()).body);
    CHECK(statement.at("fields").at("transactions").as_array().size() == 2);
    CHECK(statement.at("fields").at("transactions").at(1).at("amount").as_string() == "-20.00");
    CHECK(statement.at("fields").at("reconciled").as_bool());
}

TEST_CASE("min_confidence and locale are checked at submission and change the reading", "[e2e][fields]") {
    docket_server srv;
    srv.start();
    auto c = srv.client();
    const std::string doc = "Invoice No: 7\nInvoice Date: 03/04/2026\nTotal 9.00\n";
    CHECK(submit(c, srv.auth(), doc, {{"min_confidence", "1.5"}}).status == 400);
    CHECK(submit(c, srv.auth(), doc, {{"locale", "en US!"}}).status == 400);
    CHECK(submit(c, srv.auth(), doc, {{"document_type", "letter"}}).status == 400);
    auto r = submit(c, srv.auth(), doc, {{"document_type", "invoice"}, {"locale", "en-US"}, {"min_confidence", "0.99"}});
    REQUIRE(r.status == 202);
    const auto id = json_str(parse_json(r.body), "id");
    auto job = wait_for_status(c, srv.auth(), id, {"succeeded", "failed"}, 60s);
    REQUIRE(json_str(job, "status") == "succeeded");
    CHECK(json_str(job, "locale") == "en-US");
    auto v = parse_json(c.request("GET", "/v1/jobs/" + id + "/result?view=fields", srv.auth()).body);
    CHECK(v.at("fields").at("date").as_string() == "2026-03-04");
    // Nothing reaches 0.99: every field found is up for review.
    CHECK(v.at("needs_review").as_array().size() >= 3);
}

TEST_CASE("a result too large to go inline still carries its fields in the webhook", "[e2e][fields]") {
    webhook_receiver receiver;
    docket_server srv(webhooks_on_loopback({"--webhook-max-inline-result", "1KiB"}));
    srv.start();
    auto c = srv.client();
    auto r = submit(c, srv.auth(), make_pdf(k_invoice), {{"document_type", "invoice"}, {"webhook_url", receiver.url()}});
    REQUIRE(r.status == 202);
    REQUIRE(receiver.wait_for(1, 60s));
    const auto data = parse_json(receiver.requests().at(0).body).at("data");
    CHECK_FALSE(data.as_object().contains("result"));
    CHECK(data.as_object().contains("result_url"));
    CHECK(data.at("fields").at("total").as_string() == "52.20");
    CHECK(data.at("confidence").to_number<double>() > 0);
    CHECK(data.at("needs_review").is_array());
}
