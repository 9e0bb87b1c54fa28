// The field rules: which value a label anchors, which candidate wins, the cross-checks and the
// confidence they earn. Called by the extractor (extract/extractor.cpp) in the worker process
// once the whole document is read.

#include "text_lines.hpp"

#include <docket/fields/ledger.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace docket::fields {

const found* analysis::field(std::string_view name) const {
    for (const auto& f : fields)
        if (f.name == name) return f.value ? &*f.value : nullptr;
    return nullptr;
}

namespace detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool edge_punct(char c) {
    return c == '.' || c == ',' || c == ':' || c == ';' || c == '#' || c == '(' || c == ')' || c == '[' || c == ']' ||
           c == '*' || c == '|' || c == '"' || c == '\'' || c == '!' || c == '?' || c == '_' || c == '=' || c == '~';
}

std::string norm_of(std::string_view raw) {
    std::string f = fold(raw);
    std::size_t b = 0, e = f.size();
    while (b < e && edge_punct(f[b])) ++b;
    while (e > b && edge_punct(f[e - 1])) --e;
    f.resize(e);
    f.erase(0, b);
    return f;
}

// A word is split after a colon that ends a label ("Date:25/12/2018"), not inside a time.
void add_tokens(text_line& t, const word& w, std::size_t cell) {
    std::string_view s = w.text;
    const double per_char = s.empty() ? 0 : w.b.width() / static_cast<double>(s.size());
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != ':' || i + 1 >= s.size()) continue;
        if (i > start && is_digit(s[i - 1]) && is_digit(s[i + 1])) continue;
        const auto part = s.substr(start, i + 1 - start);
        box b{w.b.x0 + per_char * static_cast<double>(start), w.b.y0, w.b.x0 + per_char * static_cast<double>(i + 1), w.b.y1};
        t.toks.push_back({norm_of(part), std::string(part), cell, b, w.confidence});
        start = i + 1;
    }
    const auto part = s.substr(start);
    box b{w.b.x0 + per_char * static_cast<double>(start), w.b.y0, w.b.x1, w.b.y1};
    t.toks.push_back({norm_of(part), std::string(part), cell, b, w.confidence});
}

// Tokens [at, …) spell the phrase's words; empty tokens (a lone "#" or ":") inside are skipped
// over. Returns the token after the match.
std::size_t match_words(const text_line& t, std::size_t at, std::span<const std::string_view> words) {
    std::size_t k = at;
    for (const auto w : words) {
        while (k < t.toks.size() && t.toks[k].norm.empty() && k > at) ++k;
        if (k >= t.toks.size() || t.toks[k].norm != w) return npos;
        ++k;
    }
    return k;
}

// Whether OCR's `seen` is `word` with at most one letter changed, dropped or added ("son" or
// "sdm" for "sdn", "bh" for "bhd").
bool one_edit_from(std::string_view seen, std::string_view word) {
    if (seen == word) return true;
    if (seen.size() + 1 < word.size() || seen.size() > word.size() + 1) return false;
    std::size_t i = 0;
    while (i < seen.size() && i < word.size() && seen[i] == word[i]) ++i;
    if (seen.size() == word.size()) return seen.substr(i + 1) == word.substr(i + 1);
    if (seen.size() < word.size()) return seen.substr(i) == word.substr(i + 1);
    return seen.substr(i + 1) == word.substr(i);
}

// A company's legal form printed as two words of three letters or more ("SDN BHD") is mended
// where OCR got one letter of each wrong ("SON BHD", "SDN 8HD"): a pair both that near to the
// form is that form, which the merchant rules then find.
void mend_legal_forms(text_line& t) {
    for (std::size_t i = 0; i + 1 < t.toks.size(); ++i) {
        for (const auto& p : phrases(label::company_suffix)) {
            const auto space = p.find(' ');
            if (space == std::string_view::npos) continue;
            const auto first = p.substr(0, space), second = p.substr(space + 1);
            if (first.size() < 3 || second.size() < 3 || second.find(' ') != std::string_view::npos) continue;
            auto& a = t.toks[i];
            auto& b = t.toks[i + 1];
            if ((a.norm == first && b.norm == second) || !one_edit_from(a.norm, first) || !one_edit_from(b.norm, second))
                continue;
            auto mend = [](token& k, std::string_view word) {
                // The printed case and the punctuation around the letters are kept.
                const bool upper = std::any_of(k.raw.begin(), k.raw.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }) &&
                                   std::none_of(k.raw.begin(), k.raw.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
                std::size_t b0 = 0, e0 = k.raw.size();
                while (b0 < e0 && edge_punct(k.raw[b0])) ++b0;
                while (e0 > b0 && edge_punct(k.raw[e0 - 1])) --e0;
                std::string cased(word);
                for (std::size_t j = 0; j < cased.size(); ++j)
                    if (upper || j == 0) cased[j] = static_cast<char>(cased[j] - 'a' + 'A');
                k.raw = k.raw.substr(0, b0) + cased + k.raw.substr(e0);
                k.norm = std::string(word);
            };
            mend(a, first);
            mend(b, second);
            break;
        }
    }
}

// Every lexicon phrase in the line, by position and longest first.
void index_labels(text_line& t, std::size_t line) {
    for (std::size_t i = 0; i < t.toks.size(); ++i) {
        if (t.toks[i].norm.empty()) continue;
        ++t.words;
        for (const auto& p : phrases_starting(t.toks[i].norm)) {
            const auto e = match_words(t, i, p.words);
            if (e != npos) t.hits.push_back({line, i, e, p.text, p.kind, p.words.size()});
        }
    }
}

} // namespace

bool ocr_page(const std::vector<page>& pages, std::int64_t number) {
    return std::any_of(pages.begin(), pages.end(), [&](const page& p) { return p.number == number && p.ocr; });
}

context make_context(const std::vector<page>& pages, const options& opt) {
    context c;
    c.pages = &pages;
    c.rows = document_rows(pages);
    c.lines.reserve(c.rows.size());
    for (const auto& r : c.rows) {
        text_line t;
        t.r = &r;
        t.toks.reserve(r.words.size() + 2);
        for (std::size_t ci = 0; ci < r.cells.size(); ++ci)
            for (std::size_t wi = r.cells[ci].first; wi < r.cells[ci].last; ++wi) add_tokens(t, *r.words[wi], ci);
        if (ocr_page(pages, r.page)) mend_legal_forms(t);
        index_labels(t, c.lines.size());
        c.lines.push_back(std::move(t));
    }
    // How the document writes decimals: the separator before the last two digits of its numbers.
    int dots = 0, commas = 0;
    for (const auto& t : c.lines)
        for (const auto& tk : t.toks) {
            const auto& s = tk.norm;
            if (s.size() >= 4 && is_digit(s[s.size() - 1]) && is_digit(s[s.size() - 2]) && is_digit(s[s.size() - 4])) {
                if (s[s.size() - 3] == '.') ++dots;
                if (s[s.size() - 3] == ',') ++commas;
            }
        }
    c.style = commas > dots ? number_style::comma_decimal : dots > 0 ? number_style::dot_decimal : number_style::unknown;
    for (auto& t : c.lines) {
        const bool ocr = ocr_page(pages, t.r->page);
        for (auto& tk : t.toks) {
            tk.code = currency_code(tk.raw);
            if (!has_digit(tk.raw)) continue;
            tk.value = parse_amount(tk.raw, c.style);
            // Tesseract reads a thin minus glued to a figure as "=" or "~" ("=1,011.96").
            if (!tk.value && ocr && tk.raw.size() > 1 && (tk.raw[0] == '=' || tk.raw[0] == '~') && is_digit(tk.raw[1]))
                tk.value = parse_amount("-" + tk.raw.substr(1), c.style);
        }
    }
    // Day or month first: the document's own unambiguous dates decide, then the locale, then the
    // language (English alone with dollars reads month first), else day first as most of the world.
    int day_first = 0, month_first = 0;
    for (std::size_t l = 0; l < c.rows.size(); ++l) {
        auto& t = c.lines[l];
        t.loose_dates = find_dates(c.rows[l].text, date_order::day_first, true);
        for (const auto& d : t.loose_dates) {
            if (!d.numeric || d.value.swappable || d.value.day == d.value.month) continue;
            // Read day first, a date whose first part is over 12 tells; one swapped back to be a
            // date at all (12/25) tells the other way. ISO dates tell nothing.
            const std::string_view s(c.rows[l].text.data() + d.begin, d.end - d.begin);
            int first = 0;
            std::size_t digits = 0;
            while (digits < s.size() && is_digit(s[digits])) first = first * 10 + (s[digits++] - '0');
            if (digits >= 4) continue;
            if (first > 12) ++day_first;
            else if (first == d.value.month) ++month_first;
        }
    }
    const std::string locale = fold(opt.locale);
    // Dollars: money marked "$" or "USD", and no other currency (a stray "$" from OCR on a
    // ringgit receipt says nothing).
    bool dollars = false, other_money = false;
    for (const auto& t : c.lines)
        for (const auto& tk : t.toks) {
            const std::string& code = !tk.code.empty() ? tk.code : tk.value ? tk.value->currency : tk.code;
            if (code == "USD") dollars = true;
            else if (!code.empty() && tk.mark()) other_money = true;
            else if (!code.empty() && tk.value) other_money = true;
        }
    dollars = dollars && !other_money;
    if (day_first > month_first) {
        c.order = date_order::day_first;
        c.order_note = "day first, as other dates of the document show";
    } else if (month_first > day_first) {
        c.order = date_order::month_first;
        c.order_note = "month first, as other dates of the document show";
    } else if (locale == "en-us" || locale == "en_us" || locale == "us" || locale == "en-ph") {
        c.order = date_order::month_first;
        c.order_note = "month first, from the locale";
    } else if (!locale.empty()) {
        c.order = date_order::day_first;
        c.order_note = "day first, from the locale";
    } else if (dollars && (opt.language.empty() || opt.language == "eng")) {
        c.order = date_order::month_first;
        c.order_note = "month first: an English document in dollars";
    } else {
        c.order = date_order::day_first;
        c.order_note = "day first (no date or locale of the document tells)";
    }
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        auto& t = c.lines[l];
        // Read day first above; a row with a date that reads both ways is read again month first.
        if (c.order == date_order::month_first &&
            std::any_of(t.loose_dates.begin(), t.loose_dates.end(), [](const found_date& d) { return d.value.swappable; }))
            t.loose_dates = find_dates(c.rows[l].text, c.order, true);
        for (const auto& d : t.loose_dates)
            if (d.value.year != 0) t.dates.push_back(d);
        t.amounts = amounts_in(c, l);
    }
    return c;
}

std::optional<label_hit> find_label(const context& c, std::size_t l, label kind, std::size_t from, std::optional<label> exclude) {
    const auto& hits = c.lines[l].hits;
    std::size_t voided = npos; // a start whose matches an excluded phrase voided
    for (const auto& h : hits) {
        if (h.kind != kind || h.begin < from || h.begin == voided) continue;
        if (exclude) {
            // Only a longer phrase over these words voids a match: "Total Tax" or "Tax Total"
            // void "Total", but "TVA" stays TVA although a tax id's label is "TVA" too.
            const bool excluded = std::any_of(hits.begin(), hits.end(), [&](const label_hit& x) {
                return x.kind == *exclude && x.begin + 2 >= h.begin && x.begin <= h.begin &&
                       ((x.begin < h.begin && x.end >= h.end) || x.end > h.end);
            });
            if (excluded) {
                voided = h.begin;
                continue;
            }
        }
        return h;
    }
    return std::nullopt;
}

bool has_label(const context& c, std::size_t l, label kind) {
    const auto& hits = c.lines[l].hits;
    return std::any_of(hits.begin(), hits.end(), [&](const label_hit& h) { return h.kind == kind; });
}

const label_hit* label_at(const context& c, std::size_t l, label kind, std::size_t at) {
    for (const auto& h : c.lines[l].hits)
        if (h.kind == kind && h.begin == at) return &h;
    return nullptr;
}

std::string text_of(const text_line& t, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < std::min(to, t.toks.size()); ++i) {
        if (!out.empty() && t.toks[i - 1].b.x1 < t.toks[i].b.x0 - 0.01) out += ' ';
        out += t.toks[i].raw;
    }
    return out;
}

box box_of(const text_line& t, std::size_t from, std::size_t to) {
    box b;
    for (std::size_t i = from; i < std::min(to, t.toks.size()); ++i) b = unite(b, t.toks[i].b);
    return b;
}

double confidence_of(const text_line& t, std::size_t from, std::size_t to) {
    double m = 100;
    for (std::size_t i = from; i < std::min(to, t.toks.size()); ++i) m = std::min(m, t.toks[i].confidence);
    return m;
}

found text_found(const std::string& text, std::int64_t page, const box& b, double base, const text_line& t) {
    found f;
    f.value = text;
    f.text = text;
    f.page = page;
    f.b = b;
    f.confidence = base * (0.55 + 0.45 * confidence_of(t, 0, t.toks.size()) / 100);
    return f;
}

found make_found(const context& c, std::size_t l, std::size_t from, std::size_t to, std::string value, double base,
                 std::string_view label) {
    const auto& t = c.lines[l];
    found f;
    f.value = std::move(value);
    f.page = t.r->page;
    f.b = box_of(t, from, to);
    f.text = text_of(t, from, to);
    f.label = std::string(label);
    // OCR words read with low confidence make the value less sure; a text layer is exact.
    const double ocr = confidence_of(t, from, to) / 100.0;
    f.confidence = std::clamp(base * (0.55 + 0.45 * ocr), 0.0, 0.99);
    return f;
}

std::vector<money> amounts_in(const context& c, std::size_t l, std::size_t from, std::size_t to) {
    const auto& t = c.lines[l];
    to = std::min(to, t.toks.size());
    std::vector<money> all;
    auto is_mark = [](const token& k) { return k.mark(); };
    for (std::size_t i = from; i < to; ++i) {
        if (i + 1 < to && t.toks[i + 1].norm == "%") continue;
        if (!t.toks[i].raw.empty() && t.toks[i].raw.back() == '%') continue;
        std::optional<amount> a;
        std::size_t end = i + 1;
        // "1 234,56": a group of three after a space, in a document that writes decimal commas.
        const std::string_view head = !t.toks[i].norm.empty() && t.toks[i].norm[0] == '-' ? std::string_view(t.toks[i].norm).substr(1)
                                                                                           : std::string_view(t.toks[i].norm);
        if (c.style == number_style::comma_decimal && i + 1 < to && !head.empty() && head.size() <= 3 &&
            std::all_of(head.begin(), head.end(), is_digit)) {
            if (auto joined = parse_amount(t.toks[i].raw + " " + t.toks[i + 1].raw, c.style); joined && joined->scale > 0) {
                a = joined;
                end = i + 2;
            }
        }
        // OCR splits a figure at its decimal point: "64. 15", "35 ,85"; after a currency mark
        // the point may be lost altogether: "RM 64 13".
        if (!a && i + 1 < to && t.toks[i + 1].cell == t.toks[i].cell && t.toks[i + 1].norm.size() == 2 &&
            std::all_of(t.toks[i + 1].norm.begin(), t.toks[i + 1].norm.end(), is_digit)) {
            std::string lead = t.toks[i].raw;
            while (!lead.empty() && !is_digit(lead.front()) && lead.front() != '-') lead.erase(0, 1);
            const bool open_point = !lead.empty() && (lead.back() == '.' || lead.back() == ',');
            const bool after_mark = i > from && is_mark(t.toks[i - 1]) && !lead.empty() &&
                                    std::all_of(lead.begin(), lead.end(), is_digit) && lead.size() <= 4 &&
                                    (i + 2 >= to || t.toks[i + 2].cell != t.toks[i].cell);
            if (open_point || after_mark)
                if (auto joined = parse_amount(lead + (open_point ? "" : ".") + t.toks[i + 1].norm, c.style); joined && joined->scale == 2) {
                    a = joined;
                    end = i + 2;
                }
        }
        if (!a) a = t.toks[i].value;
        if (!a && is_mark(t.toks[i]) && i + 1 < to) { // "EUR 12.00", "$ 5"
            a = parse_amount(t.toks[i].raw + t.toks[i + 1].raw, c.style);
            if (a) end = i + 2;
        }
        if (!a) continue;
        if (end < to && is_mark(t.toks[end]) && a->currency.empty()) { // "12.00 EUR"
            a->currency = t.toks[end].code;
            ++end;
        }
        if (end < to && (t.toks[end].norm == "cr" || t.toks[end].norm == "dr")) {
            if (t.toks[end].norm == "dr" && a->units > 0) {
                a->units = -a->units;
                a->negative_mark = true;
            }
            if (t.toks[end].norm == "cr") a->credit_mark = true;
            ++end;
        }
        // Years, page numbers and codes are integers: an integer of 5+ digits is no amount.
        if (a->scale == 0 && std::abs(a->units) >= 10000) continue;
        all.push_back({*a, i, end, box_of(t, i, end), confidence_of(t, i, end)});
        i = end - 1;
    }
    const bool any_decimal = std::any_of(all.begin(), all.end(), [](const money& m) { return m.value.scale > 0; });
    if (any_decimal) std::erase_if(all, [](const money& m) { return m.value.scale == 0; });
    return all;
}

} // namespace detail

namespace {

using namespace detail;


// Where the value of a label is: the rest of its cell, else the next cell of the row, else the
// row below where it starts under the label. Returns (line, first token, end token).
struct span {
    std::size_t line = 0, first = 0, last = 0;
    bool below = false;
};

std::optional<span> value_after(const context& c, const label_hit& h, bool allow_below = true) {
    const auto& t = c.lines[h.line];
    std::size_t i = h.end;
    while (i < t.toks.size() && t.toks[i].norm.empty() && t.toks[i].raw.find_first_of("0123456789") == std::string::npos) ++i;
    if (i < t.toks.size()) {
        std::size_t e = i;
        const auto cell = t.toks[i].cell;
        while (e < t.toks.size() && t.toks[e].cell == cell) ++e;
        return span{h.line, i, e};
    }
    if (!allow_below) return std::nullopt;
    const box lb = box_of(t, h.begin, h.end);
    for (std::size_t l = h.line + 1; l < c.lines.size() && l <= h.line + 2; ++l) {
        const auto& n = c.lines[l];
        if (n.r->page != t.r->page || n.r->b.y0 - t.r->b.y1 > 3 * std::max(1.0, t.r->height)) break;
        // The cell under the label: the one that overlaps it most.
        std::size_t best = npos;
        double best_ov = 0;
        for (std::size_t k = 0; k < n.toks.size(); ++k) {
            const auto& tk = n.toks[k];
            const double ov = std::min(tk.b.x1, lb.x1 + 0.5 * lb.height()) - std::max(tk.b.x0, lb.x0 - 0.5 * lb.height());
            if (ov > best_ov) {
                best_ov = ov;
                best = k;
            }
        }
        if (best == npos) continue;
        std::size_t k = best;
        while (k > 0 && n.toks[k - 1].cell == n.toks[best].cell) --k;
        std::size_t e = best;
        while (e < n.toks.size() && n.toks[e].cell == n.toks[best].cell) ++e;
        return span{l, k, e, true};
    }
    return std::nullopt;
}

// Candidate amounts for a money field: the rightmost amount on each row its labels anchor.
struct money_hit {
    found f;
    amount value;
    std::size_t line = 0;
    std::string_view phrase;
    bool strong = false;
    bool leaves_tax_out = false; //!< the label goes on to say "excluding GST", "hors taxes"
};

std::vector<money_hit> money_candidates(const context& c, label kind, std::optional<label> exclude, double base,
                                        bool strong = false) {
    std::vector<money_hit> out;
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        auto h = find_label(c, l, kind, 0, exclude);
        if (!h) continue;
        auto ms = amounts_in(c, l, h->end);
        std::size_t line = l;
        bool below = false;
        if (ms.empty()) { // the amount under the label, or on the next row
            if (auto v = value_after(c, *h); v && v->line != l) {
                ms = amounts_in(c, v->line, v->first, v->last);
                if (ms.empty()) ms = amounts_in(c, v->line);
                line = v->line;
                below = true;
            }
        }
        // A document that prints its money with decimals does not print a total without them.
        if (c.style != number_style::unknown) std::erase_if(ms, [](const money& m) { return m.value.scale == 0; });
        if (ms.empty()) continue;
        const auto& m = ms.back();
        money_hit mh;
        const std::size_t words_to = line == l ? m.first : c.lines[l].toks.size();
        const auto& hits = c.lines[l].hits;
        mh.leaves_tax_out = std::any_of(hits.begin(), hits.end(), [&](const label_hit& x) {
            return x.kind == label::excludes_tax && x.begin >= h->end && x.begin < words_to;
        });
        mh.value = m.value;
        mh.f = make_found(c, line, m.first, m.last, format_amount(m.value), below ? base - 0.1 : base, h->phrase);
        mh.f.text = text_of(c.lines[l], h->begin, c.lines[l].toks.size());
        mh.line = line;
        mh.phrase = h->phrase;
        mh.strong = strong;
        out.push_back(std::move(mh));
    }
    return out;
}

std::optional<found> pick_date(const context& c, label kind, std::optional<label> exclude, double base) {
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        auto h = find_label(c, l, kind, 0, exclude);
        if (!h) continue;
        for (int pass = 0; pass < 2; ++pass) {
            std::size_t line = l, from = h->end;
            if (pass == 1) {
                auto v = value_after(c, *h);
                if (!v || v->line == l) break;
                line = v->line;
                from = v->first;
            }
            const std::string rest = text_of(c.lines[line], from, npos);
            auto ds = find_dates(rest, c.order);
            if (ds.empty()) continue;
            const auto& d = ds.front();
            found f = make_found(c, line, from, npos, format_date(d.value), pass ? base - 0.1 : base, h->phrase);
            f.text = rest.substr(d.begin, d.end - d.begin);
            if (d.value.swappable) {
                f.note = "ambiguous day/month: read " + c.order_note;
                f.confidence *= 0.9;
            }
            return f;
        }
    }
    return std::nullopt;
}

std::optional<found> first_date(const context& c, const std::vector<std::size_t>& skip_lines) {
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        if (std::find(skip_lines.begin(), skip_lines.end(), l) != skip_lines.end()) continue;
        const auto& ds = c.lines[l].dates;
        if (ds.empty()) continue;
        const auto& d = ds.front();
        found f = make_found(c, l, 0, npos, format_date(d.value), 0.6);
        f.text = c.rows[l].text.substr(d.begin, d.end - d.begin);
        if (d.value.swappable) f.note = "ambiguous day/month: read " + c.order_note;
        return f;
    }
    return std::nullopt;
}

// An identifier after its label: the first token with a digit that is no date and no amount.
// The first value that `read` accepts among those every label of `kind` anchors, in document
// order; `read` gets the label and where its value is.
template <class Read>
std::optional<found> first_value(const context& c, label kind, std::optional<label> exclude, bool allow_below, Read read) {
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        for (std::size_t from = 0;;) {
            auto h = find_label(c, l, kind, from, exclude);
            if (!h) break;
            from = h->end;
            auto v = value_after(c, *h, allow_below);
            if (!v) continue;
            if (auto f = read(*h, *v)) return f;
        }
    }
    return std::nullopt;
}

std::optional<found> pick_id(const context& c, label kind, std::optional<label> exclude, double base) {
    return first_value(c, kind, exclude, true, [&](const label_hit& h, const span& v) -> std::optional<found> {
        const auto& t = c.lines[v.line];
        for (std::size_t k = v.first; k < v.last && k < v.first + 3; ++k) {
            std::string s = t.toks[k].raw;
            while (!s.empty() && (s.back() == ',' || s.back() == ';' || s.back() == ')' || s.back() == '.')) s.pop_back();
            while (!s.empty() && (s.front() == ':' || s.front() == '#' || s.front() == '(')) s.erase(0, 1);
            // A label's number word ("No", "Nr") may sit between the label and the id.
            if (s.empty() || s.size() > 40 || !has_digit(s)) continue;
            if (!find_dates(s, c.order).empty() || find_time(s)) break;
            found f = make_found(c, v.line, k, k + 1, s, v.below ? base - 0.1 : base, h.phrase);
            f.text = text_of(c.lines[h.line], h.begin, c.lines[h.line].toks.size());
            return f;
        }
        return std::nullopt;
    });
}

// Free text after a label (a customer's name, payment terms).
std::optional<found> pick_text(const context& c, label kind, double base, bool allow_same_line = true) {
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        auto h = find_label(c, l, kind);
        if (!h || h->begin > 1) continue;
        auto v = value_after(c, *h);
        if (!v || (!allow_same_line && !v->below)) continue;
        const std::string s = text_of(c.lines[v->line], v->first, v->last);
        if (letters_in(s) < 2 || s.size() > 120) continue;
        found f = make_found(c, v->line, v->first, v->last, s, v->below ? base - 0.1 : base, h->phrase);
        return f;
    }
    return std::nullopt;
}

bool is_title_row(const context& c, std::size_t l) {
    const auto& t = c.lines[l];
    return std::any_of(t.hits.begin(), t.hits.end(), [&](const label_hit& h) {
        return h.begin == 0 && t.words <= h.words + 1 &&
               (h.kind == label::title_invoice || h.kind == label::title_receipt || h.kind == label::title_statement);
    });
}

bool has_company_suffix(const context& c, std::size_t l) {
    const auto& hits = c.lines[l].hits;
    return std::any_of(hits.begin(), hits.end(), [](const label_hit& h) { return h.kind == label::company_suffix && h.phrase.size() >= 2; });
}

// Takes a trailing registration number off a company name: "ACME SDN BHD (123456-X)".
std::string without_registration(std::string s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (!s.empty() && s.back() == ')') {
        const auto open = s.rfind('(');
        if (open != std::string::npos && has_digit(s.substr(open))) s.erase(open);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == ',')) s.pop_back();
    return s;
}

bool name_like(std::string_view s) {
    const int letters = letters_in(s);
    int digits = 0;
    for (char ch : s)
        if (ch >= '0' && ch <= '9') ++digits;
    return letters >= 3 && digits * 3 < letters && s.size() <= 80 && s.find('@') == std::string_view::npos &&
           s.find("www") == std::string_view::npos && s.find("http") == std::string_view::npos;
}

// Whether an OCR'd row reads as words rather than the scraps OCR makes of a logo or a stamp
// ("7 sao see ©", "H za ~ i 2"): most of its tokens are words of two letters or more, read with
// some confidence.
bool reads_as_words(const text_line& t) {
    int words = 0, all = 0;
    double conf = 0;
    for (const auto& k : t.toks) {
        if (k.raw.empty()) continue;
        ++all;
        conf += k.confidence;
        const int letters = letters_in(k.raw);
        if (letters >= 2 && letters * 10 >= static_cast<int>(k.raw.size()) * 7) ++words;
    }
    return all > 0 && words * 10 >= all * 6 && conf / all >= 55;
}

// The issuer of a receipt or invoice: among the first rows that read as a name, the one with a
// company suffix, the tallest and the first score best; a name broken over two rows ("POPULAR
// BOOK" over "CO. (M) SDN BHD") is joined again.
std::optional<found> pick_merchant(const context& c, bool receipt) {
    if (c.lines.empty()) return std::nullopt;
    if (auto f = pick_text(c, label::merchant, 0.75)) return f; // "Seller: …"
    const std::int64_t first_page = c.rows.front().page;
    const double page_h = (*c.pages)[0].height > 0 ? (*c.pages)[0].height : 1;
    std::vector<std::size_t> top;
    for (std::size_t l = 0; l < c.lines.size() && top.size() < (receipt ? 8u : 10u); ++l) {
        if (c.rows[l].page != first_page) break;
        if (!receipt && c.rows[l].b.y0 > 0.4 * page_h) break;
        const std::string& s = c.rows[l].text;
        if (!name_like(s) || is_title_row(c, l)) continue;
        if ((*c.pages)[0].ocr && !reads_as_words(c.lines[l])) continue;
        if (find_label(c, l, label::date) || find_label(c, l, label::invoice_id) || find_label(c, l, label::customer) ||
            find_label(c, l, label::tax_id) || find_label(c, l, label::account_holder))
            if (!has_company_suffix(c, l)) continue;
        top.push_back(l);
    }
    if (top.empty()) return std::nullopt;
    double tallest = 0;
    for (const auto l : top) tallest = std::max(tallest, c.rows[l].height);
    std::size_t best = top.front();
    double best_score = -1e9;
    for (std::size_t rank = 0; rank < top.size(); ++rank) {
        const auto l = top[rank];
        const double score = (has_company_suffix(c, l) ? 3.0 : 0.0) + 2.0 * c.rows[l].height / std::max(1.0, tallest) +
                             1.5 - 0.3 * static_cast<double>(rank);
        if (score > best_score) {
            best_score = score;
            best = l;
        }
    }
    // The rows of one name: adjacent, of a like height.
    auto continues = [&](std::size_t upper, std::size_t lower) {
        const auto& a = c.rows[upper];
        const auto& b = c.rows[lower];
        const double h = std::max(a.height, b.height);
        if ((*c.pages)[0].ocr && (confidence_of(c.lines[upper], 0, npos) < 40 || confidence_of(c.lines[lower], 0, npos) < 40))
            return false;
        return a.page == b.page && b.b.y0 - a.b.y1 < 0.8 * h && std::min(a.height, b.height) > 0.75 * h &&
               name_like(b.text) && name_like(a.text) && !has_digit(a.text) && !is_title_row(c, upper) && !is_title_row(c, lower);
    };
    auto starts_with_suffix = [&](std::size_t l) {
        const auto& t = c.lines[l];
        if (t.toks.empty()) return false;
        if (!t.toks.front().raw.empty() && t.toks.front().raw.front() == '(') return true;
        const auto* h = label_at(c, l, label::company_suffix, 0);
        return h && h->phrase.size() >= 2;
    };
    std::size_t first = best, last = best;
    // A name over two rows: the row above a suffix row belongs to it when it reads as a name of
    // the same size right above ("POPULAR BOOK" over "CO. (M) SDN BHD").
    if (first > 0 && (starts_with_suffix(best) || has_company_suffix(c, best)) && continues(best - 1, best) &&
        !has_company_suffix(c, best - 1))
        first = best - 1;
    else if (!has_company_suffix(c, best) && best + 1 < c.lines.size() && continues(best, best + 1) &&
             has_company_suffix(c, best + 1))
        last = best + 1;
    std::string text;
    box b;
    double conf = 100;
    for (std::size_t l = first; l <= last; ++l) {
        const auto& t = c.lines[l];
        // An invoice's letterhead row may hold other blocks beside the name: its first cell.
        std::size_t from = 0, to = t.toks.size();
        if (!receipt && !t.toks.empty()) {
            const auto cell = t.toks.front().cell;
            to = 0;
            while (to < t.toks.size() && t.toks[to].cell == cell) ++to;
        }
        if (!text.empty()) text += ' ';
        text += text_of(t, from, to);
        b = unite(b, box_of(t, from, to));
        conf = std::min(conf, confidence_of(t, from, to));
    }
    found f;
    f.value = without_registration(text);
    f.text = text;
    f.page = first_page;
    f.b = b;
    const double base = has_company_suffix(c, best) ? 0.75 : 0.55;
    f.confidence = base * (0.55 + 0.45 * conf / 100);
    return f;
}

// The address under the merchant's name: the next rows until a phone, a label or a date.
std::optional<found> pick_address(const context& c, const found& merchant) {
    std::size_t l = 0;
    while (l < c.lines.size() && !(c.rows[l].page == merchant.page && c.rows[l].b.y0 >= merchant.b.y0 - 0.5)) ++l;
    if (l >= c.lines.size()) return std::nullopt;
    std::string text;
    box b;
    double conf = 100;
    std::size_t taken = 0;
    for (std::size_t k = l + 1; k < c.lines.size() && taken < 4 && c.rows[k].page == merchant.page; ++k) {
        const std::string& s = c.rows[k].text;
        const std::string f = fold(s);
        if (f.find("tel") != std::string::npos || f.find("phone") != std::string::npos || f.find("fax") != std::string::npos ||
            f.find('@') != std::string::npos || has_label(c, k, label::tax_id) || !find_dates(s, c.order).empty() ||
            is_title_row(c, k) || letters_in(s) < 2)
            break;
        if (c.rows[k].b.y0 - c.rows[k - 1].b.y1 > 2.5 * std::max(1.0, c.rows[k].height)) break;
        // Rows of an address are parts of one line: a comma between them, unless printed.
        if (!text.empty()) text += text.back() == ',' ? " " : ", ";
        text += s;
        b = unite(b, c.rows[k].b);
        conf = std::min(conf, confidence_of(c.lines[k], 0, npos));
        ++taken;
    }
    if (text.empty()) return std::nullopt;
    found f;
    f.value = text;
    f.text = text;
    f.page = merchant.page;
    f.b = b;
    f.confidence = 0.5 * (0.55 + 0.45 * conf / 100);
    return f;
}

std::optional<found> pick_iban(const context& c) {
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        const auto& t = c.lines[l];
        for (std::size_t i = 0; i < t.toks.size(); ++i) {
            const auto& n = t.toks[i].norm;
            if (n.size() < 4 || !(n[0] >= 'a' && n[0] <= 'z') || !(n[1] >= 'a' && n[1] <= 'z') || !has_digit(n.substr(2, 2))) continue;
            // Printed in groups of four: the longest run of groups that checks out (a shorter
            // prefix can pass the checksum by chance, one time in 97).
            std::string joined;
            std::optional<found> best;
            for (std::size_t k = i; k < t.toks.size() && k < i + 9; ++k) {
                if (k > i && (t.toks[k].norm.size() > 4 || t.toks[k].norm.empty())) break;
                joined += t.toks[k].norm;
                if (auto iban = parse_iban(joined))
                    best = make_found(c, l, i, k + 1, *iban, 0.95, has_label(c, l, label::iban) ? "IBAN" : "");
            }
            if (best) return best;
        }
    }
    return std::nullopt;
}

std::optional<found> pick_tax_id(const context& c) {
    return first_value(c, label::tax_id, std::nullopt, false, [&](const label_hit& h, const span& v) -> std::optional<found> {
        const auto& t = c.lines[v.line];
        std::string id;
        std::size_t k = v.first;
        // An id may be printed in groups: "DE 123 456 789", "000123456-X".
        for (; k < v.last && id.size() < 24; ++k) {
            const std::string& raw = t.toks[k].raw;
            if (!has_digit(raw) && !(k == v.first && raw.size() == 2)) break;
            id += raw;
        }
        while (!id.empty() && (id.back() == ',' || id.back() == ';' || id.back() == ')')) id.pop_back();
        while (!id.empty() && (id.front() == ':' || id.front() == '(')) id.erase(0, 1);
        if (id.size() < 5 || !has_digit(id) || !find_dates(id, c.order).empty()) return std::nullopt;
        return make_found(c, v.line, v.first, k, id, 0.8, h.phrase);
    });
}

std::optional<found> pick_currency(const context& c, const std::optional<money_hit>& total) {
    if (total && !total->value.currency.empty()) {
        found f = total->f;
        f.value = total->value.currency;
        f.confidence = std::min(0.95, f.confidence + 0.05);
        return f;
    }
    std::map<std::string, int> seen;
    std::optional<found> first_of;
    std::map<std::string, found> where;
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        const auto& t = c.lines[l];
        for (std::size_t i = 0; i < t.toks.size(); ++i) {
            std::string code = t.toks[i].code;
            if (code.empty() && t.toks[i].norm.size() == 3) code = currency_code(t.toks[i].norm); // "(EUR)"
            // Attached to a number: "€12.00", "12.00€", "RM9.00".
            if (code.empty() && t.toks[i].value) code = t.toks[i].value->currency;
            if (code.empty()) continue;
            if (!where.count(code)) where[code] = make_found(c, l, i, i + 1, code, 0.7);
            ++seen[code];
        }
    }
    if (seen.empty()) return std::nullopt;
    auto best = std::max_element(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    found f = where[best->first];
    // "$" alone is read as US dollars; say so by a lower confidence.
    if (best->first == "USD" && f.text == "$") f.confidence = 0.6;
    return f;
}

std::optional<found> pick_time(const context& c) {
    for (std::size_t l = 0; l < c.lines.size(); ++l)
        if (auto m = find_time(c.rows[l].text)) {
            found f = make_found(c, l, 0, npos, format_time(*m), 0.75);
            return f;
        }
    return std::nullopt;
}

// The method as one word whatever the language printed: cash, card, visa, mastercard…
std::string payment_method_name(std::string_view phrase) {
    static const std::vector<std::pair<std::string_view, std::string_view>> names = {
        {"bar", "cash"}, {"especes", "cash"}, {"efectivo", "cash"}, {"contanti", "cash"}, {"contant", "cash"},
        {"numerario", "cash"}, {"gegeben", "cash"}, {"bargeld", "cash"}, {"cash", "cash"}, {"master card", "mastercard"}, {"american express", "amex"},
        {"ec karte", "debit card"}, {"girocard", "debit card"}, {"carte bancaire", "card"}, {"carte bleue", "card"},
        {"cb", "card"}, {"tarjeta", "card"}, {"bancomat", "debit card"}, {"pin", "debit card"}, {"eftpos", "debit card"},
        {"uberweisung", "bank transfer"}, {"virement", "bank transfer"}, {"transferencia", "bank transfer"},
        {"bonifico", "bank transfer"}, {"overschrijving", "bank transfer"}, {"transferencia bancaria", "bank transfer"},
        {"transfer", "bank transfer"}, {"check", "cheque"},
    };
    for (const auto& [k, v] : names)
        if (phrase == k) return std::string(v);
    return std::string(phrase);
}

std::optional<found> pick_payment_method(const context& c, std::size_t after_line) {
    for (std::size_t l = after_line; l < c.lines.size(); ++l) {
        for (const auto& h : c.lines[l].hits)
            if (h.kind == label::payment_method && h.phrase.size() >= 3)
                return make_found(c, l, h.begin, h.end, payment_method_name(h.phrase), 0.6, h.phrase);
    }
    return std::nullopt;
}

void set(analysis& a, std::string_view name, std::optional<found> v) {
    for (auto& f : a.fields)
        if (f.name == name) {
            f.value = std::move(v);
            return;
        }
    a.fields.push_back({std::string(name), std::move(v)});
}

found* get(analysis& a, std::string_view name) {
    for (auto& f : a.fields)
        if (f.name == name) return f.value ? &*f.value : nullptr;
    return nullptr;
}

std::optional<amount> amount_of(const analysis& a, std::string_view name) {
    const found* f = a.field(name);
    if (!f) return std::nullopt;
    return parse_amount(f->value);
}

void adjust(analysis& a, const check& k) {
    for (const auto& name : k.fields)
        if (found* f = get(a, name)) f->confidence = std::clamp(f->confidence + (k.passed ? 0.12 : -0.25), 0.05, 0.99);
}

// Totals: the strongest label wins, then the lowest on the page; subtotal + tax = total breaks
// ties between candidates.
void read_money(analysis& a, const context& c, bool receipt, std::size_t& total_line) {
    auto strong = money_candidates(c, label::total_strong, label::not_total, 0.85, true);
    auto plain = money_candidates(c, label::total, label::not_total, 0.8);
    auto sub = money_candidates(c, label::subtotal, std::nullopt, 0.8);
    auto tax = money_candidates(c, label::tax, label::tax_id, 0.75);
    std::erase_if(tax, [&](const money_hit& m) {
        return has_label(c, m.line, label::total_strong) || has_label(c, m.line, label::subtotal);
    });
    auto tip = money_candidates(c, label::tip, std::nullopt, 0.8);
    auto due = money_candidates(c, label::amount_due, std::nullopt, 0.8);

    std::optional<money_hit> total;
    std::vector<money_hit> all = strong;
    all.insert(all.end(), plain.begin(), plain.end());
    // A plain "Total" on a subtotal's row is the subtotal's ("Sub Total (RM) : 37.50").
    std::erase_if(all, [&](const money_hit& m) {
        return m.value.units <= 0 || m.leaves_tax_out || (!m.strong && has_label(c, m.line, label::subtotal));
    });
    // What was handed over less the change is what was paid: cash 100.00, change 19.10, total 80.90.
    std::optional<amount> paid_less_change;
    {
        auto given = money_candidates(c, label::paid, std::nullopt, 0.7);
        auto change = money_candidates(c, label::change, std::nullopt, 0.7);
        std::erase_if(given, [&](const money_hit& m) { return has_label(c, m.line, label::change); });
        if (!given.empty() && !change.empty() && change.back().value.units >= 0) {
            const amount rest = subtract(given.back().value, change.back().value);
            if (rest.units > 0) paid_less_change = rest;
        }
    }
    if (!all.empty()) {
        // Receipts print a total, then rounding, cash and change: the last "strong" total, or the
        // largest plain one, is what was paid.
        std::sort(all.begin(), all.end(), [&](const money_hit& x, const money_hit& y) {
            if (x.strong != y.strong) return x.strong;
            return to_double(x.value) > to_double(y.value);
        });
        total = all.front();
        // A total printed just under a rounding adjustment is the rounded one, which was paid.
        for (std::size_t l = 0; l < c.lines.size(); ++l) {
            if (!has_label(c, l, label::rounding)) continue;
            const money_hit* first = nullptr;
            for (const auto& t : all)
                if (t.line > l && t.line <= l + 3 && (!first || t.line < first->line)) first = &t;
            if (first) total = *first;
            break;
        }
        // Cross-checks decide over all of that: the candidate that subtotal plus tax gives, else
        // the one that cash less change gives.
        const money_hit* checked = nullptr;
        if (!sub.empty() && !tax.empty())
            for (const auto& t : all)
                if (!checked && same_value(add(sub.front().value, tax.front().value), t.value)) checked = &t;
        if (!checked && paid_less_change)
            for (const auto& t : all)
                if (!checked && same_value(*paid_less_change, t.value)) checked = &t;
        if (checked) total = *checked;
    } else {
        // No total label read: the amount that cash less change gives, where it is printed
        // ("Round .dTotal(RM); 9.60" beside cash 10.00 and change 0.40); else the largest
        // amount that is not cash given or change.
        for (std::size_t l = 0; l < c.lines.size() && paid_less_change && !total; ++l) {
            if (has_label(c, l, label::change) || has_label(c, l, label::paid) || has_label(c, l, label::subtotal) ||
                has_label(c, l, label::tax))
                continue;
            const auto& ms = c.lines[l].amounts;
            const auto m = std::find_if(ms.begin(), ms.end(), [&](const money& x) { return same_value(x.value, *paid_less_change); });
            if (m == ms.end()) continue;
            money_hit mh;
            mh.value = m->value;
            mh.line = l;
            mh.f = make_found(c, l, m->first, m->last, format_amount(m->value), 0.6);
            mh.f.note = "the amount cash less change gives";
            total = mh;
        }
        std::optional<money_hit> largest;
        for (std::size_t l = 0; l < c.lines.size() && !total; ++l) {
            if (has_label(c, l, label::change) || has_label(c, l, label::paid)) continue;
            for (const auto& m : c.lines[l].amounts)
                if (m.value.scale > 0 && (!largest || to_double(m.value) > to_double(largest->value))) {
                    largest = money_hit{};
                    largest->value = m.value;
                    largest->line = l;
                    largest->f = make_found(c, l, m.first, m.last, format_amount(m.value), 0.4);
                }
        }
        if (!total) total = largest;
    }
    if (total) total_line = total->line;
    set(a, "currency", pick_currency(c, total));
    if (!sub.empty()) {
        // The subtotal above the total, the nearest one.
        const money_hit* best = &sub.front();
        for (const auto& s : sub)
            if (!total || s.line <= total->line) best = &s;
        set(a, "subtotal", best->f);
    } else {
        set(a, "subtotal", std::nullopt);
    }
    if (!tax.empty()) {
        // The tax of the totals block: the last one above the total (line items may print their
        // rate too), else the first.
        money_hit t = tax.front();
        if (total)
            for (const auto& x : tax)
                if (x.line <= total->line) t = x;
        // A tax row can print the rate, the base and the tax: the amount that adds up wins.
        if (auto s = amount_of(a, "subtotal"); s && total) {
            for (const auto& m : amounts_in(c, t.line))
                if (same_value(add(*s, m.value), total->value)) {
                    t.value = m.value;
                    t.f = make_found(c, t.line, m.first, m.last, format_amount(m.value), 0.8, t.phrase);
                }
        }
        set(a, "tax", t.f);
        if (auto pct = find_percent(c.rows[t.line].text)) {
            found r = t.f;
            r.value = format_amount(*pct, 0);
            r.number = true;
            set(a, "tax_rate", r);
        } else {
            set(a, "tax_rate", std::nullopt);
        }
    } else {
        set(a, "tax", std::nullopt);
        set(a, "tax_rate", std::nullopt);
    }
    if (receipt) set(a, "tip", tip.empty() ? std::nullopt : std::optional<found>(tip.front().f));
    set(a, "total", total ? std::optional<found>(total->f) : std::nullopt);
    if (!receipt) set(a, "amount_due", due.empty() ? std::nullopt : std::optional<found>(due.back().f));
}

void money_checks(analysis& a) {
    auto sub = amount_of(a, "subtotal"), tax = amount_of(a, "tax"), total = amount_of(a, "total"),
         tip = amount_of(a, "tip");
    if (sub && tax && total) {
        amount sum = add(*sub, *tax);
        if (tip) sum = add(sum, *tip);
        check k{"subtotal_plus_tax_equals_total", same_value(sum, *total), {"subtotal", "tax", "total"},
                format_amount(*sub) + " + " + format_amount(*tax) + (tip ? " + " + format_amount(*tip) : "") + " = " +
                    format_amount(sum) + ", total " + format_amount(*total)};
        if (tip) k.fields.push_back("tip");
        adjust(a, k);
        a.checks.push_back(std::move(k));
    }
    if (!a.line_items.empty()) {
        amount sum;
        bool all = true;
        for (const auto& li : a.line_items) {
            auto t = li.total ? parse_amount(li.total->value) : std::nullopt;
            if (!t) {
                all = false;
                break;
            }
            sum = add(sum, *t);
            // A quantity worked out from the total and the price would check itself: not counted.
            if (li.quantity && li.unit_price && li.quantity->note.empty()) {
                auto q = parse_amount(li.quantity->value), p = parse_amount(li.unit_price->value);
                if (q && p) {
                    const amount prod = multiply(*q, *p, t->scale);
                    const bool ok = same_value(prod, *t);
                    a.checks.push_back({"quantity_times_unit_price_equals_line_total", ok, {"line_items"},
                                        li.quantity->value + " x " + li.unit_price->value + " = " + format_amount(prod) +
                                            ", line total " + li.total->value});
                }
            }
        }
        const auto against = sub ? sub : total;
        if (all && against) {
            const bool ok = same_value(sum, *against);
            check k{sub ? "line_totals_equal_subtotal" : "line_totals_equal_total", ok, {sub ? "subtotal" : "total"},
                    "sum of line totals " + format_amount(sum) + ", " + (sub ? "subtotal " : "total ") + format_amount(*against)};
            // A sum that agrees confirms the figure; one that does not only says the lines may be incomplete.
            if (ok) adjust(a, k);
            a.checks.push_back(std::move(k));
        }
    }
}

void date_checks(analysis& a) {
    const found* d = a.field("date");
    const found* due = a.field("due_date");
    if (d && due && d->value.size() == 10 && due->value.size() == 10) {
        const bool ok = due->value >= d->value;
        check k{"due_date_not_before_date", ok, {"date", "due_date"}, d->value + " <= " + due->value};
        adjust(a, k);
        a.checks.push_back(std::move(k));
    }
}

void read_invoice(analysis& a, const context& c) {
    set(a, "merchant", pick_merchant(c, false));
    if (const found* m = a.field("merchant")) set(a, "merchant_address", pick_address(c, *m));
    else set(a, "merchant_address", std::nullopt);
    set(a, "merchant_tax_id", pick_tax_id(c));
    set(a, "customer", pick_text(c, label::customer, 0.65));
    set(a, "invoice_id", pick_id(c, label::invoice_id, label::purchase_order, 0.85));
    set(a, "purchase_order", pick_id(c, label::purchase_order, std::nullopt, 0.8));
    auto date = pick_date(c, label::date, label::due_date, 0.85);
    if (!date) date = first_date(c, {});
    set(a, "date", date);
    set(a, "due_date", pick_date(c, label::due_date, std::nullopt, 0.85));
    std::size_t total_line = npos;
    read_money(a, c, false, total_line);
    set(a, "payment_terms", pick_text(c, label::payment_terms, 0.7));
    set(a, "iban", pick_iban(c));
    a.line_items = read_line_items(c, a.tables);
}

void read_receipt(analysis& a, const context& c) {
    auto merchant = pick_merchant(c, true);
    set(a, "merchant", merchant);
    set(a, "merchant_address", merchant ? pick_address(c, *merchant) : std::nullopt);
    set(a, "merchant_tax_id", pick_tax_id(c));
    auto date = pick_date(c, label::date, label::due_date, 0.85);
    if (!date) date = first_date(c, {});
    if (date) date->confidence = std::max(date->confidence, 0.7 * (0.55 + 0.45));
    set(a, "date", date);
    set(a, "time", pick_time(c));
    std::size_t total_line = npos;
    read_money(a, c, true, total_line);
    // Reorder so the schema order holds: currency before the amounts was set by read_money.
    set(a, "payment_method", pick_payment_method(c, total_line == npos ? 0 : total_line));
    a.line_items = read_line_items(c, a.tables);
}

std::optional<found> pick_bank(const context& c) {
    for (std::size_t l = 0; l < c.lines.size() && l < 40; ++l) {
        const auto& t = c.lines[l];
        for (const auto& h : t.hits) {
                if (h.kind != label::bank_word || (h.phrase.size() <= 3 && h.phrase != "ing")) continue;
                const std::size_t i = h.begin;
                // The bank's name is the cell around the word, up to a few words.
                const auto cell = t.toks[i].cell;
                std::size_t b = i, e = i + 1;
                while (b > 0 && t.toks[b - 1].cell == cell && i - b < 3 && letters_in(t.toks[b - 1].raw) > 0) --b;
                while (e < t.toks.size() && t.toks[e].cell == cell && e - i < 3 && letters_in(t.toks[e].raw) > 0 &&
                       !has_digit(t.toks[e].raw))
                    ++e;
                return make_found(c, l, b, e, text_of(t, b, e), 0.65);
            }
    }
    return std::nullopt;
}

std::optional<found> pick_account_number(const context& c) {
    return first_value(c, label::account_number, std::nullopt, true, [&](const label_hit& h, const span& v) -> std::optional<found> {
        const auto& t = c.lines[v.line];
        std::string id;
        std::size_t k = v.first, start = npos;
        for (; k < v.last; ++k) {
            const std::string& raw = t.toks[k].raw;
            const bool masked = raw.find_first_of("xX*") != std::string::npos;
            if (!has_digit(raw) && !masked) {
                if (start != npos) break;
                continue;
            }
            if (start == npos) start = k;
            if (!id.empty()) id += ' ';
            id += raw;
            if (id.size() > 34) break;
        }
        if (start == npos || !has_digit(id) || !find_dates(id, c.order).empty()) return std::nullopt;
        return make_found(c, v.line, start, k, id, 0.8, h.phrase);
    });
}

std::optional<found> pick_holder(const context& c, const std::optional<found>& bank) {
    if (auto f = pick_text(c, label::account_holder, 0.7)) return f;
    // A mailing block near the top: a name over an address (a line starting with a number).
    for (std::size_t l = 0; l + 1 < c.lines.size() && l < 30; ++l) {
        const std::string& s = c.rows[l].text;
        if (!name_like(s) || has_digit(s) || is_title_row(c, l) || (bank && c.rows[l].b.y0 == bank->b.y0)) continue;
        if (has_label(c, l, label::bank_word) || has_company_suffix(c, l)) continue;
        const std::string& next = c.rows[l + 1].text;
        if (!next.empty() && next[0] >= '0' && next[0] <= '9') {
            std::size_t words = 0;
            for (const auto& k : c.lines[l].toks)
                if (!k.norm.empty()) ++words;
            if (words < 2 || words > 5) continue;
            return make_found(c, l, 0, npos, s, 0.5);
        }
    }
    return std::nullopt;
}

// A printed amount equal to `v`, as a found value: where an unread label's balance is on the page.
std::optional<found> printed_amount(const context& c, const amount& v, std::string note) {
    for (std::size_t l = 0; l < c.lines.size(); ++l)
        for (const auto& m : c.lines[l].amounts)
            if (same_value(m.value, v)) {
                found f = make_found(c, l, m.first, m.last, format_amount(v), 0.6);
                f.note = std::move(note);
                return f;
            }
    return std::nullopt;
}

// Mends misread and unread figures of the transactions from the running balances (mend_ledger),
// each with a note in its evidence and a lower confidence; says what it changed, for the checks.
std::string mend_statement(analysis& a, const context& c) {
    // Only what OCR read can be misread. A text layer's figures are the document's own: a link
    // they break is a fact about the statement (an error, or an edited figure) that `reconciled`
    // must report, not a reading to mend.
    const bool all_ocr = !a.transactions.empty() && std::all_of(a.transactions.begin(), a.transactions.end(),
                                                                [&](const transaction& t) { return ocr_page(*c.pages, t.page); });
    if (!all_ocr) return {};
    ledger l;
    l.opening = amount_of(a, "opening_balance");
    l.closing = amount_of(a, "closing_balance");
    auto read = [](const std::optional<found>& f) { return f ? parse_amount(f->value) : std::nullopt; };
    for (const auto& t : a.transactions) l.rows.push_back({read(t.amount), read(t.balance)});
    std::string said;
    for (const auto& fx : mend_ledger(l)) {
        const std::string value = format_amount(fx.value);
        const std::string was = fx.read ? "read " + format_amount(*fx.read) : std::string("not read");
        auto mend = [&](std::optional<found>& f, std::int64_t page, const box& b, std::string why) {
            if (!f) {
                f.emplace();
                f->page = page;
                f->b = b;
                f->confidence = 0.6;
            }
            f->value = value;
            f->note = was + "; " + why;
            f->confidence = std::min(f->confidence, 0.7);
        };
        std::string what;
        if (fx.part == ledger_part::amount || fx.part == ledger_part::balance) {
            auto& t = a.transactions[fx.row];
            const bool amt = fx.part == ledger_part::amount;
            mend(amt ? t.amount : t.balance, t.page, t.b,
                 amt ? "the running balances before and after the row say " + value
                     : "the balance before plus the amount, as the balances after it confirm, is " + value);
            what = "row " + std::to_string(fx.row + 1) + (amt ? " amount " : " balance ");
        } else {
            const bool opening = fx.part == ledger_part::opening;
            const char* name = opening ? "opening_balance" : "closing_balance";
            const found* read_as = a.field(name);
            std::optional<found> f = read_as ? std::optional<found>(*read_as) : std::nullopt;
            const std::string why = opening ? "the first row's balance less its amount is " + value
                                            : "the last running balance is " + value;
            if (!f) {
                // Unread: only an amount the page prints is taken (its label was misread).
                f = printed_amount(c, fx.value, "label not read; " + why);
                if (!f) continue;
            } else {
                mend(f, f->page, f->b, why);
            }
            set(a, name, std::move(f));
            what = std::string(opening ? "opening" : "closing") + " balance ";
        }
        if (!said.empty()) said += "; ";
        said += what + was + ", mended to " + value;
    }
    if (!said.empty()) a.needs_review.push_back("transactions");
    return said;
}

void read_statement(analysis& a, const context& c) {
    std::vector<std::string> folded; // the rows' text, folded once for the phrase searches below
    folded.reserve(c.rows.size());
    for (const auto& r : c.rows) folded.push_back(fold(r.text));
    auto bank = pick_bank(c);
    set(a, "bank_name", bank);
    set(a, "account_holder", pick_holder(c, bank));
    set(a, "account_number", pick_account_number(c));
    set(a, "iban", pick_iban(c));
    // Period: two dates on a period row ("May 3, 2003 through June 5, 2003").
    std::optional<found> start, end;
    for (std::size_t l = 0; l < c.lines.size() && !start; ++l) {
        const auto& ds = c.lines[l].dates;
        if (ds.size() < 2) continue;
        const bool labelled = has_label(c, l, label::period);
        const std::string& f = folded[l];
        // Two dates alone on a row above the transactions read as the period too.
        const bool alone = c.lines[l].amounts.empty() && c.lines[l].words <= 5;
        const bool ranged = alone || f.find(" to ") != std::string::npos || f.find("through") != std::string::npos ||
                            f.find(" - ") != std::string::npos || f.find(" bis ") != std::string::npos ||
                            f.find(" au ") != std::string::npos || f.find(" al ") != std::string::npos || labelled;
        if (!ranged || ds[0].value.year == 0 || ds[1].value.year == 0 || day_number(ds[0].value) > day_number(ds[1].value)) continue;
        start = make_found(c, l, 0, npos, format_date(ds[0].value), labelled ? 0.85 : 0.7);
        end = make_found(c, l, 0, npos, format_date(ds[1].value), labelled ? 0.85 : 0.7);
        start->text = c.rows[l].text.substr(ds[0].begin, ds[0].end - ds[0].begin);
        end->text = c.rows[l].text.substr(ds[1].begin, ds[1].end - ds[1].begin);
    }
    auto open = money_candidates(c, label::opening_balance, std::nullopt, 0.85);
    auto close = money_candidates(c, label::closing_balance, std::nullopt, 0.85);
    const int year = end ? std::stoi(end->value.substr(0, 4)) : start ? std::stoi(start->value.substr(0, 4)) : 0;
    bool card = false;
    for (std::size_t l = 0; l < c.lines.size() && !card; ++l) {
        const std::string& f = folded[l];
        card = f.find("credit card") != std::string::npos || f.find("card statement") != std::string::npos ||
               f.find("minimum payment") != std::string::npos || f.find("card number") != std::string::npos ||
               f.find("carte de credit") != std::string::npos || f.find("kreditkarte") != std::string::npos ||
               f.find("tarjeta de credito") != std::string::npos;
    }
    a.transactions = read_transactions(c, a.tables, year, card);
    std::optional<money_hit> total;
    set(a, "currency", pick_currency(c, total));
    set(a, "period_start", start);
    set(a, "period_end", end);
    set(a, "opening_balance", open.empty() ? std::nullopt : std::optional<found>(open.front().f));
    set(a, "closing_balance", close.empty() ? std::nullopt : std::optional<found>(close.back().f));
    const std::string mended = mend_statement(a, c);
    // Reconciled: opening + amounts = closing, and every running balance follows from the one before.
    auto o = amount_of(a, "opening_balance"), cl = amount_of(a, "closing_balance");
    if (o && cl && !a.transactions.empty()) {
        amount run = *o;
        bool all_amounts = true, balances_ok = true;
        for (const auto& t : a.transactions) {
            auto v = t.amount ? parse_amount(t.amount->value) : std::nullopt;
            if (!v) {
                all_amounts = false;
                break;
            }
            run = add(run, *v);
            if (t.balance)
                if (auto b = parse_amount(t.balance->value); b && !same_value(*b, run)) balances_ok = false;
        }
        const bool sums = all_amounts && same_value(run, *cl);
        check k{"opening_plus_amounts_equals_closing", sums, {"opening_balance", "closing_balance", "transactions"},
                format_amount(*o) + " + transactions = " + format_amount(run) + ", closing " + format_amount(*cl)};
        adjust(a, k);
        a.checks.push_back(std::move(k));
        bool any_balance = std::any_of(a.transactions.begin(), a.transactions.end(), [](const transaction& t) { return t.balance.has_value(); });
        if (any_balance) a.checks.push_back({"running_balances_agree", balances_ok, {"transactions"}, mended});
        a.reconciled = sums && balances_ok;
    }
    if (start && end) {
        bool ordered = true;
        for (const auto& t : a.transactions)
            if (t.date && t.date->value.size() == 10 && (t.date->value < start->value || t.date->value > end->value)) ordered = false;
        a.checks.push_back({"transaction_dates_within_period", ordered, {"period_start", "period_end", "transactions"},
                            start->value + " .. " + end->value});
    }
}

} // namespace

found detail::classify_lines(const context& c) {
    const auto& pages = *c.pages;
    double inv = 0, rec = 0, stm = 0;
    for (std::size_t l = 0; l < c.lines.size(); ++l) {
        const auto& t = c.lines[l];
        // Each phrase of the kind counts, the longest at a place only, longer ones more.
        auto score = [&](label kind) {
            double s = 0;
            std::size_t last = npos;
            for (const auto& h : t.hits)
                if (h.kind == kind && h.begin != last) {
                    s += 1 + 0.5 * static_cast<double>(h.words - 1);
                    last = h.begin;
                }
            return s;
        };
        inv += score(label::title_invoice);
        rec += score(label::title_receipt);
        stm += score(label::title_statement);
        // A statement's body: rows that start with a date and end with two amounts.
        const auto& ds = t.loose_dates;
        if (!ds.empty() && ds.front().begin < 3 && t.amounts.size() >= 2) stm += 0.5;
    }
    // A narrow, tall page is a till roll.
    if (!pages.empty() && pages[0].width > 0 && pages[0].height > 1.9 * pages[0].width) rec += 2;
    found f;
    const double sum = inv + rec + stm;
    f.page = 1;
    if (sum < 1.5) {
        f.value = "generic";
        f.confidence = 0.5;
        return f;
    }
    const double best = std::max({inv, rec, stm});
    f.value = best == stm ? "bank_statement" : best == inv ? "invoice" : "receipt";
    f.confidence = std::clamp(best / sum, 0.34, 0.99);
    return f;
}

analysis analyze(const std::vector<page>& pages, const options& opt) {
    analysis a;
    context c = make_context(pages, opt);
    a.type = opt.document_type;
    if (a.type == "auto") {
        a.classification = classify_lines(c);
        a.type = a.classification->value;
    }
    if (a.type == "invoice") read_invoice(a, c);
    else if (a.type == "receipt") read_receipt(a, c);
    else if (a.type == "bank_statement") read_statement(a, c);
    money_checks(a);
    date_checks(a);
    a.key_values = read_key_values(c);
    read_aligned_tables(c, a.tables);
    // The document's confidence: the mean over its found fields; fields under the bar, or in a
    // failed check, need a person.
    double sum = 0;
    int n = 0;
    for (const auto& f : a.fields)
        if (f.value) {
            sum += f.value->confidence;
            ++n;
            if (f.value->confidence < opt.min_confidence) a.needs_review.push_back(f.name);
        }
    for (const auto& k : a.checks)
        if (!k.passed)
            for (const auto& name : k.fields)
                if (std::find(a.needs_review.begin(), a.needs_review.end(), name) == a.needs_review.end())
                    a.needs_review.push_back(name);
    a.confidence = n ? std::round(sum / n * 1000) / 1000 : 0;
    return a;
}

} // namespace docket::fields
