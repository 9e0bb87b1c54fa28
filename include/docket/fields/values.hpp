#pragma once
// Readers for the values printed on business documents: amounts, dates, times, IBANs, currency
// marks. Pure functions of text; no regex engine, so a hostile document costs linear time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::fields {

//! Lower case with the accents of Latin letters taken off ("Fällig" -> "fallig", "ß" -> "ss");
//! bytes of other scripts are kept as they are.
std::string fold(std::string_view text);

//! How a document writes its decimal point, when it is known.
enum class number_style { unknown, dot_decimal, comma_decimal };

//! A decimal as printed: `units` * 10^-scale (3850.00 is {385000, 2}); `currency` is the ISO 4217
//! code of a symbol or code printed with it, empty if none.
struct amount {
    std::int64_t units = 0;
    int scale = 0;
    std::string currency;
    bool negative_mark = false; //!< printed as negative: -1, (1), 1-, 1 DR
    bool credit_mark = false;   //!< printed with CR (a credit: positive, but a card statement's payment)
};

//! Reads one amount such as `1,234.56`, `1.234,56`, `1 234,56`, `1'234.56`, `€12`, `12.00 EUR`,
//! `RM9.00`, `-12.00`, `(12.00)`, `12.00-`, `12.00 CR`; OCR's O/o for 0 and l/I for 1 inside a
//! number are read as digits. nullopt unless the whole text is one amount.
std::optional<amount> parse_amount(std::string_view text, number_style style = number_style::unknown);

//! "3850.00": at least `min_scale` decimals, more if printed (a unit price of 1.579).
std::string format_amount(const amount& a, int min_scale = 2);

//! a - b and a + b at the finer of the two scales.
amount add(const amount& a, const amount& b);
amount subtract(const amount& a, const amount& b);
amount multiply(const amount& a, const amount& b, int scale);
//! Whether two amounts are the same number (2.5 == 2.50).
bool same_value(const amount& a, const amount& b);
double to_double(const amount& a);

//! ISO 4217 code for a currency symbol or code as printed ("€", "eur", "RM", "US$"); empty if
//! the text is none.
std::string currency_code(std::string_view text);

enum class date_order { unknown, day_first, month_first };

//! A calendar date; year 0 when the document printed none (12-05 on a statement).
struct date {
    int year = 0, month = 0, day = 0;
    bool swappable = false; //!< numeric with day and month both <= 12: the other order also reads
    bool operator==(const date&) const = default;
};

//! A date found inside a line of text: where it is and how it reads.
struct found_date {
    date value;
    std::size_t begin = 0, end = 0; //!< byte range in the text
    bool numeric = false;           //!< 01/05/2026 rather than 1 May 2026
};

//! Every date in `text`: ISO 2026-05-01, 01/05/2026, 05.01.26, 1-May-2026, 1 May 2026,
//! May 1, 2026, 1. Mai 2026, 1 de mayo de 2026, month names in English, German, French,
//! Spanish, Italian, Dutch and Portuguese. Numeric dates are read in `order` (day first when
//! unknown); `allow_no_year` also takes 05-18 / 18.05. as dates without a year.
std::vector<found_date> find_dates(std::string_view text, date_order order, bool allow_no_year = false);

//! "2026-05-01"; "--05-01" without a year.
std::string format_date(const date& d);
//! Days since 1970-01-01 (for ordering); the year must be set.
std::int64_t day_number(const date& d);
bool valid_date(int y, int m, int d);

//! A time of day found in `text` (18:49, 8:13:39 PM, 18h49): minutes since midnight.
std::optional<int> find_time(std::string_view text);
std::string format_time(int minutes);

//! Whether `text` (spaces allowed) is an IBAN with a valid mod-97 checksum; returns it without
//! spaces, upper case.
std::optional<std::string> parse_iban(std::string_view text);

//! A percentage in `text` such as "19%", "7,5 %", "20.00%": the number as printed.
std::optional<amount> find_percent(std::string_view text);

} // namespace docket::fields
