// Statement ledgers mended from their own arithmetic: see ledger.hpp. Pure; amounts are exact
// decimals, so a sum that agrees to the cent is evidence, not coincidence.

#include <docket/fields/ledger.hpp>

#include <algorithm>
#include <string>

namespace docket::fields {
namespace {

// The magnitude's digits at two decimals or more: "-1,844.93" -> "184493".
std::string digits_of(const amount& a) {
    std::string s = format_amount(a, 2);
    std::erase_if(s, [](char c) { return c < '0' || c > '9'; });
    return s;
}

bool negative(const amount& a) { return a.units < 0; }

} // namespace

bool misread_of(const amount& read, const amount& meant) {
    const std::string r = digits_of(read), m = digits_of(meant);
    if (r == m) return true; // the sign only: a debit read in the credit column
    // Leading characters lost: a figure cut at the column's edge, "1 573,39" read as its last
    // group, or "-1 335,59" as "335,59" (the minus gone with the digit).
    if (r.size() >= 3 && r.size() < m.size() && m.compare(m.size() - r.size(), r.size(), r) == 0 &&
        (negative(read) == negative(meant) || (negative(meant) && !negative(read))))
        return true;
    if (negative(read) != negative(meant)) return false;
    // Otherwise at most two digits changed, dropped or added (edit distance, rows of a small table).
    if (r.size() + 2 < m.size() || m.size() + 2 < r.size() || r.size() > 24 || m.size() > 24) return false;
    std::size_t prev[25], cur[25];
    for (std::size_t j = 0; j <= m.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= r.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] == m[j - 1] ? 0 : 1)});
        std::copy(cur, cur + m.size() + 1, prev);
    }
    return prev[m.size()] <= 2;
}

std::vector<ledger_fix> mend_ledger(ledger& l) {
    std::vector<ledger_fix> fixes;
    auto& rows = l.rows;
    const std::size_t n = rows.size();
    if (n == 0) return fixes;
    // Unread balances are filled only on a statement that prints them; one without a balance
    // column gets none invented.
    const auto printed = std::count_if(rows.begin(), rows.end(), [](const ledger_row& r) { return r.balance.has_value(); });
    const bool has_balances = static_cast<std::size_t>(printed) * 2 >= n;

    auto before = [&](std::size_t i) { return i == 0 ? l.opening : rows[i - 1].balance; };
    // What the balance after row i must be by what follows it: the next printed balance (or the
    // closing balance after the last row) less the amounts in between. None if a gap breaks it.
    auto implied = [&](std::size_t i) -> std::optional<amount> {
        amount sum{0, 2, {}};
        for (std::size_t j = i + 1; j < n; ++j) {
            if (!rows[j].amount) return std::nullopt;
            sum = add(sum, *rows[j].amount);
            if (rows[j].balance) return subtract(*rows[j].balance, sum);
        }
        if (l.closing) return subtract(*l.closing, sum);
        return std::nullopt;
    };
    // The balance before row i holds with the row above it (the opening balance has no row above).
    auto anchored = [&](std::size_t i) {
        if (i == 0) return false;
        const auto p = before(i - 1);
        return p && rows[i - 1].amount && rows[i - 1].balance && same_value(add(*p, *rows[i - 1].amount), *rows[i - 1].balance);
    };

    // A sign first: the balances before and after differ by the amount negated, to the cent (a
    // debit read in the credit column, or a column whose header the OCR lost). Exact, so it needs
    // no neighbour to confirm it, and a run of such rows is mended as one.
    for (std::size_t i = 0; i < n; ++i) {
        auto& r = rows[i];
        const auto p = before(i);
        if (!p || !r.amount || r.amount->units == 0) continue;
        // After the row: its balance, or if unread what the figures below it say.
        const auto after = r.balance ? r.balance : implied(i);
        if (!after) continue;
        amount flipped = *r.amount;
        flipped.units = -flipped.units;
        if (!same_value(add(*p, *r.amount), *after) && same_value(add(*p, flipped), *after)) {
            fixes.push_back({ledger_part::amount, i, flipped, r.amount});
            r.amount = flipped;
        }
    }
    // Two passes: a fix low on the page can confirm the figures a row above needed.
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t i = 0; i < n; ++i) {
            auto& r = rows[i];
            const auto p = before(i);
            const auto want = implied(i);
            if (!p || !want) continue;
            if (r.amount) {
                const amount sum = add(*p, *r.amount);
                if (!r.balance) {
                    if (has_balances && same_value(sum, *want)) {
                        r.balance = sum;
                        fixes.push_back({ledger_part::balance, i, sum, std::nullopt});
                    }
                    continue;
                }
                if (same_value(*r.balance, sum)) continue; // the link holds
                if (same_value(sum, *want) && misread_of(*r.balance, sum)) {
                    fixes.push_back({ledger_part::balance, i, sum, r.balance});
                    r.balance = sum;
                    continue;
                }
                if (!same_value(*r.balance, *want)) continue; // more than one figure is off: leave it
                // The balance agrees with what follows, so the amount or the balance before is off.
                const amount a2 = subtract(*r.balance, *p);
                const bool amount_slip = misread_of(*r.amount, a2);
                if (i > 0) {
                    if (anchored(i) && amount_slip) {
                        fixes.push_back({ledger_part::amount, i, a2, r.amount});
                        r.amount = a2;
                    }
                    continue;
                }
                // The first row: its amount or the opening balance; only when one alone is a slip.
                const amount o2 = subtract(*r.balance, *r.amount);
                const bool opening_slip = misread_of(*l.opening, o2);
                if (amount_slip && !opening_slip) {
                    fixes.push_back({ledger_part::amount, i, a2, r.amount});
                    r.amount = a2;
                } else if (opening_slip && !amount_slip) {
                    fixes.push_back({ledger_part::opening, 0, o2, l.opening});
                    l.opening = o2;
                }
            } else if (r.balance && anchored(i) && same_value(*r.balance, *want)) {
                const amount a2 = subtract(*r.balance, *p);
                r.amount = a2;
                fixes.push_back({ledger_part::amount, i, a2, std::nullopt});
            }
        }
    }
    // An unread opening balance: the first row's balance less its amount, when what follows
    // confirms that balance. Proposed, not set.
    if (!l.opening && rows[0].amount && rows[0].balance) {
        const auto want = implied(0);
        if (want && same_value(*rows[0].balance, *want))
            fixes.push_back({ledger_part::opening, 0, subtract(*rows[0].balance, *rows[0].amount), std::nullopt});
    }
    // The closing balance is the last running balance, when the last row's link holds.
    const auto& last = rows[n - 1];
    const auto p = before(n - 1);
    if (last.balance && last.amount && p && same_value(add(*p, *last.amount), *last.balance)) {
        if (!l.closing) {
            fixes.push_back({ledger_part::closing, n - 1, *last.balance, std::nullopt});
        } else if (!same_value(*l.closing, *last.balance) && misread_of(*l.closing, *last.balance)) {
            fixes.push_back({ledger_part::closing, n - 1, *last.balance, l.closing});
            l.closing = last.balance;
        }
    }
    return fixes;
}

} // namespace docket::fields
