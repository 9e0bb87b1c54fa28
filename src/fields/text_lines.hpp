#pragma once
// Rows as the field rules read them: tokens folded for label matching, with the words, cells
// and boxes they came from, and the amounts and dates found in them. Private to src/fields/.

#include <docket/fields/layout.hpp>
#include <docket/fields/lexicon.hpp>
#include <docket/fields/reader.hpp>
#include <docket/fields/values.hpp>

#include <optional>
#include <string>
#include <vector>

namespace docket::fields::detail {

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

inline bool has_digit(std::string_view s) {
    for (const char ch : s)
        if (ch >= '0' && ch <= '9') return true;
    return false;
}

//! Letters, counting every byte of a non-ASCII character as one (enough to tell words from codes).
inline int letters_in(std::string_view s) {
    int n = 0;
    for (const unsigned char ch : s)
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch >= 0x80) ++n;
    return n;
}

struct token {
    std::string norm;      //!< folded, edge punctuation off; may be empty ("#", ":")
    std::string raw;       //!< as printed
    std::size_t cell = 0;  //!< index of its cell in the row
    box b;
    double confidence = 100;
    // Read once when the context is made, since the rules ask them of every token many times:
    std::string code;              //!< the currency `raw` marks ("EUR" for "€"), else empty
    std::optional<amount> value;   //!< `raw` read as an amount in the document's number style
    bool mark() const { return !norm.empty() && !code.empty(); }
};

//! A money amount found in a line, with the tokens it spans.
struct money {
    amount value;
    std::size_t first = 0, last = 0; //!< token range [first, last)
    box b;
    double confidence = 100;
};

//! A label phrase found in a line: tokens [begin, end) matched it.
struct label_hit {
    std::size_t line = 0, begin = 0, end = 0;
    std::string_view phrase;
    label kind = label::invoice_id;
    std::size_t words = 0; //!< the phrase's words
};

//! A row with what the rules ask of it again and again, found once: its tokens, every lexicon
//! phrase in it (by position, longest first), its dates and its amounts.
struct text_line {
    const row* r = nullptr;
    std::vector<token> toks;
    std::size_t words = 0;                  //!< tokens with text
    std::vector<label_hit> hits;
    std::vector<found_date> dates;          //!< in the document's date order
    std::vector<found_date> loose_dates;    //!< the same, with dates printed without a year
    std::vector<money> amounts;             //!< amounts_in over the whole line
};

struct context {
    std::vector<row> rows;
    std::vector<text_line> lines;
    number_style style = number_style::unknown;
    date_order order = date_order::unknown;
    std::string order_note;
    const std::vector<page>* pages = nullptr;
};

context make_context(const std::vector<page>& pages, const options& opt);

//! Whether page `number` of the document was OCR'd: only then can a figure on it be a misreading.
bool ocr_page(const std::vector<page>& pages, std::int64_t number);

//! The type the document most looks like (invoice, receipt, bank_statement or generic) and how
//! sure, from the lines' title words and shape.
found classify_lines(const context& c);

//! The first phrase of `kind` in line `l` at or after token `from`; with `exclude`, a match
//! where an excluded phrase starts at the same place does not count.
std::optional<label_hit> find_label(const context& c, std::size_t l, label kind, std::size_t from = 0,
                                    std::optional<label> exclude = std::nullopt);
//! Whether the line holds a phrase of `kind` anywhere.
bool has_label(const context& c, std::size_t l, label kind);
//! The longest phrase of `kind` that starts at token `at`, if any.
const label_hit* label_at(const context& c, std::size_t l, label kind, std::size_t at);

//! Amounts in tokens [from, to) of a line; only those with decimals when any has them.
std::vector<money> amounts_in(const context& c, std::size_t l, std::size_t from = 0, std::size_t to = npos);

//! The printed text of tokens [from, to) joined by spaces.
std::string text_of(const text_line& t, std::size_t from, std::size_t to);
box box_of(const text_line& t, std::size_t from, std::size_t to);
double confidence_of(const text_line& t, std::size_t from, std::size_t to);

//! A description gathered from one or more rows, its confidence from `base` and the OCR
//! confidence of line `t`.
found text_found(const std::string& text, std::int64_t page, const box& b, double base, const text_line& t);

//! A found value from tokens of a line, confidence scaled by the OCR confidence of its words.
found make_found(const context& c, std::size_t l, std::size_t from, std::size_t to, std::string value, double base,
                 std::string_view label = {});

//! Line items (invoice, receipt) and transactions (bank statement) from the rows, and tables.
std::vector<line_item> read_line_items(const context& c, std::vector<table>& tables);
//! `card`: a card statement, whose amounts are printed as what the holder owes.
std::vector<transaction> read_transactions(const context& c, std::vector<table>& tables, int statement_year, bool card);
std::vector<key_value> read_key_values(const context& c);
void read_aligned_tables(const context& c, std::vector<table>& tables);

} // namespace docket::fields::detail
