#pragma once
// The words documents print beside their values, in English, German, French, Spanish, Italian,
// Dutch and Portuguese: data, kept in one table (src/fields/lexicon.cpp), not spread through
// the rules.

#include <span>
#include <string_view>

namespace docket::fields {

enum class label {
    invoice_id, purchase_order, date, due_date, customer, merchant, payment_terms, tax_id, iban,
    subtotal, tax, total_strong, total, not_total, excludes_tax, amount_due, tip, rounding, paid, change,
    account_number, account_holder, opening_balance, closing_balance, period, bank_word, company_suffix,
    column_description, column_quantity, column_unit_price, column_amount, column_debit, column_credit,
    column_balance, column_date, section_debit, section_credit, payment_method, title_invoice, title_receipt,
    title_statement,
};

//! The phrases of one kind, folded (fields::fold) with punctuation taken off, words separated
//! by one space, longest first.
std::span<const std::string_view> phrases(label kind);

//! A phrase split into its words, with the kind it belongs to.
struct phrase_words {
    label kind;
    std::string_view text;
    std::span<const std::string_view> words;
};

//! Every phrase, of any kind, whose first word is `word`: longest first. The field rules look
//! a row's labels up by each token this way instead of trying every phrase at every token.
std::span<const phrase_words> phrases_starting(std::string_view word);

} // namespace docket::fields
