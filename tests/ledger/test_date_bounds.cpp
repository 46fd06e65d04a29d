// The dates a request may ask about (ledger/date_bounds.hpp): one table of periods, each
// with the rule it breaks (or none), on the bounds and one day past them.

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

#include "ledger/date_bounds.hpp"
#include "tests/support/print.hpp"

namespace {

namespace L = riziki::ledger;
using L::DateRule;

L::Date d(const char* text) {
    return *L::parse_date(text);
}

std::optional<L::Date> maybe(const char* text) {
    return text == nullptr ? std::nullopt : std::optional(d(text));
}

const L::Date kToday = d("2026-06-15");

}  // namespace

BOOST_AUTO_TEST_SUITE(date_bounds)

BOOST_AUTO_TEST_CASE(a_single_date_is_between_the_floor_and_today) {
    BOOST_TEST(L::check_day(d("2000-01-01"), kToday, "as_of").ok());
    BOOST_TEST(L::check_day(kToday, kToday, "as_of").ok());
    const auto early = L::check_day(d("1999-12-31"), kToday, "as_of");
    BOOST_TEST(L::to_string(early.rule) == "date_too_early");
    BOOST_TEST(early.field == "as_of");
    const auto late = L::check_day(d("2026-06-16"), kToday, "on");
    BOOST_TEST(L::to_string(late.rule) == "date_in_future");
    BOOST_TEST(late.field == "on");
}

BOOST_AUTO_TEST_CASE(a_filter_period_may_be_open_but_not_reversed_nor_out_of_bounds) {
    struct Case {
        const char* from;
        const char* to;
        const char* rule;
        const char* field;
    };
    const std::vector<Case> cases{
        {nullptr, nullptr, "ok", ""},
        {"2000-01-01", nullptr, "ok", ""},
        {nullptr, "2026-06-15", "ok", ""},
        {"2026-06-15", "2026-06-15", "ok", ""},
        {"1900-01-01", "9999-12-31", "date_too_early", "from"},  // the first failure wins
        {"2026-01-01", "9999-12-31", "date_in_future", "to"},
        {"2026-06-16", nullptr, "date_in_future", "from"},
        {nullptr, "1999-12-31", "date_too_early", "to"},
        {"2026-02-01", "2026-01-31", "period_reversed", "to"},
        {"2000-01-01", "2026-06-15", "ok", ""},  // a filter may span 26 years
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT((c.from ? c.from : "-") << " .. " << (c.to ? c.to : "-")) {
            const auto problem = L::check_period(maybe(c.from), maybe(c.to), kToday);
            BOOST_TEST(L::to_string(problem.rule) == c.rule);
            BOOST_TEST(problem.field == c.field);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_report_period_is_at_most_ten_years_and_its_funds_life_plus_a_year) {
    const L::FundLife quarter{d("2026-01-01"), d("2026-03-31")};  // 89 days
    struct Case {
        const char* from;
        const char* to;
        bool fund;
        const char* rule;
    };
    const std::vector<Case> cases{
        {"2016-06-15", "2026-06-15", false, "ok"},  // exactly ten years
        {"2016-06-14", "2026-06-15", false, "period_too_long"},
        {"2016-02-29", "2026-02-28", false, "ok"},  // from a leap day
        {"2016-02-29", "2026-03-01", false, "period_too_long"},
        {"2025-01-01", "2026-03-31", true, "ok"},  // 89 days and twelve months
        {"2025-01-01", "2026-04-01", true, "longer_than_fund"},
        {"2026-01-01", "2026-06-15", true, "ok"},
        {"2016-06-14", "2026-06-15", true, "period_too_long"},  // the ten years first
        {"2026-03-01", "2026-02-28", true, "period_reversed"},
        {"1999-12-31", "2000-01-31", false, "date_too_early"},
        {"2026-01-01", "2026-06-16", false, "date_in_future"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.from << " .. " << c.to << (c.fund ? " of the quarter fund" : "")) {
            const auto problem = L::check_report_period(
                d(c.from), d(c.to), kToday, c.fund ? std::optional(quarter) : std::nullopt);
            BOOST_TEST(L::to_string(problem.rule) == c.rule);
        }
    }
    // A fund that ends before it starts has no life, only the slack.
    const L::FundLife backwards{d("2026-03-31"), d("2026-01-01")};
    BOOST_TEST(L::check_report_period(d("2025-01-01"), d("2026-01-01"), kToday, backwards).ok());
    BOOST_TEST(!L::check_report_period(d("2025-01-01"), d("2026-01-02"), kToday, backwards).ok());
}

BOOST_AUTO_TEST_CASE(calendar_months_counts_each_month_touched) {
    BOOST_TEST(L::calendar_months(d("2026-01-31"), d("2026-02-01")) == 2);
    BOOST_TEST(L::calendar_months(d("2026-01-01"), d("2026-01-31")) == 1);
    BOOST_TEST(L::calendar_months(d("2016-06-15"), d("2026-06-15")) == L::kReportCalendarMonthsMax);
    BOOST_TEST(L::calendar_months(d("2026-02-01"), d("2026-01-31")) == 0);
    BOOST_TEST(L::calendar_months(d("1900-01-01"), d("9999-12-31")) == 97200);
}

BOOST_AUTO_TEST_CASE(every_rule_has_a_code_and_a_message) {
    for (auto rule : {DateRule::date_too_early, DateRule::date_in_future, DateRule::period_reversed,
                      DateRule::period_too_long, DateRule::longer_than_fund}) {
        BOOST_TEST(!L::to_string(rule).empty());
        BOOST_TEST(!L::message(rule).empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()
