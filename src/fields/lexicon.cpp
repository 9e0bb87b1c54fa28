// The label lexicon as data: which printed phrases anchor which field. Read by the field rules
// (fields/reader.cpp, fields/tables.cpp); extend a list here, not a rule there.

#include <docket/fields/lexicon.hpp>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <vector>

namespace docket::fields {
namespace {

using list = std::vector<std::string_view>;

std::array<list, static_cast<std::size_t>(label::title_statement) + 1> build() {
    std::array<list, static_cast<std::size_t>(label::title_statement) + 1> t;
    auto set = [&](label k, list l) { t[static_cast<std::size_t>(k)] = std::move(l); };
    set(label::invoice_id, {
        "invoice no", "invoice number", "invoice nr", "invoice num", "invoice id", "invoice", "inv no", "inv",
        "bill no", "bill number", "receipt no", "receipt number", "receipt", "document no", "doc no", "document number",
        "tax invoice no", "cash bill no", "bill", "ref no", "reference no", "no facture", "number",
        "rechnungsnummer", "rechnungs nr", "rechnung nr", "rechnung", "rechnungs-nr", "belegnummer", "beleg nr",
        "no de facture", "numero de facture", "facture no", "facture n", "facture", "n facture",
        "numero de factura", "factura no", "factura n", "factura", "no factura", "num factura",
        "fattura n", "fattura no", "numero fattura", "fattura", "factuurnummer", "factuur nr", "factuur",
        "numero da fatura", "fatura n", "fatura no", "fatura",
    });
    set(label::purchase_order, {
        "purchase order", "purchase order no", "po number", "po no", "po", "p o", "order no", "order number", "your order",
        "bestellnummer", "bestellung", "ihre bestellung", "bon de commande", "commande", "no de commande", "pedido",
        "numero de pedido", "ordine", "bestelnummer", "pedido no", "ordem de compra",
    });
    set(label::date, {
        "invoice date", "date of issue", "issue date", "date issued", "billing date", "bill date", "receipt date",
        "transaction date", "date", "dated", "rechnungsdatum", "datum", "belegdatum", "date de facture",
        "date facture", "date d emission", "fecha de factura", "fecha de emision", "fecha", "data fattura",
        "data", "factuurdatum", "data da fatura", "data de emissao", "tarikh",
    });
    set(label::due_date, {
        "due date", "payment due", "date due", "due", "due by", "pay by", "payable by", "faellig am", "fallig am",
        "fallig", "falligkeit", "zahlbar bis", "zahlungsziel", "echeance", "date d echeance", "date limite de paiement",
        "a payer avant le", "vencimiento", "fecha de vencimiento", "fecha vencimiento", "scadenza", "data scadenza",
        "vervaldatum", "vervaldag", "data de vencimento", "vencimento",
    });
    set(label::customer, {
        "bill to", "billed to", "invoice to", "sold to", "customer", "customer name", "client", "buyer", "ship to",
        "rechnungsempfanger", "kunde", "kaufer", "empfanger", "leistungsempfanger", "auftraggeber", "facturer a", "facture a", "adresse de facturation",
        "factura a", "facturar a", "cliente", "destinatario", "klant", "factuur aan",
    });
    set(label::merchant, {
        "from", "seller", "supplier", "vendor", "merchant", "sold by", "bill from", "lieferant", "verkaufer",
        "rechnungssteller", "fournisseur", "vendeur", "emisor", "proveedor", "vendedor", "fornitore", "leverancier",
        "fornecedor",
    });
    set(label::payment_terms, {
        "payment terms", "terms of payment", "terms", "zahlungsbedingungen", "zahlungsbedingung", "conditions de paiement",
        "conditions de reglement", "condiciones de pago", "forma de pago", "termini di pagamento", "condizioni di pagamento",
        "betalingsvoorwaarden", "condicoes de pagamento",
    });
    set(label::tax_id, {
        "vat no", "vat number", "vat reg no", "vat registration no", "vat id", "vat", "tax id", "tax no", "tax number",
        "tin", "gst id", "gst no", "gst reg no", "gst registration no", "gst reg", "gst", "sst id", "sst no", "abn",
        "ust-idnr", "ust idnr", "ust id", "ust-id", "ust id nr", "ustid", "steuernummer", "steuer nr", "st nr",
        "tva intracom", "tva intracommunautaire", "n tva", "no tva", "numero de tva", "tva", "siret", "siren", "nif",
        "cif", "nif cif", "partita iva", "p iva", "piva", "codice fiscale", "btw nr", "btw nummer", "btw", "nipc",
        "company reg no", "co reg no", "reg no", "business reg no", "roc no",
    });
    set(label::iban, {"iban"});
    set(label::subtotal, {
        "subtotal", "sub total", "sub-total", "net total", "net amount", "total net", "total excl", "total excluding",
        "total before tax", "amount before tax", "total excl vat", "total excl tax", "untaxed amount", "taxable amount",
        "nett", "net", "zwischensumme", "nettobetrag", "netto", "summe netto", "gesamt netto", "nettosumme", "total ht",
        "montant ht", "sous total", "sous-total", "base imponible", "subtotal sin iva", "importe neto", "imponibile",
        "totale imponibile", "subtotaal", "totaal excl", "subtotal sem iva", "total sales excluding gst",
        "total excluding gst", "total excl gst", "amount excl", "excl tax", "total parcial", "gesamtbeitrag", "nettobeitrag", "montant hors taxes", "total hors taxes", "total sem iva", "total sin iva", "total senza iva", "total ohne mwst", "total hors tva", "totaal excl btw",
    });
    set(label::tax, {
        "tax", "vat", "gst", "sst", "sales tax", "total tax", "tax amount", "vat amount", "total vat", "gst amount",
        "total gst", "service tax", "hst", "pst", "qst", "mwst", "ust", "umsatzsteuer", "mehrwertsteuer", "steuer",
        "tva", "montant tva", "total tva", "iva", "impuesto", "impuestos", "cuota iva", "imposta", "totale iva",
        "btw", "btw bedrag", "imposto", "total impuestos", "versicherungsteuer", "versicherungssteuer", "tva 20", "vat 20",
    });
    set(label::total_strong, {
        "grand total", "total due", "amount due", "balance due", "total amount", "total amount due", "amount payable",
        "total payable", "total to pay", "total incl", "total including", "total incl vat", "total inc vat",
        "total incl tax", "total including gst", "total incl gst", "total inclusive gst", "rounded total",
        "total rounded", "nett total", "net total payable", "total sales", "total sales inclusive gst",
        "gesamtbetrag", "rechnungsbetrag", "gesamtsumme", "endbetrag", "zu zahlen", "zahlbetrag", "bruttobetrag",
        "gesamt brutto", "summe brutto", "total ttc", "montant ttc", "net a payer", "montant a payer",
        "total a payer", "importe total", "total a pagar", "total factura", "totale", "totale fattura",
        "importo totale", "totale da pagare", "totaal", "te betalen", "totaal incl", "valor total", "total a pagar",
        "total geral", "montant total", "total general", "saldo adeudado", "rechnungsbeitrag", "zahlbetrag", "total a regler", "montant total ttc", "total rounded amount", "nett amount",
    });
    set(label::total, {"total", "totals", "total rm", "total eur", "total usd"});
    set(label::not_total, {
        "subtotal", "sub total", "total tax", "tax total", "total vat", "total gst", "total qty", "total quantity",
        "total items", "total item", "total discount", "total savings", "total excl", "total excluding", "total ht",
        "total net", "total before", "total hors", "net total", "total pieces", "total pcs", "total units",
        "total weight", "total points", "total no", "total number", "total parcial", "total impuestos", "total hors taxes", "total sem iva", "total sin iva", "total senza iva", "total ohne mwst", "total hors tva",
    });
    // After a total's label, before its amount: the total leaves the tax out ("Total (Excluding GST)").
    set(label::excludes_tax, {"excluding", "excl", "exclusive", "exclusief", "exkl", "exklusive", "before", "ohne", "hors",
                              "sans", "sin", "sem", "senza", "zonder", "netto"});
    set(label::amount_due, {
        "amount due", "balance due", "total due", "amount payable", "balance to pay", "zahlbetrag", "zu zahlen",
        "offener betrag", "montant du", "net a payer", "reste a payer", "importe adeudado", "saldo pendiente",
        "importo dovuto", "te betalen", "valor a pagar", "totale da pagare", "total a pagar", "a pagar", "net a payer",
    });
    set(label::tip, {"tip", "tips", "gratuity", "pourboire", "trinkgeld", "propina", "mancia", "fooi", "gorjeta"});
    set(label::rounding, {"rounding", "rounding adjustment", "round adj", "rounding adj", "rundung", "arrondi"});
    set(label::paid, {
        "cash", "paid", "amount paid", "tendered", "cash tendered", "payment", "visa", "mastercard", "card",
        "credit card", "debit card", "bar", "gegeben", "especes", "efectivo", "contanti", "pagato", "betaald",
    });
    set(label::change, {"change", "change due", "cash change", "ruckgeld", "wechselgeld", "rendu", "monnaie rendue",
                        "cambio", "vuelto", "resto", "wisselgeld", "troco"});
    set(label::account_number, {
        "account number", "account no", "account nr", "account", "acct no", "acct", "account #", "card number",
        "card no", "kontonummer", "konto nr", "konto", "numero de compte", "no de compte", "compte", "numero de cuenta",
        "cuenta", "numero di conto", "conto", "rekeningnummer", "rekening", "numero da conta", "conta",
    });
    set(label::account_holder, {
        "account holder", "account name", "name", "customer name", "kontoinhaber", "inhaber", "titulaire du compte",
        "titulaire", "titular", "titolare", "rekeninghouder",
    });
    set(label::opening_balance, {
        "opening balance", "beginning balance", "balance brought forward", "brought forward", "previous balance",
        "balance forward", "starting balance", "start balance", "balance at start", "last statement balance",
        "previous statement balance", "anfangssaldo", "alter saldo", "saldo alt", "kontostand alt", "solde initial",
        "solde precedent", "ancien solde", "solde au", "saldo inicial", "saldo anterior", "saldo iniziale",
        "beginsaldo", "vorheriger saldo",
    });
    set(label::closing_balance, {
        "closing balance", "ending balance", "new balance", "balance carried forward", "carried forward",
        "final balance", "balance at end", "current balance", "statement balance", "endsaldo", "neuer saldo",
        "saldo neu", "kontostand neu", "solde final", "nouveau solde", "solde a reporter", "saldo final",
        "saldo actual", "saldo finale", "eindsaldo", "new balance total",
    });
    set(label::period, {
        "statement period", "period", "statement from", "for the period", "period covered", "billing period",
        "zeitraum", "kontoauszug vom", "periode", "periode du", "periodo", "del periodo", "periode van",
    });
    set(label::bank_word, {
        "bank", "banque", "banco", "banca", "sparkasse", "volksbank", "raiffeisenbank", "credit union", "bancorp",
        "caisse d epargne", "credit agricole", "credit mutuel", "bankhaus", "bnp paribas", "societe generale",
        "commerzbank", "santander", "barclays", "hsbc", "citibank", "lloyds", "natwest", "chase", "wells fargo",
        "rabobank", "abn amro", "ing", "unicredit", "intesa sanpaolo", "bbva", "caixa", "millennium",
    });
    set(label::company_suffix, {
        "sdn bhd", "sdn", "bhd", "s b", "s/b", "a.g", "a.g.", "e.k", "e.v", "s.a", "s.l", "b.v", "n.v", "s.r.l", "s.p.a", "co.", "plt", "gmbh", "ag", "kg", "ohg", "ug", "ev", "e v", "a g", "ltd", "limited",
        "inc", "llc", "llp", "plc", "corp", "corporation", "co", "company", "pty", "pte", "sa", "s a", "sarl", "sas",
        "eurl", "sl", "s l", "srl", "spa", "s p a", "bv", "b v", "nv", "n v", "oy", "ab", "as", "enterprise",
        "enterprises", "trading", "store", "stores", "mart", "supermarket", "restaurant", "cafe", "bakery", "hardware",
        "pharmacy", "station", "hotel", "shop", "boutique",
    });
    set(label::column_description, {
        "description", "item", "items", "item description", "product", "products", "service", "services", "article",
        "articles", "details", "particulars", "desc", "code desc", "artikel", "bezeichnung", "beschreibung",
        "leistung", "artikelbezeichnung", "designation", "libelle", "descripcion", "concepto", "articulo",
        "descrizione", "articolo", "omschrijving", "descricao", "produto", "description of goods",
    });
    set(label::column_quantity, {
        "qty", "quantity", "qte", "quantite", "menge", "anzahl", "cantidad", "cant", "quantita", "qta", "aantal",
        "quantidade", "qtd", "units", "pcs", "hours", "hrs", "no of units",
    });
    set(label::column_unit_price, {
        "unit price", "price", "rate", "unit cost", "price per unit", "u price", "uprice", "unit", "einzelpreis",
        "preis", "e-preis", "ep", "stuckpreis", "prix unitaire", "prix unit", "pu", "prix", "precio unitario",
        "precio", "prezzo unitario", "prezzo", "prijs", "stukprijs", "preco unitario", "preco", "valor unitario",
    });
    set(label::column_amount, {
        "amount", "total", "line total", "total price", "net amount", "amount rm", "amt", "value", "betrag",
        "gesamtpreis", "gesamt", "summe", "montant", "montant ht", "total ht", "importe", "total linea", "importo",
        "totale", "bedrag", "totaal", "valor", "valor total", "subtotal",
    });
    set(label::column_debit, {
        "debit", "debits", "withdrawal", "withdrawals", "money out", "paid out", "payments", "charges", "out",
        "soll", "belastung", "lastschrift", "ausgang", "debit eur", "retrait", "debito", "cargo", "cargos", "uscite",
        "addebiti", "af", "saida", "debe",
    });
    set(label::column_credit, {
        "credit", "credits", "deposit", "deposits", "money in", "paid in", "receipts", "in", "haben", "gutschrift",
        "eingang", "credit eur", "depot", "credito", "abono", "abonos", "haber", "entrate", "accrediti", "bij", "entrada",
    });
    set(label::column_balance, {"balance", "running balance", "saldo", "solde", "kontostand", "balance rm", "bal"});
    set(label::column_date, {"date", "posting date", "trans date", "transaction date", "value date", "post date",
                             "datum", "buchungstag", "valuta", "fecha", "data", "booking date"});
    set(label::section_debit, {
        "withdrawals", "atm withdrawals", "checks paid", "cheques paid", "debits", "payments", "electronic withdrawals",
        "other withdrawals", "withdrawals and debits", "card purchases", "fees", "service charges", "checks",
    });
    set(label::section_credit, {"deposits", "deposits and credits", "credits", "other credits", "electronic deposits",
                                "deposits and additions", "payments and credits"});
    set(label::payment_method, {
        "visa", "mastercard", "master card", "amex", "american express", "maestro", "debit card", "credit card",
        "cash", "bar", "ec karte", "girocard", "contant", "numerario", "gegeben", "bargeld", "carte bancaire", "carte bleue", "cb", "especes", "efectivo",
        "tarjeta", "contanti", "bancomat", "apple pay", "google pay", "paypal", "pin", "debit", "credit", "eftpos",
        "nets", "touch n go", "grabpay", "cheque", "check", "bank transfer", "transfer", "virement", "uberweisung",
        "transferencia", "bonifico", "overschrijving", "transferencia bancaria",
    });
    set(label::title_invoice, {"invoice", "tax invoice", "simplified tax invoice", "simplified invoice", "cash invoice", "rechnung", "facture", "factura", "fattura", "factuur",
                               "fatura", "bill to", "invoice number", "invoice date", "due date", "commercial invoice",
                               "rechnungsnummer", "proforma", "credit note", "gutschrift", "avoir"});
    set(label::title_receipt, {"receipt", "cash bill", "cashier", "change", "cash", "thank you", "tendered",
                               "kassenbon", "beleg", "ticket", "recu", "ticket de caisse", "recibo", "scontrino",
                               "kassabon", "talao", "table", "pax", "server", "qty", "rounding", "member"});
    set(label::title_statement, {"statement", "account statement", "bank statement", "opening balance",
                                 "closing balance", "beginning balance", "ending balance", "deposits", "withdrawals",
                                 "kontoauszug", "releve de compte", "releve", "extracto", "estratto conto",
                                 "rekeningafschrift", "extrato", "balance brought forward", "statement period"});
    for (auto& l : t)
        std::stable_sort(l.begin(), l.end(), [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
    return t;
}


const std::array<list, static_cast<std::size_t>(label::title_statement) + 1>& table() {
    static const auto t = build();
    return t;
}

struct index {
    std::vector<std::vector<std::string_view>> words; // per entry, kept alive for the spans
    std::vector<phrase_words> entries;                // grouped by first word, longest first
    std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>> by_first;
};

const index& phrase_index() {
    static const index ix = [] {
        index x;
        struct raw {
            label kind;
            std::string_view text;
            std::vector<std::string_view> words;
        };
        std::vector<raw> all;
        for (std::size_t k = 0; k < table().size(); ++k)
            for (const auto p : table()[k]) {
                raw r{static_cast<label>(k), p, {}};
                for (std::size_t i = 0; i < p.size();) {
                    const auto sp = p.find(' ', i);
                    r.words.push_back(p.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i));
                    if (sp == std::string_view::npos) break;
                    i = sp + 1;
                }
                all.push_back(std::move(r));
            }
        std::stable_sort(all.begin(), all.end(), [](const raw& a, const raw& b) {
            if (a.words.front() != b.words.front()) return a.words.front() < b.words.front();
            return a.text.size() > b.text.size();
        });
        x.words.reserve(all.size());
        for (auto& r : all) x.words.push_back(std::move(r.words));
        for (std::size_t i = 0; i < all.size(); ++i) {
            x.entries.push_back({all[i].kind, all[i].text, {x.words[i].data(), x.words[i].size()}});
            auto& range = x.by_first[x.words[i].front()];
            if (range.second == 0) range.first = i;
            range.second = i + 1;
        }
        return x;
    }();
    return ix;
}

} // namespace

std::span<const std::string_view> phrases(label kind) {
    const auto& l = table()[static_cast<std::size_t>(kind)];
    return {l.data(), l.size()};
}

std::span<const phrase_words> phrases_starting(std::string_view word) {
    const auto& ix = phrase_index();
    const auto it = ix.by_first.find(word);
    if (it == ix.by_first.end()) return {};
    return {ix.entries.data() + it->second.first, it->second.second - it->second.first};
}

} // namespace docket::fields
