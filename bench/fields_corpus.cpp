// The generator of typed-field documents with truth: random but repeatable layouts drawn as PDFs
// (corpus.cpp's layout_pdf), some rendered by pdftoppm and degraded with leptonica as scans.
// Called by `docket bench fields` and by the tests.

#include "fields_corpus.hpp"

#include "corpus.hpp"
#include "../tests/support/process.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>

namespace docket::bench {
namespace {

struct dice {
    std::mt19937 g;
    explicit dice(std::uint32_t seed) : g(seed) {}
    int below(int n) { return static_cast<int>(g() % static_cast<std::uint32_t>(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }
    bool chance(double p) { return (g() % 10000) < static_cast<std::uint32_t>(p * 10000); }
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))]; }
};

// How one language prints a document's words, numbers and dates.
struct language {
    std::string code;
    std::vector<std::string> invoice_title, invoice_no, date, due, bill_to, description, quantity, unit_price, amount,
        subtotal, tax, total, terms, terms_text, tax_id;
    std::vector<std::string> cash, change, thanks;
    std::vector<std::string> statement, holder, account, period, opening, closing, date_col, debit, credit, balance, to;
    std::vector<std::string> months; // 12, printed as is
    char thousands = ',', decimal = '.';
    std::vector<std::string> currencies;
    bool symbol_after = false;
};

const std::vector<language>& languages() {
    static const std::vector<language> all = [] {
        std::vector<language> v;
        language en;
        en.code = "en";
        en.invoice_title = {"INVOICE", "Invoice", "TAX INVOICE"};
        en.invoice_no = {"Invoice No:", "Invoice #", "Invoice Number:", "Invoice no."};
        en.date = {"Invoice Date:", "Date:", "Date of issue:", "Issue date:"};
        en.due = {"Due Date:", "Payment due:", "Due:"};
        en.bill_to = {"Bill to:", "Billed to:", "Customer:"};
        en.description = {"Description", "Item", "Details"};
        en.quantity = {"Qty", "Quantity"};
        en.unit_price = {"Unit Price", "Price", "Rate"};
        en.amount = {"Amount", "Total", "Line Total"};
        en.subtotal = {"Subtotal", "Sub Total", "Net Amount"};
        en.tax = {"VAT", "Sales Tax", "Tax", "GST"};
        en.total = {"Total", "Total Due", "Grand Total", "Amount Due", "Balance Due"};
        en.terms = {"Payment terms:", "Terms:"};
        en.terms_text = {"30 days", "14 days net", "Due on receipt"};
        en.tax_id = {"VAT No:", "VAT Reg No:", "Tax ID:"};
        en.cash = {"CASH", "Cash"};
        en.change = {"CHANGE", "Change"};
        en.thanks = {"THANK YOU", "Thank you for shopping with us", "Please come again"};
        en.statement = {"Account Statement", "Statement of Account", "Bank Statement"};
        en.holder = {"Account holder:", "Account name:"};
        en.account = {"Account number:", "Account No:"};
        en.period = {"Statement period:", "Period:"};
        en.opening = {"Opening balance", "Balance brought forward", "Previous balance"};
        en.closing = {"Closing balance", "New balance", "Ending balance"};
        en.date_col = {"Date"};
        en.debit = {"Debit", "Withdrawals", "Paid out"};
        en.credit = {"Credit", "Deposits", "Paid in"};
        en.balance = {"Balance"};
        en.to = {"to", "-"};
        en.months = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
        en.currencies = {"GBP", "USD", "AUD", "EUR", "SGD"};
        v.push_back(en);

        language de;
        de.code = "de";
        de.invoice_title = {"RECHNUNG", "Rechnung"};
        de.invoice_no = {"Rechnungsnummer:", "Rechnung Nr.", "Rechnungs-Nr.:"};
        de.date = {"Rechnungsdatum:", "Datum:"};
        de.due = {"Fällig am:", "Zahlbar bis:"};
        de.bill_to = {"Kunde:", "Rechnungsempfänger:"};
        de.description = {"Beschreibung", "Bezeichnung", "Artikel"};
        de.quantity = {"Menge", "Anzahl"};
        de.unit_price = {"Einzelpreis", "Preis"};
        de.amount = {"Betrag", "Gesamtpreis", "Gesamt"};
        de.subtotal = {"Zwischensumme", "Nettobetrag", "Summe netto"};
        de.tax = {"MwSt.", "USt.", "Umsatzsteuer"};
        de.total = {"Gesamtbetrag", "Rechnungsbetrag", "Zu zahlen", "Gesamtsumme"};
        de.terms = {"Zahlungsbedingungen:"};
        de.terms_text = {"14 Tage netto", "sofort ohne Abzug"};
        de.tax_id = {"USt-IdNr.:", "Steuernummer:"};
        de.cash = {"BAR", "Gegeben"};
        de.change = {"Rückgeld", "Wechselgeld"};
        de.thanks = {"Vielen Dank für Ihren Einkauf"};
        de.statement = {"Kontoauszug"};
        de.holder = {"Kontoinhaber:"};
        de.account = {"Kontonummer:"};
        de.period = {"Zeitraum:"};
        de.opening = {"Anfangssaldo", "Alter Saldo"};
        de.closing = {"Endsaldo", "Neuer Saldo"};
        de.date_col = {"Datum", "Buchungstag"};
        de.debit = {"Soll", "Belastung"};
        de.credit = {"Haben", "Gutschrift"};
        de.balance = {"Saldo", "Kontostand"};
        de.to = {"bis", "-"};
        de.months = {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"};
        de.thousands = '.';
        de.decimal = ',';
        de.currencies = {"EUR", "CHF"};
        de.symbol_after = true;
        v.push_back(de);

        language fr;
        fr.code = "fr";
        fr.invoice_title = {"FACTURE", "Facture"};
        fr.invoice_no = {"Facture N°", "N° de facture :", "Numéro de facture :"};
        fr.date = {"Date :", "Date de facture :"};
        fr.due = {"Échéance :", "Date d'échéance :"};
        fr.bill_to = {"Client :", "Facturer à :"};
        fr.description = {"Désignation", "Description"};
        fr.quantity = {"Qté", "Quantité"};
        fr.unit_price = {"Prix unitaire", "P.U."};
        fr.amount = {"Montant", "Total HT"};
        fr.subtotal = {"Total HT", "Montant HT", "Sous-total"};
        fr.tax = {"TVA"};
        fr.total = {"Total TTC", "Net à payer", "Montant TTC"};
        fr.terms = {"Conditions de paiement :"};
        fr.terms_text = {"30 jours fin de mois", "à réception"};
        fr.tax_id = {"N° TVA :", "TVA intracom :"};
        fr.cash = {"ESPECES"};
        fr.change = {"RENDU"};
        fr.thanks = {"Merci de votre visite"};
        fr.statement = {"Relevé de compte"};
        fr.holder = {"Titulaire :"};
        fr.account = {"N° de compte :"};
        fr.period = {"Période :"};
        fr.opening = {"Solde précédent", "Ancien solde"};
        fr.closing = {"Nouveau solde", "Solde final"};
        fr.date_col = {"Date"};
        fr.debit = {"Débit"};
        fr.credit = {"Crédit"};
        fr.balance = {"Solde"};
        fr.to = {"au", "-"};
        fr.months = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"};
        fr.thousands = ' ';
        fr.decimal = ',';
        fr.currencies = {"EUR"};
        fr.symbol_after = true;
        v.push_back(fr);

        language es;
        es.code = "es";
        es.invoice_title = {"FACTURA", "Factura"};
        es.invoice_no = {"Factura N°", "Número de factura:", "Factura nº"};
        es.date = {"Fecha:", "Fecha de emisión:"};
        es.due = {"Vencimiento:", "Fecha de vencimiento:"};
        es.bill_to = {"Cliente:", "Facturar a:"};
        es.description = {"Descripción", "Concepto"};
        es.quantity = {"Cantidad", "Cant."};
        es.unit_price = {"Precio unitario", "Precio"};
        es.amount = {"Importe", "Total"};
        es.subtotal = {"Base imponible", "Subtotal"};
        es.tax = {"IVA"};
        es.total = {"Total", "Total a pagar", "Importe total"};
        es.terms = {"Forma de pago:"};
        es.terms_text = {"transferencia a 30 días"};
        es.tax_id = {"NIF:", "CIF:"};
        es.cash = {"EFECTIVO"};
        es.change = {"CAMBIO"};
        es.thanks = {"Gracias por su visita"};
        es.statement = {"Extracto de cuenta"};
        es.holder = {"Titular:"};
        es.account = {"Número de cuenta:"};
        es.period = {"Periodo:"};
        es.opening = {"Saldo anterior", "Saldo inicial"};
        es.closing = {"Saldo final"};
        es.date_col = {"Fecha"};
        es.debit = {"Cargo", "Debe"};
        es.credit = {"Abono", "Haber"};
        es.balance = {"Saldo"};
        es.to = {"al", "-"};
        es.months = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
        es.thousands = '.';
        es.decimal = ',';
        es.currencies = {"EUR"};
        es.symbol_after = true;
        v.push_back(es);

        language it;
        it.code = "it";
        it.invoice_title = {"FATTURA", "Fattura"};
        it.invoice_no = {"Fattura n.", "Numero fattura:"};
        it.date = {"Data:", "Data fattura:"};
        it.due = {"Scadenza:", "Data scadenza:"};
        it.bill_to = {"Cliente:", "Destinatario:"};
        it.description = {"Descrizione", "Articolo"};
        it.quantity = {"Quantità", "Q.tà"};
        it.unit_price = {"Prezzo unitario", "Prezzo"};
        it.amount = {"Importo", "Totale"};
        it.subtotal = {"Imponibile", "Totale imponibile"};
        it.tax = {"IVA"};
        it.total = {"Totale", "Totale fattura", "Totale da pagare"};
        it.terms = {"Condizioni di pagamento:"};
        it.terms_text = {"bonifico 30 gg"};
        it.tax_id = {"P. IVA:", "Partita IVA:"};
        it.cash = {"CONTANTI"};
        it.change = {"RESTO"};
        it.thanks = {"Grazie e arrivederci"};
        it.statement = {"Estratto conto"};
        it.holder = {"Titolare:"};
        it.account = {"Numero di conto:"};
        it.period = {"Periodo:"};
        it.opening = {"Saldo iniziale"};
        it.closing = {"Saldo finale"};
        it.date_col = {"Data"};
        it.debit = {"Uscite", "Addebiti"};
        it.credit = {"Entrate", "Accrediti"};
        it.balance = {"Saldo"};
        it.to = {"-"};
        it.months = {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"};
        it.thousands = '.';
        it.decimal = ',';
        it.currencies = {"EUR"};
        it.symbol_after = true;
        v.push_back(it);

        language nl;
        nl.code = "nl";
        nl.invoice_title = {"FACTUUR", "Factuur"};
        nl.invoice_no = {"Factuurnummer:", "Factuur nr."};
        nl.date = {"Factuurdatum:", "Datum:"};
        nl.due = {"Vervaldatum:"};
        nl.bill_to = {"Klant:", "Factuur aan:"};
        nl.description = {"Omschrijving"};
        nl.quantity = {"Aantal"};
        nl.unit_price = {"Prijs", "Stukprijs"};
        nl.amount = {"Bedrag", "Totaal"};
        nl.subtotal = {"Subtotaal", "Totaal excl. btw"};
        nl.tax = {"BTW"};
        nl.total = {"Totaal", "Te betalen"};
        nl.terms = {"Betalingsvoorwaarden:"};
        nl.terms_text = {"binnen 14 dagen"};
        nl.tax_id = {"BTW nr:", "BTW nummer:"};
        nl.cash = {"CONTANT"};
        nl.change = {"WISSELGELD"};
        nl.thanks = {"Bedankt en tot ziens"};
        nl.statement = {"Rekeningafschrift"};
        nl.holder = {"Rekeninghouder:"};
        nl.account = {"Rekeningnummer:"};
        nl.period = {"Periode:"};
        nl.opening = {"Beginsaldo"};
        nl.closing = {"Eindsaldo"};
        nl.date_col = {"Datum"};
        nl.debit = {"Af", "Debet"};
        nl.credit = {"Bij", "Credit"};
        nl.balance = {"Saldo"};
        nl.to = {"-", "tot"};
        nl.months = {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"};
        nl.thousands = '.';
        nl.decimal = ',';
        nl.currencies = {"EUR"};
        nl.symbol_after = false;
        v.push_back(nl);

        language pt;
        pt.code = "pt";
        pt.invoice_title = {"FATURA", "Fatura"};
        pt.invoice_no = {"Fatura n.º", "Fatura nº", "Número da fatura:"};
        pt.date = {"Data:", "Data de emissão:"};
        pt.due = {"Vencimento:", "Data de vencimento:"};
        pt.bill_to = {"Cliente:"};
        pt.description = {"Descrição", "Produto"};
        pt.quantity = {"Quantidade", "Qtd."};
        pt.unit_price = {"Preço unitário", "Preço"};
        pt.amount = {"Valor", "Total"};
        pt.subtotal = {"Subtotal", "Total sem IVA"};
        pt.tax = {"IVA"};
        pt.total = {"Total", "Total a pagar", "Valor total"};
        pt.terms = {"Condições de pagamento:"};
        pt.terms_text = {"30 dias"};
        pt.tax_id = {"NIF:", "NIPC:"};
        pt.cash = {"NUMERARIO"};
        pt.change = {"TROCO"};
        pt.thanks = {"Obrigado pela preferência"};
        pt.statement = {"Extrato de conta"};
        pt.holder = {"Titular:"};
        pt.account = {"Número da conta:"};
        pt.period = {"Período:"};
        pt.opening = {"Saldo inicial", "Saldo anterior"};
        pt.closing = {"Saldo final"};
        pt.date_col = {"Data"};
        pt.debit = {"Débito"};
        pt.credit = {"Crédito"};
        pt.balance = {"Saldo"};
        pt.to = {"a", "-"};
        pt.months = {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"};
        pt.thousands = '.';
        pt.decimal = ',';
        pt.currencies = {"EUR", "BRL"};
        pt.symbol_after = true;
        v.push_back(pt);
        return v;
    }();
    return all;
}

struct day {
    int y, m, d;
};

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string iso(const day& d) { return std::to_string(d.y) + "-" + two(d.m) + "-" + two(d.d); }

day add_days(day d, int n) {
    static constexpr int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    while (n-- > 0) {
        const int m = len[d.m - 1] + (d.m == 2 && d.y % 4 == 0 ? 1 : 0);
        if (++d.d > m) {
            d.d = 1;
            if (++d.m > 12) {
                d.m = 1;
                ++d.y;
            }
        }
    }
    return d;
}

// The way a document prints its dates, chosen once per document.
struct date_style {
    int kind = 0;            // 0 numeric, 1 ISO, 2 day month-name year, 3 month-name day, year
    char sep = '/';
    bool month_first = false;
    bool two_digit_year = false;
};

std::string print_date(const day& d, const date_style& s, const language& l) {
    switch (s.kind) {
    case 1: return iso(d);
    case 2:
        if (l.code == "de") return std::to_string(d.d) + ". " + l.months[d.m - 1] + " " + std::to_string(d.y);
        if (l.code == "es" || l.code == "pt") return std::to_string(d.d) + " de " + l.months[d.m - 1] + " de " + std::to_string(d.y);
        return std::to_string(d.d) + " " + l.months[d.m - 1] + " " + std::to_string(d.y);
    case 3: return l.months[d.m - 1] + " " + std::to_string(d.d) + ", " + std::to_string(d.y);
    default: {
        const std::string y = s.two_digit_year ? two(d.y % 100) : std::to_string(d.y);
        return s.month_first ? two(d.m) + s.sep + two(d.d) + s.sep + y : two(d.d) + s.sep + two(d.m) + s.sep + y;
    }
    }
}

// Amounts are cents; printed with the language's separators (or the Swiss apostrophe).
std::string print_number(std::int64_t cents, char thousands, char decimal, int decimals = 2) {
    const bool neg = cents < 0;
    std::int64_t v = neg ? -cents : cents;
    std::int64_t unit = 1;
    for (int i = 0; i < decimals; ++i) unit *= 10;
    std::string whole = std::to_string(v / unit);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0 && thousands) grouped += thousands;
        grouped += whole[i];
    }
    std::string frac = std::to_string(v % unit);
    frac.insert(0, static_cast<std::size_t>(decimals) - frac.size(), '0');
    return (neg ? "-" : "") + grouped + (decimals ? std::string(1, decimal) + frac : "");
}

std::string plain(std::int64_t cents, int decimals = 2) { return print_number(cents, 0, '.', decimals); }

struct money_style {
    char thousands, decimal;
    std::string currency;  // ISO
    std::string mark;      // what is printed: "€", "$", "EUR", "" (none on the figures)
    bool after = false;
    bool on_figures = true; // the mark on every amount or only on the total
};

std::string symbol_of(const std::string& code) {
    if (code == "EUR") return "\xE2\x82\xAC";
    if (code == "GBP") return "\xC2\xA3";
    if (code == "USD" || code == "AUD" || code == "SGD") return "$";
    return code;
}

std::string with_mark(const std::string& n, const money_style& m, bool mark) {
    if (!mark || m.mark.empty()) return n;
    const bool code = m.mark.size() == 3 && m.mark[0] >= 'A' && m.mark[0] <= 'Z';
    if (m.after) return n + " " + m.mark;
    return m.mark + (code ? " " : "") + n;
}

money_style money_for(dice& r, const language& l) {
    money_style m{l.thousands, l.decimal, r.pick(l.currencies), "", l.symbol_after, true};
    if (m.currency == "CHF") {
        m.thousands = '\'';
        m.decimal = '.';
    }
    if (m.currency == "USD" && l.code == "en") m.after = false;
    const int how = r.below(3);
    m.mark = how == 0 ? m.currency : symbol_of(m.currency);
    if (m.mark == "$" && m.currency != "USD") m.mark = m.currency; // only the US dollar prints a bare $
    m.on_figures = r.chance(0.5);
    return m;
}

std::string money(std::int64_t cents, const money_style& m, bool mark) {
    return with_mark(print_number(cents, m.thousands, m.decimal), m, mark);
}

const std::vector<std::string> k_name_a = {"Harbour", "Northwind", "Alpine", "Granite", "Blue Ridge", "Cedar", "Sunrise",
                                           "Meridian", "Falcon", "Riverside", "Oakwood", "Silverline", "Kestrel", "Lumen"};
const std::vector<std::string> k_name_b = {"Supplies", "Trading", "Tools", "Logistics", "Consulting", "Foods", "Print",
                                           "Systems", "Hardware", "Textiles", "Office", "Electric"};
const std::vector<std::string> k_suffix = {"Ltd", "GmbH", "SARL", "S.L.", "S.r.l.", "B.V.", "Lda", "Inc.", "LLC", "AG"};
const std::vector<std::string> k_street = {"Quay Road", "Market Street", "Hauptstrasse", "Rue de la Paix", "Calle Mayor",
                                           "Via Roma", "Kerkstraat", "Rua Augusta", "Station Road", "Mill Lane"};
const std::vector<std::string> k_city = {"Bristol", "Berlin", "Lyon", "Madrid", "Milano", "Utrecht", "Porto", "Leeds",
                                         "Graz", "Gent"};
const std::vector<std::string> k_person = {"Anna Berger", "Jon Smith", "Marie Dubois", "Luis Garcia", "Giulia Rossi",
                                           "Pieter de Vries", "Ana Costa", "Sam Taylor", "Eva Novak", "Omar Haddad"};
const std::vector<std::string> k_goods = {"Steel hammer", "Printer paper A4", "Ink cartridge black", "Desk lamp",
                                          "Consulting hours", "Cable 5 m", "Safety gloves", "Coffee beans 1 kg",
                                          "USB keyboard", "Shipping", "Wooden pallet", "Paint white 10 l",
                                          "Maintenance service", "Label roll", "Screws M6 box"};
const std::vector<std::string> k_shop_goods = {"MILK 1L", "BREAD", "APPLES", "COFFEE", "EGGS 10", "RICE 5KG", "TEA",
                                               "WATER", "CHEESE", "SOAP", "BATTERY AA", "NOTEBOOK", "PEN BLUE", "SUGAR"};
const std::vector<std::string> k_payee = {"Card purchase Grocer", "Salary", "Rent", "Transfer to savings", "Electricity",
                                          "ATM withdrawal", "Insurance premium", "Refund", "Phone bill", "Interest"};

std::string company(dice& r) { return r.pick(k_name_a) + " " + r.pick(k_name_b) + " " + r.pick(k_suffix); }

std::string iban_for(dice& r) {
    // A German IBAN with a valid checksum: 18 digits of bank code and account.
    std::string bban;
    for (int i = 0; i < 18; ++i) bban += static_cast<char>('0' + r.below(10));
    const std::string moved = bban + "131400"; // D=13 E=14, check digits 00
    int rem = 0;
    for (const char c : moved) rem = (rem * 10 + (c - '0')) % 97;
    const int check = 98 - rem;
    return "DE" + two(check) + bban;
}

std::string grouped_iban(const std::string& iban) {
    std::string out;
    for (std::size_t i = 0; i < iban.size(); ++i) {
        if (i && i % 4 == 0) out += ' ';
        out += iban[i];
    }
    return out;
}

day random_day(dice& r) { return {r.between(2016, 2027), r.between(1, 12), r.between(1, 28)}; }

date_style style_for(dice& r, const language& l, bool& us) {
    date_style s;
    s.kind = r.below(10) < 6 ? 0 : r.below(3) + 1;
    s.sep = l.code == "de" ? '.' : l.code == "nl" ? '-' : r.chance(0.8) ? '/' : '.';
    s.two_digit_year = s.kind == 0 && r.chance(0.2);
    s.month_first = us && s.kind == 0;
    if (s.kind == 3 && l.code != "en") s.kind = 2;
    return s;
}

struct composer {
    page_layout page;
    std::vector<page_layout> pages;
    double y = 60;
    pdf_font font = pdf_font::helvetica;
    double size = 9.5;
    void text(double x, const std::string& s, double sz = 0, std::optional<pdf_font> f = std::nullopt) {
        page.runs.push_back({x, y, sz > 0 ? sz : size, f ? *f : font, s});
    }
    void right(double x1, const std::string& s, double sz = 0, std::optional<pdf_font> f = std::nullopt) {
        const double w = text_width(s, f ? *f : font, sz > 0 ? sz : size);
        text(x1 - w, s, sz, f);
    }
    void center(double cx, const std::string& s, double sz = 0, std::optional<pdf_font> f = std::nullopt) {
        const double w = text_width(s, f ? *f : font, sz > 0 ? sz : size);
        text(cx - w / 2, s, sz, f);
    }
    void next(double lines = 1) { y += lines * size * 1.45; }
    void break_page() {
        pages.push_back(std::move(page));
        const double w = pages.back().width, h = pages.back().height;
        page = {};
        page.width = w;
        page.height = h;
        y = 60;
    }
    std::vector<page_layout> done() {
        pages.push_back(std::move(page));
        return std::move(pages);
    }
};

truth_doc make_invoice(dice& r, int n) {
    const auto& l = r.pick(languages());
    truth_doc t;
    t.type = "invoice";
    t.name = "invoice_" + std::to_string(n) + "_" + l.code;
    auto m = money_for(r, l);
    bool us = l.code == "en" && m.currency == "USD";
    const auto ds = style_for(r, l, us);
    if (us) t.locale = "en-US";
    composer c;
    c.font = r.pick(std::vector<pdf_font>{pdf_font::helvetica, pdf_font::times, pdf_font::helvetica});
    c.size = 9 + r.below(3);
    const double left = 50 + r.below(20), right = 545 - r.below(20);
    const std::string merchant = company(r);
    const std::string street = std::to_string(r.between(1, 200)) + " " + r.pick(k_street);
    const std::string city = std::to_string(r.between(10000, 99999)) + " " + r.pick(k_city);
    c.text(left, merchant, c.size + 6, pdf_font::helvetica_bold);
    t.fields["merchant"] = merchant;
    c.next(1.8);
    c.text(left, street);
    c.next();
    c.text(left, city);
    t.fields["merchant_address"] = street + ", " + city;
    c.next();
    if (r.chance(0.7)) {
        const std::string tax_id = (l.code == "en" ? "GB" : l.code == "de" ? "DE" : "FR") + std::to_string(r.between(100000000, 999999999));
        c.text(left, r.pick(l.tax_id) + " " + tax_id);
        t.fields["merchant_tax_id"] = tax_id;
        c.next();
    }
    c.next(1.5);
    c.right(right, r.pick(l.invoice_title), c.size + 8, pdf_font::helvetica_bold);
    c.next(2.2);
    const std::string id = r.pick(std::vector<std::string>{"INV-", "", "R", "F", "2026/"}) + std::to_string(r.between(100, 99999));
    const day issued = random_day(r);
    const day due = add_days(issued, r.pick(std::vector<int>{14, 30, 45}));
    const bool has_due = r.chance(0.7);
    const double label_x = right - 230;
    auto pair_row = [&](const std::string& label, const std::string& value) {
        c.text(label_x, label);
        c.right(right, value);
        c.next();
    };
    pair_row(r.pick(l.invoice_no), id);
    t.fields["invoice_id"] = id;
    pair_row(r.pick(l.date), print_date(issued, ds, l));
    t.fields["date"] = iso(issued);
    if (has_due) {
        pair_row(r.pick(l.due), print_date(due, ds, l));
        t.fields["due_date"] = iso(due);
    }
    c.next();
    const std::string customer = r.chance(0.5) ? r.pick(k_person) : company(r);
    c.text(left, r.pick(l.bill_to), 0, pdf_font::helvetica_bold);
    c.next();
    c.text(left, customer);
    t.fields["customer"] = customer;
    c.next();
    c.text(left, std::to_string(r.between(1, 90)) + " " + r.pick(k_street));
    c.next(2.5);

    // The table: description left; quantity, unit price and amount right-aligned in columns.
    const double qty_x = right - 190, price_x = right - 95;
    auto header = [&] {
        c.text(left, r.pick(l.description), 0, pdf_font::helvetica_bold);
        c.right(qty_x, l.quantity[0], 0, pdf_font::helvetica_bold);
        c.right(price_x, l.unit_price[0], 0, pdf_font::helvetica_bold);
        c.right(right, l.amount[0], 0, pdf_font::helvetica_bold);
        c.next(1.4);
    };
    header();
    const int lines = r.chance(0.1) ? r.between(25, 45) : r.between(1, 8);
    std::int64_t subtotal = 0;
    for (int i = 0; i < lines; ++i) {
        if (c.y > c.page.height - 90) {
            c.break_page();
            header();
        }
        const std::string desc = r.pick(k_goods);
        const int qty = r.chance(0.6) ? 1 : r.between(2, 20);
        const std::int64_t price = r.chance(0.5) ? r.between(50, 9999) : r.between(1000, 150000);
        const std::int64_t line = qty * price;
        subtotal += line;
        c.text(left, desc);
        c.right(qty_x, std::to_string(qty));
        c.right(price_x, money(price, m, false));
        c.right(right, money(line, m, m.on_figures));
        c.next();
        t.items.push_back({{"description", desc}, {"quantity", std::to_string(qty)}, {"unit_price", plain(price)}, {"total", plain(line)}});
    }
    if (c.y > c.page.height - 140) c.break_page();
    c.next();
    const int rate = r.pick(std::vector<int>{5, 7, 10, 19, 20, 21, 22, 23});
    const std::int64_t tax = (subtotal * rate + 50) / 100;
    const std::int64_t total = subtotal + tax;
    const double sum_label = right - 220;
    c.text(sum_label, r.pick(l.subtotal));
    c.right(right, money(subtotal, m, m.on_figures));
    c.next();
    c.text(sum_label, r.pick(l.tax) + " " + std::to_string(rate) + "%");
    c.right(right, money(tax, m, m.on_figures));
    c.next();
    const std::string total_label = r.pick(l.total);
    c.text(sum_label, total_label, 0, pdf_font::helvetica_bold);
    c.right(right, money(total, m, true), 0, pdf_font::helvetica_bold);
    // A total printed as what is due is the amount due as well.
    static const std::vector<std::string> due_labels = {"Total Due", "Amount Due", "Balance Due", "Zu zahlen", "Net à payer",
                                                        "Te betalen", "Total a pagar", "Totale da pagare"};
    if (std::find(due_labels.begin(), due_labels.end(), total_label) != due_labels.end()) t.fields["amount_due"] = plain(total);
    c.next(2);
    t.fields["subtotal"] = plain(subtotal);
    t.fields["tax"] = plain(tax);
    t.fields["tax_rate"] = std::to_string(rate);
    t.fields["total"] = plain(total);
    t.fields["currency"] = m.currency;
    if (r.chance(0.6)) {
        const std::string terms = r.pick(l.terms_text);
        c.text(left, r.pick(l.terms) + " " + terms);
        t.fields["payment_terms"] = terms;
        c.next();
    }
    if (r.chance(0.6)) {
        const std::string iban = iban_for(r);
        c.text(left, "IBAN: " + grouped_iban(iban));
        t.fields["iban"] = iban;
        c.next();
    }
    t.bytes = layout_pdf(c.done());
    t.media_type = "application/pdf";
    return t;
}

truth_doc make_receipt(dice& r, int n) {
    const auto& l = r.pick(languages());
    truth_doc t;
    t.type = "receipt";
    t.name = "receipt_" + std::to_string(n) + "_" + l.code;
    auto m = money_for(r, l);
    m.on_figures = r.chance(0.3);
    bool us = l.code == "en" && m.currency == "USD";
    auto ds = style_for(r, l, us);
    if (ds.kind != 0 && ds.kind != 1) ds.kind = 0;
    if (us) t.locale = "en-US";
    composer c;
    c.page.width = 226;
    c.page.height = 600;
    c.font = r.chance(0.6) ? pdf_font::courier : pdf_font::helvetica;
    c.size = 8 + r.below(2);
    c.y = 40;
    const double left = 14, right = 212, mid = 113;
    const std::string merchant = r.pick(k_name_a) + " " + r.pick(std::vector<std::string>{"MART", "CAFE", "BAKERY", "STORE", "PHARMACY"});
    c.center(mid, merchant, c.size + 3, pdf_font::helvetica_bold);
    t.fields["merchant"] = merchant;
    c.next(1.6);
    const std::string street = std::to_string(r.between(1, 200)) + " " + r.pick(k_street);
    c.center(mid, street);
    c.next();
    const std::string city = std::to_string(r.between(10000, 99999)) + " " + r.pick(k_city);
    c.center(mid, city);
    t.fields["merchant_address"] = street + ", " + city;
    c.next();
    c.center(mid, "TEL " + std::to_string(r.between(100, 999)) + "-" + std::to_string(r.between(100000, 999999)));
    c.next(1.6);
    const day d = random_day(r);
    const int hh = r.between(7, 22), mm = r.between(0, 59);
    c.text(left, print_date(d, ds, l) + "  " + two(hh) + ":" + two(mm));
    t.fields["date"] = iso(d);
    t.fields["time"] = two(hh) + ":" + two(mm);
    c.next(1.6);
    const int lines = r.between(1, 9);
    std::int64_t total = 0;
    for (int i = 0; i < lines; ++i) {
        const std::string desc = r.pick(k_shop_goods);
        const int qty = r.chance(0.7) ? 1 : r.between(2, 6);
        const std::int64_t price = r.between(30, 2500);
        const std::int64_t line = qty * price;
        total += line;
        std::map<std::string, std::string> item{{"description", desc}, {"total", plain(line)}};
        if (qty > 1) {
            c.text(left, desc);
            c.next();
            c.text(left + 10, std::to_string(qty) + " x " + money(price, m, false));
            c.right(right, money(line, m, m.on_figures));
            item["quantity"] = std::to_string(qty);
            item["unit_price"] = plain(price);
        } else {
            c.text(left, desc);
            c.right(right, money(line, m, m.on_figures));
        }
        c.next();
        t.items.push_back(std::move(item));
    }
    c.next(0.5);
    const int rate = r.pick(std::vector<int>{0, 6, 7, 10, 20});
    if (rate > 0) {
        // Prices include the tax: it is printed as the part of the total it is.
        const std::int64_t tax = (total * rate + (100 + rate) / 2) / (100 + rate);
        c.text(left, r.pick(l.tax) + " " + std::to_string(rate) + "%");
        c.right(right, money(tax, m, false));
        t.fields["tax"] = plain(tax);
        c.next();
    }
    c.text(left, r.pick(std::vector<std::string>{"TOTAL", l.total[0]}), c.size + 1, pdf_font::helvetica_bold);
    c.right(right, money(total, m, true), c.size + 1, pdf_font::helvetica_bold);
    t.fields["total"] = plain(total);
    t.fields["currency"] = m.currency;
    c.next(1.3);
    if (r.chance(0.5)) {
        const std::int64_t given = ((total + 999) / 1000) * 1000;
        c.text(left, r.pick(l.cash));
        c.right(right, money(given, m, false));
        c.next();
        c.text(left, r.pick(l.change));
        c.right(right, money(given - total, m, false));
        c.next();
        t.fields["payment_method"] = "cash";
    } else {
        c.text(left, "VISA ************" + std::to_string(r.between(1000, 9999)));
        c.right(right, money(total, m, false));
        c.next();
        t.fields["payment_method"] = "visa";
    }
    c.next();
    c.center(mid, r.pick(l.thanks));
    c.page.height = c.y + 40;
    t.bytes = layout_pdf(c.done());
    t.media_type = "application/pdf";
    return t;
}

truth_doc make_statement(dice& r, int n) {
    const auto& l = r.pick(languages());
    truth_doc t;
    t.type = "bank_statement";
    t.name = "statement_" + std::to_string(n) + "_" + l.code;
    auto m = money_for(r, l);
    m.mark.clear();
    bool us = l.code == "en" && m.currency == "USD";
    auto ds = style_for(r, l, us);
    if (ds.kind != 0 && ds.kind != 1) ds.kind = 0;
    if (us) t.locale = "en-US";
    composer c;
    c.font = r.chance(0.5) ? pdf_font::helvetica : pdf_font::times;
    c.size = 9;
    const double left = 50, right = 545;
    const std::string bank = r.pick(k_name_a) + " Bank";
    c.text(left, bank, 16, pdf_font::helvetica_bold);
    t.fields["bank_name"] = bank;
    c.next(2);
    c.text(left, r.pick(l.statement), 12, pdf_font::helvetica_bold);
    c.next(2);
    const std::string holder = r.pick(k_person);
    c.text(left, r.pick(l.holder) + " " + holder);
    t.fields["account_holder"] = holder;
    c.next();
    const std::string account = std::to_string(r.between(10000000, 99999999));
    c.text(left, r.pick(l.account) + " " + account);
    t.fields["account_number"] = account;
    c.next();
    if (r.chance(0.5)) {
        const std::string iban = iban_for(r);
        c.text(left, "IBAN: " + grouped_iban(iban));
        t.fields["iban"] = iban;
        c.next();
    }
    day start = random_day(r);
    start.d = 1;
    const day end = add_days(start, 27);
    c.text(left, r.pick(l.period) + " " + print_date(start, ds, l) + " " + r.pick(l.to) + " " + print_date(end, ds, l));
    t.fields["period_start"] = iso(start);
    t.fields["period_end"] = iso(end);
    c.next();
    // Statements print their figures bare: the currency is said once.
    const std::string said = r.pick(std::vector<std::string>{"Currency: ", "Amounts in ", "("});
    c.text(left, said + m.currency + (said == "(" ? ")" : ""));
    t.fields["currency"] = m.currency;
    c.next(2);
    std::int64_t balance = r.between(10000, 900000);
    const double debit_x = right - 170, credit_x = right - 85;
    const bool two_columns = r.chance(0.7);
    c.text(left, r.pick(l.opening));
    c.right(right, money(balance, m, false));
    t.fields["opening_balance"] = plain(balance);
    c.next(1.6);
    auto header = [&] {
        c.text(left, l.date_col[0], 0, pdf_font::helvetica_bold);
        c.text(left + 70, l.description[0], 0, pdf_font::helvetica_bold);
        if (two_columns) {
            c.right(debit_x, r.pick(l.debit), 0, pdf_font::helvetica_bold);
            c.right(credit_x, r.pick(l.credit), 0, pdf_font::helvetica_bold);
        } else {
            c.right(credit_x, "Amount", 0, pdf_font::helvetica_bold);
        }
        c.right(right, l.balance[0], 0, pdf_font::helvetica_bold);
        c.next(1.4);
    };
    header();
    const int rows = r.chance(0.15) ? r.between(30, 60) : r.between(4, 20);
    day d = start;
    for (int i = 0; i < rows; ++i) {
        if (c.y > c.page.height - 80) {
            c.break_page();
            header();
        }
        if (r.chance(0.4) && d.d < 27) d = add_days(d, 1);
        const bool credit = r.chance(0.3);
        const std::int64_t amount = r.between(100, 250000) * (credit ? 1 : -1);
        balance += amount;
        const std::string desc = r.pick(k_payee);
        c.text(left, print_date(d, ds, l));
        c.text(left + 70, desc);
        if (two_columns) c.right(credit ? credit_x : debit_x, money(amount < 0 ? -amount : amount, m, false));
        else c.right(credit_x, money(amount, m, false));
        c.right(right, money(balance, m, false));
        c.next();
        t.items.push_back({{"date", iso(d)}, {"description", desc}, {"amount", plain(amount)}, {"balance", plain(balance)}});
    }
    c.next(0.6);
    c.text(left, r.pick(l.closing));
    c.right(right, money(balance, m, false));
    t.fields["closing_balance"] = plain(balance);
    t.reconciles = true;
    t.bytes = layout_pdf(c.done());
    t.media_type = "application/pdf";
    return t;
}

int page_count(const std::string& pdf) {
    int n = 0;
    for (std::size_t at = 0; (at = pdf.find("/Type /Page ", at)) != std::string::npos; ++at) ++n;
    return n;
}

} // namespace

std::string scan_of(const std::string& pdf, int dpi, std::uint32_t seed) {
    dice r(seed);
    test::temp_dir dir;
    const auto in = dir.path() / "doc.pdf";
    std::ofstream(in, std::ios::binary) << pdf;
    if (test::run({"/usr/bin/pdftoppm", "-r", std::to_string(dpi), "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
                   in.string(), (dir.path() / "page").string()})
            .exit_code != 0)
        throw std::runtime_error("pdftoppm failed (is poppler-utils installed?)");
    Pix* page = pixRead((dir.path() / "page.png").string().c_str());
    if (!page) throw std::runtime_error("cannot read the rendered page");
    Pix* g = pixConvertTo8(page, 0);
    pixDestroy(&page);
    // Faded print and greyish paper.
    const int fade = r.between(0, 110), paper = r.between(0, 35);
    if (Pix* f = pixGammaTRC(nullptr, g, 1.0, -fade, 255 + paper)) {
        pixDestroy(&g);
        g = f;
    }
    // A slight turn, as a page fed crooked or a receipt held in the hand.
    const double angle = (r.between(-250, 250) / 100.0) * 3.14159265 / 180.0;
    if (Pix* t = pixRotate(g, static_cast<l_float32>(angle), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0)) {
        pixDestroy(&g);
        g = t;
    }
    if (r.chance(0.5))
        if (Pix* b = pixBlockconv(g, 1, 1)) {
            pixDestroy(&g);
            g = b;
        }
    // Speckle.
    const int w = pixGetWidth(g), h = pixGetHeight(g);
    const int specks = w * h / r.between(200, 2000);
    for (int i = 0; i < specks; ++i) pixSetPixel(g, r.below(w), r.below(h), static_cast<l_uint32>(r.between(60, 200)));
    pixSetResolution(g, dpi, dpi);
    l_uint8* data = nullptr;
    size_t size = 0;
    const int quality = r.between(45, 90);
    const bool ok = pixWriteMemJpeg(&data, &size, g, quality, 0) == 0;
    pixDestroy(&g);
    if (!ok) throw std::runtime_error("cannot write the scan");
    std::string out(reinterpret_cast<const char*>(data), size);
    lept_free(data);
    return out;
}

std::vector<truth_doc> make_fields_corpus(const corpus_options& o) {
    dice r(o.seed);
    std::vector<truth_doc> out;
    for (unsigned i = 0; i < o.per_type; ++i) {
        for (auto make : {make_invoice, make_receipt, make_statement}) {
            truth_doc t = make(r, static_cast<int>(i));
            // Scans of one-page documents (a multi-page scan would be a TIFF: not generated).
            if (r.chance(o.scanned_share) && page_count(t.bytes) == 1) {
                t.bytes = scan_of(t.bytes, r.pick(std::vector<int>{200, 250, 300}), r.g());
                t.media_type = "image/jpeg";
                t.scanned = true;
                t.name += "_scan";
            }
            out.push_back(std::move(t));
        }
    }
    return out;
}

} // namespace docket::bench
