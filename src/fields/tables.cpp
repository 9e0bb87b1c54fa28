// Tables from word positions: invoice and receipt line items, statement transactions, generic
// aligned tables and key-value pairs. Called by fields::analyze (fields/reader.cpp).

#include "text_lines.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace docket::fields::detail {
namespace {


enum class col { description, quantity, unit_price, amount, date, debit, credit, balance };

struct column {
    col kind;
    box b;
};

// The header's columns: each phrase of a column kind found in the row, by position.
std::vector<column> header_columns(const context& c, std::size_t l, std::initializer_list<std::pair<label, col>> kinds) {
    std::vector<column> out;
    const auto& t = c.lines[l];
    std::vector<bool> used(t.toks.size(), false);
    // Longer phrases first across kinds, so "unit price" is not taken as "price" + "unit".
    struct hit {
        std::size_t begin, end;
        col kind;
    };
    std::vector<hit> hits;
    for (const auto& h : t.hits)
        for (const auto& [lab, kind] : kinds)
            if (h.kind == lab) hits.push_back({h.begin, h.end, kind});
    std::stable_sort(hits.begin(), hits.end(), [](const hit& a, const hit& b) { return a.end - a.begin > b.end - b.begin; });
    for (const auto& h : hits) {
        bool free = true;
        for (std::size_t i = h.begin; i < h.end; ++i) free = free && !used[i];
        if (!free) continue;
        if (std::any_of(out.begin(), out.end(), [&](const column& x) { return x.kind == h.kind; })) continue;
        for (std::size_t i = h.begin; i < h.end; ++i) used[i] = true;
        out.push_back({h.kind, box_of(t, h.begin, h.end)});
    }
    std::sort(out.begin(), out.end(), [](const column& a, const column& b) { return a.b.x0 < b.b.x0; });
    return out;
}

// The column a token belongs to: the nearest header by centre or by right edge (numbers align
// right under their header), a description column owning everything left of the next column.
std::size_t column_of(const std::vector<column>& cols, const box& b) {
    // A header over the token wins outright (a wide "Unit price" over a short figure).
    std::size_t over = cols.size();
    double best_ov = 0;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (cols[i].kind == col::description) continue;
        const double ov = std::min(b.x1, cols[i].b.x1) - std::max(b.x0, cols[i].b.x0);
        if (ov > best_ov) {
            best_ov = ov;
            over = i;
        }
    }
    if (over < cols.size() && best_ov >= 0.5 * std::min(b.width(), cols[over].b.width())) return over;
    const double cx = (b.x0 + b.x1) / 2;
    std::size_t best = 0;
    double best_d = std::numeric_limits<double>::max();
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const auto& h = cols[i].b;
        double d = std::min(std::abs(cx - (h.x0 + h.x1) / 2), std::abs(b.x1 - h.x1));
        if (cols[i].kind == col::description) {
            const double right = i + 1 < cols.size() ? cols[i + 1].b.x0 - 0.5 * cols[i + 1].b.height() : 1e18;
            d = (b.x0 >= h.x0 - 2 * h.height() && b.x1 <= right) ? 0 : std::abs(b.x0 - h.x0);
        }
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

bool stop_row(const context& c, std::size_t l) {
    return has_label(c, l, label::subtotal) || find_label(c, l, label::total, 0, label::not_total) ||
           has_label(c, l, label::total_strong) || has_label(c, l, label::amount_due);
}

std::optional<amount> first_number(const text_line& t, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
        if (auto a = t.toks[i].value) return a;
    return std::nullopt;
}

// "2 x 4.50", "2 @ 4.50", "1 PC * 9.00", "3X": a quantity and maybe a unit price in a row.
struct qty_price {
    std::optional<amount> qty, price;
    std::size_t first = npos, last = npos;
};

qty_price find_qty_price(const context& c, const text_line& t) {
    qty_price out;
    for (std::size_t i = 0; i < t.toks.size(); ++i) {
        const std::string& n = t.toks[i].norm;
        auto is_times = [](std::string_view s) { return s == "x" || s == "@" || s == "*" || s == "pc" || s == "pcs" || s == "ea"; };
        // "3x" or "3X" in one token
        if (n.size() >= 2 && (n.back() == 'x') && std::all_of(n.begin(), n.end() - 1, [](char ch) { return ch >= '0' && ch <= '9'; })) {
            out.qty = parse_amount(n.substr(0, n.size() - 1));
            out.first = i;
            out.last = i + 1;
            if (i + 1 < t.toks.size())
                if (auto p = t.toks[i + 1].value; p && p->scale > 0) {
                    out.price = p;
                    out.last = i + 2;
                }
            return out;
        }
        auto q = t.toks[i].value;
        if (!q || q->units <= 0 || i + 1 >= t.toks.size()) continue;
        std::size_t k = i + 1;
        bool times = false;
        while (k < t.toks.size() && k < i + 3 && (is_times(t.toks[k].norm) || t.toks[k].raw == "*" || t.toks[k].raw == "x")) {
            times = true;
            ++k;
        }
        if (!times || k >= t.toks.size()) continue;
        std::string raw = t.toks[k].raw;
        if (!raw.empty() && raw.front() == '(') raw.erase(0, 1);
        while (!raw.empty() && (raw.back() == ')')) raw.pop_back();
        if (auto p = parse_amount(raw, c.style)) {
            out.qty = q;
            out.price = p;
            out.first = i;
            out.last = k + 1;
            return out;
        }
    }
    return out;
}

bool excluded_item_row(const context& c, std::size_t l) {
    for (const label k : {label::tax, label::paid, label::change, label::rounding, label::tip, label::tax_id,
                          label::subtotal, label::total_strong, label::amount_due})
        if (auto h = find_label(c, l, k, 0, k == label::tax ? std::optional<label>(label::tax_id) : std::nullopt); h && h->begin <= 1)
            return true;
    return !c.lines[l].dates.empty() || find_time(c.rows[l].text).has_value();
}

// A scrap of OCR noise ("»", "|", "."): a few bytes with no letter or digit.
bool speck(std::string_view s) {
    return s.size() <= 4 && std::none_of(s.begin(), s.end(), [](char ch) {
               return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
           });
}

// How many at the unit price make the line total, when that is a whole count: the quantity a
// row's figures imply when its own was not read. Confidence 0.6, with a note saying so.
std::optional<found> implied_count(const line_item& li, const box& where) {
    if (!li.total || !li.unit_price) return std::nullopt;
    const auto total = parse_amount(li.total->value), price = parse_amount(li.unit_price->value);
    if (!total || !price || price->units <= 0 || total->units <= 0) return std::nullopt;
    const auto n = static_cast<std::int64_t>(std::llround(to_double(*total) / to_double(*price)));
    if (n < 1 || n > 100000 || !same_value(multiply(amount{n, 0, {}}, *price, total->scale), *total)) return std::nullopt;
    found q;
    q.value = std::to_string(n);
    q.number = true;
    q.page = li.page;
    q.b = where;
    q.confidence = 0.6;
    q.note = "not read; the line total " + li.total->value + " over the unit price " + li.unit_price->value;
    return q;
}

std::vector<line_item> items_with_header(const context& c, std::size_t header, std::vector<column> cols,
                                         std::vector<table>& tables) {
    std::vector<line_item> items;
    table tab;
    tab.page = c.rows[header].page;
    tab.b = c.rows[header].b;
    tab.header.assign(cols.size(), std::string());
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const auto& t = c.lines[header];
        std::string h;
        for (std::size_t k = 0; k < t.toks.size(); ++k)
            if (column_of(cols, t.toks[k].b) == i) {
                if (!h.empty()) h += ' ';
                h += t.toks[k].raw;
            }
        tab.header[i] = h;
    }
    std::string pending; // description lines printed before their figures
    box pending_box;
    for (std::size_t l = header + 1; l < c.lines.size(); ++l) {
        if (stop_row(c, l)) break;
        const auto& t = c.lines[l];
        // A header repeated on the next page.
        if (c.rows[l].page != c.rows[header].page || header_columns(c, l, {{label::column_description, col::description},
                                                                               {label::column_quantity, col::quantity},
                                                                               {label::column_unit_price, col::unit_price},
                                                                               {label::column_amount, col::amount}})
                                                                 .size() >= 3) {
            if (header_columns(c, l, {{label::column_description, col::description}, {label::column_quantity, col::quantity},
                                      {label::column_unit_price, col::unit_price}, {label::column_amount, col::amount}})
                    .size() >= 3) {
                cols = header_columns(c, l, {{label::column_description, col::description}, {label::column_quantity, col::quantity},
                                             {label::column_unit_price, col::unit_price}, {label::column_amount, col::amount}});
                continue;
            }
        }
        std::vector<std::vector<std::size_t>> by_col(cols.size());
        for (std::size_t k = 0; k < t.toks.size(); ++k) by_col[column_of(cols, t.toks[k].b)].push_back(k);
        auto col_index = [&](col kind) -> std::optional<std::size_t> {
            for (std::size_t i = 0; i < cols.size(); ++i)
                if (cols[i].kind == kind) return i;
            return std::nullopt;
        };
        auto money_in = [&](std::optional<std::size_t> ci) -> std::optional<money> {
            if (!ci || by_col[*ci].empty()) return std::nullopt;
            auto ms = amounts_in(c, l, by_col[*ci].front(), by_col[*ci].back() + 1);
            if (ms.empty()) return std::nullopt;
            return ms.back();
        };
        auto total = money_in(col_index(col::amount));
        auto price = money_in(col_index(col::unit_price));
        std::optional<money> qty;
        if (auto qi = col_index(col::quantity); qi && !by_col[*qi].empty()) {
            for (const auto k : by_col[*qi])
                if (auto a = t.toks[k].value) {
                    qty = money{*a, k, k + 1, t.toks[k].b, t.toks[k].confidence};
                    break;
                }
        }
        std::string desc;
        box desc_box;
        if (auto di = col_index(col::description)) {
            for (const auto k : by_col[*di]) {
                if (!desc.empty()) desc += ' ';
                desc += t.toks[k].raw;
                desc_box = unite(desc_box, t.toks[k].b);
            }
        }
        if (!total && !price) {
            // A row of text only: the next line of the item above (a wrapped description), or the
            // first line of the next item.
            if (letters_in(desc) < 2) continue;
            // A wrapped description goes on: it starts in lower case, is short, or the line
            // above broke off. A full sentence under an item is a note, not its description.
            const auto& prev = items.empty() || !items.back().description ? std::string() : items.back().description->value;
            const bool wraps = !prev.empty() && ((desc[0] >= 'a' && desc[0] <= 'z') || std::count(desc.begin(), desc.end(), ' ') < 3 ||
                                                 std::string_view(",-&/(").find(prev.back()) != std::string_view::npos);
            if (!items.empty() && items.back().description && l > 0 && !wraps) continue;
            if (!items.empty() && items.back().description && l > 0 &&
                c.rows[l].b.y0 - c.rows[l - 1].b.y1 < 1.2 * std::max(1.0, c.rows[l].height) && pending.empty()) {
                auto& d = *items.back().description;
                d.value += ' ' + desc;
                d.text = d.value;
                d.b = unite(d.b, desc_box);
                items.back().b = unite(items.back().b, c.rows[l].b);
            } else {
                if (!pending.empty()) pending += ' ';
                pending += desc;
                pending_box = unite(pending_box, desc_box);
            }
            continue;
        }
        line_item li;
        li.page = c.rows[l].page;
        li.b = c.rows[l].b;
        if (!pending.empty()) {
            desc = pending + (desc.empty() ? "" : " " + desc);
            desc_box = unite(pending_box, desc_box);
            li.b = unite(li.b, pending_box);
            pending.clear();
            pending_box = {};
        }
        if (letters_in(desc) >= 1) li.description = text_found(desc, li.page, desc_box, 0.8, t);
        if (total) li.total = make_found(c, l, total->first, total->last, format_amount(total->value), 0.85);
        if (price) li.unit_price = make_found(c, l, price->first, price->last, format_amount(price->value), 0.8);
        if (qty) {
            li.quantity = make_found(c, l, qty->first, qty->last, format_amount(qty->value, 0), 0.8);
            li.quantity->number = true;
            // "15.00" units are 15.
            if (auto a = parse_amount(li.quantity->value)) {
                amount v = *a;
                while (v.scale > 0 && v.units % 10 == 0) {
                    v.units /= 10;
                    --v.scale;
                }
                li.quantity->value = format_amount(v, 0);
            }
        } else if (auto qi = col_index(col::quantity); qi && ocr_page(*c.pages, li.page)) {
            // The quantity column's figure was not read (tesseract drops a lone "1" or "2").
            li.quantity = implied_count(li, by_col[*qi].empty() ? li.b : box_of(t, by_col[*qi].front(), by_col[*qi].back() + 1));
        }
        items.push_back(std::move(li));
        std::vector<std::string> cells(cols.size());
        for (std::size_t i = 0; i < cols.size(); ++i)
            for (const auto k : by_col[i]) {
                if (!cells[i].empty()) cells[i] += ' ';
                cells[i] += t.toks[k].raw;
            }
        if (cols.size() > 0 && col_index(col::description)) cells[*col_index(col::description)] = desc;
        tab.rows.push_back(std::move(cells));
        tab.b = unite(tab.b, items.back().b);
    }
    // On an OCR'd page, no quantity column read at all (tesseract can drop a whole column of
    // short figures with its "Qty"): where rows' totals are whole multiples of their prices, the
    // table has quantities, and each row's is its total over its price.
    if (ocr_page(*c.pages, c.rows[header].page) &&
        std::none_of(cols.begin(), cols.end(), [](const column& x) { return x.kind == col::quantity; })) {
        std::vector<std::optional<found>> counts;
        bool multiplied = false;
        for (const auto& li : items) {
            counts.push_back(li.quantity ? std::nullopt : implied_count(li, li.b));
            multiplied = multiplied || (counts.back() && counts.back()->value != "1");
        }
        if (multiplied)
            for (std::size_t i = 0; i < items.size(); ++i)
                if (counts[i]) items[i].quantity = std::move(counts[i]);
    }
    if (!tab.rows.empty()) tables.push_back(std::move(tab));
    return items;
}

std::vector<line_item> items_without_header(const context& c) {
    std::vector<line_item> items;
    // The body lies between the last row of the heading (a date, a cashier, a table head) and the
    // first total.
    std::size_t end = c.lines.size();
    for (std::size_t l = 0; l < c.lines.size(); ++l)
        if (stop_row(c, l)) {
            end = l;
            break;
        }
    std::size_t begin = 0;
    for (std::size_t l = 0; l < end; ++l)
        if (!c.lines[l].dates.empty() || has_label(c, l, label::column_description) ||
            has_label(c, l, label::column_quantity) || has_label(c, l, label::invoice_id))
            begin = l + 1;
    std::string pending;
    box pending_box;
    for (std::size_t l = begin; l < end; ++l) {
        const auto& t = c.lines[l];
        if (excluded_item_row(c, l)) {
            pending.clear();
            continue;
        }
        auto ms = c.lines[l].amounts;
        std::erase_if(ms, [](const money& m) { return m.value.scale == 0; });
        const auto qp = find_qty_price(c, t);
        // The description: the words before the first figure, without the quantity pattern.
        std::string desc;
        box desc_box;
        const std::size_t stop = ms.empty() ? t.toks.size() : ms.front().first;
        for (std::size_t k = 0; k < std::min(stop, qp.first == npos ? stop : qp.first); ++k) {
            if (!desc.empty()) desc += ' ';
            desc += t.toks[k].raw;
            desc_box = unite(desc_box, t.toks[k].b);
        }
        if (ms.empty()) {
            if (letters_in(desc) >= 3) {
                pending = desc;
                pending_box = desc_box;
            }
            continue;
        }
        if (letters_in(desc) < 3) {
            if (pending.empty()) continue;
            desc = pending;
            desc_box = pending_box;
        }
        pending.clear();
        line_item li;
        li.page = c.rows[l].page;
        li.b = unite(c.rows[l].b, desc_box);
        li.description = text_found(desc, li.page, desc_box, 0.6, t);
        const auto& last = ms.back();
        li.total = make_found(c, l, last.first, last.last, format_amount(last.value), 0.7);
        if (qp.qty) {
            found q = make_found(c, l, qp.first, qp.first + 1, format_amount(*qp.qty, 0), 0.65);
            q.number = true;
            li.quantity = q;
            if (qp.price) li.unit_price = make_found(c, l, qp.first + 1, qp.last, format_amount(*qp.price), 0.65);
        } else if (ms.size() >= 2 && ms[ms.size() - 2].value.units > 0) {
            // "4.50 9.00" with a quantity before: the first is the unit price.
            const auto& p = ms[ms.size() - 2];
            if (auto q = first_number(t, 0, ms.front().first); q && q->scale == 0 && q->units > 0 && q->units < 1000 &&
                                                              same_value(multiply(*q, p.value, last.value.scale), last.value)) {
                found qf = make_found(c, l, 0, 1, format_amount(*q, 0), 0.65);
                qf.number = true;
                li.quantity = qf;
                li.unit_price = make_found(c, l, p.first, p.last, format_amount(p.value), 0.65);
            }
        }
        items.push_back(std::move(li));
    }
    return items;
}

} // namespace

std::vector<line_item> read_line_items(const context& c, std::vector<table>& tables) {
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        auto cols = header_columns(c, l, {{label::column_description, col::description}, {label::column_quantity, col::quantity},
                                          {label::column_unit_price, col::unit_price}, {label::column_amount, col::amount}});
        const bool has_desc = std::any_of(cols.begin(), cols.end(), [](const column& x) { return x.kind == col::description; });
        const bool has_amount = std::any_of(cols.begin(), cols.end(), [](const column& x) { return x.kind == col::amount || x.kind == col::unit_price; });
        if (cols.size() < 2 || !has_amount || (!has_desc && cols.size() < 3)) continue;
        if (!has_desc) cols.insert(cols.begin(), column{col::description, {0, c.rows[l].b.y0, cols.front().b.x0 / 2, c.rows[l].b.y1}});
        auto items = items_with_header(c, l, cols, tables);
        if (!items.empty()) return items;
    }
    // No table head: a receipt, or a letter-style invoice, lists its items as rows.
    return items_without_header(c);
}

std::vector<transaction> read_transactions(const context& c, std::vector<table>& tables, int statement_year, bool card) {
    std::vector<transaction> out;
    std::vector<column> cols;
    std::optional<bool> section_sign; // true: credits, false: debits
    std::optional<amount> last_balance;
    table tab;
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        const auto& t = c.lines[l];
        auto h = header_columns(c, l, {{label::column_date, col::date}, {label::column_debit, col::debit},
                                       {label::column_credit, col::credit}, {label::column_amount, col::amount},
                                       {label::column_balance, col::balance}, {label::column_description, col::description}});
        const bool dated = std::any_of(h.begin(), h.end(), [](const column& x) { return x.kind == col::date; });
        if (dated && h.size() >= 3) {
            cols = h;
            if (tab.rows.empty()) {
                tab.page = c.rows[l].page;
                tab.b = c.rows[l].b;
            }
            continue;
        }
        // Section heads ("Deposits", "Checks Paid") set the sign of the rows under them.
        if (t.toks.size() <= 6 && c.lines[l].amounts.empty()) {
            for (const label k : {label::section_credit, label::section_debit})
                if (auto hit = find_label(c, l, k); hit && hit->begin == 0) section_sign = k == label::section_credit;
        }
        if (has_label(c, l, label::opening_balance) || has_label(c, l, label::closing_balance)) {
            if (auto ms = c.lines[l].amounts; !ms.empty() && has_label(c, l, label::opening_balance)) last_balance = ms.back().value;
            continue;
        }
        // A transaction row starts with its date; a speck of OCR noise before it counts for nothing.
        const auto& ds = c.lines[l].loose_dates;
        if (ds.empty() || (ds.front().begin > 2 && !speck(std::string_view(c.rows[l].text).substr(0, ds.front().begin)))) {
            // A description continued on the next line.
            if (!out.empty() && letters_in(c.rows[l].text) >= 3 && c.lines[l].amounts.empty() && out.back().description &&
                l > 0 && c.rows[l].b.y0 - c.rows[l - 1].b.y1 < 1.0 * std::max(1.0, c.rows[l].height) &&
                out.back().page == c.rows[l].page && !has_label(c, l, label::section_credit) &&
                !has_label(c, l, label::section_debit)) {
                auto& d = *out.back().description;
                d.value += ' ' + c.rows[l].text;
                d.text = d.value;
            }
            continue;
        }
        // The tokens the date took.
        std::size_t after_date = 0;
        {
            std::size_t chars = 0;
            while (after_date < t.toks.size() && chars < ds.front().end) {
                chars += t.toks[after_date].raw.size() + 1;
                ++after_date;
            }
        }
        // A second date (a value date) right after the first is part of the date columns.
        if (ds.size() > 1 && after_date < t.toks.size() && !find_dates(t.toks[after_date].raw, c.order, true).empty()) ++after_date;
        auto ms = amounts_in(c, l, after_date);
        if (ms.empty()) continue;
        transaction tr;
        tr.page = c.rows[l].page;
        tr.b = c.rows[l].b;
        date d = ds.front().value;
        if (d.year == 0) d.year = statement_year;
        tr.date = make_found(c, l, 0, after_date, format_date(d), 0.85);
        std::optional<money> amt, bal;
        std::optional<bool> sign_from_column;
        if (!cols.empty()) {
            for (const auto& m : ms) {
                const auto ci = column_of(cols, m.b);
                switch (cols[ci].kind) {
                case col::balance: bal = m; break;
                case col::debit: amt = m; sign_from_column = false; break;
                case col::credit: amt = m; sign_from_column = true; break;
                default: if (!amt) amt = m; break;
                }
            }
        } else if (ms.size() >= 2) {
            amt = ms[ms.size() - 2];
            bal = ms.back();
        } else {
            amt = ms.back();
        }
        // Under a header, a row with only its balance read keeps its place with the amount
        // unread: the running balances around it can tell the amount (mend_ledger).
        if (!amt && !bal) continue;
        if (amt) {
            amount v = amt->value;
            if (sign_from_column) {
                if (v.units < 0) v.units = -v.units;
                if (!*sign_from_column) v.units = -v.units;
            } else if (card && !bal) {
                // A card statement prints what the holder owes: charges plain, payments and refunds
                // in brackets or marked CR. From the holder's side that is the other way round.
                if (!v.credit_mark) v.units = -v.units;
            } else if (!v.negative_mark) {
                if (bal && last_balance) {
                    if (same_value(subtract(*last_balance, v), bal->value)) v.units = -std::abs(v.units);
                } else if (section_sign && !*section_sign) {
                    v.units = -std::abs(v.units);
                }
            }
            tr.amount = make_found(c, l, amt->first, amt->last, format_amount(v), 0.8);
        }
        if (bal) {
            tr.balance = make_found(c, l, bal->first, bal->last, format_amount(bal->value), 0.8);
            last_balance = bal->value;
        }
        const std::size_t desc_end = ms.front().first;
        if (desc_end > after_date) {
            std::string s = text_of(t, after_date, desc_end);
            if (letters_in(s) >= 2) tr.description = make_found(c, l, after_date, desc_end, s, 0.75);
        }
        tab.rows.push_back({tr.date->value, tr.description ? tr.description->value : "", tr.amount ? tr.amount->value : "",
                            tr.balance ? tr.balance->value : ""});
        tab.b = unite(tab.b, tr.b);
        out.push_back(std::move(tr));
    }
    if (!tab.rows.empty()) {
        tab.header = {"date", "description", "amount", "balance"};
        if (tab.page == 0) tab.page = out.front().page;
        tables.push_back(std::move(tab));
    }
    return out;
}

std::vector<key_value> read_key_values(const context& c) {
    std::vector<key_value> out;
    for (std::size_t l = 0; l < c.lines.size() && out.size() < 300; ++l) {
        const auto& r = c.rows[l];
        for (std::size_t ci = 0; ci < r.cells.size(); ++ci) {
            const std::string& s = r.cells[ci].text;
            std::size_t colon = std::string::npos;
            for (std::size_t i = 0; i < s.size(); ++i)
                if (s[i] == ':' && !(i > 0 && i + 1 < s.size() && has_digit(s.substr(i - 1, 1)) && has_digit(s.substr(i + 1, 1)))) {
                    colon = i;
                    break;
                }
            if (colon == std::string::npos || colon == 0) continue;
            std::string key = s.substr(0, colon);
            while (!key.empty() && key.back() == ' ') key.pop_back();
            if (letters_in(key) < 2 || key.size() > 48 || std::count(key.begin(), key.end(), ' ') > 5) continue;
            std::string value = s.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            box b = r.cells[ci].b;
            if (value.empty() && ci + 1 < r.cells.size()) {
                value = r.cells[ci + 1].text;
                b = unite(b, r.cells[ci + 1].b);
            }
            if (value.empty() && l + 1 < c.rows.size() && c.rows[l + 1].page == r.page) {
                // Label above its value.
                for (const auto& below : c.rows[l + 1].cells)
                    if (std::min(below.b.x1, r.cells[ci].b.x1) - std::max(below.b.x0, r.cells[ci].b.x0) > 0) {
                        value = below.text;
                        b = unite(b, below.b);
                        break;
                    }
            }
            if (value.empty()) continue;
            out.push_back({key, value, r.page, b});
        }
    }
    return out;
}

void read_aligned_tables(const context& c, std::vector<table>& tables) {
    std::size_t l = 0;
    while (l < c.rows.size() && tables.size() < 20) {
        const auto& head = c.rows[l];
        if (head.cells.size() < 3) {
            ++l;
            continue;
        }
        auto aligned = [&](const row& r) {
            if (r.page != head.page || r.cells.size() < 2 || r.cells.size() > head.cells.size() + 1) return false;
            std::size_t hits = 0;
            for (const auto& cell : r.cells)
                for (const auto& h : head.cells)
                    if (std::min(cell.b.x1, h.b.x1) - std::max(cell.b.x0, h.b.x0) > 0) {
                        ++hits;
                        break;
                    }
            return hits * 10 >= r.cells.size() * 8;
        };
        std::size_t e = l + 1;
        while (e < c.rows.size() && aligned(c.rows[e])) ++e;
        if (e - l < 3) {
            ++l;
            continue;
        }
        // Already read as line items or transactions?
        bool taken = false;
        for (const auto& t : tables)
            if (t.page == head.page && head.b.y0 <= t.b.y1 && c.rows[e - 1].b.y1 >= t.b.y0) taken = true;
        if (!taken) {
            table tab;
            tab.page = head.page;
            for (const auto& h : head.cells) tab.header.push_back(h.text);
            tab.b = head.b;
            for (std::size_t k = l + 1; k < e; ++k) {
                std::vector<std::string> cells(head.cells.size());
                for (const auto& cell : c.rows[k].cells) {
                    std::size_t best = 0;
                    double best_ov = -1e18;
                    for (std::size_t i = 0; i < head.cells.size(); ++i) {
                        const double ov = std::min(cell.b.x1, head.cells[i].b.x1) - std::max(cell.b.x0, head.cells[i].b.x0);
                        if (ov > best_ov) {
                            best_ov = ov;
                            best = i;
                        }
                    }
                    if (!cells[best].empty()) cells[best] += ' ';
                    cells[best] += cell.text;
                }
                tab.rows.push_back(std::move(cells));
                tab.b = unite(tab.b, c.rows[k].b);
            }
            tables.push_back(std::move(tab));
        }
        l = e;
    }
}

} // namespace docket::fields::detail
