#pragma once
/// Reads of the journal and the few writes that are not entries (funds, period closes,
/// tokens). Thread-safe: each call borrows a connection from a fixed-size pool. A lost
/// connection throws DatabaseUnavailable and is re-opened for the next call.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/program.hpp"
#include "ledger/journal.hpp"
#include "reports/inputs.hpp"

namespace riziki::db {

struct JournalHead {
    std::int64_t seq = 0;
    ledger::Hash hash{};
};

struct BalanceRow {
    std::string account;
    std::string fund;
    std::string currency;
    ledger::Amount balance = 0;
};

struct TokenRecord {
    std::int64_t id = 0;
    std::string name;
    std::string role;
    std::vector<std::string> funds;
};

struct PeriodRecord {
    std::string period;  ///< YYYY-MM
    std::string closed_at;
    std::string closed_by;
    std::int64_t closed_after_seq = 0;
};

/// Filters for listing entries; empty strings and absent dates do not filter.
struct EntryFilter {
    std::optional<ledger::Date> from;
    std::optional<ledger::Date> to;
    std::string account;
    std::string fund;
    std::string survivor;
    std::string award;
};

class Store {
  public:
    Store(std::string conninfo, std::size_t pool_size);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    JournalHead head();
    std::optional<ledger::Entry> entry(std::int64_t seq);
    /// Entries with seq > after_seq, ascending, at most `limit`.
    std::vector<ledger::Entry> entries_after(std::int64_t after_seq, std::size_t limit);
    /// Balance of one account in one fund as of the end of `as_of` (all time if absent).
    ledger::Amount balance(const std::string& account, const std::string& fund,
                           const std::optional<ledger::Date>& as_of);
    /// Every non-empty account x fund x currency balance as of the end of `as_of`, for one
    /// fund when `fund` is not empty.
    std::vector<BalanceRow> balances(const std::optional<ledger::Date>& as_of,
                                     const std::string& fund = "");
    /// Entries matching `filter` with seq > after_seq, ascending, at most `limit`.
    std::vector<ledger::Entry> find_entries(const EntryFilter& filter, std::int64_t after_seq,
                                            std::size_t limit);
    ledger::LedgerContext context();
    /// The fund's currency, or nullopt if there is no such fund. Cached: a fund's
    /// currency never changes and funds are never deleted (the database enforces both).
    std::optional<std::string> fund_currency(const std::string& fund);
    std::vector<ledger::Account> accounts();
    std::vector<PeriodRecord> periods();

    /// Stores a token's hash; returns its id.
    std::int64_t create_token(const std::string& name, const std::string& role,
                              const std::vector<std::string>& funds,
                              const ledger::Hash& token_sha256);
    std::optional<TokenRecord> find_token(const ledger::Hash& token_sha256);

    /// Creates a fund (a donor agreement in one currency). False if the code exists.
    bool create_fund(const std::string& code, const std::string& currency, const std::string& name);
    /// Closes a month to new entries; period_already_closed if it was.
    [[nodiscard]] ledger::Rejection close_period(const ledger::Period& period,
                                                 const std::string& actor);

    // Program records (db/program_store.cpp). Each create answers none, or the rule the
    // database found broken (already_exists, donor_not_found, ...).
    [[nodiscard]] ledger::Rejection create_donor(const DonorRecord& donor);
    [[nodiscard]] ledger::Rejection create_fund(const FundRecord& fund);
    std::optional<FundRecord> fund(const std::string& code);
    /// The fund's figures from its postings, effective on or before `as_of` when given.
    ledger::FundFigures fund_figures(const std::string& code,
                                     const std::optional<ledger::Date>& as_of);
    [[nodiscard]] ledger::Rejection create_cohort(const CohortRecord& cohort);
    /// Enrols a survivor with their sealed PII and blind indexes, in one transaction:
    /// cohort_not_found, survivor_already_enrolled (a blind index matched), already_exists
    /// (the code was taken: pick another).
    [[nodiscard]] ledger::Rejection enrol_survivor(const SurvivorRecord& survivor,
                                                   const SealedPii& pii,
                                                   const std::vector<BlindIndex>& indexes);
    std::optional<SurvivorRecord> survivor(const std::string& code);
    std::optional<SealedPii> survivor_pii(const std::string& code);
    /// The ids of the keys the vault's rows are sealed under.
    std::vector<std::string> vault_key_ids();
    /// survivor_not_found, unknown_fund, currency_mismatch, before_enrolment, already_exists.
    [[nodiscard]] ledger::Rejection create_award(const AwardRecord& award);
    std::optional<AwardRecord> award(const std::string& id);
    /// The award's fund and currency (fixed once it is approved; cached after the first
    /// read), or nullopt when there is no such award.
    std::optional<AwardPlace> award_place(const std::string& id);
    ledger::AwardFigures award_figures(const std::string& id,
                                       const std::optional<ledger::Date>& as_of);
    /// survivor_not_found, before_enrolment; sets the record's id.
    [[nodiscard]] ledger::Rejection record_outcome(OutcomeRecord& outcome);

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

    /// Appends to the audit log (hash-chained by the database).
    void audit(const AuditEvent& event);
    /// Audit lines matching `filter` with seq > after_seq, ascending, at most `limit`.
    std::vector<AuditRecord> audit_log(const AuditFilter& filter, std::int64_t after_seq,
                                       std::size_t limit);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace riziki::db
