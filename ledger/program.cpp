#include "ledger/program.hpp"

namespace riziki::ledger {

namespace {

Rejection award_rule(const Award& award, const AwardRecords& facts) {
    if (!facts.enrolled_on)
        return Rejection::survivor_not_found;
    if (!facts.fund_currency)
        return Rejection::unknown_fund;
    if (*facts.fund_currency != award.currency)
        return Rejection::currency_mismatch;
    if (award.approved_on < *facts.enrolled_on)
        return Rejection::before_enrolment;
    if (facts.unacknowledged_matches > 0)
        return Rejection::registry_match_unacknowledged;
    return Rejection::none;
}

Rejection outcome_rule(const Date& observed_on, const OutcomeRecords& facts) {
    if (!facts.enrolled_on)
        return Rejection::survivor_not_found;
    if (!facts.follow_up_consented)
        return Rejection::follow_up_not_consented;
    if (observed_on < *facts.enrolled_on)
        return Rejection::before_enrolment;
    return Rejection::none;
}

}  // namespace

RecordCheck check_award(const Award& award, const AwardRecords& facts) {
    const auto reason = award_rule(award, facts);
    return {reason, award_field(reason)};
}

std::string_view award_field(Rejection reason) {
    switch (reason) {
        case Rejection::survivor_not_found:
            return "survivor";
        case Rejection::unknown_fund:
        case Rejection::currency_mismatch:
            return "fund";
        case Rejection::before_enrolment:
            return "approved_on";
        case Rejection::registry_match_unacknowledged:
            return "registry_acknowledged";
        default:
            return "";
    }
}

RecordCheck check_outcome(const Date& observed_on, const OutcomeRecords& facts) {
    const auto reason = outcome_rule(observed_on, facts);
    return {reason, outcome_field(reason)};
}

std::string_view outcome_field(Rejection reason) {
    switch (reason) {
        case Rejection::survivor_not_found:
        case Rejection::follow_up_not_consented:
            return "survivor";
        case Rejection::before_enrolment:
            return "observed_on";
        default:
            return "";
    }
}

}  // namespace riziki::ledger
