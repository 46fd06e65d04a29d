#pragma once
/// Internal to db/: loading entries with their postings in bulk.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ledger/journal.hpp"

namespace riziki::db {

/// What an entry's stored postings repeat of it (migration 0007), for verify to check.
struct CarriedFacts {
    bool days_match = true;  ///< every posting carries its entry's day
    /// The event all its postings carry; empty if they differ or it is no known event.
    std::optional<ledger::Event> counts_as;
};

/// Entries with from_seq < seq <= to_seq, ascending, postings in line order. Fetches in
/// bulk: one binary COPY per table. With `carried`, also reads what each entry's postings
/// carry of it, one element per entry returned.
std::vector<ledger::Entry> load_entries(soci::session& sql, std::int64_t from_seq,
                                        std::int64_t to_seq,
                                        std::vector<CarriedFacts>* carried = nullptr);

/// The entries with these seqs (ascending), skipping any that do not exist.
std::vector<ledger::Entry> load_entries(soci::session& sql, const std::vector<std::int64_t>& seqs);

}  // namespace riziki::db
