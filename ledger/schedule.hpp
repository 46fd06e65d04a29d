#pragma once
/// Loan repayment schedules (SPEC §6), computed the way Apache Fineract's cumulative
/// schedule generator computes them, so that the two agree to the cent for the same terms.
///
/// Pure: the disbursement date comes in as an argument; nothing reads a clock. Rates are
/// decimal (cpp_dec_float_50), amounts integer minor units; no binary floating point.

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "ledger/date.hpp"
#include "ledger/money.hpp"

namespace riziki::ledger {

inline constexpr int kInstallmentsMax = 600;
inline constexpr int kRepaymentEveryMax = 365;
/// Upper bound on `LoanTerms::interest_rate`, in percent per interest period.
inline constexpr int kInterestRatePercentMax = 1000;

/// The period the quoted rate covers: "24" per year, or "2" per month.
enum class InterestPeriod : std::uint8_t { year, month };

/// Declining balance charges interest on what is still owed; flat charges it on the
/// disbursed principal for the whole term.
enum class InterestMethod : std::uint8_t { declining_balance, flat };

/// Equal installments keeps principal + interest constant; equal principal keeps the
/// principal portion constant. For flat loans both split principal evenly; they differ
/// only in how interest deferred by `grace_on_interest` comes back (see generate_schedule).
enum class Amortization : std::uint8_t { equal_installments, equal_principal };

enum class RepaymentUnit : std::uint8_t { days, weeks, months };

struct LoanTerms {
    /// Percent per `interest_period`, e.g. parse_rate("24") or parse_rate("2").
    Decimal interest_rate = 0;
    InterestPeriod interest_period = InterestPeriod::year;
    InterestMethod interest_method = InterestMethod::declining_balance;
    Amortization amortization = Amortization::equal_installments;
    int installments = 1;
    /// Installments fall due every `repayment_every` `repayment_unit`s.
    int repayment_every = 1;
    RepaymentUnit repayment_unit = RepaymentUnit::months;
    /// Default: one repayment period after disbursement. Later monthly due dates keep this
    /// date's day of month, clamped to shorter months (31 Jan -> 28 Feb -> 31 Mar).
    std::optional<Date> first_due_on = std::nullopt;
    /// The first N installments carry no principal (declining: interest only).
    int grace_on_principal = 0;
    /// The first N installments carry no interest; it is deferred to a later installment.
    int grace_on_interest = 0;
    /// Minor units; the installment (declining) or each part of it (flat) is rounded
    /// HALF_EVEN to a multiple of this.
    std::optional<Amount> installment_multiple = std::nullopt;
    /// Minor units; every amount is rounded to a multiple (nearest, ties away from zero,
    /// as Fineract does). Only for currencies without minor digits (UGX, RWF, ...).
    std::optional<Amount> currency_multiple = std::nullopt;
};

struct Installment {
    int number = 0;  // 1-based
    Date due_on;
    Amount principal = 0;
    Amount interest = 0;
    Amount total = 0;    // principal + interest
    Amount balance = 0;  // principal still owed after this installment
};

struct Schedule {
    std::vector<Installment> installments;
    Amount total_principal = 0;
    Amount total_interest = 0;
    Amount total = 0;
};

/// Why terms were refused. Checked in this order; the first failure wins. Numbers are never
/// reused; names are the stable problem codes.
enum class ScheduleError : std::uint8_t {
    none = 0,
    principal_out_of_range = 1,               // <= 0 or above amount_limit()
    installments_out_of_range = 2,            // outside 1..kInstallmentsMax
    repayment_every_out_of_range = 3,         // outside 1..kRepaymentEveryMax
    interest_rate_out_of_range = 4,           // negative, not a number, or above the maximum
    grace_out_of_range = 5,                   // negative, or not fewer than the installments
    installment_multiple_out_of_range = 6,    // <= 0 or above amount_limit()
    currency_multiple_out_of_range = 7,       // <= 0 or above amount_limit()
    currency_multiple_needs_whole_units = 8,  // the currency has minor digits
    principal_not_currency_multiple = 9,
    invalid_date = 10,  // disbursement or first due date not a calendar date
    first_due_before_disbursement = 11,
    schedule_beyond_calendar = 12,    // a due date after 9999-12-31
    installment_below_interest = 13,  // a rounded installment cannot cover its interest
};

std::string_view to_string(ScheduleError error);

struct ScheduleResult {
    Schedule schedule;
    ScheduleError error = ScheduleError::none;
    bool ok() const { return error == ScheduleError::none; }
};

/// The repayment schedule for `principal` (minor units of `currency`) disbursed on
/// `disbursed_on`. Follows Fineract's cumulative generator with interest calculated "same
/// as repayment period" and no partial-period interest:
///  - period rate r = annual% / (12 | 52 | 365 by repayment unit) / 100 * repayment_every,
///    each division to 12 significant digits HALF_EVEN (a monthly rate is annualised * 12);
///  - declining interest = balance * r; equal installments pay EMI = P*r/(1-(1+r)^-m) over
///    the m = installments - grace_on_principal periods that carry principal;
///  - flat interest = P * r * installments, split evenly; principal P / m, each rounded;
///  - the last installment takes what rounding left; a schedule ends early if the balance
///    reaches zero (an installment multiple that rounds up);
///  - interest in grace_on_interest periods is charged on the first later installment
///    (flat + equal_installments instead spreads it over the remaining installments).
[[nodiscard]] ScheduleResult generate_schedule(const Amount& principal, const Currency& currency,
                                               const Date& disbursed_on, const LoanTerms& terms);

/// generate_schedule for many loans at once, e.g. a report's: a schedule's amounts depend
/// only on the principal and the terms, never on the dates (every period charges a whole
/// period's interest), and a programme lends a few standard amounts on a few products, so
/// each principal and terms is computed once and later loans only get their own due dates.
/// Remembers every schedule it made; use one per report, on one thread.
class ScheduleMemo {
  public:
    [[nodiscard]] ScheduleResult generate(const Amount& principal, const Currency& currency,
                                          const Date& disbursed_on, const LoanTerms& terms);

  private:
    struct Key {
        Amount principal;
        LoanTerms terms;  ///< without first_due_on
        bool operator<(const Key& other) const;
    };
    std::map<Key, ScheduleResult> schedules_;
};

}  // namespace riziki::ledger
