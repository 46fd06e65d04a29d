// libFuzzer target for the core's parsers of what people type: amounts in every currency,
// dates, periods and rates. Beyond "nothing crashes", each parser must agree with its
// writer: whatever parses writes back to text that parses to the same value, and the
// strict forms (dates, periods, amounts with all their digits) write back byte for byte.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/date.hpp"
#include "ledger/money.hpp"
#include "tests/fuzz/require.hpp"

using namespace riziki::ledger;

namespace {

void check_amount(std::string_view text, const Currency& currency) {
    const auto parsed = parse_amount(text, currency);
    if (!parsed.ok())
        return;
    REQUIRE(abs(parsed.minor) <= amount_limit());
    const std::string written = format_amount(parsed.minor, currency);
    const auto again = parse_amount(written, currency);
    REQUIRE(again.ok());
    REQUIRE(again.minor == parsed.minor);
    // A text with exactly the currency's digits (and no "-0") is already the written form.
    const auto dot = text.find('.');
    const bool all_digits =
        currency.digits() == 0
            ? dot == std::string_view::npos
            : dot != std::string_view::npos &&
                  text.size() - dot - 1 == static_cast<std::size_t>(currency.digits());
    const bool leading_zero = text.starts_with("0") || text.starts_with("-0");
    if (all_digits && !leading_zero)
        REQUIRE(written == text);
    REQUIRE(from_decimal_string(to_decimal_string(parsed.minor)) == parsed.minor);
}

void check_date(std::string_view text) {
    const auto date = parse_date(text);
    if (!date)
        return;
    REQUIRE(date->ok());
    REQUIRE(format_date(*date) == text);
    REQUIRE(date_from_days(days_since_epoch(*date)) == *date);
    const auto next_month = add_months(*date, 1);
    REQUIRE(next_month.ok());
    REQUIRE(next_month > *date);
    REQUIRE(parse_period(format_period(period_of(*date))).has_value());
}

void check_period(std::string_view text) {
    const auto period = parse_period(text);
    if (!period)
        return;
    REQUIRE(format_period(*period) == text);
}

void check_rate(std::string_view text) {
    const auto rate = parse_rate(text);
    if (!rate)
        return;
    const auto again = parse_rate(format_rate(*rate));
    REQUIRE(again.has_value());
    REQUIRE(*again == *rate);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const char* code : {"KES", "UGX", "BHD", "USD"})
        check_amount(text, *find_currency(code));
    check_date(text);
    check_period(text);
    check_rate(text);
    return 0;
}
