#include "ledger/date_bounds.hpp"

#include <algorithm>

#include "ledger/enum_names.hpp"

namespace riziki::ledger {

namespace {

// In DateRule's order.
constexpr EnumNames<DateRule, 9> kRuleCodes{
    {"ok", "date_too_early", "date_in_future", "period_reversed", "period_too_long",
     "longer_than_fund", "not_first_of_month", "not_end_of_month", "month_not_over"}};
constexpr EnumNames<DateRule, 9> kRuleMessages{
    {"", "Must not be before 2000-01-01.", "Must not be after today.", "Must not be before `from`.",
     "The period must not be longer than 10 years.",
     "The period must not be longer than the fund's life plus 12 months.",
     "Must be the first day of a month: reports are for whole months.",
     "Must be the last day of a month: reports are for whole months.",
     "Must not be in the current month: reports are for months that are over."}};

}  // namespace

DateProblem check_day(const Date& day, const Date& today, std::string_view field) {
    if (day < kEarliestAskable)
        return {DateRule::date_too_early, field};
    if (day > today)
        return {DateRule::date_in_future, field};
    return {};
}

DateProblem check_period(const std::optional<Date>& from, const std::optional<Date>& to,
                         const Date& today) {
    if (from) {
        if (auto problem = check_day(*from, today, "from"); !problem.ok())
            return problem;
    }
    if (to) {
        if (auto problem = check_day(*to, today, "to"); !problem.ok())
            return problem;
    }
    if (from && to && *to < *from)
        return {DateRule::period_reversed, "to"};
    return {};
}

DateProblem check_report_period(const Date& from, const Date& to, const Date& today,
                                const std::optional<FundLife>& fund) {
    if (auto problem = check_period(from, to, today); !problem.ok())
        return problem;
    if (to > add_months(from, kReportMonthsMax))
        return {DateRule::period_too_long, "to"};
    if (fund) {
        // The period may be as long as the life, counted in days, plus the slack in months.
        const long life_days =
            std::max(0L, days_since_epoch(fund->ends_on) - days_since_epoch(fund->starts_on));
        const Date longest =
            add_months(date_from_days(days_since_epoch(from) + life_days), kFundLifeSlackMonths);
        if (to > longest)
            return {DateRule::longer_than_fund, "to"};
    }
    return {};
}

DateProblem check_whole_months(const Date& from, const Date& to, const Date& today) {
    if (from.day() != std::chrono::day(1))
        return {DateRule::not_first_of_month, "from"};
    if (to != end_of_month(to))
        return {DateRule::not_end_of_month, "to"};
    if (to > end_of_last_whole_month(today))
        return {DateRule::month_not_over, "to"};
    return {};
}

DateProblem check_report_months(const Date& from, const Date& to, const Date& today,
                                const std::optional<FundLife>& fund) {
    if (auto problem = check_report_period(from, to, today, fund); !problem.ok())
        return problem;
    return check_whole_months(from, to, today);
}

std::pair<Date, Date> default_report_period(const std::optional<Date>& from,
                                            const std::optional<Date>& to, const Date& today) {
    const Date end = to.value_or(end_of_last_whole_month(today));
    return {from.value_or(Date(end.year(), std::chrono::January, std::chrono::day(1))), end};
}

bool is_whole_month_rule(DateRule rule) {
    return rule == DateRule::not_first_of_month || rule == DateRule::not_end_of_month ||
           rule == DateRule::month_not_over;
}

Date end_of_month(const Date& day) {
    return Date(
        std::chrono::year_month_day_last(day.year(), std::chrono::month_day_last(day.month())));
}

Date end_of_last_whole_month(const Date& today) {
    return date_from_days(days_since_epoch(Date(today.year(), today.month(), std::chrono::day(1))) -
                          1);
}

long calendar_months(const Date& from, const Date& to) {
    if (to < from)
        return 0;
    const long years = static_cast<int>(to.year()) - static_cast<int>(from.year());
    const long months =
        static_cast<long>(static_cast<unsigned>(to.month())) - static_cast<unsigned>(from.month());
    return years * 12 + months + 1;
}

std::string_view to_string(DateRule rule) {
    return kRuleCodes.name(rule);
}

std::string_view message(DateRule rule) {
    return kRuleMessages.name(rule);
}

}  // namespace riziki::ledger
