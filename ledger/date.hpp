#pragma once
/// Calendar dates (no time zone, no clock): the core receives "today" as an argument.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace riziki::ledger {

using Date = std::chrono::year_month_day;

/// Parses exactly "YYYY-MM-DD" (a real calendar date, years 1900-9999).
std::optional<Date> parse_date(std::string_view text);
std::string format_date(const Date& date);

/// Days since 1970-01-01 (negative before).
inline long days_since_epoch(const Date& date) {
    return std::chrono::sys_days(date).time_since_epoch().count();
}
inline Date date_from_days(long days) {
    return Date(std::chrono::sys_days(std::chrono::days(days)));
}

/// The same day `months` months later (or earlier), clamped to the target month's last day
/// (Java's LocalDate.plusMonths): 31 Jan + 1 -> 28 Feb.
Date add_months(const Date& date, int months);

/// "2026-11-25T16:34:12.420205Z": microseconds since the Unix epoch (>= 0) as RFC 3339 UTC.
std::string format_timestamp_us(std::int64_t us);

/// An accounting period: a calendar month, written "YYYY-MM".
struct Period {
    int year = 0;
    unsigned month = 0;
    friend auto operator<=>(const Period&, const Period&) = default;
};
Period period_of(const Date& date);
std::optional<Period> parse_period(std::string_view text);
std::string format_period(const Period& period);

}  // namespace riziki::ledger
