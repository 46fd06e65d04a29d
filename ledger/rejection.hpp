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
    before_enrolment = 65,  // an award or outcome dated before the survivor enrolled
};

std::string_view to_string(Rejection reason);

/// The rejection whose name is `code`, if any (the inverse of to_string).
std::optional<Rejection> parse_rejection(std::string_view code);

}  // namespace riziki::ledger
