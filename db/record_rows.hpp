#pragma once
/// Internal to db/: reading programme records out of result rows, for every file of db/
/// that selects them (Programme's single reads, ListReads' pages).

#include <soci/soci.h>

#include <optional>
#include <string>

#include "db/awards_sql.hpp"
#include "db/program.hpp"
#include "db/sql.hpp"
#include "ledger/awards.hpp"

namespace riziki::db {

/// The columns a fund (`f`) is selected with, in the order fund_from_row reads them.
inline constexpr const char* kFundColumns = R"(f.code, COALESCE(f.donor, ''), f.name,
       f.currency, CASE WHEN f.restricted THEN 1 ELSE 0 END, f.starts_on::text,
       f.ends_on::text, f.committed_minor::text)";

inline std::optional<ledger::Date> date_or_null(const soci::row& row, std::size_t i) {
    if (row.get_indicator(i) == soci::i_null)
        return std::nullopt;
    return ledger::parse_date(row.get<std::string>(i));
}

/// A fund from kFundColumns, starting at column 0.
inline FundRecord fund_from_row(const soci::row& row) {
    FundRecord f;
    f.code = row.get<std::string>(0);
    f.donor = row.get<std::string>(1);
    f.name = row.get<std::string>(2);
    f.currency = row.get<std::string>(3);
    f.restricted = row.get<int>(4) != 0;
    f.starts_on = date_or_null(row, 5);
    f.ends_on = date_or_null(row, 6);
    if (row.get_indicator(7) != soci::i_null)
        f.committed = amount_from_text(row.get<std::string>(7));
    return f;
}

/// The columns a survivor (`s`) is selected with, in the order survivor_from_row reads them.
inline constexpr const char* kSurvivorColumns = R"(s.code, s.cohort, s.gender, s.birth_year,
       s.county, s.enrolled_on::text, CASE WHEN s.consent_donor_reporting THEN 1 ELSE 0 END,
       CASE WHEN s.consent_follow_up THEN 1 ELSE 0 END)";

/// A survivor from kSurvivorColumns, starting at column 0 (recorded_by left empty).
inline SurvivorRecord survivor_from_row(const soci::row& row) {
    SurvivorRecord s;
    s.code = row.get<std::string>(0);
    s.cohort = row.get<std::string>(1);
    s.gender = row.get<std::string>(2);
    s.birth_year = row.get<int>(3);
    s.county = row.get<std::string>(4);
    s.enrolled_on = *ledger::parse_date(row.get<std::string>(5));
    s.consent_donor_reporting = row.get<int>(6) != 0;
    s.consent_follow_up = row.get<int>(7) != 0;
    return s;
}

/// Folds one row of sums (account, counts_as, first effective date, sum) starting at column
/// `first` into the fund's figures, as ledger::add_posting folds a posting.
inline void add_fund_sum(ledger::FundFigures& figures, const soci::row& row, std::size_t first) {
    const auto on = ledger::parse_date(row.get<std::string>(first + 2));
    ledger::add_posting(figures, row.get<std::string>(first),
                        event_from_text(row.get<std::string>(first + 1)),
                        amount_from_text(row.get<std::string>(first + 3)), *on);
}

}  // namespace riziki::db
