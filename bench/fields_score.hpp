#pragma once
// Scoring typed fields against truth: precision, recall and F1 per type, field and path, row F1
// for line items and transactions, reconciled statements, and calibration of the confidences.
// Used by `docket bench fields` and by the tests that pin a subset of the generated corpus.

#include "fields_corpus.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace docket::bench {

struct expected {
    std::string type;  //!< invoice, receipt, bank_statement
    std::map<std::string, std::string> fields;
    std::vector<std::map<std::string, std::string>> items;
    bool whole_schema = true; //!< every schema field is scored (a value where truth has none is wrong)
    //! Fields tallied but left out of the type's headline F1 (a real set's extra truth, such as
    //! an address keyed in another convention).
    std::vector<std::string> apart;
    bool reconciles = false;
};

//! A generated document's truth, scored on the whole schema.
expected expected_of(const truth_doc& d);

struct tally {
    std::uint64_t truth = 0, pred = 0, tp = 0;
    double precision() const { return pred ? double(tp) / double(pred) : 0; }
    double recall() const { return truth ? double(tp) / double(truth) : 0; }
    double f1() const { return tp ? 2 * precision() * recall() / (precision() + recall()) : 0; }
    void operator+=(const tally& o) { truth += o.truth, pred += o.pred, tp += o.tp; }
};

//! The schema's scalar fields of a type, and the name of its list.
const std::vector<std::string>& scalar_fields(const std::string& type);
std::string list_name(const std::string& type);

//! Whether a predicted value is the truth, by the field's kind: amounts as numbers, dates as
//! dates, ids without spaces and punctuation, descriptions by word overlap, other text folded.
bool same_field(const std::string& field, const std::string& truth, const boost::json::value& pred);

struct scoreboard {
    std::map<std::string, std::map<std::string, tally>> fields; //!< type -> field (list subfields as "items.total")
    std::map<std::string, tally> paths;   //!< "invoice text_layer" -> all its fields
    std::map<std::string, tally> rows;    //!< type -> whole items (every subfield right)
    std::map<std::string, tally> types;   //!< type -> all fields
    std::uint64_t statements = 0, reconciled = 0, should_reconcile = 0;
    std::uint64_t confident = 0, confident_right = 0; //!< values given confidence >= 0.9

    //! Adds one document: its truth and docket's result JSON (null when the job failed).
    void add(const expected& truth, const boost::json::value& result);
    //! The mismatches of one document, one line each ("total: want 5.00, got 4.00").
    static std::vector<std::string> differences(const expected& truth, const boost::json::value& result);
};

} // namespace docket::bench
