#pragma once
// Invoices, receipts and bank statements with known truth, made on the spot for `docket bench
// fields` and the tests: many layouts, fonts, label wordings, languages, date and number
// formats and currencies, born-digital (a PDF text layer) or as degraded scans.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace docket::bench {

struct truth_doc {
    std::string name;
    std::string type;          //!< invoice, receipt, bank_statement
    std::string media_type;    //!< application/pdf or image/jpeg
    std::string bytes;
    bool scanned = false;
    std::string locale;        //!< what a client would submit with it ("en-US" for US dates)
    std::map<std::string, std::string> fields;              //!< scalar truth, as docket should write it
    std::vector<std::map<std::string, std::string>> items;  //!< line items or transactions
    bool reconciles = false;   //!< a statement whose balances add up
};

struct corpus_options {
    unsigned per_type = 200;    //!< documents of each type
    double scanned_share = 0.5; //!< of them rendered and degraded as scans
    std::uint32_t seed = 1;
};

//! The documents, the same for the same options.
std::vector<truth_doc> make_fields_corpus(const corpus_options& o);

//! A grey page image of a PDF's first page at `dpi`, degraded like a scan or a phone photo
//! (turned, blurred, speckled, faded, JPEG-compressed by `seed`), as JPEG bytes.
std::string scan_of(const std::string& pdf, int dpi, std::uint32_t seed);

} // namespace docket::bench
