#pragma once
/// Re-derives the journal's invariants from the postings alone (SPEC §10): an auditor's
/// check that does not trust any stored total.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/read_limits.hpp"

namespace riziki::db {

struct CheckResult {
    std::string name;
    bool ok = true;
    std::int64_t examined = 0;                ///< how many rows or entries the check looked at
    std::optional<std::int64_t> first_entry;  ///< first offending entry's seq, when there is one
    std::string detail;
};

struct VerifyReport {
    bool ok = true;
    std::int64_t entries_checked = 0;
    std::string head_hash;
    std::vector<CheckResult> checks;
};

/// Streams every entry in sequence order and checks: the sequence has no gaps; each
/// entry's prev_hash and hash are right; the head matches the last entry; each entry
/// balances per currency and per fund; every posting carries its entry's day and the event
/// it counts under; every stored daily balance equals the running
/// sum of its postings, and no balance exists without postings; no entry dated in a closed
/// month was added after the month closed; every posting to loans receivable (1100) names
/// a loan award of its fund (the sub-ledger by award adds up to 1100); no award is
/// disbursed beyond its approved amount; each award's stored status is the one its
/// postings imply.
/// Each statement, on every connection it reads with, within `limits`. Throws
/// DatabaseUnavailable when the database cannot be reached and QueryTimeout when a statement
/// ran past the limits.
VerifyReport verify_journal(const std::string& conninfo, const ReadLimits& limits = {});

}  // namespace riziki::db
