#include "ledger/money.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>

namespace riziki::ledger {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

Amount pow10(int exponent) {
    Amount result = 1;
    for (int i = 0; i < exponent; ++i)
        result *= 10;
    return result;
}

/// Digits of `text` as an integer, or nullopt if it would pass `limit`.
std::optional<Amount> accumulate_digits(std::string_view digits, const Amount& limit) {
    Amount value = 0;
    for (char c : digits) {
        value = value * 10 + (c - '0');
        if (value > limit)
            return std::nullopt;
    }
    return value;
}

}  // namespace

Amount amount_limit() {
    static const Amount limit = pow10(30) - 1;
    return limit;
}

std::optional<Currency> find_currency(std::string_view code) {
    auto it =
        std::lower_bound(kCurrencies.begin(), kCurrencies.end(), code,
                         [](const CurrencyInfo& c, std::string_view k) { return c.code < k; });
    if (it == kCurrencies.end() || it->code != code)
        return std::nullopt;
    return Currency(&*it);
}

ParsedAmount parse_amount(std::string_view text, const Currency& currency) {
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    const bool has_dot = dot != std::string_view::npos;
    if (whole.empty() || (has_dot && fraction.empty()))
        return {0, AmountError::malformed};
    if (!std::all_of(whole.begin(), whole.end(), is_digit) ||
        !std::all_of(fraction.begin(), fraction.end(), is_digit)) {
        return {0, AmountError::malformed};
    }
    if (fraction.size() > static_cast<std::size_t>(currency.digits())) {
        return {0, AmountError::too_many_decimals};
    }
    // Scale the whole part first, then add the fraction padded to the currency's digits.
    std::string padded(fraction);
    padded.append(static_cast<std::size_t>(currency.digits()) - fraction.size(), '0');
    std::string all(whole);
    all += padded;
    auto value = accumulate_digits(all, amount_limit());
    if (!value)
        return {0, AmountError::out_of_range};
    return {negative ? Amount(-*value) : *value, AmountError::none};
}

std::string to_decimal_string(const Amount& value) {
    // Nearly every amount fits 64 bits, where to_chars is far cheaper than the
    // multiprecision conversion (this runs for every posting that is hashed).
    static const Amount low = std::numeric_limits<std::int64_t>::min();
    static const Amount high = std::numeric_limits<std::int64_t>::max();
    if (value >= low && value <= high) {
        std::array<char, 24> digits{};
        const auto end = std::to_chars(digits.data(), digits.data() + digits.size(),
                                       value.convert_to<std::int64_t>())
                             .ptr;
        return std::string(digits.data(), end);
    }
    return value.str();
}

std::optional<Amount> from_decimal_string(std::string_view text) {
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    if (text.empty() || text.size() > 39 || !std::all_of(text.begin(), text.end(), is_digit)) {
        return std::nullopt;
    }
    if (text.size() <= 18) {
        // Cannot pass a long long: the common case, without a 128-bit division per digit.
        long long small = 0;
        for (char c : text)
            small = small * 10 + (c - '0');
        return negative ? Amount(-small) : Amount(small);
    }
    static const Amount max = std::numeric_limits<Amount>::max();
    Amount value = 0;
    for (char c : text) {
        const int digit = c - '0';
        if (value > (max - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return negative ? Amount(-value) : value;
}

std::string format_amount(const Amount& minor, const Currency& currency) {
    const bool negative = minor < 0;
    std::string digits = (negative ? Amount(-minor) : minor).str();
    const auto scale = static_cast<std::size_t>(currency.digits());
    if (digits.size() <= scale)
        digits.insert(0, scale + 1 - digits.size(), '0');
    if (scale > 0)
        digits.insert(digits.size() - scale, ".");
    return negative ? "-" + digits : digits;
}

Amount divide_half_even(const Amount& numerator, const Amount& denominator) {
    Amount quotient = numerator / denominator;  // truncates toward zero
    const Amount remainder = numerator % denominator;
    if (remainder == 0)
        return quotient;
    // Compare |r| with |d| - |r| rather than 2|r| with |d|: 2|r| can overflow.
    const Amount rest = abs(remainder);
    const Amount other = abs(denominator) - rest;
    const bool positive = (numerator < 0) == (denominator < 0);
    if (rest > other || (rest == other && quotient % 2 != 0)) {
        quotient += positive ? 1 : -1;
    }
    return quotient;
}

Amount round_half_even(const Decimal& value) {
    static const Decimal limit(std::numeric_limits<Amount>::max().str());
    static const Decimal long_long_limit(std::numeric_limits<long long>::max());
    static const Decimal half("0.5");
    const Decimal floor_value = floor(value);
    const Decimal fraction = value - floor_value;
    if (abs(floor_value) > limit)
        throw std::overflow_error("decimal beyond 128-bit range");
    Amount result;
    if (abs(floor_value) <= long_long_limit) {
        // An integer in long long range converts exactly, and far faster than through text
        // (loan schedules round several times per installment).
        result = floor_value.convert_to<long long>();
    } else {
        // str(0, fixed) still prints trailing ".000…"; the integer parser accepts digits only.
        std::string whole = floor_value.str(0, std::ios_base::fixed);
        whole.erase(std::min(whole.find('.'), whole.size()));
        result = Amount(whole);
    }
    if (fraction > half || (fraction == half && result % 2 != 0))
        result += 1;
    return result;
}

Amount round_to_multiple_half_even(const Amount& minor, const Amount& multiple_minor) {
    return divide_half_even(minor, multiple_minor) * multiple_minor;
}

std::optional<Decimal> parse_rate(std::string_view text) {
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() || whole.size() > 6 || fraction.size() > 12)
        return std::nullopt;
    if (dot != std::string_view::npos && fraction.empty())
        return std::nullopt;
    if (!std::all_of(whole.begin(), whole.end(), is_digit) ||
        !std::all_of(fraction.begin(), fraction.end(), is_digit)) {
        return std::nullopt;
    }
    return Decimal(std::string(text));
}

std::string format_rate(const Decimal& rate) {
    std::string text = rate.str(30, std::ios_base::fixed);
    if (text.find('.') != std::string::npos) {
        text.erase(text.find_last_not_of('0') + 1);
        if (text.back() == '.')
            text.pop_back();
    }
    return text;
}

}  // namespace riziki::ledger
