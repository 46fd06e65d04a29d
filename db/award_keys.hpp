#pragma once
/// Internal to db/: the list keys kept for each award (migrations 0023 and 0025, in table
/// award_list_keys): the due date of an
/// active loan's oldest unpaid installment and the day of its first disbursement, which
/// GET /v1/awards sorts and filters by and the field dashboard finds follow-ups from. The
/// journal writer sends them for every award a batch touched; migrating fills them once.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "db/prepared.hpp"
#include "ledger/awards.hpp"

namespace riziki::db {

using AwardBooks = std::map<std::string, ledger::Books::AwardBook, std::less<>>;

/// Adds to `writes` the update of each award's status and list keys as its figures imply
/// them (a row is written only where something changed). Nothing when `awards` is empty.
void add_award_key_update(Pipeline& writes, const AwardBooks& awards);

/// An award's list keys as stored.
struct StoredListKeys {
    std::optional<ledger::Date> oldest_unpaid_due_on;
    std::optional<ledger::Date> first_disbursed_on;
};

/// Every award's stored list keys, by id (verify compares them with the postings').
std::map<std::string, StoredListKeys> select_award_list_keys(soci::session& sql);

/// Where `stored` differs from what `figures` imply for `award` (its stored status
/// deciding whether it is an active loan): a sentence for verify, or "" when they agree.
std::string list_keys_mismatch(const ledger::Award& award, const ledger::AwardFigures& figures,
                               const StoredListKeys& stored);

/// Stores every award's list keys from its postings, in the session's transaction (the
/// migration that adds them calls it). Returns how many awards it read.
std::size_t store_award_list_keys(soci::session& sql);

}  // namespace riziki::db
