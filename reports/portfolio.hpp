#pragma once
/// The portfolio quality report (SPEC §9): portfolio at risk, aging and write-offs of the
/// loan book as of a date, per currency and per cohort. For finance staff and auditors:
/// no survivor-level data, no suppression.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "reports/inputs.hpp"

namespace riziki::reports {

struct AgingBucket {
    std::string days;  ///< "1-30", "31-60", "61-90", "91-180", ">180"
    long loans = 0;
    ledger::Amount outstanding = 0;
};

/// One currency's loan book, or one cohort's part of it.
struct PortfolioGroup {
    std::string currency;
    std::string cohort;  ///< empty for the currency's whole book
    long loans_outstanding = 0;
    ledger::Amount gross = 0;  ///< outstanding principal
    ledger::Amount par1 = 0;   ///< outstanding principal of loans 1+ days late
    ledger::Amount par30 = 0;
    ledger::Amount par90 = 0;
    std::vector<AgingBucket> aging;
    ledger::Amount disbursed = 0;    ///< all time, to as_of
    ledger::Amount written_off = 0;  ///< all time, to as_of
};

struct PortfolioReport {
    ledger::Date as_of;
    std::vector<PortfolioGroup> books;    ///< one per currency
    std::vector<PortfolioGroup> cohorts;  ///< per currency x cohort
};

/// The aging buckets' labels, in order: "1-30", "31-60", "61-90", "91-180", ">180".
const std::vector<std::string>& aging_labels();
/// The index in aging_labels() of a loan `days_late` days late; nullopt when it is not late
/// (fewer than 1 day). The portfolio report and the finance dashboard bucket by this.
std::optional<std::size_t> aging_bucket(long days_late);

PortfolioReport build_portfolio(const PortfolioInput& input);
std::string portfolio_json(const PortfolioReport& report);
/// Tidy CSV: currency,cohort,metric,value.
std::string portfolio_csv(const PortfolioReport& report);

}  // namespace riziki::reports
