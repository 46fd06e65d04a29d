#pragma once
/// The read side's lists (SPEC §13): donors, funds with their figures, cohorts, survivors
/// (never PII), a fund's receipts, outcomes, and survivors found by blind index. Every list
/// is one page in keyset order: the rows after the `after` key (empty: from the start), at
/// most `limit`. Scope (a donor's funds) is applied here, in the query, so no filter can
/// reach a row outside it. Migration 0022 gives each order its index.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/program.hpp"
#include "ledger/awards.hpp"

namespace riziki::db {

/// The funds a caller may see: every fund, or only these (a donor's).
struct FundScope {
    bool all = true;
    std::vector<std::string> funds;
};

struct FundRow {
    FundRecord fund;
    ledger::FundFigures figures;  ///< from the stored sums (fund_sums), all dates
};

struct SurvivorFilter {
    std::string cohort;  ///< "" for any, likewise below
    std::string county;
    std::string gender;
    std::optional<ledger::Date> enrolled_from;
    std::optional<ledger::Date> enrolled_to;
    std::string code_prefix;  ///< upper case, of the survivor code alphabet
};

/// A receipt into a fund: its entry, as the receipt route recorded it.
struct ReceiptRow {
    std::int64_t seq = 0;
    ledger::Date received_on;
    ledger::Amount amount = 0;
    std::string currency;
    std::string cash_account;  ///< the account the money went to (1010, 1020, 1030)
    std::string reference;     ///< "" when none was given
    bool reversed = false;
};

struct OutcomeFilter {
    std::string survivor;  ///< "" for any
    std::optional<ledger::Date> from;
    std::optional<ledger::Date> to;
};

/// Where an outcome page continues: after this (observed_on, id), newest first.
struct OutcomeKey {
    ledger::Date observed_on;
    std::int64_t id = 0;
};

class ListReads {
  public:
    explicit ListReads(Pool& pool) : pool_(&pool) {}

    /// Donors in code order; in a scope, only the donors of its funds.
    std::vector<DonorRecord> donors(const FundScope& scope, const std::string& after,
                                    std::size_t limit);
    /// Funds in code order with their figures, in two queries whatever the page's size.
    std::vector<FundRow> funds(const FundScope& scope, const std::string& after, std::size_t limit);
    std::vector<CohortRecord> cohorts(const std::string& after, std::size_t limit);
    /// Survivors in code order (recorded_by left empty).
    std::vector<SurvivorRecord> survivors(const SurvivorFilter& filter, const std::string& after,
                                          std::size_t limit);
    /// The fund's receipts, newest (highest seq) first, below `before_seq` when given.
    std::vector<ReceiptRow> receipts(const std::string& fund,
                                     std::optional<std::int64_t> before_seq, std::size_t limit);
    /// Outcomes newest first (recorded_by left empty).
    std::vector<OutcomeRecord> outcomes(const OutcomeFilter& filter,
                                        const std::optional<OutcomeKey>& after, std::size_t limit);
    /// The survivors any of `indexes` (kind and digest) names, in code order, distinct.
    std::vector<std::string> survivors_by_index(const std::vector<BlindIndex>& indexes);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
