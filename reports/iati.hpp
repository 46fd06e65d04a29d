#pragma once
/// IATI 2.03 activity file for one fund (SPEC §9): the fund as an activity, its money as
/// monthly aggregated transactions (1 incoming funds, 3 disbursement, 5 interest payment,
/// 6 loan repayment). Nothing about any survivor: only monthly totals of the fund.

#include <optional>
#include <string>

#include "reports/donor_report.hpp"

namespace riziki::reports {

struct IatiInput {
    std::string reporting_org_ref;  ///< the NGO's IATI organisation identifier
    std::string reporting_org_name;
    std::string fund;
    std::string fund_name;
    std::string donor;  ///< donor code (its IATI ref when it has one), may be empty
    std::string donor_name;
    std::string currency;
    std::optional<ledger::Date> starts_on;
    std::optional<ledger::Date> ends_on;
    ledger::Date from;
    ledger::Date to;
    std::string generated_at;  ///< RFC 3339 timestamp
    std::vector<FundDaySum> fund_sums;
};

/// The iati-activities document.
std::string iati_activities_xml(const IatiInput& input);

}  // namespace riziki::reports
