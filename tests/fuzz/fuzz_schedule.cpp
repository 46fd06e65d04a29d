// libFuzzer target for loan schedules: terms drawn from the input bytes, inside and just
// outside every bound, go through generate_schedule. A refused schedule must say why; an
// accepted one must repay exactly the principal, never let the balance go negative or up,
// keep due dates in order from the disbursement on, and add up its own totals.

#include <cstddef>
#include <cstdint>
#include <string>

#include "ledger/schedule.hpp"
#include "tests/fuzz/require.hpp"

using namespace riziki::ledger;

namespace {

/// Reads the input as a stream of small integers; zeros once it runs out.
class Bytes {
  public:
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint32_t next(std::uint32_t bound) {
        std::uint32_t value = 0;
        for (int i = 0; i < 4 && at_ < size_; ++i)
            value = (value << 8) | data_[at_++];
        return bound == 0 ? value : value % bound;
    }
    bool flag() { return next(2) == 1; }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

LoanTerms terms_from(Bytes& in) {
    LoanTerms terms;
    // Rates 0.00 to 1001.99 percent, a little past the maximum.
    const auto whole = in.next(kInterestRatePercentMax + 2);
    const auto hundredths = in.next(100);
    terms.interest_rate = *parse_rate(std::to_string(whole) + "." + (hundredths < 10 ? "0" : "") +
                                      std::to_string(hundredths));
    terms.interest_period = in.flag() ? InterestPeriod::month : InterestPeriod::year;
    terms.interest_method = in.flag() ? InterestMethod::flat : InterestMethod::declining_balance;
    terms.amortization =
        in.flag() ? Amortization::equal_principal : Amortization::equal_installments;
    terms.installments = static_cast<int>(in.next(kInstallmentsMax + 3)) - 1;
    terms.repayment_every = static_cast<int>(in.next(kRepaymentEveryMax + 3)) - 1;
    terms.repayment_unit = static_cast<RepaymentUnit>(in.next(3));
    if (in.flag())
        terms.first_due_on = date_from_days(static_cast<long>(in.next(40'000)));
    terms.grace_on_principal = static_cast<int>(in.next(12)) - 1;
    terms.grace_on_interest = static_cast<int>(in.next(12)) - 1;
    if (in.flag())
        terms.installment_multiple = Amount(in.next(100'001)) - 1;
    if (in.flag())
        terms.currency_multiple = Amount(in.next(1'001)) - 1;
    return terms;
}

void check(const ScheduleResult& result, const Amount& principal, const Date& disbursed_on) {
    if (!result.ok()) {
        REQUIRE(!to_string(result.error).empty());
        return;
    }
    const auto& schedule = result.schedule;
    REQUIRE(!schedule.installments.empty());
    Amount principal_sum = 0, interest_sum = 0, balance = principal;
    Date previous = disbursed_on;
    for (const auto& installment : schedule.installments) {
        REQUIRE(installment.principal >= 0);
        REQUIRE(installment.interest >= 0);
        REQUIRE(installment.total == installment.principal + installment.interest);
        // The first installment may fall due on the day of disbursement, no earlier.
        REQUIRE(installment.due_on > previous ||
                (installment.number == 1 && installment.due_on == previous));
        balance -= installment.principal;
        REQUIRE(installment.balance == balance);
        REQUIRE(balance >= 0);
        principal_sum += installment.principal;
        interest_sum += installment.interest;
        previous = installment.due_on;
    }
    REQUIRE(balance == 0);
    REQUIRE(principal_sum == principal);
    REQUIRE(schedule.total_principal == principal_sum);
    REQUIRE(schedule.total_interest == interest_sum);
    REQUIRE(schedule.total == principal_sum + interest_sum);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes in(data, size);
    static constexpr const char* kCurrencies[] = {"KES", "UGX", "BHD", "USD"};
    const auto currency = *find_currency(kCurrencies[in.next(4)]);
    // Principal: mostly programme-sized amounts, sometimes up to and past the limit.
    const Amount principal =
        in.flag() ? Amount(in.next(0)) - 1 : amount_limit() - Amount(in.next(3)) + 1;
    const Date disbursed_on = date_from_days(static_cast<long>(in.next(40'000)));
    const LoanTerms terms = terms_from(in);
    check(generate_schedule(principal, currency, disbursed_on, terms), principal, disbursed_on);
    return 0;
}
