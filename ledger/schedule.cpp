#include "ledger/schedule.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <tuple>

namespace riziki::ledger {

namespace {

// Fineract rounds every rate division and every money product or quotient to 12 significant
// digits (MoneyHelper's MathContext) before rounding to the currency. Doing the same keeps
// large balances rounding as Fineract rounds them rather than exactly.
constexpr int kSignificantDigits = 12;

Decimal to_decimal(const Amount& value) {
    // Most amounts fit a long long, which converts exactly without going through text.
    static const Amount long_long_min = std::numeric_limits<long long>::min();
    static const Amount long_long_max = std::numeric_limits<long long>::max();
    if (long_long_min <= value && value <= long_long_max)
        return Decimal(value.convert_to<long long>());
    return Decimal(value.str());
}

Decimal power_of_ten(int exponent) {
    Decimal result = 1;
    for (int i = 0; i < exponent; ++i)
        result *= 10;
    return result;
}

/// `value` rounded HALF_EVEN to kSignificantDigits significant digits (BigDecimal with a
/// MathContext). Scaling by ten is exact in a decimal type, so only the rounding rounds.
Decimal round_significant(const Decimal& value) {
    if (value == 0)
        return value;
    static const Decimal lower = power_of_ten(kSignificantDigits - 1);
    static const Decimal upper = lower * 10;
    Decimal scaled = abs(value);
    int shift = 0;  // scaled == |value| * 10^shift
    while (scaled >= upper) {
        scaled /= 10;
        --shift;
    }
    while (scaled < lower) {
        scaled *= 10;
        ++shift;
    }
    Decimal result = to_decimal(round_half_even(scaled));
    for (; shift > 0; --shift)
        result /= 10;
    for (; shift < 0; ++shift)
        result *= 10;
    return value < 0 ? Decimal(-result) : result;
}

/// What Fineract's Money.of does to a value in minor units: a positive amount goes to the
/// nearest multiple of the currency multiple, a tie to the larger one (Money.roundToMultiplesOf
/// on doubles, not HALF_EVEN); everything else goes HALF_EVEN to the minor unit.
Amount money_of(const Decimal& minor, const std::optional<Amount>& currency_multiple) {
    if (!currency_multiple || minor <= 0)
        return round_half_even(minor);
    const Decimal multiple = to_decimal(*currency_multiple);
    const Decimal quotient = minor / multiple;
    const Decimal below = floor(quotient) * multiple;
    const Decimal above = ceil(quotient) * multiple;
    return round_half_even(above - minor > minor - below ? below : above);
}

struct Plan {
    Amount principal = 0;
    int installments = 0;
    int grace_on_principal = 0;
    int grace_on_interest = 0;
    InterestMethod method = InterestMethod::declining_balance;
    Amortization amortization = Amortization::equal_installments;
    Decimal rate = 0;              // per repayment period, as a fraction
    Amount flat_interest = 0;      // flat loans: interest over the whole term
    Amount flat_share = 0;         // flat loans: an installment's share of it (flat_interest())
    Amount equal_installment = 0;  // declining, equal installments: the EMI
    Amount equal_principal = 0;    // principal per installment that carries principal
    std::optional<Amount> installment_multiple;
    std::optional<Amount> currency_multiple;
};

/// Money.multiplyRetainScale: the product to 12 digits, HALF_EVEN to the minor unit, Money.of.
Amount multiply_money(const Amount& minor, const Decimal& factor, const Plan& plan) {
    if (minor == 0 || factor == 0)
        return 0;  // what the steps below give, without their decimal arithmetic
    const Decimal product = round_significant(to_decimal(minor) * factor);
    return money_of(to_decimal(round_half_even(product)), plan.currency_multiple);
}

/// Money.dividedBy: the quotient to 12 digits, then Money.of. Dividing by one is a no-op.
Amount divide_money(const Amount& minor, int divisor, const Plan& plan) {
    if (divisor == 1)
        return minor;
    return money_of(round_significant(to_decimal(minor) / divisor), plan.currency_multiple);
}

Amount round_to_installment_multiple(const Amount& minor, const Plan& plan) {
    const Amount rounded = round_to_multiple_half_even(minor, *plan.installment_multiple);
    return money_of(to_decimal(rounded), plan.currency_multiple);
}

/// The rate per repayment unit (day, week or month) as a fraction: the annual rate over the
/// unit's periods per year, then over 100, each step to 12 significant digits.
Decimal rate_per_unit(const LoanTerms& terms) {
    const Decimal annual = terms.interest_period == InterestPeriod::month
                               ? Decimal(terms.interest_rate * 12)
                               : terms.interest_rate;
    int periods_per_year = 12;
    if (terms.repayment_unit == RepaymentUnit::weeks)
        periods_per_year = 52;
    if (terms.repayment_unit == RepaymentUnit::days)
        periods_per_year = 365;
    return round_significant(round_significant(annual / periods_per_year) / 100);
}

Decimal power(Decimal base, int exponent) {
    Decimal result = 1;
    for (; exponent > 0; exponent /= 2) {
        if (exponent % 2 == 1)
            result *= base;
        base *= base;
    }
    return result;
}

/// The EMI over the installments that carry principal. Fineract evaluates PMT in binary
/// doubles; the exact value here differs from it only within ~1e-15 of a rounding tie.
/// An installment multiple rounds the unrounded EMI, as Money.roundToMultiplesOf does.
Amount equal_installment(const Plan& plan) {
    const int periods = plan.installments - plan.grace_on_principal;
    const Decimal principal = to_decimal(plan.principal);
    Decimal raw = principal / periods;
    if (plan.rate != 0) {
        const Decimal growth = power(1 + plan.rate, periods);
        raw = principal * plan.rate * growth / (growth - 1);
    }
    if (plan.installment_multiple) {
        const Decimal multiple = to_decimal(*plan.installment_multiple);
        raw = to_decimal(round_half_even(raw / multiple)) * multiple;
    }
    return money_of(raw, plan.currency_multiple);
}

Plan make_plan(const Amount& principal, const LoanTerms& terms) {
    Plan plan;
    plan.principal = principal;
    plan.installments = terms.installments;
    plan.grace_on_principal = terms.grace_on_principal;
    plan.grace_on_interest = terms.grace_on_interest;
    plan.method = terms.interest_method;
    plan.amortization = terms.amortization;
    plan.installment_multiple = terms.installment_multiple;
    plan.currency_multiple = terms.currency_multiple;
    const Decimal unit_rate = rate_per_unit(terms);
    plan.rate = unit_rate * terms.repayment_every;
    const int principal_periods = terms.installments - terms.grace_on_principal;
    if (plan.method == InterestMethod::flat) {
        const int term_units = terms.installments * terms.repayment_every;
        plan.flat_interest = multiply_money(principal, unit_rate * term_units, plan);
        // Equal installments spread the interest over the installments after the interest
        // grace, equal principal over all of them (see flat_interest()).
        const int sharing = plan.amortization == Amortization::equal_installments
                                ? terms.installments - terms.grace_on_interest
                                : terms.installments;
        plan.flat_share = divide_money(plan.flat_interest, sharing, plan);
        plan.equal_principal = divide_money(principal, principal_periods, plan);
    } else if (plan.amortization == Amortization::equal_principal) {
        plan.equal_principal = divide_money(principal, principal_periods, plan);
    } else {
        plan.equal_installment = equal_installment(plan);
    }
    return plan;
}

// ------------------------------------------------------------------------- due dates

/// The due date after `previous`. Monthly dates get back the seed's day (29-31) that a
/// shorter month clamped away, as Fineract's adjustDate does: 31 Jan, 28 Feb, 31 Mar.
Date next_due(const Date& previous, const LoanTerms& terms, const Date& seed) {
    using namespace std::chrono;
    if (terms.repayment_unit == RepaymentUnit::days) {
        return date_from_days(days_since_epoch(previous) + terms.repayment_every);
    }
    if (terms.repayment_unit == RepaymentUnit::weeks) {
        return date_from_days(days_since_epoch(previous) + 7L * terms.repayment_every);
    }
    const Date next = add_months(previous, terms.repayment_every);
    if (seed.day() <= day(28) || next.day() < day(28))
        return next;
    const day last = year_month_day_last(next.year(), month_day_last(next.month())).day();
    return Date(next.year(), next.month(), std::min(last, seed.day()));
}

/// One due date per installment; nullopt when one falls after 9999-12-31.
std::optional<std::vector<Date>> due_dates(const Date& disbursed_on, const LoanTerms& terms) {
    const Date seed = terms.first_due_on.value_or(disbursed_on);
    std::vector<Date> dates;
    dates.reserve(static_cast<std::size_t>(terms.installments));
    Date due = terms.first_due_on ? *terms.first_due_on : next_due(disbursed_on, terms, seed);
    for (int i = 0; i < terms.installments; ++i) {
        if (i > 0)
            due = next_due(due, terms, seed);
        if (due.year() > std::chrono::year(9999))
            return std::nullopt;
        dates.push_back(due);
    }
    return dates;
}

// ------------------------------------------------------------------------- validation

ScheduleError validate_multiples(const Amount& principal, const Currency& currency,
                                 const LoanTerms& terms) {
    const auto in_range = [](const Amount& multiple) {
        return multiple > 0 && multiple <= amount_limit();
    };
    if (terms.installment_multiple && !in_range(*terms.installment_multiple)) {
        return ScheduleError::installment_multiple_out_of_range;
    }
    if (!terms.currency_multiple)
        return ScheduleError::none;
    if (!in_range(*terms.currency_multiple))
        return ScheduleError::currency_multiple_out_of_range;
    // Fineract applies a currency multiple only to currencies without minor digits.
    if (currency.digits() != 0)
        return ScheduleError::currency_multiple_needs_whole_units;
    // Fineract would round the principal silently; Riziki refuses to.
    if (principal % *terms.currency_multiple != 0) {
        return ScheduleError::principal_not_currency_multiple;
    }
    return ScheduleError::none;
}

ScheduleError validate_terms(const Amount& principal, const Currency& currency,
                             const Date& disbursed_on, const LoanTerms& terms) {
    if (principal <= 0 || principal > amount_limit())
        return ScheduleError::principal_out_of_range;
    if (terms.installments < 1 || terms.installments > kInstallmentsMax) {
        return ScheduleError::installments_out_of_range;
    }
    if (terms.repayment_every < 1 || terms.repayment_every > kRepaymentEveryMax) {
        return ScheduleError::repayment_every_out_of_range;
    }
    // Written so that a NaN rate fails too.
    if (!(terms.interest_rate >= 0 && terms.interest_rate <= kInterestRatePercentMax)) {
        return ScheduleError::interest_rate_out_of_range;
    }
    const auto grace_ok = [&](int grace) { return grace >= 0 && grace < terms.installments; };
    if (!grace_ok(terms.grace_on_principal) || !grace_ok(terms.grace_on_interest)) {
        return ScheduleError::grace_out_of_range;
    }
    if (const auto error = validate_multiples(principal, currency, terms);
        error != ScheduleError::none) {
        return error;
    }
    if (!disbursed_on.ok() || (terms.first_due_on && !terms.first_due_on->ok())) {
        return ScheduleError::invalid_date;
    }
    if (terms.first_due_on && *terms.first_due_on < disbursed_on) {
        return ScheduleError::first_due_before_disbursement;
    }
    return ScheduleError::none;
}

// ------------------------------------------------------------------------- installments

struct Running {
    Amount balance = 0;
    Amount paid_principal = 0;
    Amount charged_interest = 0;
    Amount deferred_interest = 0;  // interest of grace periods not yet charged
};

struct Portions {
    Amount principal = 0;
    Amount interest = 0;
};

/// Declining balance. Interest of an interest-grace period (or one that rounds to zero) is
/// deferred and charged with the next period that has interest of its own. Principal is the
/// EMI less the period's own interest, never the deferred part.
std::optional<Portions> declining_period(const Plan& plan, Running& running, int number) {
    const Amount own = multiply_money(running.balance, plan.rate, plan);
    Portions portions;
    if (number > plan.grace_on_interest && own > 0) {
        portions.interest = running.deferred_interest + own;
        running.deferred_interest = 0;
    } else {
        running.deferred_interest += own;
    }
    const bool equal_installments = plan.amortization == Amortization::equal_installments;
    // Fineract refuses an EMI below the interest it must carry.
    if (equal_installments && plan.equal_installment < portions.interest)
        return std::nullopt;
    if (number <= plan.grace_on_principal)
        return portions;
    if (!equal_installments) {
        portions.principal = plan.equal_principal;
        return portions;
    }
    // Below the period's own interest the principal would be negative; Fineract would let
    // the balance grow, Riziki refuses such terms.
    if (plan.equal_installment < own)
        return std::nullopt;
    portions.principal = plan.equal_installment - own;
    return portions;
}

/// Flat interest per installment. Equal installments spread the term's interest over the
/// installments after the interest grace; equal principal defers each grace period's share
/// to the first installment after the grace.
Amount flat_interest(const Plan& plan, Running& running, int number) {
    const int grace = plan.grace_on_interest;
    if (plan.amortization == Amortization::equal_installments) {
        if (number <= grace)
            return 0;
        return plan.flat_share;
    }
    const Amount share = plan.flat_share;
    if (number <= grace) {
        running.deferred_interest += share;
        return 0;
    }
    if (number > grace + 1)
        return share;
    const Amount charged = running.deferred_interest + share;
    running.deferred_interest = 0;
    return charged;
}

/// Flat: an even share of the principal. With an installment multiple, Fineract rounds the
/// principal and the interest each to the multiple and books the interest's rounding as
/// principal, so that their sum is a multiple (even in a principal grace period).
std::optional<Portions> flat_period(const Plan& plan, Running& running, int number) {
    Portions portions;
    portions.interest = flat_interest(plan, running, number);
    if (number > plan.grace_on_principal)
        portions.principal = plan.equal_principal;
    if (plan.installment_multiple) {
        portions.principal = round_to_installment_multiple(portions.principal, plan) +
                             round_to_installment_multiple(portions.interest, plan) -
                             portions.interest;
        if (portions.principal < 0)
            return std::nullopt;
    }
    return portions;
}

/// The last installment, or one that would overpay, takes exactly what is left of the
/// principal and, for flat loans, of the term's interest.
void settle(const Plan& plan, Running& running, int number, Portions& portions) {
    const bool last = number == plan.installments;
    const Amount principal_left = plan.principal - running.paid_principal - portions.principal;
    if (principal_left < 0 || last)
        portions.principal += principal_left;
    if (plan.method == InterestMethod::flat) {
        const Amount interest_left =
            plan.flat_interest - running.charged_interest - portions.interest;
        if (interest_left < 0 || last)
            portions.interest += interest_left;
    }
    running.paid_principal += portions.principal;
    running.charged_interest += portions.interest;
    running.balance -= portions.principal;
}

ScheduleResult build_schedule(const Plan& plan, const std::vector<Date>& dues) {
    ScheduleResult result;
    auto& installments = result.schedule.installments;
    Running running;
    running.balance = plan.principal;
    // Like Fineract, stop once nothing is owed: an installment multiple that rounds up can
    // repay the loan before the last installment.
    for (int number = 1; number <= plan.installments && running.balance != 0; ++number) {
        auto portions = plan.method == InterestMethod::flat
                            ? flat_period(plan, running, number)
                            : declining_period(plan, running, number);
        if (!portions)
            return {{}, ScheduleError::installment_below_interest};
        settle(plan, running, number, *portions);
        installments.push_back({number, dues[static_cast<std::size_t>(number - 1)],
                                portions->principal, portions->interest,
                                portions->principal + portions->interest, running.balance});
    }
    // Interest still deferred (every later period rounded to zero) goes on the last one.
    installments.back().interest += running.deferred_interest;
    installments.back().total += running.deferred_interest;
    for (const auto& installment : installments) {
        result.schedule.total_principal += installment.principal;
        result.schedule.total_interest += installment.interest;
        result.schedule.total += installment.total;
    }
    return result;
}

}  // namespace

std::string_view to_string(ScheduleError error) {
    switch (error) {
        case ScheduleError::none:
            return "none";
        case ScheduleError::principal_out_of_range:
            return "principal_out_of_range";
        case ScheduleError::installments_out_of_range:
            return "installments_out_of_range";
        case ScheduleError::repayment_every_out_of_range:
            return "repayment_every_out_of_range";
        case ScheduleError::interest_rate_out_of_range:
            return "interest_rate_out_of_range";
        case ScheduleError::grace_out_of_range:
            return "grace_out_of_range";
        case ScheduleError::installment_multiple_out_of_range:
            return "installment_multiple_out_of_range";
        case ScheduleError::currency_multiple_out_of_range:
            return "currency_multiple_out_of_range";
        case ScheduleError::currency_multiple_needs_whole_units:
            return "currency_multiple_needs_whole_units";
        case ScheduleError::principal_not_currency_multiple:
            return "principal_not_currency_multiple";
        case ScheduleError::invalid_date:
            return "invalid_date";
        case ScheduleError::first_due_before_disbursement:
            return "first_due_before_disbursement";
        case ScheduleError::schedule_beyond_calendar:
            return "schedule_beyond_calendar";
        case ScheduleError::installment_below_interest:
            return "installment_below_interest";
    }
    return "unknown";
}

namespace {

/// What every schedule starts from: valid terms, then the due dates they give.
struct DueDates {
    std::optional<std::vector<Date>> dates;
    ScheduleError error = ScheduleError::none;
};

DueDates checked_due_dates(const Amount& principal, const Currency& currency,
                           const Date& disbursed_on, const LoanTerms& terms) {
    if (const auto error = validate_terms(principal, currency, disbursed_on, terms);
        error != ScheduleError::none) {
        return {std::nullopt, error};
    }
    auto dates = due_dates(disbursed_on, terms);
    if (!dates)
        return {std::nullopt, ScheduleError::schedule_beyond_calendar};
    return {std::move(dates), ScheduleError::none};
}

}  // namespace

ScheduleResult generate_schedule(const Amount& principal, const Currency& currency,
                                 const Date& disbursed_on, const LoanTerms& terms) {
    const auto dues = checked_due_dates(principal, currency, disbursed_on, terms);
    if (!dues.dates)
        return {{}, dues.error};
    // No amount can leave the 128-bit range within the limits: principal <= 10^30, a period
    // rate <= 3650 (1000 % a month, every 365 days) and a flat term factor <= ~10^6 (rate
    // times units to the 9999 calendar limit) keep every amount and sum below ~10^37.
    return build_schedule(make_plan(principal, terms), *dues.dates);
}

bool ScheduleMemo::Key::operator<(const Key& o) const {
    const auto tie = [](const Key& k) {
        const auto& t = k.terms;
        return std::tie(k.principal, t.interest_rate, t.interest_period, t.interest_method,
                        t.amortization, t.installments, t.repayment_every, t.repayment_unit,
                        t.grace_on_principal, t.grace_on_interest, t.installment_multiple,
                        t.currency_multiple);
    };
    return tie(*this) < tie(o);
}

ScheduleResult ScheduleMemo::generate(const Amount& principal, const Currency& currency,
                                      const Date& disbursed_on, const LoanTerms& terms) {
    const auto dues = checked_due_dates(principal, currency, disbursed_on, terms);
    if (!dues.dates)
        return {{}, dues.error};
    // The key leaves out the first due date: like the disbursement date, it moves only the
    // due dates, which are set below.
    Key key{principal, terms};
    key.terms.first_due_on.reset();
    auto known = schedules_.find(key);
    if (known == schedules_.end())
        known =
            schedules_.emplace(key, build_schedule(make_plan(principal, terms), *dues.dates)).first;
    ScheduleResult result = known->second;
    for (auto& installment : result.schedule.installments)
        installment.due_on = (*dues.dates)[static_cast<std::size_t>(installment.number - 1)];
    return result;
}

}  // namespace riziki::ledger
