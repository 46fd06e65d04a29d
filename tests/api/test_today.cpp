// The programme's today is Nairobi's date (UTC+3, no daylight saving), with RIZIKI_TODAY
// fixing it; the clock is injected, never waited for.

#include <boost/test/unit_test.hpp>

#include <chrono>

#include "api/handlers.hpp"
#include "ledger/date_bounds.hpp"

using namespace riziki;

namespace {

std::chrono::system_clock::time_point utc(const char* day, int hour, int minute) {
    return std::chrono::sys_days(*ledger::parse_date(day)) + std::chrono::hours(hour) +
           std::chrono::minutes(minute);
}

std::string nairobi_today_at(const char* day, int hour, int minute) {
    return ledger::format_date(api::today_in_nairobi(std::nullopt, utc(day, hour, minute)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(programme_today)

BOOST_AUTO_TEST_CASE(twenty_one_hundred_utc_on_the_30th_is_the_1st_in_nairobi) {
    BOOST_TEST(nairobi_today_at("2026-06-30", 0, 0) == "2026-06-30");
    BOOST_TEST(nairobi_today_at("2026-06-30", 20, 59) == "2026-06-30");
    BOOST_TEST(nairobi_today_at("2026-06-30", 21, 0) == "2026-07-01");
    BOOST_TEST(nairobi_today_at("2026-12-31", 21, 0) == "2027-01-01");
    BOOST_TEST(nairobi_today_at("2026-06-29", 23, 59) == "2026-06-30");
    // So June becomes a whole month a donor may ask for at 21:00 UTC on the 30th.
    const auto before = api::today_in_nairobi(std::nullopt, utc("2026-06-30", 20, 59));
    const auto after = api::today_in_nairobi(std::nullopt, utc("2026-06-30", 21, 0));
    BOOST_TEST(ledger::format_date(ledger::end_of_last_whole_month(before)) == "2026-05-31");
    BOOST_TEST(ledger::format_date(ledger::end_of_last_whole_month(after)) == "2026-06-30");
    const auto june = ledger::check_whole_months(*ledger::parse_date("2026-06-01"),
                                                 *ledger::parse_date("2026-06-30"), before);
    BOOST_TEST(ledger::to_string(june.rule) == "month_not_over");
    BOOST_TEST(ledger::check_whole_months(*ledger::parse_date("2026-06-01"),
                                          *ledger::parse_date("2026-06-30"), after)
                   .ok());
}

BOOST_AUTO_TEST_CASE(a_fixed_today_overrides_the_clock) {
    const auto fixed = ledger::parse_date("2026-01-15");
    BOOST_TEST(ledger::format_date(api::today_in_nairobi(fixed, utc("2026-06-30", 21, 0))) ==
               "2026-01-15");
}

BOOST_AUTO_TEST_SUITE_END()
