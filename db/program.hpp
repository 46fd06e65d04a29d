#pragma once
/// Program records beside the journal: donors, funds' agreements, cohorts, survivors (with
/// their sealed PII, which db/ stores but cannot open), awards and outcomes.

#include <optional>
#include <string>
#include <vector>

#include "ledger/awards.hpp"

namespace riziki::db {

struct DonorRecord {
    std::string code;
    std::string name;
};

struct FundRecord {
    std::string code;
    std::string donor;  ///< empty for funds made without one
    std::string name;
    std::string currency;
    bool restricted = true;
    std::optional<ledger::Date> starts_on;
    std::optional<ledger::Date> ends_on;
    std::optional<ledger::Amount> committed;
};

struct CohortRecord {
    std::string code;
    std::string name;
    std::string county;
    ledger::Date starts_on;
};

struct SurvivorRecord {
    std::string code;
    std::string cohort;
    std::string gender;
    int birth_year = 0;
    std::string county;
    ledger::Date enrolled_on;
    bool consent_donor_reporting = false;
    bool consent_follow_up = false;
    std::string recorded_by;
    /// Drawn at random when enrolling (api::random_record_key); written, never read back
    /// into a record. -1 (not drawn) is refused by an assertion.
    int record_key = -1;
};

/// PII as the vault sealed it: db/ never sees the key.
struct SealedPii {
    std::string key_id;      ///< 16 hex digits naming the key
    std::string nonce;       ///< 24 raw bytes
    std::string ciphertext;  ///< raw bytes (with the 16-byte tag)
};

/// A keyed digest of a normalised identifier ("national_id" or "phone").
struct BlindIndex {
    std::string kind;
    std::string digest;  ///< 32 raw bytes
    std::string key_id;
};

struct AwardRecord {
    ledger::Award award;
    std::string purpose;
    std::string business_sector;
    std::string recorded_by;
};

/// The consortium registry matches (SPEC §16) that the request making an award acknowledges:
/// kept in the award's own transaction, each not acknowledged before with an audit line
/// (`registry.acknowledge`, detail "award=… match=…") by the award's recorder.
struct MatchAcknowledgement {
    std::vector<std::string> matches;  ///< RM- ids
    std::string request_id;
};

/// Where an award's money sits: its fund and that fund's currency.
struct AwardPlace {
    std::string fund;
    std::string currency;
};

struct OutcomeRecord {
    std::int64_t id = 0;
    std::string survivor;
    ledger::Date observed_on;
    std::string business_status;
    std::string currency;
    ledger::Amount monthly_revenue = 0;
    ledger::Amount monthly_profit = 0;
    ledger::Amount household_income = 0;
    ledger::Amount savings = 0;
    int jobs = 0;
    std::string recorded_by;
};

/// One line of the audit log: who did what to which subject, under which request.
struct AuditEvent {
    std::string actor;
    std::string request_id;
    std::string action;   ///< e.g. "survivor.pii_read", "token.create", "auth.failed"
    std::string subject;  ///< e.g. a survivor code or award id; never PII
    std::string detail;   ///< free text; never PII or tokens
};

struct AuditRecord {
    std::int64_t seq = 0;
    std::int64_t at_us = 0;  ///< microseconds since the Unix epoch, UTC
    AuditEvent event;
    std::string prev_hash;  ///< hex
    std::string hash;       ///< hex
};

struct AuditFilter {
    std::optional<ledger::Date> from;
    std::optional<ledger::Date> to;
    std::string actor;
    std::string action;
};

}  // namespace riziki::db
