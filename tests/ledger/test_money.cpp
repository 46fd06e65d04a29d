// Exact money (SPEC §4): currencies, parsing, formatting, HALF_EVEN rounding, rates.

#include <boost/test/unit_test.hpp>

#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/money.hpp"
#include "tests/support/print.hpp"

namespace {

using riziki::ledger::Amount;
using riziki::ledger::AmountError;
using riziki::ledger::Currency;
using riziki::ledger::Decimal;
namespace L = riziki::ledger;

Currency currency(std::string_view code) {
    const auto found = L::find_currency(code);
    if (!found)
        throw std::logic_error("test uses unknown currency " + std::string(code));
    return *found;
}

Amount max_amount() {
    return std::numeric_limits<Amount>::max();
}

// 2^128 - 1: checked_int128_t is sign-magnitude, so its range is symmetric.
constexpr std::string_view kMaxDigits = "340282366920938463463374607431768211455";

}  // namespace

BOOST_AUTO_TEST_SUITE(money)

// ---------------------------------------------------------------- currencies

BOOST_AUTO_TEST_CASE(find_currency_knows_spec_currencies_and_their_digits) {
    struct Expected {
        std::string_view code;
        int digits;
    };
    const Expected expected[] = {{"KES", 2}, {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"UGX", 0},
                                 {"RWF", 0}, {"BHD", 3}, {"KWD", 3}, {"JPY", 0}, {"TZS", 2}};
    for (const auto& e : expected) {
        BOOST_TEST_CONTEXT("code " << e.code) {
            const auto found = L::find_currency(e.code);
            BOOST_TEST_REQUIRE(found.has_value());
            BOOST_TEST(found->code() == e.code);
            BOOST_TEST(found->digits() == e.digits);
        }
    }
}

BOOST_AUTO_TEST_CASE(find_currency_finds_every_table_entry) {
    BOOST_TEST(L::kCurrencies.size() == 20u);
    for (const auto& info : L::kCurrencies) {
        BOOST_TEST_CONTEXT("code " << info.code) {
            const auto found = L::find_currency(info.code);
            BOOST_TEST_REQUIRE(found.has_value());
            BOOST_TEST(found->code() == info.code);
            BOOST_TEST(found->digits() == info.digits);
        }
    }
}

BOOST_AUTO_TEST_CASE(find_currency_rejects_unknown_and_non_canonical_codes) {
    const std::string_view rejected[] = {
        "",
        "K",
        "KE",
        "KESS",
        "kes",
        "Kes",
        "kES",
        "usd",
        " KES",
        "KES ",
        "XXX",
        "KSH",
        "AAA",
        "ZZZ",
        "ZZZZ",
        "USD\n",
        "U$D",
        "123",
        std::string_view("KES\0", 4),  // embedded NUL must not be truncated away
    };
    for (const auto code : rejected) {
        BOOST_TEST_CONTEXT("code '" << code << "' size " << code.size()) {
            BOOST_TEST(!L::find_currency(code).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(currencies_compare_by_identity) {
    BOOST_TEST((currency("KES") == currency("KES")));
    BOOST_TEST(!(currency("KES") == currency("USD")));
    BOOST_TEST(!(currency("UGX") == currency("RWF")));  // same digits, different currency
}

// ---------------------------------------------------------------- parse_amount

namespace {

struct ParseCase {
    std::string_view text;
    std::string_view currency;
    AmountError error;
    long long minor;  // expected minor units when error == none
};

void check_parse(const ParseCase& c) {
    BOOST_TEST_CONTEXT("parse_amount(\"" << c.text << "\", " << c.currency << ")") {
        const auto parsed = L::parse_amount(c.text, currency(c.currency));
        BOOST_TEST(parsed.error == c.error);
        BOOST_TEST(parsed.ok() == (c.error == AmountError::none));
        // A rejection must not leak a partial value.
        BOOST_TEST(parsed.minor == (c.error == AmountError::none ? Amount(c.minor) : Amount(0)));
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(parse_amount_accepts_plain_decimals_per_currency_digits) {
    constexpr auto ok = AmountError::none;
    const ParseCase cases[] = {
        // KES: 2 digits
        {"0", "KES", ok, 0},
        {"0.00", "KES", ok, 0},
        {"1500", "KES", ok, 150000},
        {"1500.5", "KES", ok, 150050},
        {"1500.50", "KES", ok, 150050},
        {"-1500.50", "KES", ok, -150050},
        {"-1500", "KES", ok, -150000},
        {"0.05", "KES", ok, 5},
        {"-0.05", "KES", ok, -5},
        {"0.5", "KES", ok, 50},
        {"1", "KES", ok, 100},
        {"123456789.01", "KES", ok, 12345678901},
        // UGX: 0 digits
        {"0", "UGX", ok, 0},
        {"1500", "UGX", ok, 1500},
        {"-1500", "UGX", ok, -1500},
        {"7", "UGX", ok, 7},
        // BHD: 3 digits
        {"0", "BHD", ok, 0},
        {"1500", "BHD", ok, 1500000},
        {"1500.5", "BHD", ok, 1500500},
        {"1500.50", "BHD", ok, 1500500},
        {"1500.505", "BHD", ok, 1500505},
        {"-1500.505", "BHD", ok, -1500505},
        {"0.001", "BHD", ok, 1},
        {"-0.001", "BHD", ok, -1},
    };
    for (const auto& c : cases)
        check_parse(c);
}

BOOST_AUTO_TEST_CASE(parse_amount_rejects_more_decimals_than_the_currency_has) {
    constexpr auto too_many = AmountError::too_many_decimals;
    const ParseCase cases[] = {
        {"1.001", "KES", too_many, 0},  {"-1.001", "KES", too_many, 0},
        {"1.000", "KES", too_many, 0},  // even trailing zeros: the text claims precision we lack
        {"0.001", "KES", too_many, 0},  {"1.5", "UGX", too_many, 0},
        {"1.0", "UGX", too_many, 0},    {"-1.5", "UGX", too_many, 0},
        {"1.0001", "BHD", too_many, 0}, {"0.0005", "BHD", too_many, 0},
    };
    for (const auto& c : cases)
        check_parse(c);
}

BOOST_AUTO_TEST_CASE(parse_amount_rejects_malformed_text_in_every_currency) {
    const std::string_view malformed[] = {
        "",
        "-",
        "+1",
        "+1.00",
        "1e3",
        "1E3",
        "1e-2",
        "1.0e1",
        " 1",
        "1 ",
        "1. 5",
        "- 1",
        "\t1",
        "1\n",
        "1.",
        "-1.",
        ".5",
        "-.5",
        ".",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "1,000",
        "1,5",
        "1_000",
        "1'000",
        "--1",
        "-+1",
        "1-",
        "1-1",
        "1.2.3",
        "1..2",
        "\xd9\xa3",      // U+0663 ARABIC-INDIC DIGIT THREE
        "1\xd9\xa3",     // a real digit followed by a Unicode digit
        "\xef\xbc\x91",  // U+FF11 FULLWIDTH DIGIT ONE
        "0x10",
        "0b1",
        "1a",
        "a1",
        "$1",
        "1KES",
        "\"1\"",
        std::string_view("1\0", 2),  // embedded NUL
        std::string_view("\0", 1),
    };
    for (const auto code : {"KES", "UGX", "BHD"}) {
        for (const auto text : malformed)
            check_parse({text, code, AmountError::malformed, 0});
    }
}

BOOST_AUTO_TEST_CASE(parse_amount_malformed_wins_over_too_many_decimals) {
    check_parse({"1.00x", "KES", AmountError::malformed, 0});
    check_parse({"1.5 ", "UGX", AmountError::malformed, 0});
    check_parse({"1.2345e1", "BHD", AmountError::malformed, 0});
}

BOOST_AUTO_TEST_CASE(amount_limit_is_ten_to_the_thirty_minus_one) {
    BOOST_TEST(L::amount_limit() == Amount("999999999999999999999999999999"));
    BOOST_TEST(L::to_decimal_string(L::amount_limit()).size() == 30u);
}

BOOST_AUTO_TEST_CASE(parse_amount_range_boundary_is_exactly_amount_limit) {
    struct RangeCase {
        std::string_view text;
        std::string_view currency;
        AmountError error;
        int sign;  // expected value: sign * amount_limit() when accepted
    };
    constexpr auto ok = AmountError::none;
    constexpr auto oor = AmountError::out_of_range;
    const RangeCase cases[] = {
        {"9999999999999999999999999999.99", "KES", ok, 1},
        {"-9999999999999999999999999999.99", "KES", ok, -1},
        {"10000000000000000000000000000.00", "KES", oor, 0},
        {"-10000000000000000000000000000.00", "KES", oor, 0},
        {"10000000000000000000000000000", "KES", oor, 0},
        {"999999999999999999999999999999", "UGX", ok, 1},
        {"-999999999999999999999999999999", "UGX", ok, -1},
        {"1000000000000000000000000000000", "UGX", oor, 0},
        {"-1000000000000000000000000000000", "UGX", oor, 0},
        {"999999999999999999999999999.999", "BHD", ok, 1},
        {"1000000000000000000000000000.000", "BHD", oor, 0},
        {"1000000000000000000000000000", "BHD", oor, 0},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("parse_amount(\"" << c.text << "\", " << c.currency << ")") {
            const auto parsed = L::parse_amount(c.text, currency(c.currency));
            BOOST_TEST(parsed.error == c.error);
            BOOST_TEST(parsed.minor == Amount(c.sign) * L::amount_limit());
        }
    }
    // The same boundary derived from amount_limit() itself, in every digits class.
    for (const auto code : {"KES", "UGX", "BHD"}) {
        BOOST_TEST_CONTEXT("currency " << code) {
            const Currency c = currency(code);
            const auto at = L::parse_amount(L::format_amount(L::amount_limit(), c), c);
            BOOST_TEST(at.error == AmountError::none);
            BOOST_TEST(at.minor == L::amount_limit());
            const auto above = L::parse_amount(L::format_amount(L::amount_limit() + 1, c), c);
            BOOST_TEST(above.error == AmountError::out_of_range);
            BOOST_TEST(above.minor == 0);
            const auto below = L::parse_amount(L::format_amount(-L::amount_limit() - 1, c), c);
            BOOST_TEST(below.error == AmountError::out_of_range);
        }
    }
}

BOOST_AUTO_TEST_CASE(parse_amount_rejects_numbers_far_beyond_128_bits) {
    const std::string sixty(60, '9');
    const std::string sixty_with_decimals = std::string(60, '7') + ".12";
    const std::string two_hundred = "1" + std::string(199, '0');
    for (const auto code : {"KES", "UGX", "BHD"}) {
        BOOST_TEST_CONTEXT("currency " << code) {
            BOOST_TEST(L::parse_amount(sixty, currency(code)).error == AmountError::out_of_range);
            BOOST_TEST(L::parse_amount("-" + sixty, currency(code)).error ==
                       AmountError::out_of_range);
            BOOST_TEST(L::parse_amount(two_hundred, currency(code)).error ==
                       AmountError::out_of_range);
        }
    }
    BOOST_TEST(L::parse_amount(sixty_with_decimals, currency("KES")).error ==
               AmountError::out_of_range);
    BOOST_TEST(L::parse_amount(sixty_with_decimals, currency("UGX")).error ==
               AmountError::too_many_decimals);
}

// ---------------------------------------------------------------- format_amount

BOOST_AUTO_TEST_CASE(format_amount_writes_exactly_the_currency_digits) {
    struct FormatCase {
        long long minor;
        std::string_view currency;
        std::string_view text;
    };
    const FormatCase cases[] = {
        {150000, "KES", "1500.00"},
        {150050, "KES", "1500.50"},
        {-150050, "KES", "-1500.50"},
        {0, "KES", "0.00"},
        {5, "KES", "0.05"},
        {-5, "KES", "-0.05"},
        {50, "KES", "0.50"},
        {-50, "KES", "-0.50"},
        {99, "KES", "0.99"},
        {100, "KES", "1.00"},
        {-100, "KES", "-1.00"},
        {1, "USD", "0.01"},
        {1500, "UGX", "1500"},
        {0, "UGX", "0"},
        {-7, "UGX", "-7"},
        {1, "RWF", "1"},
        {1500500, "BHD", "1500.500"},
        {1, "BHD", "0.001"},
        {-1, "BHD", "-0.001"},
        {0, "BHD", "0.000"},
        {10, "BHD", "0.010"},
        {1000, "BHD", "1.000"},
        {-123456, "BHD", "-123.456"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("format_amount(" << c.minor << ", " << c.currency << ")") {
            BOOST_TEST(L::format_amount(Amount(c.minor), currency(c.currency)) == c.text);
        }
    }
    BOOST_TEST(L::format_amount(L::amount_limit(), currency("KES")) ==
               "9999999999999999999999999999.99");
    BOOST_TEST(L::format_amount(-L::amount_limit(), currency("BHD")) ==
               "-999999999999999999999999999.999");
    // Beyond amount_limit() formatting still works (sums can be larger than one amount).
    BOOST_TEST(L::format_amount(max_amount(), currency("KES")) ==
               "3402823669209384634633746074317682114.55");
    BOOST_TEST(L::format_amount(-max_amount(), currency("UGX")) == "-" + std::string(kMaxDigits));
}

BOOST_AUTO_TEST_CASE(format_then_parse_round_trips) {
    const std::vector<Amount> values{0,
                                     1,
                                     -1,
                                     5,
                                     -5,
                                     9,
                                     10,
                                     -10,
                                     99,
                                     100,
                                     101,
                                     -101,
                                     150000,
                                     -150050,
                                     1000000007,
                                     Amount("123456789012345678901234567890") % L::amount_limit(),
                                     L::amount_limit(),
                                     -L::amount_limit(),
                                     L::amount_limit() - 1,
                                     -L::amount_limit() + 1};
    for (const auto& info : L::kCurrencies) {
        const Currency c = currency(info.code);
        for (const auto& value : values) {
            BOOST_TEST_CONTEXT(info.code << " " << value) {
                const std::string text = L::format_amount(value, c);
                const auto parsed = L::parse_amount(text, c);
                BOOST_TEST(parsed.error == AmountError::none);
                BOOST_TEST(parsed.minor == value);
            }
        }
    }
}

// ---------------------------------------------------------------- decimal strings

BOOST_AUTO_TEST_CASE(to_decimal_string_is_plain_digits) {
    BOOST_TEST(L::to_decimal_string(0) == "0");
    BOOST_TEST(L::to_decimal_string(7) == "7");
    BOOST_TEST(L::to_decimal_string(-7) == "-7");
    BOOST_TEST(L::to_decimal_string(150050) == "150050");
    BOOST_TEST(L::to_decimal_string(-150050) == "-150050");
    // Both sides of the 64-bit fast path.
    BOOST_TEST(L::to_decimal_string(L::Amount("9223372036854775807")) == "9223372036854775807");
    BOOST_TEST(L::to_decimal_string(L::Amount("9223372036854775808")) == "9223372036854775808");
    BOOST_TEST(L::to_decimal_string(L::Amount("-9223372036854775808")) == "-9223372036854775808");
    BOOST_TEST(L::to_decimal_string(L::Amount("-9223372036854775809")) == "-9223372036854775809");
    BOOST_TEST(L::to_decimal_string(L::amount_limit()) == std::string(30, '9'));
    BOOST_TEST(L::to_decimal_string(max_amount()) == kMaxDigits);
    BOOST_TEST(L::to_decimal_string(-max_amount()) == "-" + std::string(kMaxDigits));
    BOOST_TEST(L::to_decimal_string(std::numeric_limits<Amount>::min()) ==
               "-" + std::string(kMaxDigits));
}

BOOST_AUTO_TEST_CASE(from_decimal_string_round_trips_including_extremes) {
    const std::vector<Amount> values{0,
                                     1,
                                     -1,
                                     42,
                                     -150050,
                                     Amount(999'999'999'999'999'999),   // 18 digits
                                     Amount(-999'999'999'999'999'999),  // 18 digits
                                     Amount(1'000'000'000'000'000'000),
                                     Amount(-1'000'000'000'000'000'000),
                                     L::amount_limit(),
                                     -L::amount_limit(),
                                     Amount(std::numeric_limits<long long>::max()) + 1,
                                     Amount(std::numeric_limits<long long>::min()) - 1,
                                     max_amount() - 1,
                                     max_amount(),
                                     -max_amount(),
                                     std::numeric_limits<Amount>::min()};
    for (const auto& value : values) {
        BOOST_TEST_CONTEXT("value " << value) {
            const auto back = L::from_decimal_string(L::to_decimal_string(value));
            BOOST_TEST_REQUIRE(back.has_value());
            BOOST_TEST(*back == value);
        }
    }
}

BOOST_AUTO_TEST_CASE(from_decimal_string_rejects_overflow_and_junk) {
    const std::string max_plus_one = "340282366920938463463374607431768211456";
    const std::string rejected[] = {
        max_plus_one,
        "-" + max_plus_one,
        "340282366920938463463374607431768211460",
        "999999999999999999999999999999999999999",  // 39 digits, above 2^128 - 1
        "1" + std::string(39, '0'),                 // 40 digits
        std::string(60, '9'),
        "",
        "-",
        "+1",
        "--1",
        " 1",
        "1 ",
        "1.0",
        "1.",
        "1e3",
        "0x10",
        "1,000",
        "NaN",
        "\xd9\xa3",
        std::string("1\0", 2),
    };
    for (const auto& text : rejected) {
        BOOST_TEST_CONTEXT("from_decimal_string(\"" << text << "\")") {
            BOOST_TEST(!L::from_decimal_string(text).has_value());
        }
    }
}

// ---------------------------------------------------------------- HALF_EVEN division

BOOST_AUTO_TEST_CASE(divide_half_even_table) {
    struct DivideCase {
        long long numerator;
        long long denominator;
        long long quotient;
    };
    const DivideCase cases[] = {
        // ties go to the even neighbour
        {5, 2, 2},
        {7, 2, 4},
        {-5, 2, -2},
        {-7, 2, -4},
        {1, 2, 0},
        {3, 2, 2},
        {-1, 2, 0},
        {-3, 2, -2},
        {25, 10, 2},
        {35, 10, 4},
        {-25, 10, -2},
        {-35, 10, -4},
        {45, 10, 4},
        {10, 4, 2},
        {14, 4, 4},
        // negative denominators
        {5, -2, -2},
        {7, -2, -4},
        {-5, -2, 2},
        {-7, -2, 4},
        {1, -3, 0},
        {2, -3, -1},
        {-2, -3, 1},
        // non-ties round to nearest
        {1, 3, 0},
        {2, 3, 1},
        {-1, 3, 0},
        {-2, 3, -1},
        {26, 10, 3},
        {24, 10, 2},
        {-26, 10, -3},
        {-24, 10, -2},
        {149, 100, 1},
        {151, 100, 2},
        // exact division
        {10, 5, 2},
        {-10, 5, -2},
        {10, -5, -2},
        {0, 7, 0},
        {0, -7, 0},
        {150000, 3, 50000},
        {7, 1, 7},
        {-7, 1, -7},
        {7, -1, -7},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.numerator << " / " << c.denominator) {
            BOOST_TEST(L::divide_half_even(c.numerator, c.denominator) == Amount(c.quotient));
        }
    }
}

BOOST_AUTO_TEST_CASE(divide_half_even_is_exact_near_the_128_bit_limit) {
    const Amount max = max_amount();         // 2^128 - 1, odd
    const Amount half_down = (max - 1) / 2;  // 2^127 - 1: just under max / 2
    const Amount two_127("170141183460469231731687303715884105728");
    BOOST_TEST(half_down + 1 == two_127);
    // (2^128 - 1) / 2 = 2^127 - 0.5: a tie, rounded to the even 2^127.
    BOOST_TEST(L::divide_half_even(max, 2) == two_127);
    BOOST_TEST(L::divide_half_even(-max, 2) == -two_127);
    // Remainders bigger than half the range must not overflow while being compared.
    BOOST_TEST(L::divide_half_even(max - 1, max) == 1);
    BOOST_TEST(L::divide_half_even(-(max - 1), max) == -1);
    BOOST_TEST(L::divide_half_even(max - 1, -max) == -1);
    BOOST_TEST(L::divide_half_even(half_down, max) == 0);      // just below one half
    BOOST_TEST(L::divide_half_even(half_down + 1, max) == 1);  // just above one half
    BOOST_TEST(L::divide_half_even(max, max - 1) == 1);
    BOOST_TEST(L::divide_half_even(max, max) == 1);
    BOOST_TEST(L::divide_half_even(1, max) == 0);
    BOOST_TEST(L::divide_half_even(max, 1) == max);
}

// ---------------------------------------------------------------- HALF_EVEN on decimals

BOOST_AUTO_TEST_CASE(round_half_even_on_decimals) {
    struct RoundCase {
        std::string_view value;
        std::string_view rounded;
    };
    const RoundCase cases[] = {
        {"2.5", "2"},
        {"3.5", "4"},
        {"-2.5", "-2"},
        {"-3.5", "-4"},
        {"0.5", "0"},
        {"1.5", "2"},
        {"-0.5", "0"},
        {"-1.5", "-2"},
        {"2.5000001", "3"},
        {"-2.5000001", "-3"},
        {"2.4999999", "2"},
        {"-2.4999999", "-2"},
        {"0", "0"},
        {"0.3", "0"},
        {"-0.3", "0"},
        {"0.7", "1"},
        {"-0.7", "-1"},
        {"7", "7"},
        {"-7", "-7"},
        {"1e-40", "0"},
        // Either side of the long long range, which round_half_even converts without text.
        {"9223372036854775806.5", "9223372036854775806"},
        {"9223372036854775807.5", "9223372036854775808"},
        {"9223372036854775808.5", "9223372036854775808"},
        {"-9223372036854775807.5", "-9223372036854775808"},
        {"-9223372036854775808.5", "-9223372036854775808"},
        {"-9223372036854775809.5", "-9223372036854775810"},
        {"1e30", "1000000000000000000000000000000"},
        {"-1e30", "-1000000000000000000000000000000"},
        {"123456789012345678901234567890.5", "123456789012345678901234567890"},
        {"123456789012345678901234567891.5", "123456789012345678901234567892"},
        {"123456789012345678901234567890.49", "123456789012345678901234567890"},
        {"-123456789012345678901234567891.5", "-123456789012345678901234567892"},
        {"340282366920938463463374607431768211455", kMaxDigits},
        {"340282366920938463463374607431768211455.25", kMaxDigits},
        {"340282366920938463463374607431768211454.5", "340282366920938463463374607431768211454"},
        {"-340282366920938463463374607431768211455", "-340282366920938463463374607431768211455"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("round_half_even(" << c.value << ")") {
            BOOST_TEST(L::round_half_even(Decimal(std::string(c.value))) ==
                       Amount(std::string(c.rounded)));
        }
    }
}

BOOST_AUTO_TEST_CASE(round_half_even_of_rate_products) {
    // Interest on 100000.00 KES at 15% a year for one month: exact, no rounding needed.
    BOOST_TEST(L::round_half_even(Decimal(10000000) * Decimal("0.15") / 12) == 125000);
    // 333 minor units at 50%: 166.5 -> 166 (even).
    BOOST_TEST(L::round_half_even(Decimal(333) * Decimal("0.5")) == 166);
    BOOST_TEST(L::round_half_even(Decimal(335) * Decimal("0.5")) == 168);
    // 1/3 of 100: 33.33... -> 33; 2/3 of 100: 66.66... -> 67.
    BOOST_TEST(L::round_half_even(Decimal(100) / 3) == 33);
    BOOST_TEST(L::round_half_even(Decimal(200) / 3) == 67);
}

BOOST_AUTO_TEST_CASE(round_half_even_throws_beyond_128_bits) {
    const std::string_view overflowing[] = {
        "1e39",
        "-1e39",
        "1e60",
        "340282366920938463463374607431768211456",
        "-340282366920938463463374607431768211456",
        "340282366920938463463374607431768211455.5",  // tie rounds up to 2^128: overflow
        "340282366920938463463374607431768211455.75",
    };
    for (const auto text : overflowing) {
        BOOST_TEST_CONTEXT("round_half_even(" << text << ")") {
            BOOST_CHECK_THROW(L::round_half_even(Decimal(std::string(text))), std::overflow_error);
        }
    }
}

BOOST_AUTO_TEST_CASE(round_to_multiple_half_even_table) {
    struct MultipleCase {
        long long minor;
        long long multiple;
        long long rounded;
    };
    const MultipleCase cases[] = {
        {1250, 100, 1200},   {1350, 100, 1400},   {1251, 100, 1300},   {1249, 100, 1200},
        {1200, 100, 1200},   {1299, 100, 1300},   {-1250, 100, -1200}, {-1350, 100, -1400},
        {-1251, 100, -1300}, {-1249, 100, -1200}, {0, 100, 0},         {49, 100, 0},
        {50, 100, 0},        {150, 100, 200},     {250, 100, 200},     {51, 100, 100},
        {2500, 1000, 2000},  {3500, 1000, 4000},  {25, 5, 25},         {27, 5, 25},
        {28, 5, 30},         {7, 1, 7},           {-7, 1, -7},         {15, 10, 20},
        {25, 10, 20},        {125, 50, 100},      {175, 50, 200},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.minor << " to a multiple of " << c.multiple) {
            BOOST_TEST(L::round_to_multiple_half_even(c.minor, c.multiple) == Amount(c.rounded));
        }
    }
}

// ---------------------------------------------------------------- rates

BOOST_AUTO_TEST_CASE(parse_rate_accepts_plain_non_negative_decimals) {
    struct RateCase {
        std::string_view text;
        std::string_view value;
    };
    const RateCase cases[] = {
        {"0", "0"},
        {"12", "12"},
        {"9.4822", "9.4822"},
        {"0.5", "0.5"},
        {"0.000000000001", "1e-12"},  // 12 decimals: the most accepted
        {"999999", "999999"},         // 6 integer digits: the most accepted
        {"999999.999999999999", "999999.999999999999"},
        {"1.10", "1.1"},
        {"100", "100"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("parse_rate(\"" << c.text << "\")") {
            const auto rate = L::parse_rate(c.text);
            BOOST_TEST_REQUIRE(rate.has_value());
            BOOST_TEST(*rate == Decimal(std::string(c.value)));
        }
    }
    // Decimal, not binary: 0.1 is exact, so ten of them make exactly one.
    const auto tenth = L::parse_rate("0.1");
    BOOST_TEST_REQUIRE(tenth.has_value());
    const Decimal ten_tenths = *tenth * 10;
    const Decimal three_tenths = *tenth * 3;
    BOOST_TEST(ten_tenths == Decimal(1));
    BOOST_TEST(three_tenths == Decimal("0.3"));
}

BOOST_AUTO_TEST_CASE(parse_rate_rejects_everything_else) {
    const std::string_view rejected[] = {
        "",
        ".",
        ".5",
        "5.",
        "-1",
        "-0.5",
        "+1",
        "1e3",
        "1E3",
        "1e-2",
        " 1",
        "1 ",
        "1. 5",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "1,5",
        "1,000",
        "1.2.3",
        "0x1",
        "1a",
        "12%",
        "\xd9\xa3",
        "\xef\xbc\x91",
        "1234567",          // 7 integer digits
        "1.0000000000001",  // 13 decimals
        std::string_view("1\0", 2),
    };
    for (const auto text : rejected) {
        BOOST_TEST_CONTEXT("parse_rate(\"" << text << "\")") {
            BOOST_TEST(!L::parse_rate(text).has_value());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
