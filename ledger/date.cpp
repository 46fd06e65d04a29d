#include "ledger/date.hpp"

#include <algorithm>
#include <cstdio>

namespace riziki::ledger {

namespace {

std::optional<int> parse_fixed_digits(std::string_view text) {
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    const auto year = parse_fixed_digits(text.substr(0, 4));
    const auto month = parse_fixed_digits(text.substr(5, 2));
    const auto day = parse_fixed_digits(text.substr(8, 2));
    if (!year || !month || !day || *year < 1900)
        return std::nullopt;
    const Date date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                    std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok())
        return std::nullopt;
    return date;
}

std::string format_date(const Date& date) {
    const int year = static_cast<int>(date.year());
    if (year >= 0 && year <= 9999 && date.ok()) {  // the usual case, without printf
        const auto month = static_cast<unsigned>(date.month());
        const auto day = static_cast<unsigned>(date.day());
        std::string out = "0000-00-00";
        out[0] = static_cast<char>('0' + year / 1000);
        out[1] = static_cast<char>('0' + year / 100 % 10);
        out[2] = static_cast<char>('0' + year / 10 % 10);
        out[3] = static_cast<char>('0' + year % 10);
        out[5] = static_cast<char>('0' + month / 10);
        out[6] = static_cast<char>('0' + month % 10);
        out[8] = static_cast<char>('0' + day / 10);
        out[9] = static_cast<char>('0' + day % 10);
        return out;
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return buffer;
}

Period period_of(const Date& date) {
    return {static_cast<int>(date.year()), static_cast<unsigned>(date.month())};
}

std::optional<Period> parse_period(std::string_view text) {
    if (text.size() != 7 || text[4] != '-')
        return std::nullopt;
    const auto year = parse_fixed_digits(text.substr(0, 4));
    const auto month = parse_fixed_digits(text.substr(5, 2));
    if (!year || !month || *year < 1900 || *month < 1 || *month > 12)
        return std::nullopt;
    return Period{*year, static_cast<unsigned>(*month)};
}

std::string format_period(const Period& period) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u", period.year, period.month);
    return buffer;
}

Date add_months(const Date& date, int months) {
    using namespace std::chrono;
    const year_month target = year_month(date.year(), date.month()) + std::chrono::months(months);
    const day last = year_month_day_last(target.year(), month_day_last(target.month())).day();
    return Date(target.year(), target.month(), std::min(date.day(), last));
}

std::string format_timestamp_us(std::int64_t us) {
    const auto seconds = std::chrono::sys_seconds(std::chrono::seconds(us / 1000000));
    const auto day = std::chrono::floor<std::chrono::days>(seconds);
    const std::chrono::hh_mm_ss time(seconds - day);
    char text[48];
    std::snprintf(text, sizeof text, "%sT%02d:%02d:%02d.%06dZ", format_date(Date(day)).c_str(),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), static_cast<int>(us % 1000000));
    return text;
}

}  // namespace riziki::ledger
