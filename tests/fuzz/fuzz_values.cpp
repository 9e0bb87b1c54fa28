// The field value readers on page text: amounts, dates, times, IBANs, currency marks, rates.
#include <docket/fields/values.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace docket::fields;
    for (const auto style : {number_style::unknown, number_style::dot_decimal, number_style::comma_decimal})
        if (auto a = parse_amount(in, style)) (void)format_amount(*a, 2);
    for (const auto order : {date_order::unknown, date_order::day_first, date_order::month_first})
        for (const auto& d : find_dates(in, order, true)) {
            // The offsets a date reports must lie within the text read.
            if (d.begin > d.end || d.end > in.size()) __builtin_trap();
            (void)format_date(d.value);
        }
    (void)find_time(in);
    (void)parse_iban(in);
    (void)currency_code(in);
    (void)find_percent(in);
    (void)fold(in);
    return 0;
}
