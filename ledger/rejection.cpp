#include "ledger/rejection.hpp"

namespace riziki::ledger {

std::string_view to_string(Rejection reason) {
    switch (reason) {
        case Rejection::none:
            return "none";
        case Rejection::postings_too_few:
            return "postings_too_few";
        case Rejection::postings_too_many:
            return "postings_too_many";
        case Rejection::memo_too_long:
            return "memo_too_long";
        case Rejection::invalid_event:
            return "invalid_event";
        case Rejection::invalid_reference:
            return "invalid_reference";
        case Rejection::zero_posting:
            return "zero_posting";
        case Rejection::invalid_amount:
            return "invalid_amount";
        case Rejection::unknown_account:
            return "unknown_account";
        case Rejection::unknown_fund:
            return "unknown_fund";
        case Rejection::currency_mismatch:
            return "currency_mismatch";
        case Rejection::period_closed:
            return "period_closed";
        case Rejection::unbalanced_entry:
            return "unbalanced_entry";
        case Rejection::unbalanced_fund:
            return "unbalanced_fund";
        case Rejection::invalid_text:
            return "invalid_text";
        case Rejection::entry_not_found:
            return "entry_not_found";
        case Rejection::already_reversed:
            return "already_reversed";
        case Rejection::reversal_before_original:
            return "reversal_before_original";
        case Rejection::period_already_closed:
            return "period_already_closed";
        case Rejection::idempotency_key_reused:
            return "idempotency_key_reused";
        case Rejection::award_not_found:
            return "award_not_found";
        case Rejection::award_not_active:
            return "award_not_active";
        case Rejection::exceeds_award:
            return "exceeds_award";
        case Rejection::insufficient_fund_balance:
            return "insufficient_fund_balance";
        case Rejection::duplicate_reference:
            return "duplicate_reference";
        case Rejection::nothing_outstanding:
            return "nothing_outstanding";
        case Rejection::not_a_loan:
            return "not_a_loan";
        case Rejection::invalid_loan_terms:
            return "invalid_loan_terms";
        case Rejection::survivor_already_enrolled:
            return "survivor_already_enrolled";
        case Rejection::survivor_not_found:
            return "survivor_not_found";
        case Rejection::cohort_not_found:
            return "cohort_not_found";
        case Rejection::donor_not_found:
            return "donor_not_found";
        case Rejection::already_exists:
            return "already_exists";
        case Rejection::before_enrolment:
            return "before_enrolment";
        case Rejection::invalid_channel:
            return "invalid_channel";
        case Rejection::dated_before_award:
            return "dated_before_award";
    }
    return "unknown_rejection";
}

std::optional<Rejection> parse_rejection(std::string_view code) {
    for (std::uint16_t n = 1; n < 256; ++n) {
        const auto reason = static_cast<Rejection>(n);
        if (to_string(reason) == code)
            return reason;
    }
    return std::nullopt;
}

}  // namespace riziki::ledger
