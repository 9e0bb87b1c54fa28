// Value readers for typed fields: amounts, dates, times, IBANs and currency marks, written as
// small scanners over the text. Called by the field rules (fields/reader.cpp) in the workers.

#include <docket/fields/values.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <unordered_map>

namespace docket::fields {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The unaccented letters of U+00C0..U+00FF and U+0100..U+017F.
constexpr std::string_view k_latin1 = "aaaaaaaceeeeiiiidnooooo*ouuuuyts" "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
constexpr std::string_view k_latin_ext =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

} // namespace

namespace {

// fold, and for each byte of the result the offset of the byte of `text` it came from.
std::string fold_mapped(std::string_view text, std::vector<std::uint32_t>* origin) {
    // Most text is plain ASCII: lowered in one pass, each byte mapping to itself.
    if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        std::string out(text);
        for (auto& c : out)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (origin) {
            origin->resize(text.size() + 1);
            for (std::size_t i = 0; i <= text.size(); ++i) (*origin)[i] = static_cast<std::uint32_t>(i);
        }
        return out;
    }
    std::string out;
    out.reserve(text.size() + 8);
    if (origin) origin->reserve(text.size() + 1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const auto from = static_cast<std::uint32_t>(i);
        if (c < 0x80) {
            out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
            if (origin) origin->push_back(from);
            continue;
        }
        const auto c1 = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        const auto c2 = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0;
        if (c == 0xC3 && c1 >= 0x80 && c1 <= 0xBF) {
            const char base = k_latin1[c1 - 0x80];
            if (c1 == 0x9F) out += "ss";
            else if (c1 == 0x86 || c1 == 0xA6) out += "ae";
            else out += base;
            ++i;
        } else if ((c == 0xC4 || c == 0xC5) && c1 >= 0x80 && c1 <= 0xBF) {
            out += k_latin_ext[(c - 0xC4) * 64 + (c1 - 0x80)];
            ++i;
        } else if (c == 0xC2 && (c1 == 0xBA || c1 == 0xB0)) { // º °, as in N° / Nº
            out += 'o';
            ++i;
        } else if (c == 0xC2 && c1 == 0xA0) { // no-break space
            out += ' ';
            ++i;
        } else if (c == 0xE2 && c1 == 0x80 && (c2 == 0x98 || c2 == 0x99)) { // ‘ ’
            out += '\'';
            i += 2;
        } else if (c == 0xE2 && c1 == 0x80 && (c2 == 0x93 || c2 == 0x94)) { // – —
            out += '-';
            i += 2;
        } else if (c == 0xE2 && c1 == 0x88 && c2 == 0x92) { // − minus sign
            out += '-';
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
        // Every byte written for this character maps back to where the character began.
        if (origin) origin->resize(out.size(), from);
    }
    if (origin) origin->push_back(static_cast<std::uint32_t>(text.size()));
    return out;
}

} // namespace

std::string fold(std::string_view text) { return fold_mapped(text, nullptr); }

std::string currency_code(std::string_view text) {
    text = trim(text);
    struct mark {
        std::string_view text, code;
    };
    // Symbols and the prefixes printed instead of a code; compared after folding (lower case).
    static constexpr mark marks[] = {
        {"\xE2\x82\xAC", "EUR"}, {"$", "USD"}, {"us$", "USD"}, {"\xC2\xA3", "GBP"}, {"\xC2\xA5", "JPY"},
        {"\xE2\x82\xB9", "INR"}, {"rs", "INR"}, {"rs.", "INR"}, {"rm", "MYR"}, {"s$", "SGD"}, {"a$", "AUD"},
        {"au$", "AUD"}, {"c$", "CAD"}, {"ca$", "CAD"}, {"hk$", "HKD"}, {"nz$", "NZD"}, {"r$", "BRL"},
        {"fr.", "CHF"}, {"sfr.", "CHF"}, {"\xE2\x82\xA9", "KRW"}, {"\xE2\x82\xBD", "RUB"}, {"\xE2\x82\xBA", "TRY"},
        {"\xE2\x82\xAA", "ILS"}, {"\xE0\xB8\xBF", "THB"}, {"\xE2\x82\xAB", "VND"}, {"\xE2\x82\xB1", "PHP"},
        {"z\xC5\x82", "PLN"}, {"k\xC4\x8D", "CZK"}, {"dm", "DEM"}, {"rmb", "CNY"}, {"euro", "EUR"}, {"euros", "EUR"},
    };
    // ISO 4217 codes that documents print; a closed list so that words like "TAX" are not codes.
    static constexpr std::string_view codes[] = {
        "usd", "eur", "gbp", "jpy", "cny", "inr", "myr", "sgd", "aud", "cad", "chf", "nzd", "hkd", "sek", "nok",
        "dkk", "pln", "czk", "huf", "ron", "bgn", "zar", "brl", "mxn", "ars", "clp", "cop", "pen", "idr", "thb",
        "php", "vnd", "krw", "twd", "try", "rub", "uah", "aed", "sar", "qar", "kwd", "ils", "egp", "ngn", "kes",
        "mad", "isk", "dem", "frf", "itl", "esp", "nlg", "ats", "bef", "pkr", "lkr", "bdt",
    };
    if (text.empty() || text.size() > 8 || is_digit(text.front()) || is_digit(text.back())) return {};
    // No mark is longer than five characters, and folding keeps plain ASCII's length.
    if (text.size() > 5 && std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return {};
    static const std::unordered_map<std::string_view, std::string> known = [] {
        std::unordered_map<std::string_view, std::string> m;
        for (const auto& mk : marks) m.emplace(mk.text, std::string(mk.code));
        for (const auto c : codes) {
            std::string up(c);
            for (auto& ch : up) ch = static_cast<char>(ch - 32);
            m.emplace(c, up);
        }
        return m;
    }();
    const std::string f = fold(text);
    const auto it = known.find(f);
    return it == known.end() ? std::string() : it->second;
}

std::optional<amount> parse_amount(std::string_view text, number_style style) {
    // Most words of a page hold no digit at all: they are turned away before any work.
    if (std::none_of(text.begin(), text.end(), [](char c) { return is_digit(c); })) return std::nullopt;
    std::string f = fold(trim(text));
    std::string_view s = f;
    if (s.empty() || s.size() > 40) return std::nullopt;
    amount out;
    bool negative = false;
    // Sign marks around the number and the currency.
    auto strip_suffix_word = [&](std::string_view w) {
        if (s.size() > w.size() && s.substr(s.size() - w.size()) == w) {
            s.remove_suffix(w.size());
            s = trim(s);
            return true;
        }
        return false;
    };
    bool credit = false;
    if (strip_suffix_word("dr")) negative = true;
    else credit = strip_suffix_word("cr");
    if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
        negative = true;
        s = trim(s.substr(1, s.size() - 2));
    }
    if (!s.empty() && s.front() == '-') {
        negative = true;
        s = trim(s.substr(1));
    } else if (!s.empty() && s.back() == '-') {
        negative = true;
        s = trim(s.substr(0, s.size() - 1));
    }
    if (!s.empty() && s.front() == '+') s = trim(s.substr(1));
    // Currency before and after: everything up to the first digit-like character, and after the last.
    // OCR's letters for digits count as digits beside a digit or a separator ("l5.00", "12.O0").
    auto ocr_digit = [](char c) { return c == 'o' || c == 'l' || c == 'i' || c == '|'; };
    auto near_number = [&](std::size_t i) {
        auto num = [&](std::size_t k) { return k < s.size() && (is_digit(s[k]) || s[k] == '.' || s[k] == ','); };
        return num(i + 1) || (i > 0 && num(i - 1));
    };
    auto digit_like = [&](std::size_t i) { return is_digit(s[i]) || (ocr_digit(s[i]) && near_number(i)); };
    std::size_t first = 0;
    while (first < s.size() && !digit_like(first) && !(s[first] == '.' && first + 1 < s.size() && is_digit(s[first + 1])))
        ++first;
    std::size_t last = s.size();
    while (last > first && !digit_like(last - 1)) --last;
    if (first >= last) return std::nullopt;
    std::string_view before = trim(s.substr(0, first)), after = trim(s.substr(last));
    if (!before.empty() && before.back() == '-') { // "€ -12.00"
        negative = true;
        before = trim(before.substr(0, before.size() - 1));
    }
    if (!after.empty() && after.front() == '-') {
        negative = true;
        after = trim(after.substr(1));
    }
    if (!before.empty()) {
        out.currency = currency_code(before);
        if (out.currency.empty()) return std::nullopt;
    }
    if (!after.empty()) {
        const std::string c = currency_code(after);
        if (c.empty() || (!out.currency.empty() && c != out.currency)) return std::nullopt;
        out.currency = c;
    }
    // The number: digits, OCR's letter-for-digit confusions, and separators. At most 40
    // characters reach here, so it is built in place rather than in a string.
    char buf[48];
    std::size_t n = 0;
    int letters = 0, digits = 0;
    for (const char c : s.substr(first, last - first)) {
        if (is_digit(c)) {
            buf[n++] = c;
            ++digits;
        } else if (c == 'o') {
            buf[n++] = '0';
            ++letters;
        } else if (c == 'l' || c == 'i' || c == '|') {
            buf[n++] = '1';
            ++letters;
        } else if (c == '.' || c == ',' || c == '\'' || c == ' ') {
            if (n > 0 && !is_digit(buf[n - 1])) return std::nullopt; // two separators in a row
            buf[n++] = c;
        } else {
            return std::nullopt;
        }
    }
    const std::string_view core(buf, n);
    if (digits < 1 || letters * 3 > digits || digits + letters > 15) return std::nullopt;
    // Which separator is the decimal point.
    const auto last_dot = core.rfind('.'), last_comma = core.rfind(',');
    const auto count = [&](char c) { return std::count(core.begin(), core.end(), c); };
    char decimal = 0;
    if (last_dot != std::string_view::npos && last_comma != std::string_view::npos) {
        decimal = last_dot > last_comma ? '.' : ',';
    } else if (last_dot != std::string_view::npos || last_comma != std::string_view::npos) {
        const char sep = last_dot != std::string_view::npos ? '.' : ',';
        const auto at = std::min(last_dot, last_comma);
        const auto after_digits = core.size() - at - 1;
        const auto before_digits = at; // separators other than this one are counted as digits here: fine
        if (count(sep) > 1) decimal = 0;
        else if (after_digits != 3 || before_digits == 0 || core.front() == '0') decimal = sep;
        else if (style == number_style::comma_decimal) decimal = sep == ',' ? ',' : 0;
        else decimal = sep == '.' ? '.' : 0;
    }
    // Group separators: every group after the first is three digits.
    std::string_view int_part = core, frac_part;
    if (decimal) {
        const auto at = core.rfind(decimal);
        int_part = core.substr(0, at);
        frac_part = core.substr(at + 1);
        if (frac_part.empty()) return std::nullopt;
        for (const char c : frac_part)
            if (!is_digit(c)) return std::nullopt;
    }
    std::int64_t units = 0;
    {
        std::size_t group = 0;
        bool grouped = false;
        char group_sep = 0;
        for (const char c : int_part) {
            if (is_digit(c)) {
                units = units * 10 + (c - '0');
                ++group;
                continue;
            }
            if (c == decimal) return std::nullopt;
            if (group_sep && c != group_sep) return std::nullopt;
            group_sep = c;
            if ((grouped && group != 3) || (!grouped && (group == 0 || group > 3))) return std::nullopt;
            grouped = true;
            group = 0;
        }
        if (grouped && group != 3) return std::nullopt;
    }
    out.scale = static_cast<int>(frac_part.size());
    for (const char c : frac_part) units = units * 10 + (c - '0');
    out.units = negative ? -units : units;
    out.negative_mark = negative;
    out.credit_mark = credit;
    return out;
}

std::string format_amount(const amount& a, int min_scale) {
    const int scale = std::max(a.scale, min_scale);
    std::int64_t u = a.units < 0 ? -a.units : a.units;
    for (int i = a.scale; i < scale; ++i) u *= 10;
    std::string digits = std::to_string(u);
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, static_cast<std::size_t>(scale + 1) - digits.size(), '0');
    std::string out = a.units < 0 ? "-" : "";
    out += digits.substr(0, digits.size() - static_cast<std::size_t>(scale));
    if (scale > 0) {
        out += '.';
        out += digits.substr(digits.size() - static_cast<std::size_t>(scale));
    }
    return out;
}

namespace {
std::int64_t scaled(const amount& a, int scale) {
    std::int64_t u = a.units;
    for (int i = a.scale; i < scale; ++i) u *= 10;
    return u;
}
} // namespace

amount add(const amount& a, const amount& b) {
    const int s = std::max(a.scale, b.scale);
    return {scaled(a, s) + scaled(b, s), s, a.currency.empty() ? b.currency : a.currency};
}

amount subtract(const amount& a, const amount& b) {
    const int s = std::max(a.scale, b.scale);
    return {scaled(a, s) - scaled(b, s), s, a.currency.empty() ? b.currency : a.currency};
}

amount multiply(const amount& a, const amount& b, int scale) {
    // Exact product at a.scale + b.scale digits, rounded half away from zero to `scale`.
    const long double p = static_cast<long double>(a.units) * static_cast<long double>(b.units);
    long double div = 1;
    for (int i = 0; i < a.scale + b.scale - scale; ++i) div *= 10;
    long double mul = 1;
    for (int i = 0; i < scale - (a.scale + b.scale); ++i) mul *= 10;
    const long double v = p * mul / div;
    return {static_cast<std::int64_t>(v < 0 ? v - 0.5L : v + 0.5L), scale, a.currency};
}

bool same_value(const amount& a, const amount& b) {
    const int s = std::max(a.scale, b.scale);
    return scaled(a, s) == scaled(b, s);
}

double to_double(const amount& a) {
    double d = static_cast<double>(a.units);
    for (int i = 0; i < a.scale; ++i) d /= 10;
    return d;
}

bool valid_date(int y, int m, int d) {
    static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
    if (m == 2 && d == 29 && y != 0 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return y == 0 || (y >= 1900 && y <= 2199);
}

std::int64_t day_number(const date& d) {
    // Days from civil (Howard Hinnant's algorithm).
    const int y = d.year - (d.month <= 2);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * static_cast<unsigned>(d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d.day) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string format_date(const date& d) {
    char buf[16];
    auto two = [](char* p, int v) {
        p[0] = static_cast<char>('0' + v / 10);
        p[1] = static_cast<char>('0' + v % 10);
    };
    if (d.year == 0) {
        buf[0] = buf[1] = '-';
        two(buf + 2, d.month);
        buf[4] = '-';
        two(buf + 5, d.day);
        return std::string(buf, 7);
    }
    two(buf, d.year / 100);
    two(buf + 2, d.year % 100);
    buf[4] = '-';
    two(buf + 5, d.month);
    buf[7] = '-';
    two(buf + 8, d.day);
    return std::string(buf, 10);
}

namespace {

// Month names and their abbreviations in English, German, French, Spanish, Italian, Dutch and
// Portuguese, folded (no accents, lower case).
int month_number(std::string_view w) {
    struct name {
        std::string_view text;
        int month;
    };
    static constexpr name names[] = {
        {"january", 1}, {"jan", 1}, {"januar", 1}, {"janner", 1}, {"jan", 1}, {"janvier", 1}, {"janv", 1}, {"enero", 1},
        {"ene", 1}, {"gennaio", 1}, {"gen", 1}, {"januari", 1}, {"janeiro", 1},
        {"february", 2}, {"feb", 2}, {"februar", 2}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2}, {"febrero", 2},
        {"febbraio", 2}, {"februari", 2}, {"fevereiro", 2},
        {"march", 3}, {"mar", 3}, {"marz", 3}, {"maerz", 3}, {"mrz", 3}, {"mars", 3}, {"marzo", 3}, {"maart", 3},
        {"mrt", 3}, {"marco", 3},
        {"april", 4}, {"apr", 4}, {"avril", 4}, {"avr", 4}, {"abril", 4}, {"abr", 4}, {"aprile", 4},
        {"may", 5}, {"mai", 5}, {"mayo", 5}, {"maggio", 5}, {"mag", 5}, {"mei", 5}, {"maio", 5},
        {"june", 6}, {"jun", 6}, {"juni", 6}, {"juin", 6}, {"junio", 6}, {"giugno", 6}, {"giu", 6}, {"junho", 6},
        {"july", 7}, {"jul", 7}, {"juli", 7}, {"juillet", 7}, {"juil", 7}, {"julio", 7}, {"luglio", 7}, {"lug", 7},
        {"julho", 7},
        {"august", 8}, {"aug", 8}, {"aout", 8}, {"agosto", 8}, {"ago", 8}, {"augustus", 8},
        {"september", 9}, {"sep", 9}, {"sept", 9}, {"septembre", 9}, {"septiembre", 9}, {"setiembre", 9},
        {"settembre", 9}, {"set", 9}, {"setembro", 9},
        {"october", 10}, {"oct", 10}, {"oktober", 10}, {"okt", 10}, {"octobre", 10}, {"octubre", 10},
        {"ottobre", 10}, {"ott", 10}, {"outubro", 10}, {"out", 10},
        {"november", 11}, {"nov", 11}, {"novembre", 11}, {"noviembre", 11}, {"novembro", 11},
        {"december", 12}, {"dec", 12}, {"dezember", 12}, {"dez", 12}, {"decembre", 12}, {"diciembre", 12},
        {"dic", 12}, {"dicembre", 12}, {"dezembro", 12},
    };
    while (!w.empty() && (w.back() == '.' || w.back() == ',')) w.remove_suffix(1);
    if (w.size() < 3 || w.size() > 10 || !(w.front() >= 'a' && w.front() <= 'z')) return 0;
    static const std::unordered_map<std::string_view, int> by_name = [] {
        std::unordered_map<std::string_view, int> m;
        for (const auto& n : names) m.emplace(n.text, n.month);
        return m;
    }();
    // Every name is 3 to 10 letters: most words are turned away before they are hashed.
    if (w.size() < 3 || w.size() > 10 || !is_alpha(w.front())) return 0;
    const auto it = by_name.find(w);
    return it == by_name.end() ? 0 : it->second;
}

struct token {
    std::string_view text; // in the folded text
    std::size_t begin = 0, end = 0;
};

std::vector<token> tokens_of(std::string_view s) {
    std::vector<token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        const std::size_t b = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > b) out.push_back({s.substr(b, i - b), b, i});
    }
    return out;
}

// Takes leading/trailing punctuation off a token, moving its range along.
token bare(token t) {
    auto strip = [](char c) { return c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']' || c == '"' || c == '\''; };
    while (!t.text.empty() && strip(t.text.front())) {
        t.text.remove_prefix(1);
        ++t.begin;
    }
    while (!t.text.empty() && strip(t.text.back())) {
        t.text.remove_suffix(1);
        --t.end;
    }
    return t;
}

std::optional<int> number_of(std::string_view s, std::size_t min_len, std::size_t max_len) {
    if (s.size() < min_len || s.size() > max_len) return std::nullopt;
    int v = 0;
    for (const char c : s) {
        if (!is_digit(c)) return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

int full_year(int y, std::size_t digits) {
    if (digits == 4) return y;
    return y < 70 ? 2000 + y : 1900 + y;
}

std::optional<int> day_of(std::string_view s) {
    // "1", "01", "1.", "1st", "1er", "1º"
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) ++n;
    if (n == 0 || n > 2) return std::nullopt;
    const auto rest = s.substr(n);
    if (!rest.empty() && rest != "." && rest != "st" && rest != "nd" && rest != "rd" && rest != "th" && rest != "er" &&
        rest != "o" && rest != "," && rest != "e")
        return std::nullopt;
    const int d = n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
    return d >= 1 && d <= 31 ? std::optional<int>(d) : std::nullopt;
}

std::optional<int> year_of(std::string_view s) {
    while (!s.empty() && (s.back() == '.' || s.back() == ',')) s.remove_suffix(1);
    if (!s.empty() && s.front() == '\'') s.remove_prefix(1);
    auto y = number_of(s, 4, 4);
    if (y && *y >= 1900 && *y <= 2199) return y;
    return std::nullopt;
}

// A date written in one token: 2026-05-01, 01/05/2026, 1.5.26, 01-May-2026, 12-05 (no year).
std::optional<found_date> one_token_date(const token& t, date_order order, bool allow_no_year) {
    std::string_view s = t.text;
    while (!s.empty() && s.back() == '.' && s.size() > 8) s.remove_suffix(1);
    std::array<std::string_view, 3> part;
    std::size_t n = 0, start = 0;
    char sep = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == '/' || s[i] == '.' || s[i] == '-') {
            if (i < s.size()) {
                if (sep && s[i] != sep) return std::nullopt;
                sep = s[i];
            }
            if (n == 3) return std::nullopt;
            part[n++] = s.substr(start, i - start);
            start = i + 1;
        }
    }
    if (!sep) return std::nullopt;
    found_date f{{}, t.begin, t.end, true};
    if (n == 2 && part[1].empty() && sep == '.') n = 1; // "18." is no date
    if (n == 2) {
        if (!allow_no_year) return std::nullopt;
        auto a = number_of(part[0], 1, 2), b = number_of(part[1], 1, 2);
        if (!a || !b) return std::nullopt;
        const bool month_first = order == date_order::month_first || (order == date_order::unknown && sep == '-');
        const int m = month_first ? *a : *b, d = month_first ? *b : *a;
        if (!valid_date(0, m, d)) return std::nullopt;
        f.value = {0, m, d, *a <= 12 && *b <= 12 && *a != *b};
        return f;
    }
    if (n != 3) return std::nullopt;
    if (auto y = number_of(part[0], 4, 4)) { // ISO, year first
        auto m = number_of(part[1], 1, 2), d = number_of(part[2], 1, 2);
        if (!m || !d || !valid_date(*y, *m, *d)) return std::nullopt;
        f.value = {*y, *m, *d, false};
        return f;
    }
    auto y = number_of(part[2], 2, 4);
    if (!y || part[2].size() == 3) return std::nullopt;
    const int year = full_year(*y, part[2].size());
    if (const int mon = month_number(part[1])) { // 01-May-2026
        auto d = number_of(part[0], 1, 2);
        if (!d || !valid_date(year, mon, *d)) return std::nullopt;
        f.value = {year, mon, *d, false};
        f.numeric = false;
        return f;
    }
    if (const int mon = month_number(part[0])) { // May-01-2026
        auto d = number_of(part[1], 1, 2);
        if (!d || !valid_date(year, mon, *d)) return std::nullopt;
        f.value = {year, mon, *d, false};
        f.numeric = false;
        return f;
    }
    auto a = number_of(part[0], 1, 2), b = number_of(part[1], 1, 2);
    if (!a || !b) return std::nullopt;
    const bool month_first = order == date_order::month_first;
    int m = month_first ? *a : *b, d = month_first ? *b : *a;
    if (!valid_date(year, m, d)) std::swap(m, d); // 12/25/2026 read day first is still a date
    if (!valid_date(year, m, d)) return std::nullopt;
    f.value = {year, m, d, *a <= 12 && *b <= 12 && *a != *b};
    return f;
}

} // namespace

std::vector<found_date> find_dates(std::string_view text, date_order order, bool allow_no_year) {
    // Every date has a digit (its day or its year); most rows of a page hold none.
    if (std::none_of(text.begin(), text.end(), [](char c) { return is_digit(c); })) return {};
    std::vector<std::uint32_t> origin;
    const std::string f = fold_mapped(text, &origin);
    std::vector<found_date> out;
    const auto toks = tokens_of(f);
    for (std::size_t i = 0; i < toks.size(); ++i) {
        const token t = bare(toks[i]);
        if (t.text.empty()) continue;
        if (auto d = one_token_date(t, order, allow_no_year)) {
            out.push_back(*d);
            continue;
        }
        // A date glued to a label ("[Sales]2018-01-05", "Date:25/12/2018"), or with OCR's
        // letters for digits ("O7/01/18"): read again from its first digit, letters mended.
        if (t.text.size() >= 6 && t.text.size() <= 24) {
            std::size_t p = 0;
            while (p < t.text.size() && !is_digit(t.text[p]) &&
                   !((t.text[p] == 'o' || t.text[p] == 'l') && p + 1 < t.text.size() && is_digit(t.text[p + 1])))
                ++p;
            std::string mended(t.text.substr(p));
            int letters = 0;
            for (auto& ch : mended)
                if (ch == 'o') ch = '0', ++letters;
                else if (ch == 'l' || ch == 'i') ch = '1', ++letters;
            if ((p > 0 || letters > 0) && letters <= 1 && !mended.empty()) {
                token m{mended, t.begin + p, t.end};
                if (auto d = one_token_date(m, order, allow_no_year)) {
                    out.push_back(*d);
                    continue;
                }
            }
        }
        auto at = [&](std::size_t k) { return k < toks.size() ? bare(toks[k]) : token{}; };
        // 1 May 2026 / 1. Mai 2026 / 1er mai 2026 / 1 de mayo de 2026
        if (auto day = day_of(t.text)) {
            std::size_t k = i + 1;
            if (at(k).text == "de") ++k;
            if (const int mon = month_number(at(k).text)) {
                std::size_t y = k + 1;
                if (at(y).text == "de" || at(y).text == "del") ++y;
                auto year = year_of(at(y).text);
                // "24 Mar 18": a two-digit year after a month name.
                if (!year)
                    if (auto yy = number_of(at(y).text, 2, 2)) year = full_year(*yy, 2);
                if (year && valid_date(*year, mon, *day)) {
                    out.push_back({{*year, mon, *day, false}, t.begin, at(y).end, false});
                    i = y;
                    continue;
                }
            }
        }
        // May 1, 2026 / December 25 2018
        if (const int mon = month_number(t.text)) {
            if (auto day = day_of(at(i + 1).text)) {
                if (auto year = year_of(at(i + 2).text); year && valid_date(*year, mon, *day)) {
                    out.push_back({{*year, mon, *day, false}, t.begin, at(i + 2).end, false});
                    i += 2;
                    continue;
                }
            }
        }
    }
    // Offsets in the folded text back to the text given (folding shortens "é" and lengthens "ß").
    for (auto& d : out) {
        d.begin = origin[d.begin];
        d.end = origin[d.end];
    }
    return out;
}

std::optional<int> find_time(std::string_view text) {
    const std::string f = fold(text);
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (!is_digit(f[i]) || (i > 0 && (is_digit(f[i - 1]) || f[i - 1] == ':' || f[i - 1] == '.' || f[i - 1] == '/')))
            continue;
        std::size_t j = i;
        int h = 0;
        while (j < f.size() && is_digit(f[j]) && j - i < 2) h = h * 10 + (f[j++] - '0');
        if (j >= f.size() || (f[j] != ':' && f[j] != 'h') || j + 2 >= f.size() + 0 || !is_digit(f[j + 1]) ||
            j + 2 >= f.size() || !is_digit(f[j + 2]))
            continue;
        const int m = (f[j + 1] - '0') * 10 + (f[j + 2] - '0');
        std::size_t k = j + 3;
        if (k < f.size() && is_digit(f[k])) continue;
        if (k + 2 < f.size() + 0 && f[k] == ':' && k + 2 < f.size() + 1 && k + 1 < f.size() && is_digit(f[k + 1])) {
            k += 3; // seconds
        }
        while (k < f.size() && f[k] == ' ') ++k;
        const bool pm = f.compare(k, 2, "pm") == 0 || f.compare(k, 4, "p.m.") == 0;
        const bool am = f.compare(k, 2, "am") == 0 || f.compare(k, 4, "a.m.") == 0;
        if (m > 59 || h > 23 || ((am || pm) && (h < 1 || h > 12))) continue;
        if (pm && h < 12) h += 12;
        if (am && h == 12) h = 0;
        return h * 60 + m;
    }
    return std::nullopt;
}

std::string format_time(int minutes) {
    std::string out(5, '0');
    out[0] = static_cast<char>('0' + minutes / 600);
    out[1] = static_cast<char>('0' + minutes / 60 % 10);
    out[2] = ':';
    out[3] = static_cast<char>('0' + minutes % 60 / 10);
    out[4] = static_cast<char>('0' + minutes % 10);
    return out;
}

std::optional<std::string> parse_iban(std::string_view text) {
    std::string s;
    for (const char c : text) {
        if (c == ' ' || c == '-') continue;
        if (!is_digit(c) && !is_alpha(c)) return std::nullopt;
        s += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    if (s.size() < 15 || s.size() > 34 || !is_alpha(s[0]) || !is_alpha(s[1]) || !is_digit(s[2]) || !is_digit(s[3]))
        return std::nullopt;
    int rem = 0;
    const std::string moved = s.substr(4) + s.substr(0, 4);
    for (const char c : moved) {
        const int v = is_digit(c) ? c - '0' : c - 'A' + 10;
        rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
    }
    if (rem != 1) return std::nullopt;
    return s;
}

std::optional<amount> find_percent(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') continue;
        std::size_t e = i;
        while (e > 0 && text[e - 1] == ' ') --e;
        std::size_t b = e;
        while (b > 0 && (is_digit(text[b - 1]) || text[b - 1] == '.' || text[b - 1] == ',')) --b;
        if (b == e) continue;
        if (auto a = parse_amount(text.substr(b, e - b)); a && a->units >= 0) {
            a->currency.clear();
            return a;
        }
    }
    return std::nullopt;
}

} // namespace docket::fields
