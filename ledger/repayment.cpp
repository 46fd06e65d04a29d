// Repayments against a loan's schedule: what has been paid of each installment, how a new
// repayment splits (oldest installment first, interest before principal), and arrears.

#include <algorithm>

#include "ledger/awards.hpp"

namespace riziki::ledger {

namespace {

/// Pays what was paid into the installments oldest first, interest and principal
/// separately, one installment at a time: callers that need one installment, or stop at a
/// date, need not build them all.
class PaymentSpread {
  public:
    PaymentSpread(const Amount& interest_paid, const Amount& principal_paid)
        : interest_left_(interest_paid), principal_left_(principal_paid) {}
    InstallmentState next(const Installment& due) {
        InstallmentState state{due, 0, 0};
        state.interest_paid = std::clamp(interest_left_, Amount(0), due.interest);
        interest_left_ -= state.interest_paid;
        state.principal_paid = std::clamp(principal_left_, Amount(0), due.principal);
        principal_left_ -= state.principal_paid;
        return state;
    }

  private:
    Amount interest_left_;
    Amount principal_left_;
};

}  // namespace

std::vector<InstallmentState> installment_states(const Schedule& schedule,
                                                 const Amount& interest_paid,
                                                 const Amount& principal_paid) {
    std::vector<InstallmentState> states;
    states.reserve(schedule.installments.size());
    PaymentSpread spread(interest_paid, principal_paid);
    for (const auto& due : schedule.installments)
        states.push_back(spread.next(due));
    return states;
}

InstallmentState installment_state(const Schedule& schedule, std::size_t index,
                                   const Amount& interest_paid, const Amount& principal_paid) {
    PaymentSpread spread(interest_paid, principal_paid);
    for (std::size_t i = 0; i < index; ++i)
        spread.next(schedule.installments.at(i));
    return spread.next(schedule.installments.at(index));
}

Allocation allocate_repayment(const Schedule& schedule, const AwardFigures& figures,
                              const Amount& amount) {
    Allocation allocation;
    Amount left = amount;
    for (const auto& state :
         installment_states(schedule, figures.interest_paid, figures.principal_repaid)) {
        if (left <= 0)
            break;
        AllocationLine line{state.due.number, 0, 0};
        line.interest = std::min(left, state.interest_left());
        left -= line.interest;
        line.principal = std::min(left, state.principal_left());
        left -= line.principal;
        if (line.interest > 0 || line.principal > 0) {
            allocation.interest += line.interest;
            allocation.principal += line.principal;
            allocation.lines.push_back(line);
        }
    }
    // Principal is never taken below zero outstanding, whatever the schedule says (a
    // manual entry may have moved the sub-ledger).
    const Amount excess_principal =
        std::max(Amount(0), allocation.principal - std::max(Amount(0), figures.outstanding));
    allocation.principal -= excess_principal;
    allocation.overpayment = left + excess_principal;
    return allocation;
}

Arrears arrears_as_of(const Schedule& schedule, const AwardFigures& figures, const Date& as_of) {
    Arrears arrears;
    PaymentSpread spread(figures.interest_paid, figures.principal_repaid);
    for (const auto& due : schedule.installments) {
        if (as_of < due.due_on)
            break;
        const auto state = spread.next(due);
        const Amount interest = state.interest_left();
        const Amount principal = state.principal_left();
        if (interest <= 0 && principal <= 0)
            continue;
        if (!arrears.oldest_unpaid_due_on) {
            arrears.oldest_unpaid_due_on = state.due.due_on;
            arrears.days = days_since_epoch(as_of) - days_since_epoch(state.due.due_on);
        }
        arrears.interest_overdue += interest;
        arrears.principal_overdue += principal;
    }
    return arrears;
}

ScheduleProgress::ScheduleProgress(const Schedule& schedule) : schedule_(schedule) {
    Amount interest = 0, principal = 0;
    const Installment* previous = nullptr;
    for (const auto& due : schedule.installments) {
        if (due.interest < 0 || due.principal < 0 || (previous && due.due_on < previous->due_on))
            regular_ = false;
        interest += due.interest;
        principal += due.principal;
        interest_through_.push_back(interest);
        principal_through_.push_back(principal);
        previous = &due;
    }
}

// Paying oldest first, installment i has received what was paid beyond the installments
// before it, up to its own part: clamp(paid - due_before(i), 0, part(i)), the same running
// subtraction installment_states does, in one step when no part is negative.

InstallmentState ScheduleProgress::state(std::size_t index, const Amount& interest_paid,
                                         const Amount& principal_paid) const {
    if (!regular_)
        return installment_state(schedule_, index, interest_paid, principal_paid);
    const auto& due = schedule_.installments.at(index);
    const Amount interest_before = interest_through_[index] - due.interest;
    const Amount principal_before = principal_through_[index] - due.principal;
    return {due, std::clamp(Amount(interest_paid - interest_before), Amount(0), due.interest),
            std::clamp(Amount(principal_paid - principal_before), Amount(0), due.principal)};
}

long ScheduleProgress::days_late(const AwardFigures& figures, const Date& as_of) const {
    if (!regular_)
        return arrears_as_of(schedule_, figures, as_of).days;
    // The first installment not fully paid is the first whose interest or principal due up
    // to it exceeds what was paid (a part of zero is never unpaid, hence the max with 0).
    // Due dates being in order, it is the oldest unpaid one due by `as_of` if any is.
    const auto unpaid = [](const std::vector<Amount>& through, const Amount& paid) {
        const Amount covered = std::max(paid, Amount(0));
        return static_cast<std::size_t>(std::upper_bound(through.begin(), through.end(), covered) -
                                        through.begin());
    };
    const std::size_t first = std::min(unpaid(interest_through_, figures.interest_paid),
                                       unpaid(principal_through_, figures.principal_repaid));
    if (first == schedule_.installments.size())
        return 0;
    const Date& due_on = schedule_.installments[first].due_on;
    return due_on <= as_of ? days_since_epoch(as_of) - days_since_epoch(due_on) : 0;
}

}  // namespace riziki::ledger
