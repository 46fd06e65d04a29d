#pragma once
/// What the reports read (reports/inputs.hpp), each report's reads in one snapshot, on a
/// borrowed db::Pool, each statement within the ReadLimits given (none by default).

#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/read_limits.hpp"
#include "reports/inputs.hpp"

namespace riziki::db {

class ReportReads {
  public:
    /// A statement that runs past `limits` throws QueryTimeout (db/errors.hpp).
    explicit ReportReads(Pool& pool, ReadLimits limits = {}) : pool_(&pool), limits_(limits) {}

    /// Everything the donor report of `fund` for from..to needs, read in one snapshot;
    /// nullopt when there is no such fund.
    std::optional<reports::DonorReportInput> donor_report_input(const std::string& fund,
                                                                const ledger::Date& from,
                                                                const ledger::Date& to);
    /// The fund's postings summed per day, account and event, up to `to`.
    std::vector<reports::FundDaySum> fund_day_sums(const std::string& fund, const ledger::Date& to);
    /// The donor's name, or "" when there is no such donor.
    std::string donor_name(const std::string& code);
    /// Every loan award with its postings up to `as_of`, in one snapshot.
    reports::PortfolioInput portfolio_input(const ledger::Date& as_of);

  private:
    Pool* pool_;
    ReadLimits limits_;
};

}  // namespace riziki::db
