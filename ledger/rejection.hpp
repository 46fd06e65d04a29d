#pragma once
/// Rules a user can break. Each reason is a return value, never an exception; its number
/// is never reused, and its name is the stable problem `code` the API answers with.

#include <cstdint>
#include <optional>
#include <string_view>

namespace riziki::ledger {

enum class Rejection : std::uint16_t {
    none = 0,
    // Entries (checked in this order by validate_entry).
    postings_too_few = 1,
    postings_too_many = 2,
    memo_too_long = 3,
    invalid_event = 4,
    invalid_reference = 5,  // account, fund, survivor or award code empty/too long
    zero_posting = 6,
    invalid_amount = 7,  // a posting amount beyond amount_limit()
    unknown_account = 8,
    unknown_fund = 9,
    currency_mismatch = 10,
    period_closed = 11,
    unbalanced_entry = 12,  // does not sum to zero per currency
    unbalanced_fund = 13,   // does not sum to zero per fund
    invalid_text = 14,      // memo or a code holds a NUL byte or is not UTF-8
    // Reversals.
    entry_not_found = 20,
    already_reversed = 21,
    reversal_before_original = 22,
    // Periods.
    period_already_closed = 30,
    // Idempotency.
    idempotency_key_reused = 40,
    // Awards and money events (ledger/awards.hpp).
    award_not_found = 50,
    award_not_active = 51,
    exceeds_award = 52,
    insufficient_fund_balance = 53,
    duplicate_reference = 54,
    nothing_outstanding = 55,
    not_a_loan = 56,
    invalid_loan_terms = 57,  // the terms cannot make a schedule for this disbursement
    invalid_channel = 58,     // e.g. a receipt or repayment "in kind"
    dated_before_award = 59,  // paid before approval, repaid or closed before disbursement
    // Program records (donors, funds, cohorts, survivors, outcomes).
    survivor_already_enrolled = 60,
    survivor_not_found = 61,
    cohort_not_found = 62,
    donor_not_found = 63,
    already_exists = 64,
    before_enrolment = 65,         // an award or outcome dated before the survivor enrolled
    follow_up_not_consented = 66,  // an outcome of a survivor who did not agree to follow-up
    // an award for a survivor with a consortium registry match nobody acknowledged (SPEC §16)
    registry_match_unacknowledged = 67,
    // Privacy (docs/privacy.md).
    pii_erased = 70,  // the survivor's identity was erased: nothing to read or erase again
};

/// What a rejection is about: the entry or command as a whole, or one of its postings
/// (then `EntryCheck::posting` says which, and the API names the field `postings[i]`).
enum class Scope : std::uint8_t { entry, posting };

/// A reason with its stable problem `code` and the HTTP status the API answers it with.
struct RejectionInfo {
    Rejection reason;
    std::string_view code;
    int http_status;
    Scope scope;
};

/// Every reason, once. The API's status, the problem code and the field a rejection names
/// all come from here.
inline constexpr RejectionInfo kRejections[] = {
    {Rejection::none, "none", 422, Scope::entry},
    {Rejection::postings_too_few, "postings_too_few", 422, Scope::entry},
    {Rejection::postings_too_many, "postings_too_many", 422, Scope::entry},
    {Rejection::memo_too_long, "memo_too_long", 422, Scope::entry},
    {Rejection::invalid_event, "invalid_event", 422, Scope::entry},
    {Rejection::invalid_reference, "invalid_reference", 422, Scope::posting},
    {Rejection::zero_posting, "zero_posting", 422, Scope::posting},
    {Rejection::invalid_amount, "invalid_amount", 422, Scope::posting},
    {Rejection::unknown_account, "unknown_account", 422, Scope::posting},
    {Rejection::unknown_fund, "unknown_fund", 422, Scope::posting},
    {Rejection::currency_mismatch, "currency_mismatch", 422, Scope::posting},
    {Rejection::period_closed, "period_closed", 409, Scope::entry},
    {Rejection::unbalanced_entry, "unbalanced_entry", 422, Scope::entry},
    {Rejection::unbalanced_fund, "unbalanced_fund", 422, Scope::entry},
    {Rejection::invalid_text, "invalid_text", 422, Scope::posting},
    {Rejection::entry_not_found, "entry_not_found", 404, Scope::entry},
    {Rejection::already_reversed, "already_reversed", 409, Scope::entry},
    {Rejection::reversal_before_original, "reversal_before_original", 422, Scope::entry},
    {Rejection::period_already_closed, "period_already_closed", 409, Scope::entry},
    {Rejection::idempotency_key_reused, "idempotency_key_reused", 409, Scope::entry},
    {Rejection::award_not_found, "award_not_found", 404, Scope::entry},
    {Rejection::award_not_active, "award_not_active", 409, Scope::entry},
    {Rejection::exceeds_award, "exceeds_award", 422, Scope::entry},
    {Rejection::insufficient_fund_balance, "insufficient_fund_balance", 422, Scope::entry},
    {Rejection::duplicate_reference, "duplicate_reference", 409, Scope::entry},
    {Rejection::nothing_outstanding, "nothing_outstanding", 409, Scope::entry},
    {Rejection::not_a_loan, "not_a_loan", 422, Scope::entry},
    {Rejection::invalid_loan_terms, "invalid_loan_terms", 422, Scope::entry},
    {Rejection::invalid_channel, "invalid_channel", 422, Scope::entry},
    {Rejection::dated_before_award, "dated_before_award", 422, Scope::entry},
    {Rejection::survivor_already_enrolled, "survivor_already_enrolled", 409, Scope::entry},
    {Rejection::survivor_not_found, "survivor_not_found", 404, Scope::entry},
    {Rejection::cohort_not_found, "cohort_not_found", 404, Scope::entry},
    {Rejection::donor_not_found, "donor_not_found", 404, Scope::entry},
    {Rejection::already_exists, "already_exists", 409, Scope::entry},
    {Rejection::before_enrolment, "before_enrolment", 422, Scope::entry},
    {Rejection::follow_up_not_consented, "follow_up_not_consented", 422, Scope::entry},
    {Rejection::registry_match_unacknowledged, "registry_match_unacknowledged", 409, Scope::entry},
    {Rejection::pii_erased, "pii_erased", 410, Scope::entry},
};

/// The table's row for `reason` (every reason has one: a test walks the enum).
const RejectionInfo& info(Rejection reason);

std::string_view to_string(Rejection reason);

/// The rejection whose name is `code`, if any (the inverse of to_string).
std::optional<Rejection> parse_rejection(std::string_view code);

}  // namespace riziki::ledger
