#pragma once
/// Internal to db/: verify's check of the per-fund sums the database keeps (table
/// fund_sums, migration 0022), which GET /v1/funds, the funds list and the finance
/// dashboard read instead of the postings. Re-derived from the entries verify walks.

#include <soci/soci.h>

#include <optional>
#include <string>
#include <unordered_map>

#include "db/verify.hpp"
#include "ledger/chart.hpp"
#include "ledger/journal.hpp"

namespace riziki::db {

class FundSumsCheck {
  public:
    /// Adds `entry`'s postings under the event they count under (`counts_as`).
    void add(const ledger::Entry& entry, std::optional<ledger::Event> counts_as);
    /// Compares every stored row with the derived sum and first day, then that every
    /// derived sum has its row; records the first difference in `check`.
    void check(soci::session& sql, CheckResult& check);

  private:
    struct Sum {
        ledger::Amount amount = 0;
        long first_day = 0;
        bool stored = false;
    };
    std::string key_;  ///< scratch: fund NUL account NUL event
    std::unordered_map<std::string, Sum> sums_;
};

}  // namespace riziki::db
