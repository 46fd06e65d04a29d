#pragma once
/// Rules of the programme records that move no money: awards as they are made, and
/// outcomes. Pure: what the database knows about the survivor and the fund a record names
/// is read first and comes in as arguments (`db::Programme` reads it in the transaction that
/// inserts the record).
///
/// A new award is checked in this order, first failure wins:
///  1. its fields (the API: each field readable; the fund exists, since the amount and loan
///     terms are read in its currency);
///  2. a loan's terms make a schedule (`award_schedule` on no figures; the API answers the
///     schedule's reason);
///  3. `check_award` against the survivor and fund as the store reads them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/awards.hpp"
#include "ledger/date.hpp"
#include "ledger/rejection.hpp"

namespace riziki::ledger {

/// A survivor's record key: a random number in 0..kRecordKeyRange-1 drawn when they enrol,
/// stored with them and never published or returned. The donor report perturbs a count of
/// people by a value its cell key (the sum of its people's record keys, modulo this range)
/// picks from reports/perturbation.hpp (the cell key method, docs/privacy.md).
inline constexpr int kRecordKeyRange = 65536;

/// Whether `key` is a record key (0 <= key < kRecordKeyRange); the database checks the same.
constexpr bool valid_record_key(long long key) {
    return key >= 0 && key < kRecordKeyRange;
}

/// The genders a survivor is enrolled with (the database checks the same list); the donor
/// report lists every one, even when nobody is in it.
inline constexpr std::array<std::string_view, 4> kGenders{"female", "male", "other", "undisclosed"};

/// The first rule a record breaks, and the request field it is about ("" when none).
struct RecordCheck {
    Rejection reason = Rejection::none;
    std::string_view field;
    bool ok() const { return reason == Rejection::none; }
};

/// What the records a new award names say about it.
struct AwardRecords {
    std::optional<Date> enrolled_on;           ///< the survivor's enrolment; nullopt: no survivor
    std::optional<std::string> fund_currency;  ///< nullopt: no such fund
    /// The survivor's consortium registry matches (SPEC §16) that nobody has acknowledged,
    /// counting those this award's request acknowledges as acknowledged.
    std::int64_t unacknowledged_matches = 0;
};

/// A new award against its survivor and fund, first failure wins:
///  1. the survivor exists (survivor_not_found, field "survivor");
///  2. the fund exists (unknown_fund, "fund");
///  3. the award is in the fund's currency (currency_mismatch, "fund");
///  4. it is not approved before the survivor enrolled (before_enrolment, "approved_on");
///  5. every registry match of the survivor is acknowledged: another organisation of the
///     consortium may support them (registry_match_unacknowledged, "registry_acknowledged").
RecordCheck check_award(const Award& award, const AwardRecords& facts);

/// The field check_award names with `reason` (the store hands back only the reason).
std::string_view award_field(Rejection reason);

/// What the records a new outcome names say about it.
struct OutcomeRecords {
    std::optional<Date> enrolled_on;   ///< the survivor's enrolment; nullopt: no survivor
    bool follow_up_consented = false;  ///< the survivor agreed to be followed up (SPEC §8)
};

/// An outcome observed on `observed_on` against the survivor it names, first failure wins:
///  1. the survivor exists (survivor_not_found, field "survivor");
///  2. the survivor consented to follow-up (follow_up_not_consented, "survivor"): without
///     it nothing about their business after enrolment is recorded;
///  3. it is not observed before the survivor enrolled (before_enrolment, "observed_on").
RecordCheck check_outcome(const Date& observed_on, const OutcomeRecords& facts);

/// The field check_outcome names with `reason`.
std::string_view outcome_field(Rejection reason);

}  // namespace riziki::ledger
