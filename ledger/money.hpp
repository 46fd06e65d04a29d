#pragma once
/// Exact money: integer minor units of an ISO 4217 currency (SPEC §4).
///
/// No constructor takes a floating-point value. Every operation that could lose
/// information either refuses (a rejection) or says in its name that it rounds.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/multiprecision/cpp_dec_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>

namespace riziki::ledger {

/// A count of minor units. Overflow throws std::overflow_error (checked backend);
/// the core converts that into a rejection wherever user input can reach it.
using Amount = boost::multiprecision::checked_int128_t;

/// Decimal floating point for rate arithmetic only; results are rounded to
/// minor units exactly once with round_half_even().
using Decimal = boost::multiprecision::cpp_dec_float_50;

/// Largest magnitude a single amount may have: 10^30 - 1 minor units. Sums of up to
/// 10^8 such amounts still fit NUMERIC(39,0) and the 128-bit range.
Amount amount_limit();

struct CurrencyInfo {
    std::string_view code;
    int digits;
};

/// ISO 4217 currencies Riziki accepts, with their minor-unit digits.
inline constexpr std::array<CurrencyInfo, 20> kCurrencies{{
    {"AED", 2}, {"BHD", 3}, {"BIF", 0}, {"CAD", 2}, {"CHF", 2}, {"CNY", 2}, {"ETB", 2},
    {"EUR", 2}, {"GBP", 2}, {"JPY", 0}, {"KES", 2}, {"KWD", 3}, {"NOK", 2}, {"RWF", 0},
    {"SEK", 2}, {"SSP", 2}, {"TZS", 2}, {"UGX", 0}, {"USD", 2}, {"ZAR", 2},
}};

consteval bool currencies_well_formed() {
    for (std::size_t i = 0; i < kCurrencies.size(); ++i) {
        const auto& c = kCurrencies[i];
        if (c.code.size() != 3)
            return false;
        for (char ch : c.code)
            if (ch < 'A' || ch > 'Z')
                return false;
        if (c.digits < 0 || c.digits > 3)
            return false;
        if (i > 0 && !(kCurrencies[i - 1].code < c.code))
            return false;  // sorted, unique
    }
    return true;
}
static_assert(currencies_well_formed(), "currency table must be sorted, unique, 3 letters");

/// A currency known to Riziki. Only obtainable through find_currency().
class Currency {
  public:
    std::string_view code() const { return info_->code; }
    int digits() const { return info_->digits; }
    friend bool operator==(const Currency& a, const Currency& b) { return a.info_ == b.info_; }

  private:
    explicit Currency(const CurrencyInfo* info) : info_(info) {}
    friend std::optional<Currency> find_currency(std::string_view code);
    const CurrencyInfo* info_;
};

/// The currency with this exact upper-case ISO code, if Riziki knows it.
std::optional<Currency> find_currency(std::string_view code);

enum class AmountError : std::uint8_t {
    none = 0,
    malformed = 1,          // not a plain decimal string: blanks, exponents, signs in the middle
    too_many_decimals = 2,  // more decimals than the currency has
    out_of_range = 3,       // magnitude above amount_limit()
};

struct ParsedAmount {
    Amount minor = 0;
    AmountError error = AmountError::none;
    bool ok() const { return error == AmountError::none; }
};

/// Parses "-1500.5" in `currency` exactly into minor units. Accepts an optional leading
/// '-', digits, and at most `digits` decimals after a '.'; rejects everything else
/// (empty, "+1", "1e3", " 1", "1.", ".5", "NaN", "1,000").
[[nodiscard]] ParsedAmount parse_amount(std::string_view text, const Currency& currency);

/// Formats minor units with exactly the currency's digits: 150000 KES -> "1500.00".
std::string format_amount(const Amount& minor, const Currency& currency);

/// Plain decimal digits of an integer, with '-' when negative (for SQL and hashing).
std::string to_decimal_string(const Amount& value);

/// Parses the output of to_decimal_string(); nullopt when malformed or beyond 128 bits.
std::optional<Amount> from_decimal_string(std::string_view text);

/// numerator / denominator rounded HALF_EVEN to an integer. denominator != 0.
Amount divide_half_even(const Amount& numerator, const Amount& denominator);

/// Rounds a decimal value HALF_EVEN to an integer (e.g. minor units). Throws
/// std::overflow_error beyond the 128-bit range.
Amount round_half_even(const Decimal& value);

/// Rounds `minor` HALF_EVEN to a multiple of `multiple_minor` (> 0).
Amount round_to_multiple_half_even(const Amount& minor, const Amount& multiple_minor);

/// Parses a non-negative decimal rate string ("12", "9.4822") exactly. No exponents.
std::optional<Decimal> parse_rate(std::string_view text);

/// Writes a rate as parse_rate reads it: plain decimal, no exponent, no trailing zeros.
std::string format_rate(const Decimal& rate);

}  // namespace riziki::ledger
