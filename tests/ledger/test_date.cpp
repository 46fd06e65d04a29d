// Calendar dates and accounting periods (SPEC §5: no entry is dated in a closed period).

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/date.hpp"
#include "tests/support/print.hpp"

namespace {

namespace L = riziki::ledger;
using L::Date;
using L::Period;

Date ymd(int y, unsigned m, unsigned d) {
    return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(date)

BOOST_AUTO_TEST_CASE(parse_date_accepts_real_calendar_dates) {
    struct Valid {
        std::string_view text;
        int year;
        unsigned month;
        unsigned day;
    };
    const Valid cases[] = {
        {"2024-02-29", 2024, 2, 29},  // leap year
        {"2000-02-29", 2000, 2, 29},  // divisible by 400: leap
        {"2024-03-15", 2024, 3, 15},  {"2023-12-31", 2023, 12, 31}, {"2024-01-01", 2024, 1, 1},
        {"2024-04-30", 2024, 4, 30},  {"1970-01-01", 1970, 1, 1},   {"1900-01-01", 1900, 1, 1},
        {"9999-12-31", 9999, 12, 31},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("parse_date(\"" << c.text << "\")") {
            const auto parsed = L::parse_date(c.text);
            BOOST_TEST_REQUIRE(parsed.has_value());
            BOOST_TEST(static_cast<int>(parsed->year()) == c.year);
            BOOST_TEST(static_cast<unsigned>(parsed->month()) == c.month);
            BOOST_TEST(static_cast<unsigned>(parsed->day()) == c.day);
            BOOST_TEST(L::format_date(*parsed) == c.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(parse_date_rejects_impossible_dates_and_other_shapes) {
    const std::string_view rejected[] = {
        "2023-02-29",  // not a leap year
        "1900-02-29",  // divisible by 100, not by 400
        "2100-02-29",
        "2024-02-30",
        "2024-04-31",
        "2024-13-01",
        "2024-00-10",
        "2024-01-00",
        "2024-01-32",
        "2024-99-99",
        "2024-1-01",
        "2024-01-1",
        "24-01-01",
        "02024-01-01",
        "2024-01-01x",
        "2024-01-01 ",
        " 2024-01-01",
        "2024-01-01T00:00:00Z",
        "2024/01/01",
        "2024.01.01",
        "20240101",
        "2024-0101",
        "",
        "----------",
        "1899-12-31",  // before 1900
        "0000-01-01",
        "0001-01-01",
        "-024-01-01",
        "+024-01-01",
        "2024-+1-01",
        "2024--1-01",
        "2024-01--1",
        "2024-0a-01",
        "2024-01-0a",
        "2O24-01-01",                      // letter O
        "\xd9\xa2\xd9\xa0\xd9\xa2-01-01",  // Arabic-Indic digits (also wrong length)
        std::string_view("2024-01-0\0", 10),
    };
    for (const auto text : rejected) {
        BOOST_TEST_CONTEXT("parse_date(\"" << text << "\")") {
            BOOST_TEST(!L::parse_date(text).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(format_date_pads_to_fixed_width) {
    BOOST_TEST(L::format_date(ymd(2024, 2, 29)) == "2024-02-29");
    BOOST_TEST(L::format_date(ymd(2024, 12, 1)) == "2024-12-01");
    BOOST_TEST(L::format_date(ymd(1970, 1, 1)) == "1970-01-01");
    BOOST_TEST(L::format_date(ymd(9999, 12, 31)) == "9999-12-31");
    BOOST_TEST(L::format_date(ymd(5, 1, 2)) == "0005-01-02");
    BOOST_TEST(L::format_date(ymd(10000, 1, 1)) == "10000-01-01");  // past the fast path
}

BOOST_AUTO_TEST_CASE(format_date_agrees_with_printf_on_every_kind_of_day) {
    // Years 0001-9999 take a digit-by-digit path; printf is the reference.
    for (long day = L::days_since_epoch(ymd(1, 1, 1));
         day <= L::days_since_epoch(ymd(9999, 12, 31)); day += 37) {
        const auto date = L::date_from_days(day);
        char expected[16];
        std::snprintf(expected, sizeof expected, "%04d-%02u-%02u", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
        BOOST_TEST_REQUIRE(L::format_date(date) == expected);
    }
}

BOOST_AUTO_TEST_CASE(days_since_epoch_known_values) {
    struct Known {
        std::string_view text;
        long days;
    };
    const Known cases[] = {
        {"1970-01-01", 0},     {"1970-01-02", 1},       {"1969-12-31", -1},
        {"2000-01-01", 10957}, {"1900-01-01", -25567},  {"2024-02-29", 19782},
        {"2024-03-01", 19783}, {"9999-12-31", 2932896},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.text) {
            const auto parsed = L::parse_date(c.text);
            BOOST_TEST_REQUIRE(parsed.has_value());
            BOOST_TEST(L::days_since_epoch(*parsed) == c.days);
            BOOST_TEST(L::format_date(L::date_from_days(c.days)) == c.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_day_from_1900_to_2100_round_trips) {
    const long first = L::days_since_epoch(ymd(1900, 1, 1));
    const long last = L::days_since_epoch(ymd(2100, 12, 31));
    BOOST_TEST(last - first + 1 == 73414);  // 201 years, 49 of them leap years (1904..2096)
    long count = 0;
    Date previous = L::date_from_days(first - 1);
    for (long days = first; days <= last; ++days) {
        const Date date = L::date_from_days(days);
        const std::string text = L::format_date(date);
        const auto parsed = L::parse_date(text);
        // One check per day would flood the log; count failures and report once.
        const bool ok = date.ok() && parsed.has_value() && *parsed == date &&
                        L::days_since_epoch(date) == days && previous < date;
        if (!ok) {
            BOOST_TEST_MESSAGE("round trip failed at day " << days << " (" << text << ")");
            ++count;
        }
        previous = date;
    }
    BOOST_TEST(count == 0);
}

BOOST_AUTO_TEST_CASE(parse_period_accepts_year_and_month) {
    struct Valid {
        std::string_view text;
        int year;
        unsigned month;
    };
    const Valid cases[] = {{"2024-02", 2024, 2},
                           {"2024-12", 2024, 12},
                           {"2024-01", 2024, 1},
                           {"1900-01", 1900, 1},
                           {"9999-12", 9999, 12}};
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("parse_period(\"" << c.text << "\")") {
            const auto parsed = L::parse_period(c.text);
            BOOST_TEST_REQUIRE(parsed.has_value());
            BOOST_TEST(*parsed == (Period{c.year, c.month}));
            BOOST_TEST(L::format_period(*parsed) == c.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(parse_period_rejects_other_shapes) {
    const std::string_view rejected[] = {
        "2024-13",
        "2024-00",
        "2024-2",
        "2024-002",
        "2024-02-01",
        "1899-12",
        "0000-01",
        "2024/02",
        "202402",
        "",
        "2024-",
        "-02",
        "2024-0x",
        " 2024-02",
        "2024-02 ",
        "+024-02",
        "2024-+2",
        "2024--2",
        std::string_view("2024-0\0", 7),
    };
    for (const auto text : rejected) {
        BOOST_TEST_CONTEXT("parse_period(\"" << text << "\")") {
            BOOST_TEST(!L::parse_period(text).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(format_period_and_period_of) {
    BOOST_TEST(L::format_period(Period{2024, 2}) == "2024-02");
    BOOST_TEST(L::format_period(Period{2024, 11}) == "2024-11");
    BOOST_TEST(L::format_period(Period{1900, 1}) == "1900-01");
    BOOST_TEST(L::period_of(ymd(2024, 2, 29)) == (Period{2024, 2}));
    BOOST_TEST(L::period_of(ymd(2024, 2, 1)) == (Period{2024, 2}));
    BOOST_TEST(L::period_of(ymd(2023, 12, 31)) == (Period{2023, 12}));
    BOOST_TEST(L::period_of(ymd(2024, 1, 1)) == (Period{2024, 1}));
    // Every day of 2024 belongs to the period named by its first seven characters.
    int mismatches = 0;
    for (long days = L::days_since_epoch(ymd(2024, 1, 1));
         days <= L::days_since_epoch(ymd(2024, 12, 31)); ++days) {
        const Date date = L::date_from_days(days);
        if (L::format_period(L::period_of(date)) != L::format_date(date).substr(0, 7))
            ++mismatches;
    }
    BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(periods_order_by_year_then_month) {
    BOOST_TEST((Period{2023, 12} < Period{2024, 1}));
    BOOST_TEST((Period{2024, 1} < Period{2024, 2}));
    BOOST_TEST((Period{2024, 2} < Period{2024, 10}));  // numeric, not lexical
    BOOST_TEST((Period{1999, 12} < Period{2000, 1}));
    BOOST_TEST(!(Period{2024, 2} < Period{2024, 2}));
    BOOST_TEST((Period{2024, 2} == Period{2024, 2}));
    BOOST_TEST((Period{2024, 2} != Period{2025, 2}));

    const std::set<Period> closed{{2024, 10}, {2023, 12}, {2024, 2}, {2024, 1}, {2024, 2}};
    std::vector<std::string> names;
    for (const auto& p : closed)
        names.push_back(L::format_period(p));
    const std::vector<std::string> expected{"2023-12", "2024-01", "2024-02", "2024-10"};
    BOOST_TEST(names == expected, boost::test_tools::per_element());

    // Formatting preserves order: the "YYYY-MM" strings sort like the periods.
    for (const auto& a : closed)
        for (const auto& b : closed)
            BOOST_TEST((a < b) == (L::format_period(a) < L::format_period(b)));
}

BOOST_AUTO_TEST_SUITE_END()
