#pragma once
// A statement's ledger mended from its own arithmetic. Every running balance is the one before
// plus the row's amount, so one misread or unread figure stands out as a broken link, and the
// links around it tell what it must say. Used by the statement rules (fields/reader.cpp).

#include <docket/fields/values.hpp>

#include <optional>
#include <vector>

namespace docket::fields {

struct ledger_row {
    std::optional<fields::amount> amount;  //!< signed: money out negative
    std::optional<fields::amount> balance; //!< the running balance after the row, if printed
};

struct ledger {
    std::optional<amount> opening, closing;
    std::vector<ledger_row> rows;
};

enum class ledger_part { amount, balance, opening, closing };

struct ledger_fix {
    ledger_part part = ledger_part::amount;
    std::size_t row = 0;        //!< for amount and balance
    amount value;               //!< what the arithmetic says
    std::optional<amount> read; //!< what was read instead; none when nothing was
};

//! Changes only figures that two independent sums agree on: a balance, amount, opening or
//! closing balance that was read is replaced only by a value one OCR slip away from it (at most
//! two digits changed, dropped or added, leading digits lost, or the sign; a row the OCR lost
//! altogether shows as a sum of two amounts and is left alone), and one that was not read is filled
//! only when the balances on both sides of it confirm it. An unread opening or closing balance
//! is not filled here: the fixes list it, and the caller accepts it only if the document prints
//! that amount. Returns the fixes in the order made (signs, then the rows top down, then the
//! opening and closing balances); `l` is mended in place.
std::vector<ledger_fix> mend_ledger(ledger& l);

//! Whether `read` could be an OCR misreading of `meant` (see mend_ledger).
bool misread_of(const amount& read, const amount& meant);

} // namespace docket::fields
