#include "api/loan_terms.hpp"

#include "api/body.hpp"

namespace riziki::api {

namespace {

/// An optional amount field in minor units (multiples), refused unless positive.
std::optional<ledger::Amount> optional_multiple(FieldReader& reader, const nlohmann::json& loan,
                                                const char* field, const ledger::Currency& currency,
                                                bool& ok) {
    if (!loan.contains(field) || loan[field].is_null())
        return std::nullopt;
    auto value = reader.amount(field, currency, true);
    ok = ok && value.has_value();
    return value;
}

}  // namespace

std::optional<ledger::LoanTerms> read_loan_terms(const nlohmann::json& loan,
                                                 const std::string& prefix,
                                                 const ledger::Currency& currency,
                                                 std::vector<FieldError>& errors) {
    using namespace ledger;
    FieldReader reader(loan, prefix, errors);
    reader.only({"interest_rate", "interest_period", "interest_method", "amortization",
                 "installments", "repayment_every", "repayment_unit", "first_due_on",
                 "grace_on_principal", "grace_on_interest", "installment_multiple",
                 "currency_multiple"});
    const std::size_t before = errors.size();
    LoanTerms terms;
    const auto rate = reader.rate("interest_rate");
    const auto period = reader.choice("interest_period", {"year", "month"});
    const auto method = reader.choice("interest_method", {"declining_balance", "flat"});
    const auto amortization =
        reader.choice("amortization", {"equal_installments", "equal_principal"});
    const auto unit = reader.choice("repayment_unit", {"months", "weeks", "days"});
    const auto installments = reader.integer("installments", true, 1, kInstallmentsMax, 1);
    const auto every = reader.integer("repayment_every", false, 1, kRepaymentEveryMax, 1);
    const auto grace_principal =
        reader.integer("grace_on_principal", false, 0, kInstallmentsMax, 0);
    const auto grace_interest = reader.integer("grace_on_interest", false, 0, kInstallmentsMax, 0);
    bool ok = true;
    terms.installment_multiple =
        optional_multiple(reader, loan, "installment_multiple", currency, ok);
    terms.currency_multiple = optional_multiple(reader, loan, "currency_multiple", currency, ok);
    terms.first_due_on = reader.date("first_due_on", false);
    if (errors.size() != before || !ok)
        return std::nullopt;
    terms.interest_rate = *rate;
    terms.interest_period = *period == "year" ? InterestPeriod::year : InterestPeriod::month;
    terms.interest_method =
        *method == "flat" ? InterestMethod::flat : InterestMethod::declining_balance;
    terms.amortization = *amortization == "equal_principal" ? Amortization::equal_principal
                                                            : Amortization::equal_installments;
    terms.repayment_unit = *unit == "weeks"  ? RepaymentUnit::weeks
                           : *unit == "days" ? RepaymentUnit::days
                                             : RepaymentUnit::months;
    terms.installments = *installments;
    terms.repayment_every = *every;
    terms.grace_on_principal = *grace_principal;
    terms.grace_on_interest = *grace_interest;
    return terms;
}

nlohmann::json schedule_json(const ledger::Schedule& schedule, const ledger::Currency& currency) {
    const auto money = [&](const ledger::Amount& a) { return ledger::format_amount(a, currency); };
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& i : schedule.installments) {
        rows.push_back({{"n", i.number},
                        {"due_on", ledger::format_date(i.due_on)},
                        {"principal", money(i.principal)},
                        {"interest", money(i.interest)},
                        {"total", money(i.total)},
                        {"balance", money(i.balance)}});
    }
    return {{"installments", rows},
            {"totals",
             {{"principal", money(schedule.total_principal)},
              {"interest", money(schedule.total_interest)},
              {"total", money(schedule.total)}}}};
}

std::optional<SchedulePreview> read_schedule_preview(const nlohmann::json& body,
                                                     std::vector<FieldError>& errors) {
    FieldReader reader(body, "", errors);
    reader.only({"amount", "currency", "disbursed_on", "loan"});
    const auto code = reader.text("currency", true, 3);
    const auto currency = code ? ledger::find_currency(*code) : std::nullopt;
    if (code && !currency)
        reader.error("currency", "unknown_currency", "Not a currency Riziki knows.");
    const auto disbursed_on = reader.date("disbursed_on", true);
    const auto* loan = reader.object("loan", true);
    if (!currency)
        return std::nullopt;
    const auto amount = reader.amount("amount", *currency, true);
    const auto terms = loan ? read_loan_terms(*loan, "loan.", *currency, errors) : std::nullopt;
    if (!amount || !disbursed_on || !terms)
        return std::nullopt;
    return SchedulePreview{*amount, *code, *disbursed_on, *terms};
}

}  // namespace riziki::api
