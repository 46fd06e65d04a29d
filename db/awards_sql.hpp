#pragma once
/// Internal to db/: awards and the books of a batch, read in one query per kind, shared by
/// the writer (planning commands) and the store (award reads).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/sql.hpp"
#include "ledger/awards.hpp"

namespace riziki::db {

/// The awards with these ids (those that exist).
std::map<std::string, ledger::Award> select_awards(soci::session& sql,
                                                   const std::set<std::string>& ids);

/// Each award's figures from its postings, effective on or before `as_of` when given.
std::map<std::string, ledger::AwardFigures> select_award_figures(
    soci::session& sql, const std::set<std::string>& ids,
    const std::optional<ledger::Date>& as_of = std::nullopt);

/// Each fund's available cash (the sum of its cash accounts), all time.
std::map<std::string, ledger::Amount, std::less<>> select_fund_cash(
    soci::session& sql, const std::set<std::string>& funds);

/// Which of these payment references are in use (used, and not given back by a reversal).
std::set<std::pair<ledger::Channel, std::string>> select_used_references(
    soci::session& sql, const std::set<std::pair<ledger::Channel, std::string>>& references);

/// The event each of these entries was caused by.
std::map<std::int64_t, std::string> select_events(soci::session& sql,
                                                  const std::set<std::int64_t>& seqs);

/// Amount columns are NUMERIC; read as text and converted exactly.
ledger::Amount amount_from_text(const std::string& text);

}  // namespace riziki::db
