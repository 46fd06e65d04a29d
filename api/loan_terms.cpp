#include "api/loan_terms.hpp"

#include "api/body.hpp"

namespace riziki::api {

namespace {

/// An optional amount field in minor units (multiples), refused unless positive.
std::optional<ledger::Amount> optional_multiple(FieldReader& reader, const char* field,
                                                const ledger::Currency& currency, bool& ok) {
    if (!reader.has(field))
        return std::nullopt;
    auto value = reader.amount(field, currency, true);
    ok = ok && value.has_value();
    return value;
}

/// The fields of a `loan` object, each read (and its error added) whatever the others hold.
std::optional<ledger::LoanTerms> read_terms(FieldReader& reader,
                                            const std::optional<ledger::Currency>& currency) {
    using namespace ledger;
    // Counted before the unknown fields are: an unknown field alone fails the terms. (It
    // once did not, and the preview, which trusted the terms, priced a loan with
    // "interest_rate_per":"month" as if its rate were yearly.)
    const std::size_t before = reader.errors().size();
    reader.only({"interest_rate", "interest_period", "interest_method", "amortization",
                 "installments", "repayment_every", "repayment_unit", "first_due_on",
                 "grace_on_principal", "grace_on_interest", "installment_multiple",
                 "currency_multiple"});
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
    bool ok = currency.has_value();
    if (currency) {
        terms.installment_multiple =
            optional_multiple(reader, "installment_multiple", *currency, ok);
        terms.currency_multiple = optional_multiple(reader, "currency_multiple", *currency, ok);
    }
    terms.first_due_on = reader.date("first_due_on", false);
    if (reader.errors().size() != before || !ok)
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

}  // namespace

std::optional<ledger::LoanTerms> read_loan(FieldReader& reader, bool required,
                                           const std::optional<ledger::Currency>& currency) {
    const auto* loan = reader.object("loan", required);
    if (loan == nullptr)
        return std::nullopt;
    FieldReader terms(*loan, reader.path("loan") + ".", reader.errors());
    return read_terms(terms, currency);
}

Response schedule_problem(ledger::ScheduleError error, const RequestContext& context) {
    const std::string code(ledger::to_string(error));
    return problem(http::status::unprocessable_entity, code,
                   "These loan terms cannot make a schedule: " + code + ".", context,
                   {{"loan", code, "The terms cannot make a schedule."}});
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
    const auto amount =
        currency ? reader.amount("amount", *currency, true) : std::optional<ledger::Amount>();
    const auto terms = read_loan(reader, true, currency);
    if (!amount || !disbursed_on || !terms || !reader.ok())
        return std::nullopt;
    return SchedulePreview{*amount, *code, *disbursed_on, *terms};
}

}  // namespace riziki::api
