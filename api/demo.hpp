#pragma once
/// `riziki demo`: a realistic programme, the same for the same seed — 3 donors, 4 funds
/// (KES and USD), 300 survivors in 6 cohorts across Kenyan counties, grants (some in two
/// tranches, some in kind) and loans (0 %, flat, declining balance) paid by M-Pesa with
/// fees, repayments (some late, a few loans written off and partly recovered), outcome
/// follow-ups 3, 6 and 12 months after the first payment, and closed months.

#include <string>
#include <utility>
#include <vector>

#include "ledger/date.hpp"

namespace riziki::db {
class Credentials;
class Pool;
class JournalWriter;
}  // namespace riziki::db

namespace riziki::api {

class PiiVault;

struct DemoSummary {
    int entries = 0;    ///< journal entries written
    int refused = 0;    ///< money events the books refused (0 for a healthy seed)
    int survivors = 0;  ///< survivors enrolled
};

/// The day the demo's history runs up to, fixed so that the same seed gives the same books.
inline const ledger::Date kDemoToday{std::chrono::year(2026), std::chrono::month(11),
                                     std::chrono::day(20)};

/// Seeds the demo programme if the database holds none yet (same seed, same books). Six
/// cohorts of `survivors_per_cohort` (the benchmark seeds 100,000 survivors this way).
DemoSummary seed_demo(db::Pool& pool, db::JournalWriter& writer, const PiiVault& vault,
                      unsigned seed, const ledger::Date& today = kDemoToday,
                      int survivors_per_cohort = 50);

/// The funds the demo's donor token and user see: the demo's first fund.
std::vector<std::string> demo_donor_funds();

/// Creates one new token per role (the donor's scoped to the demo's first fund), keyed
/// under the vault's current key; `credentials` on the schema owner's pool. Returns
/// (role, token) pairs to print.
std::vector<std::pair<std::string, std::string>> demo_tokens(db::Credentials& credentials,
                                                             const PiiVault& vault);

}  // namespace riziki::api
