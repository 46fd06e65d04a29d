#pragma once
/// The dates a request or command may ask about. A report's work grows with its period (the
/// donor report walks every month of it), so every route and CLI command that takes dates
/// checks them here before reading anything: not before kEarliestAskable, not after today,
/// `from` not after `to`, and a report's period at most kReportMonthsMax months and at most
/// its fund's life plus kFundLifeSlackMonths. "Today" is an argument: the core has no clock.
///
/// A report about people (the donor report in every format, the IATI file) is also for
/// whole months only (check_whole_months, after those): two reports whose periods differ by
/// a day would differ by whoever was funded that day (docs/privacy.md).

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "ledger/date.hpp"

namespace riziki::ledger {

/// No date before this is asked about: Riziki's programmes began long after, and
/// parse_date's floor (1900) would let one request span a century.
inline constexpr Date kEarliestAskable{std::chrono::year(2000), std::chrono::January,
                                       std::chrono::day(1)};
/// The longest period a report may cover: ten years, both ends included (2016-06-15 to
/// 2026-06-15 is allowed, to 2026-06-16 is not).
inline constexpr int kReportMonthsMax = 120;
/// How much longer than its fund's life (starts_on..ends_on) a fund's report may be: donors
/// pay in before a fund starts and borrowers repay after it ends, so a report that frames
/// the life with half a year on each side must still fit.
inline constexpr int kFundLifeSlackMonths = 12;
/// The most calendar months a report may touch: a period of kReportMonthsMax months that
/// starts mid-month ends in the 121st.
inline constexpr int kReportCalendarMonthsMax = kReportMonthsMax + 1;

/// Which rule a date broke; the name is the stable code the API and CLI report it with.
/// Checked in this order, the first failure wins. Numbers are never reused.
enum class DateRule : std::uint8_t {
    ok = 0,
    date_too_early = 1,    ///< before kEarliestAskable
    date_in_future = 2,    ///< after today
    period_reversed = 3,   ///< `to` before `from`
    period_too_long = 4,   ///< more than kReportMonthsMax months
    longer_than_fund = 5,  ///< longer than the fund's life plus kFundLifeSlackMonths
    // Whole months (check_whole_months): a refusal of another kind, 422 not 400.
    not_first_of_month = 6,  ///< `from` is not the first day of a month
    not_end_of_month = 7,    ///< `to` is not the last day of a month
    month_not_over = 8,      ///< `to` ends a month that is not over (today is its last day)
};

/// The rule broken and the date it is about: "from", "to", or the single date's own name.
struct DateProblem {
    DateRule rule = DateRule::ok;
    std::string_view field;
    bool ok() const { return rule == DateRule::ok; }
};

/// A fund's life, when both its ends are recorded.
struct FundLife {
    Date starts_on;
    Date ends_on;
};

/// One date asked about (an `as_of`), named `field`: not before kEarliestAskable, not after
/// `today`.
DateProblem check_day(const Date& day, const Date& today, std::string_view field);

/// A filter's period (entries, the audit log, the export), either end open: each end as
/// check_day, then `from` not after `to`.
DateProblem check_period(const std::optional<Date>& from, const std::optional<Date>& to,
                         const Date& today);

/// A report's period (the donor report in every format, the IATI file): check_period, then
/// at most kReportMonthsMax months long and, when the fund's life is known, at most that
/// life plus kFundLifeSlackMonths.
DateProblem check_report_period(const Date& from, const Date& to, const Date& today,
                                const std::optional<FundLife>& fund);

/// A report's period in whole months, checked after check_report_period: `from` the first
/// day of a month, `to` the last day of a month, and `to` not after the last whole month
/// before today (today 2026-12-03: 2026-11-30 at the latest; today 2026-11-30: 2026-10-31,
/// since November is not over). The first failure wins, in that order.
DateProblem check_whole_months(const Date& from, const Date& to, const Date& today);

/// The period of a report about people (the donor report, the IATI file), the one check
/// every route and command making one calls: check_report_period, then check_whole_months.
DateProblem check_report_months(const Date& from, const Date& to, const Date& today,
                                const std::optional<FundLife>& fund);

/// A report's period with its defaults: `to` the end of the last whole month before today,
/// `from` the first of January of `to`'s year (the calendar year to date, in whole months).
std::pair<Date, Date> default_report_period(const std::optional<Date>& from,
                                            const std::optional<Date>& to, const Date& today);

/// Whether a rule is one of the whole-month rules (check_whole_months).
bool is_whole_month_rule(DateRule rule);

/// The last day of `day`'s month.
Date end_of_month(const Date& day);

/// The last day of the last month that is over on `today` (2026-12-03 -> 2026-11-30).
Date end_of_last_whole_month(const Date& today);

/// How many calendar months from..to touches (2026-01-31..2026-02-01 touches 2); 0 when `to`
/// is before `from`.
long calendar_months(const Date& from, const Date& to);

/// The rule's code: "date_in_future", ...
std::string_view to_string(DateRule rule);
/// A sentence for a person: "Must not be after today (2026-06-15)." without the date.
std::string_view message(DateRule rule);

}  // namespace riziki::ledger
