#pragma once
/// IATI 2.03 activity file for one fund (SPEC §9): the fund as an activity, its money as
/// monthly aggregated transactions (1 incoming funds, 3 disbursement, 5 interest payment,
/// 6 loan repayment). Nothing about any survivor: only monthly totals of the fund.

#include <string>

#include "reports/inputs.hpp"

namespace riziki::reports {

/// The iati-activities document.
std::string iati_activities_xml(const IatiInput& input);

}  // namespace riziki::reports
