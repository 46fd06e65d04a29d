#pragma once
/// Internal to db/: loading entries with their postings in bulk.

#include <soci/soci.h>

#include <cstdint>
#include <vector>

#include "ledger/journal.hpp"

namespace riziki::db {

/// Entries with from_seq < seq <= to_seq, ascending, postings in line order. Fetches in
/// bulk: one binary COPY per table.
std::vector<ledger::Entry> load_entries(soci::session& sql, std::int64_t from_seq,
                                        std::int64_t to_seq);

/// The entries with these seqs (ascending), skipping any that do not exist.
std::vector<ledger::Entry> load_entries(soci::session& sql, const std::vector<std::int64_t>& seqs);

}  // namespace riziki::db
