// A fixed subset of `docket bench fields`'s generated corpus, read through the real extractor:
// born-digital documents must come out exactly as their truth, so a regression in any rule
// fails here; scans must stay above a floor.

#include "../support/outcome_printer.hpp"
#include "../../bench/fields_corpus.hpp"
#include "../../bench/fields_score.hpp"

#include <docket/extract/extractor.hpp>
#include <docket/fields/values.hpp>

#include <boost/json.hpp>
#include <algorithm>
#include <catch2/catch.hpp>

using namespace docket;

namespace {

boost::json::value read(const bench::truth_doc& d) {
    extract::options opt;
    opt.locale = d.locale;
    auto r = extract::extract_document(d.bytes, d.media_type, d.type, opt);
    REQUIRE(r);
    return boost::json::parse(r->result_json);
}

bench::expected truth_of(const bench::truth_doc& d) { return bench::expected_of(d); }

} // namespace

TEST_CASE("the generator's truth adds up and is repeatable", "[fields][corpus]") {
    const auto a = bench::make_fields_corpus({4, 0.0, 11});
    const auto b = bench::make_fields_corpus({4, 0.0, 11});
    REQUIRE(a.size() == 12);
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO(a[i].name);
        CHECK(a[i].bytes == b[i].bytes);
        if (a[i].type == "invoice") {
            fields::amount sum;
            for (const auto& item : a[i].items) sum = fields::add(sum, *fields::parse_amount(item.at("total")));
            CHECK(fields::same_value(sum, *fields::parse_amount(a[i].fields.at("subtotal"))));
        }
        if (a[i].type == "bank_statement") {
            auto run = *fields::parse_amount(a[i].fields.at("opening_balance"));
            for (const auto& t : a[i].items) run = fields::add(run, *fields::parse_amount(t.at("amount")));
            CHECK(fields::same_value(run, *fields::parse_amount(a[i].fields.at("closing_balance"))));
        }
    }
}

TEST_CASE("born-digital invoices, receipts and statements read exactly as their truth", "[fields][corpus]") {
    for (const auto& d : bench::make_fields_corpus({8, 0.0, 2026})) {
        INFO(d.name);
        const auto result = read(d);
        const auto diffs = bench::scoreboard::differences(truth_of(d), result);
        std::string all;
        for (const auto& x : diffs) all += x + "\n";
        INFO(all);
        CHECK(diffs.empty());
        if (d.type == "bank_statement") CHECK(result.at("fields").at("reconciled").as_bool());
    }
}

TEST_CASE("scans of the generated documents stay above a floor", "[fields][corpus][ocr]") {
    bench::scoreboard board;
    for (const auto& d : bench::make_fields_corpus({2, 1.0, 7}))
        if (d.scanned) board.add(truth_of(d), read(d));
    for (const auto& [type, t] : board.types) {
        INFO(type << " F1 " << t.f1());
        CHECK(t.f1() >= 0.75);
    }
}

TEST_CASE("OCR reads again what the page's reading was unsure of: a column of single digits", "[fields][corpus][ocr]") {
    // One of the generated scans whose quantity column (1s and 2s under "Qty") tesseract's page
    // segmentation takes for one tall block of garbage; read again as a block, the column comes
    // back. Deterministic: the generator and tesseract give the same pixels and words each run.
    const auto docs = bench::make_fields_corpus({12, 0.5, 1});
    const auto it = std::find_if(docs.begin(), docs.end(), [](const bench::truth_doc& d) { return d.name == "invoice_8_en_scan"; });
    REQUIRE(it != docs.end());
    REQUIRE(it->scanned);
    const auto result = read(*it);
    const auto& items = result.at("fields").at("line_items").as_array();
    REQUIRE(items.size() == it->items.size());
    std::size_t right = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& q = items[i].at("quantity");
        INFO("row " << i << ": " << boost::json::serialize(q) << " for " << it->items[i].at("quantity"));
        if (!q.is_null() && boost::json::serialize(q) == it->items[i].at("quantity")) ++right;
    }
    CHECK(right == items.size());
}

TEST_CASE("a receipt is OCR'd as one column of lines, so its figures stay on their labels' lines", "[fields][corpus][ocr]") {
    // A generated receipt scan whose figure column tesseract's automatic segmentation reads as a
    // block apart and partly loses; read as one column, all but one of its values come out.
    // Deterministic, as above. As a generic document (automatic layout) it misses three.
    const auto docs = bench::make_fields_corpus({8, 0.5, 2});
    const auto it = std::find_if(docs.begin(), docs.end(), [](const bench::truth_doc& d) { return d.name == "receipt_5_en_scan"; });
    REQUIRE(it != docs.end());
    REQUIRE(it->scanned);
    const auto diffs = bench::scoreboard::differences(truth_of(*it), read(*it));
    std::string all;
    for (const auto& x : diffs) all += x + "\n";
    INFO(all);
    CHECK(diffs.size() <= 1);
}
