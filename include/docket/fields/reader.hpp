#pragma once
// Typed fields from an extracted document: invoices, receipts, bank statements, and key-values
// and tables for any document. A pure function of the pages' words and boxes (no I/O, no
// clock); it runs in the worker processes after the whole document is extracted.

#include <docket/fields/layout.hpp>
#include <docket/fields/values.hpp>

#include <optional>
#include <string>
#include <vector>

namespace docket::fields {

struct options {
    std::string document_type = "generic"; //!< generic, invoice, receipt, bank_statement or auto
    std::string language;                  //!< the job's tesseract spec ("deu+eng"): a hint for dates
    std::string locale;                    //!< "en-US", "de-DE"…: decides 01/05 vs 05/01 when the page can't
    double min_confidence = 0.8;           //!< fields below it are listed in needs_review
};

//! One value with its evidence.
struct found {
    std::string value;       //!< as written in JSON: amounts "3850.00", dates "2026-05-01", text
    bool number = false;     //!< a JSON number (quantities), not a string
    double confidence = 0;   //!< 0-1
    std::int64_t page = 0;
    box b;
    std::string text;        //!< the printed text it was read from
    std::string label;       //!< the label it was anchored on, if any
    std::string note;        //!< e.g. how an ambiguous date was resolved
};

struct line_item {
    std::optional<found> description, quantity, unit_price, total;
    std::int64_t page = 0;
    box b;
};

struct transaction {
    std::optional<found> date, description, amount, balance;
    std::int64_t page = 0;
    box b;
};

struct key_value {
    std::string key, value;
    std::int64_t page = 0;
    box b;
};

struct table {
    std::int64_t page = 0;
    box b;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

struct check {
    std::string name;                 //!< e.g. "subtotal_plus_tax_equals_total"
    bool passed = false;
    std::vector<std::string> fields;  //!< the fields it involves
    std::string detail;               //!< the figures compared
};

struct named {
    std::string name;
    std::optional<found> value;
};

struct analysis {
    std::string type;                     //!< the type the fields are of (the asked or classified one)
    std::optional<found> classification;  //!< for auto: value = type, with its confidence
    std::vector<named> fields;            //!< the type's scalar fields, in schema order (null = not found)
    std::vector<line_item> line_items;    //!< invoice, receipt
    std::vector<transaction> transactions; //!< bank_statement
    std::optional<bool> reconciled;       //!< bank_statement: balances agree with the amounts
    std::vector<key_value> key_values;
    std::vector<table> tables;
    std::vector<check> checks;
    double confidence = 0;
    std::vector<std::string> needs_review;

    const found* field(std::string_view name) const;
};

//! Reads the document. Never fails: what is not found is null, with nothing invented.
analysis analyze(const std::vector<page>& pages, const options& opt);

//! The analysis as the members of the result object: `"fields":{…},"evidence":{…},…` with no
//! braces around, to be spliced into the result JSON.
std::string render_members(const analysis& a);

//! Just the typed part as one JSON object (GET …/result?view=fields and the webhook's data).
std::string render_fields_view(const analysis& a);

} // namespace docket::fields
