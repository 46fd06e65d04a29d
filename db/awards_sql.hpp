#pragma once
/// Internal to db/: awards and the books of a batch, read in one query per kind, shared by
/// the writer (planning commands) and db::Programme (award reads).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/prepared.hpp"
#include "db/sql.hpp"
#include "ledger/awards.hpp"

namespace riziki::db {

/// Award rows fetched a block at a time into one vector per column (SOCI's bulk into): the
/// generic row API cost more than the rest of a report's award read.
class AwardColumns {
  public:
    /// What bind() expects the statement to select first, in order, from `awards a`.
    static const char* const kSelect;
    explicit AwardColumns(std::size_t rows);
    /// Binds the columns to `st` (before any other into() of it).
    void bind(soci::statement& st);
    /// Rows fetched by the last fetch().
    std::size_t size() const { return id_.size(); }
    /// Row `i` of the last fetch (its strings are moved out).
    ledger::Award take(std::size_t i);
    /// Makes room for the next fetch (a fetch shrinks the vectors to the rows it got).
    void reset();
    /// Holds `rows` (selected by kSelect, read as text) instead of a fetch.
    void fill(const TextRows& rows);

  private:
    std::optional<ledger::LoanTerms> terms(std::size_t i) const;
    const ledger::Decimal& rate(const std::string& text) const;

    std::size_t rows_;
    std::vector<std::string> id_, survivor_, fund_, currency_, kind_, approved_, status_, rate_,
        period_, method_, amortization_, unit_, installment_multiple_, currency_multiple_;
    std::vector<int> approved_on_, installments_, every_, first_due_on_, grace_principal_,
        grace_interest_;
    std::vector<soci::indicator> rate_null_, period_null_, method_null_, amortization_null_,
        unit_null_, installments_null_, every_null_, first_due_null_, grace_principal_null_,
        grace_interest_null_, installment_multiple_null_, currency_multiple_null_;
    /// Loans share a handful of rates; parsing one into a decimal costs more than its loan.
    mutable std::map<std::string, ledger::Decimal, std::less<>> rates_;
};

/// The awards with these ids (those that exist).
std::map<std::string, ledger::Award> select_awards(soci::session& sql,
                                                   const std::set<std::string>& ids);
/// select_awards() in two halves, for a caller that pipelines the query.
bool add_awards(Pipeline& pipeline, const std::set<std::string>& ids);
std::map<std::string, ledger::Award> awards_from(const TextRows& rows);
/// Every award (verify's sub-ledger check).
std::map<std::string, ledger::Award> select_all_awards(soci::session& sql);

/// Each award's postings summed per day, account and event (every award named, even one
/// with no postings).
std::map<std::string, ledger::PostingSums> select_award_sums(
    soci::session& sql, const std::set<std::string>& ids,
    const std::optional<ledger::Date>& as_of = std::nullopt);

/// select_award_sums() (all time) in two halves, for a caller that pipelines the query.
bool add_award_sums(Pipeline& pipeline, const std::set<std::string>& ids);
std::map<std::string, ledger::PostingSums> award_sums_from(const TextRows& rows,
                                                           const std::set<std::string>& ids);

/// Each award's figures from its postings (ledger::figures_of its sums), effective on or
/// before `as_of` when given.
std::map<std::string, ledger::AwardFigures> select_award_figures(
    soci::session& sql, const std::set<std::string>& ids,
    const std::optional<ledger::Date>& as_of = std::nullopt);

/// A fund's figures from its postings, effective on or before `as_of` when given (GET
/// /v1/funds/{code} and the donor dashboard).
ledger::FundFigures select_fund_figures(soci::session& sql, const std::string& fund,
                                        const std::optional<ledger::Date>& as_of);

/// Each fund's available cash (the sum of its cash accounts), all time.
std::map<std::string, ledger::Amount, std::less<>> select_fund_cash(
    soci::session& sql, const std::set<std::string>& funds);

/// Which of these payment references are in use (used, and not given back by a reversal),
/// in two halves for a caller that sends the query in a pipeline: adds it (nothing when
/// `references` is empty; returns whether it did), then reads its answer.
bool add_used_references(Pipeline& pipeline,
                         const std::set<std::pair<ledger::Channel, std::string>>& references);
std::set<std::pair<ledger::Channel, std::string>> used_references(const TextRows& rows);

/// The event each of these entries was caused by.
std::map<std::int64_t, ledger::Event> select_events(soci::session& sql,
                                                    const std::set<std::int64_t>& seqs);

/// Amount columns are NUMERIC; read as text and converted exactly.
ledger::Amount amount_from_text(const std::string& text);

}  // namespace riziki::db
