#pragma once
/// Programme records that move no money (db/program.hpp: donors, funds, cohorts, survivors
/// with their sealed PII, awards, outcomes) and the audit log, on a borrowed db::Pool.
/// Each create answers none, or the rule the database found broken (already_exists,
/// donor_not_found, ...); given an IdempotentCreate, also idempotency_key_reused, or none
/// with `replayed` set.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/journal_writer.hpp"
#include "db/pool.hpp"
#include "db/program.hpp"

namespace riziki::db {

/// The Idempotency-Key of a POST that creates a record (SPEC §7: a retry with the same key
/// and request gets the first answer, another request under the key is refused). A create
/// given one claims the key in the record's own transaction, so neither is ever written
/// without the other, and requests under one key are serialised: the first makes the
/// record, the others find the key. Keys are the journal writer's (`idempotency_keys`,
/// per actor), so a key is spent whichever POST spent it first.
struct IdempotentCreate {
    IdempotencyClaim claim;
    /// The answer kept with the key, rendered once the record is made (its code or id known).
    std::function<StoredResponse()> render;
    /// Set by the create when the same request made the record before: the answer kept
    /// then, to send as it is. Nothing was written.
    std::optional<StoredResponse> replayed = std::nullopt;
};

/// The erasure of a survivor's identity (docs/privacy.md): which pseudonym, why (a reason
/// code, never free text), who erased it and when. Nothing here says who the survivor was.
struct PiiErasure {
    std::string survivor;
    std::string reason;
    std::string erased_by;
    std::int64_t erased_at_us = 0;  ///< set by the store, microseconds since the epoch (UTC)
};

class Programme {
  public:
    explicit Programme(Pool& pool) : pool_(&pool) {}

    [[nodiscard]] ledger::Rejection create_donor(const DonorRecord& donor,
                                                 IdempotentCreate* once = nullptr);
    /// A fund (a donor agreement in one currency): donor_not_found, already_exists.
    [[nodiscard]] ledger::Rejection create_fund(const FundRecord& fund,
                                                IdempotentCreate* once = nullptr);
    std::optional<FundRecord> fund(const std::string& code);
    /// The fund's figures from its postings effective on or before `as_of`; without a date,
    /// from the sums the database keeps of all its postings (fund_sums, migration 0022),
    /// which are the same figures without reading a posting.
    ledger::FundFigures fund_figures(const std::string& code,
                                     const std::optional<ledger::Date>& as_of);
    [[nodiscard]] ledger::Rejection create_cohort(const CohortRecord& cohort,
                                                  IdempotentCreate* once = nullptr);
    /// Enrols a survivor with their sealed PII and blind indexes, in one transaction:
    /// cohort_not_found, survivor_already_enrolled (a blind index matched), already_exists
    /// (the code was taken: pick another).
    [[nodiscard]] ledger::Rejection enrol_survivor(const SurvivorRecord& survivor,
                                                   const SealedPii& pii,
                                                   const std::vector<BlindIndex>& indexes,
                                                   IdempotentCreate* once = nullptr);
    std::optional<SurvivorRecord> survivor(const std::string& code);
    std::optional<SealedPii> survivor_pii(const std::string& code);
    /// The sealed PII of each of `codes` that has a vault row, in one statement (a batch the
    /// consortium registry encodes).
    std::map<std::string, SealedPii> survivor_pii(const std::vector<std::string>& codes);
    /// The ids of the keys the vault's rows are sealed under.
    std::vector<std::string> vault_key_ids();
    /// Makes the award with the acknowledgements of its request, in one transaction:
    /// survivor_not_found, unknown_fund, currency_mismatch, before_enrolment,
    /// registry_match_unacknowledged (ledger::check_award, and the database's trigger when a
    /// match arrived meanwhile), already_exists.
    [[nodiscard]] ledger::Rejection create_award(const AwardRecord& award,
                                                 IdempotentCreate* once = nullptr,
                                                 const MatchAcknowledgement& acknowledged = {});
    std::optional<AwardRecord> award(const std::string& id);
    /// The award's fund and currency (fixed once it is approved; cached in the pool after
    /// the first read), or nullopt when there is no such award.
    std::optional<AwardPlace> award_place(const std::string& id);
    ledger::AwardFigures award_figures(const std::string& id,
                                       const std::optional<ledger::Date>& as_of);
    /// survivor_not_found, follow_up_not_consented, before_enrolment (ledger::check_outcome);
    /// sets the record's id.
    [[nodiscard]] ledger::Rejection record_outcome(OutcomeRecord& outcome,
                                                   IdempotentCreate* once = nullptr);
    /// Erases the survivor's identity through the database's erase_survivor_pii(), in one
    /// transaction: the vault row and blind indexes are deleted, the erasure and its audit
    /// line (`survivor.erase`, under `request_id`) written, the enrolment's Idempotency-Key
    /// fingerprint zeroed. Sets erasure.erased_at_us. survivor_not_found, or pii_erased
    /// (erased before: nothing changes).
    [[nodiscard]] ledger::Rejection erase_survivor_pii(PiiErasure& erasure,
                                                       const std::string& request_id,
                                                       IdempotentCreate* once = nullptr);
    /// The survivor's erasure, or nullopt when their identity was not erased.
    std::optional<PiiErasure> pii_erasure(const std::string& survivor);

    /// Appends to the audit log (hash-chained by the database).
    void audit(const AuditEvent& event);
    /// Audit lines matching `filter` with seq > after_seq, ascending, at most `limit`.
    std::vector<AuditRecord> audit_log(const AuditFilter& filter, std::int64_t after_seq,
                                       std::size_t limit);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
