// Statement ledgers mended from their running balances: what OCR slips look like, which figures
// the arithmetic may change, and what it must leave alone.

#include <docket/fields/ledger.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace docket::fields;

namespace {

amount a(std::string_view s) { return *parse_amount(s); }

std::optional<amount> opt(std::string_view s) {
    if (s.empty()) return std::nullopt;
    return a(s);
}

// A ledger from "amount balance" pairs; an empty string is a figure not read.
ledger make(std::string_view opening, std::string_view closing, std::initializer_list<std::pair<std::string_view, std::string_view>> rows) {
    ledger l;
    l.opening = opt(opening);
    l.closing = opt(closing);
    for (const auto& [am, bal] : rows) l.rows.push_back({opt(am), opt(bal)});
    return l;
}

std::string text(const std::optional<amount>& v) { return v ? format_amount(*v) : "unread"; }

} // namespace

TEST_CASE("what an OCR slip of a figure looks like", "[fields][ledger]") {
    CHECK(misread_of(a("3583.99"), a("3583.59")));    // one digit
    CHECK(misread_of(a("9217.47"), a("5217.47")));
    CHECK(misread_of(a("1844.9"), a("1844.93")));     // a digit dropped
    CHECK(misread_of(a("3.39"), a("1573.39")));       // "1 573,39" read as its last group
    CHECK(misread_of(a("335.59"), a("-1335.59")));    // the minus lost with the leading digit
    CHECK(misread_of(a("2229.07"), a("-2229.07")));   // the sign only
    CHECK_FALSE(misread_of(a("229.61"), a("1529.81")));  // three changes
    CHECK_FALSE(misread_of(a("1245.60"), a("1200.00"))); // a row's amount plus a lost row's
    CHECK_FALSE(misread_of(a("-12.34"), a("12.35")));    // sign and a digit
}

TEST_CASE("a misread running balance is mended from the rows around it", "[fields][ledger]") {
    auto l = make("1000.00", "750.00", {{"-200.00", "800.00"}, {"50.00", "820.00"}, {"-100.00", "750.00"}});
    const auto fixes = mend_ledger(l);
    REQUIRE(fixes.size() == 1);
    CHECK(fixes[0].part == ledger_part::balance);
    CHECK(fixes[0].row == 1);
    CHECK(format_amount(fixes[0].value) == "850.00");
    CHECK(text(fixes[0].read) == "820.00");
    CHECK(text(l.rows[1].balance) == "850.00");
}

TEST_CASE("an unread balance is filled only where the balances after it confirm it", "[fields][ledger]") {
    auto l = make("1000.00", "750.00", {{"-200.00", "800.00"}, {"50.00", ""}, {"-100.00", "750.00"}});
    auto fixes = mend_ledger(l);
    REQUIRE(fixes.size() == 1);
    CHECK_FALSE(fixes[0].read);
    CHECK(text(l.rows[1].balance) == "850.00");

    // The amount after it was misread too: nothing confirms a value, nothing is filled.
    l = make("1000.00", "", {{"-200.00", "800.00"}, {"50.00", ""}, {"-190.00", "750.00"}, {"10.00", ""}});
    fixes = mend_ledger(l);
    CHECK(text(l.rows[1].balance) == "unread");

    // A statement that prints no running balance gets none invented.
    l = make("1000.00", "750.00", {{"-200.00", ""}, {"50.00", ""}, {"-100.00", ""}});
    CHECK(mend_ledger(l).empty());
    CHECK(text(l.rows[0].balance) == "unread");
}

TEST_CASE("a misread amount between two confirmed balances is mended", "[fields][ledger]") {
    auto l = make("1000.00", "650.00", {{"-200.00", "800.00"}, {"-7.92", "-477.92"}, {"1127.92", "650.00"}});
    // Row 2's amount "-1277.92" was read without its leading digits.
    const auto fixes = mend_ledger(l);
    REQUIRE(fixes.size() == 1);
    CHECK(fixes[0].part == ledger_part::amount);
    CHECK(fixes[0].row == 1);
    CHECK(text(l.rows[1].amount) == "-1277.92");
}

TEST_CASE("a run of debits read as credits gets its signs from the balances", "[fields][ledger]") {
    auto l = make("3667.59", "", {{"1838.49", "1829.10"}, {"875.15", "953.95"}, {"1056.24", "-102.29"}, {"200.00", "97.71"}});
    const auto fixes = mend_ledger(l);
    REQUIRE(fixes.size() == 4);
    CHECK(fixes[3].part == ledger_part::closing); // unread: proposed as the last balance, not set
    CHECK(format_amount(fixes[3].value) == "97.71");
    CHECK_FALSE(l.closing);
    CHECK(text(l.rows[0].amount) == "-1838.49");
    CHECK(text(l.rows[1].amount) == "-875.15");
    CHECK(text(l.rows[2].amount) == "-1056.24");
    CHECK(text(l.rows[3].amount) == "200.00"); // the one credit stays a credit
}

TEST_CASE("an unread amount is told by the confirmed balances on both sides", "[fields][ledger]") {
    auto l = make("100.00", "185.00", {{"-20.00", "80.00"}, {"", "110.00"}, {"75.00", "185.00"}});
    const auto fixes = mend_ledger(l);
    REQUIRE(fixes.size() == 1);
    CHECK_FALSE(fixes[0].read);
    CHECK(text(l.rows[1].amount) == "30.00");
}

TEST_CASE("a row the OCR lost is not hidden inside its neighbour's amount", "[fields][ledger]") {
    // Between 800.00 and 754.40 two rows were printed (-1200.00 and +1154.40); one was lost.
    auto l = make("1000.00", "754.40", {{"-200.00", "800.00"}, {"-1200.00", "754.40"}});
    CHECK(mend_ledger(l).empty());
    CHECK(text(l.rows[1].amount) == "-1200.00");
}

TEST_CASE("opening and closing balances against the rows", "[fields][ledger]") {
    // Unread opening: proposed from the first row, but not set (the caller looks for it printed).
    auto l = make("", "650.00", {{"-200.00", "800.00"}, {"-150.00", "650.00"}});
    auto fixes = mend_ledger(l);
    REQUIRE(fixes.size() == 1);
    CHECK(fixes[0].part == ledger_part::opening);
    CHECK(format_amount(fixes[0].value) == "1000.00");
    CHECK_FALSE(l.opening);

    // A misread closing balance is the last running balance.
    l = make("1000.00", "658.00", {{"-200.00", "800.00"}, {"-150.00", "650.00"}});
    fixes = mend_ledger(l);
    REQUIRE(fixes.size() == 1);
    CHECK(fixes[0].part == ledger_part::closing);
    CHECK(text(l.closing) == "650.00");

    // A first row's balance one slip off with the opening unread is left: its amount below it
    // could as well be the slip (5217.47 and -1259.08, or 9217.47 and -5259.08).
    l = make("", "", {{"-435.98", "9217.47"}, {"-1259.08", "3958.39"}, {"-582.54", "3375.85"}});
    fixes = mend_ledger(l);
    CHECK(std::none_of(fixes.begin(), fixes.end(), [](const ledger_fix& f) { return f.part == ledger_part::amount || f.part == ledger_part::balance; }));
    CHECK(text(l.rows[0].balance) == "9217.47");
    CHECK(text(l.rows[1].amount) == "-1259.08");
}
