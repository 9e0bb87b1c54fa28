// The typed part of a result as JSON text: the one writer of fields, evidence, checks and the
// rest, so polling, webhooks and the fields view send the same bytes. Called by the extractor.

#include <docket/fields/reader.hpp>
#include <docket/core/encoding.hpp>

#include <cmath>

namespace docket::fields {
namespace {

void number(std::string& out, double v) { append_json_number(out, std::round(v * 1000) / 1000); }

void bbox(std::string& out, const box& b) {
    out += "[";
    number(out, b.x0);
    out += ',';
    number(out, b.y0);
    out += ',';
    number(out, b.x1);
    out += ',';
    number(out, b.y1);
    out += ']';
}

void key(std::string& out, std::string_view k, bool& first) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, k);
    out += ':';
}

void value(std::string& out, const std::optional<found>& f) {
    if (!f) {
        out += "null";
        return;
    }
    if (f->number) out += f->value; // a decimal the reader formatted itself
    else append_json_string(out, f->value);
}

void values(std::string& out, bool& first, std::initializer_list<std::pair<std::string_view, const std::optional<found>*>> list) {
    for (const auto& [k, v] : list) {
        key(out, k, first);
        value(out, *v);
    }
}

void evidence(std::string& out, const found& f) {
    out += R"({"confidence":)";
    number(out, f.confidence);
    out += R"(,"page":)";
    out += std::to_string(f.page);
    out += R"(,"bbox":)";
    bbox(out, f.b);
    out += R"(,"text":)";
    append_json_string(out, f.text);
    if (!f.label.empty()) {
        out += R"(,"label":)";
        append_json_string(out, f.label);
    }
    if (!f.note.empty()) {
        out += R"(,"note":)";
        append_json_string(out, f.note);
    }
    out += '}';
}

template <class Row, class Each>
void rows(std::string& out, const std::vector<Row>& list, Each each) {
    out += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i) out += ',';
        out += '{';
        bool first = true;
        each(list[i], first);
        out += '}';
    }
    out += ']';
}

void fields_object(std::string& out, const analysis& a) {
    out += '{';
    bool first = true;
    for (const auto& f : a.fields) {
        key(out, f.name, first);
        value(out, f.value);
    }
    if (a.type == "invoice" || a.type == "receipt") {
        key(out, "line_items", first);
        rows(out, a.line_items, [&](const line_item& li, bool& f) {
            values(out, f, {{"description", &li.description}, {"quantity", &li.quantity}, {"unit_price", &li.unit_price},
                            {"total", &li.total}});
        });
    }
    if (a.type == "bank_statement") {
        key(out, "transactions", first);
        rows(out, a.transactions, [&](const transaction& t, bool& f) {
            values(out, f, {{"date", &t.date}, {"description", &t.description}, {"amount", &t.amount}, {"balance", &t.balance}});
        });
        key(out, "reconciled", first);
        out += a.reconciled ? (*a.reconciled ? "true" : "false") : "null";
    }
    out += '}';
}

void evidence_object(std::string& out, const analysis& a) {
    out += '{';
    bool first = true;
    for (const auto& f : a.fields)
        if (f.value) {
            key(out, f.name, first);
            evidence(out, *f.value);
        }
    auto place = [&](std::int64_t page, const box& b, bool& f) {
        key(out, "page", f);
        out += std::to_string(page);
        key(out, "bbox", f);
        bbox(out, b);
    };
    // A row's figure worked out rather than read (a quantity from total and price, a figure
    // mended from the running balances) carries its own evidence; the others are as read.
    auto noted = [&](bool& f, std::initializer_list<std::pair<std::string_view, const std::optional<found>*>> list) {
        for (const auto& [k, v] : list)
            if (*v && !(*v)->note.empty()) {
                key(out, k, f);
                evidence(out, **v);
            }
    };
    if (!a.line_items.empty()) {
        key(out, "line_items", first);
        rows(out, a.line_items, [&](const line_item& li, bool& f) {
            place(li.page, li.b, f);
            noted(f, {{"quantity", &li.quantity}});
        });
    }
    if (!a.transactions.empty()) {
        key(out, "transactions", first);
        rows(out, a.transactions, [&](const transaction& t, bool& f) {
            place(t.page, t.b, f);
            noted(f, {{"amount", &t.amount}, {"balance", &t.balance}});
        });
    }
    out += '}';
}

void string_list(std::string& out, const std::vector<std::string>& list) {
    out += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, list[i]);
    }
    out += ']';
}

void typed_members(std::string& out, const analysis& a, bool layout) {
    out += R"("fields":)";
    fields_object(out, a);
    out += R"(,"evidence":)";
    evidence_object(out, a);
    out += R"(,"checks":)";
    rows(out, a.checks, [&](const check& k, bool& f) {
        key(out, "name", f);
        append_json_string(out, k.name);
        key(out, "passed", f);
        out += k.passed ? "true" : "false";
        key(out, "fields", f);
        string_list(out, k.fields);
        key(out, "detail", f);
        append_json_string(out, k.detail);
    });
    out += R"(,"confidence":)";
    number(out, a.confidence);
    out += R"(,"needs_review":)";
    string_list(out, a.needs_review);
    if (a.classification) {
        out += R"(,"classification":{"type":)";
        append_json_string(out, a.classification->value);
        out += R"(,"confidence":)";
        number(out, a.classification->confidence);
        out += '}';
    }
    if (!layout) return;
    out += R"(,"key_values":)";
    rows(out, a.key_values, [&](const key_value& kv, bool& f) {
        key(out, "key", f);
        append_json_string(out, kv.key);
        key(out, "value", f);
        append_json_string(out, kv.value);
        key(out, "page", f);
        out += std::to_string(kv.page);
        key(out, "bbox", f);
        bbox(out, kv.b);
    });
    out += R"(,"tables":)";
    rows(out, a.tables, [&](const table& t, bool& f) {
        key(out, "page", f);
        out += std::to_string(t.page);
        key(out, "bbox", f);
        bbox(out, t.b);
        key(out, "header", f);
        string_list(out, t.header);
        key(out, "rows", f);
        out += '[';
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            if (i) out += ',';
            string_list(out, t.rows[i]);
        }
        out += ']';
    });
}

} // namespace

std::string render_members(const analysis& a) {
    std::string out;
    out.reserve(4096);
    typed_members(out, a, true);
    return out;
}

std::string render_fields_view(const analysis& a) {
    std::string out = "{";
    typed_members(out, a, true);
    out += '}';
    return out;
}

} // namespace docket::fields
