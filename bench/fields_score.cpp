// The field scorer of `docket bench fields`: compares result JSON with truth, field by field and
// item by item. Called by bench/fields_scenario.cpp and tests/unit/fields_corpus_test.cpp.

#include "fields_score.hpp"

#include <docket/fields/values.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>

namespace docket::bench {
namespace {

namespace json = boost::json;

const std::set<std::string>& amount_fields() {
    static const std::set<std::string> s = {"subtotal", "tax", "tip", "total", "amount_due", "opening_balance",
                                            "closing_balance", "unit_price", "amount", "balance", "quantity", "tax_rate"};
    return s;
}

std::string text_of(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_null()) return "";
    if (v.is_object()) {
        if (const auto* x = v.get_object().if_contains("value")) return text_of(*x);
        return "";
    }
    return json::serialize(v);
}

std::string squash(const std::string& s) {
    std::string f = fields::fold(s), out;
    for (const char c : f) {
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string alnum(const std::string& s) {
    std::string out;
    for (const char c : fields::fold(s))
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) out += c;
    return out;
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(squash(s));
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

const json::value* member(const json::value& result, const std::string& name) {
    const auto* o = result.if_object();
    if (!o) return nullptr;
    const auto* f = o->if_contains("fields");
    if (!f || !f->is_object()) return nullptr;
    const auto* v = f->get_object().if_contains(name);
    return v && !v->is_null() ? v : nullptr;
}

std::string path_of(const json::value& result) {
    const auto* o = result.if_object();
    const auto* pages = o ? o->if_contains("pages") : nullptr;
    if (!pages || !pages->is_array()) return "none";
    for (const auto& p : pages->get_array())
        if (p.at("source").as_string() == "ocr") return "ocr";
    return "text_layer";
}

double confidence_of(const json::value& result, const std::string& name) {
    const auto* o = result.if_object();
    const auto* ev = o ? o->if_contains("evidence") : nullptr;
    const auto* e = ev && ev->is_object() ? ev->get_object().if_contains(name) : nullptr;
    if (!e || !e->is_object()) return 0;
    const auto* c = e->get_object().if_contains("confidence");
    return c && c->is_number() ? c->to_number<double>() : 0;
}

// Items matched greedily: each truth item takes the unmatched predicted item that agrees with
// it on the most subfields.
struct matching {
    std::vector<int> pred_of; // truth index -> predicted index or -1
};

matching match_items(const std::vector<std::map<std::string, std::string>>& truth, const json::array& pred) {
    matching m;
    std::vector<bool> used(pred.size(), false);
    for (const auto& t : truth) {
        int best = -1, best_agree = 0;
        for (std::size_t i = 0; i < pred.size(); ++i) {
            if (used[i] || !pred[i].is_object()) continue;
            int agree = 0;
            for (const auto& [k, v] : t)
                if (const auto* p = pred[i].get_object().if_contains(k); p && !p->is_null() && same_field(k, v, *p)) ++agree;
            if (agree > best_agree) {
                best_agree = agree;
                best = static_cast<int>(i);
            }
        }
        if (best >= 0) used[static_cast<std::size_t>(best)] = true;
        m.pred_of.push_back(best);
    }
    return m;
}

} // namespace

expected expected_of(const truth_doc& d) {
    expected e;
    e.type = d.type;
    e.fields = d.fields;
    e.items = d.items;
    e.reconciles = d.reconciles;
    return e;
}

const std::vector<std::string>& scalar_fields(const std::string& type) {
    static const std::map<std::string, std::vector<std::string>> s = {
        {"invoice", {"merchant", "merchant_address", "merchant_tax_id", "customer", "invoice_id", "purchase_order", "date",
                     "due_date", "currency", "subtotal", "tax", "tax_rate", "total", "amount_due", "payment_terms", "iban"}},
        {"receipt", {"merchant", "merchant_address", "merchant_tax_id", "date", "time", "currency", "subtotal", "tax", "tip",
                     "total", "payment_method"}},
        {"bank_statement", {"bank_name", "account_holder", "account_number", "iban", "currency", "period_start", "period_end",
                            "opening_balance", "closing_balance"}},
    };
    static const std::vector<std::string> none;
    const auto it = s.find(type);
    return it == s.end() ? none : it->second;
}

std::string list_name(const std::string& type) { return type == "bank_statement" ? "transactions" : "line_items"; }

bool same_field(const std::string& field, const std::string& truth, const json::value& pred) {
    const std::string p = text_of(pred);
    if (amount_fields().count(field)) {
        auto a = fields::parse_amount(truth), b = fields::parse_amount(p);
        return a && b && fields::same_value(*a, *b);
    }
    if (field == "invoice_id" || field == "account_number" || field == "iban" || field == "merchant_tax_id" ||
        field == "purchase_order")
        return !alnum(p).empty() && alnum(p) == alnum(truth);
    if (field == "description") {
        const auto t = words(truth), w = words(p);
        if (t == w) return true;
        std::size_t common = 0;
        for (const auto& x : t)
            if (std::find(w.begin(), w.end(), x) != w.end()) ++common;
        return !t.empty() && common == t.size() && w.size() <= 2 * t.size();
    }
    if (field == "time") return p.substr(0, 5) == truth.substr(0, 5);
    return squash(p) == squash(truth);
}

void scoreboard::add(const expected& truth, const json::value& result) {
    const std::string path = path_of(result);
    auto& per_field = fields[truth.type];
    tally doc;
    for (const auto& name : scalar_fields(truth.type)) {
        const auto it = truth.fields.find(name);
        const bool known = it != truth.fields.end();
        if (!known && !truth.whole_schema) continue;
        const auto* p = member(result, name);
        tally t;
        t.truth = known ? 1 : 0;
        t.pred = p ? 1 : 0;
        const bool right = known && p && same_field(name, it->second, *p);
        t.tp = right ? 1 : 0;
        if (p && confidence_of(result, name) >= 0.9) {
            ++confident;
            if (right) ++confident_right;
        }
        per_field[name] += t;
        if (std::find(truth.apart.begin(), truth.apart.end(), name) == truth.apart.end()) doc += t;
    }
    const std::string list = list_name(truth.type);
    if (!truth.items.empty() || truth.whole_schema) {
        const auto* p = member(result, list);
        const json::array empty;
        const json::array& pred = p && p->is_array() ? p->get_array() : empty;
        const auto m = match_items(truth.items, pred);
        tally whole;
        whole.truth = truth.items.size();
        whole.pred = pred.size();
        for (std::size_t i = 0; i < truth.items.size(); ++i) {
            bool all = m.pred_of[i] >= 0;
            for (const auto& [k, v] : truth.items[i]) {
                tally t;
                t.truth = 1;
                const json::value* pv = nullptr;
                if (m.pred_of[i] >= 0)
                    if (const auto* x = pred[static_cast<std::size_t>(m.pred_of[i])].get_object().if_contains(k); x && !x->is_null()) pv = x;
                t.pred = pv ? 1 : 0;
                t.tp = pv && same_field(k, v, *pv) ? 1 : 0;
                all = all && t.tp;
                per_field[list + "." + k] += t;
                doc += t;
            }
            whole.tp += all ? 1 : 0;
        }
        // Predicted items with no truth item count against precision of every subfield.
        for (std::size_t i = 0; i < pred.size(); ++i)
            if (std::find(m.pred_of.begin(), m.pred_of.end(), static_cast<int>(i)) == m.pred_of.end() && pred[i].is_object())
                for (const auto& [k, v] : pred[i].get_object())
                    if (!v.is_null()) {
                        tally t;
                        t.pred = 1;
                        per_field[list + "." + std::string(k)] += t;
                        doc += t;
                    }
        rows[truth.type] += whole;
    }
    if (truth.type == "bank_statement") {
        ++statements;
        if (truth.reconciles) ++should_reconcile;
        if (const auto* r = member(result, "reconciled"); r && r->is_bool() && r->get_bool()) ++reconciled;
    }
    paths[truth.type + " " + path] += doc;
    types[truth.type] += doc;
}

std::vector<std::string> scoreboard::differences(const expected& truth, const json::value& result) {
    std::vector<std::string> out;
    for (const auto& name : scalar_fields(truth.type)) {
        const auto it = truth.fields.find(name);
        const auto* p = member(result, name);
        if (it == truth.fields.end()) {
            if (p && truth.whole_schema) out.push_back(name + ": want null, got " + text_of(*p));
            continue;
        }
        if (!p) out.push_back(name + ": want " + it->second + ", got null");
        else if (!same_field(name, it->second, *p)) out.push_back(name + ": want " + it->second + ", got " + text_of(*p));
    }
    const auto* p = member(result, list_name(truth.type));
    const std::size_t n = p && p->is_array() ? p->get_array().size() : 0;
    if (n != truth.items.size())
        out.push_back(list_name(truth.type) + ": want " + std::to_string(truth.items.size()) + ", got " + std::to_string(n));
    else
        for (std::size_t i = 0; i < n; ++i)
            for (const auto& [k, v] : truth.items[i]) {
                const auto& item = p->get_array()[i].as_object();
                const auto* x = item.if_contains(k);
                if (!x || x->is_null() || !same_field(k, v, *x))
                    out.push_back(list_name(truth.type) + "[" + std::to_string(i) + "]." + k + ": want " + v + ", got " +
                                  (x ? text_of(*x) : "null"));
            }
    return out;
}

} // namespace docket::bench
