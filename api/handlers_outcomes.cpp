// Outcomes (SPEC §5): POST /v1/outcomes records what a survivor's business looked like on a
// day, checked against the survivor's enrolment (ledger::check_outcome, in db::Programme).

#include "api/records.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"
#include "ledger/program.hpp"

namespace riziki::api {

namespace {

using ledger::Rejection;

/// An optional amount in `currency`, not negative; empty after an error.
std::optional<ledger::Amount> figure(FieldReader& reader, const char* field,
                                     const std::optional<ledger::Currency>& currency) {
    if (!currency)
        return std::nullopt;
    auto value = reader.amount(field, *currency, false);
    if (value && *value < 0) {
        reader.error(field, "invalid_amount", "Must not be negative.");
        return std::nullopt;
    }
    return value;
}

std::optional<db::OutcomeRecord> read_outcome(FieldReader& reader, const ledger::Date& today) {
    reader.only({"survivor", "observed_on", "business_status", "monthly_revenue", "monthly_profit",
                 "household_income", "savings", "jobs", "currency"});
    const auto survivor = reader.text("survivor", true, ledger::kCodeBytesMax);
    const auto observed_on = reader.date("observed_on", true);
    const auto status =
        reader.required_choice("business_status", {"operating", "closed", "not_started"});
    const auto currency_code = reader.text("currency", false, 3).value_or("KES");
    const auto currency = ledger::find_currency(currency_code);
    if (!currency)
        reader.error("currency", "unknown_currency", "Not an ISO 4217 currency Riziki knows.");
    const auto revenue = figure(reader, "monthly_revenue", currency);
    const auto profit = figure(reader, "monthly_profit", currency);
    const auto household = figure(reader, "household_income", currency);
    const auto savings = figure(reader, "savings", currency);
    const auto jobs = reader.integer("jobs", true, 0, 100000, 0);
    if (observed_on && *observed_on > today)
        reader.error("observed_on", "invalid_date", "An observation cannot be in the future.");
    if (!reader.ok())
        return std::nullopt;
    db::OutcomeRecord o;
    o.survivor = *survivor;
    o.observed_on = *observed_on;
    o.business_status = *status;
    o.currency = currency_code;
    o.monthly_revenue = *revenue;
    o.monthly_profit = *profit;
    o.household_income = *household;
    o.savings = *savings;
    o.jobs = *jobs;
    return o;
}

std::string refusal_detail(Rejection rule) {
    switch (rule) {
        case Rejection::survivor_not_found:
            return "No survivor has this code.";
        case Rejection::follow_up_not_consented:
            return "This survivor did not consent to follow-up: no outcome is recorded.";
        default:
            return "An outcome cannot be observed before the survivor enrolled.";
    }
}

Response record_outcome(const Services& s, Call& call) {
    auto read = read_create<db::OutcomeRecord>(
        call, [&](FieldReader& reader) { return read_outcome(reader, s.today()); });
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& [outcome, key] = std::get<CreateRequest<db::OutcomeRecord>>(read);
    outcome.recorded_by = call.principal->actor();
    const auto rule =
        s.programme->record_outcome(outcome, key.claim([&] { return outcome_json(outcome); }));
    if (auto answer = key.spent(rule, call))
        return std::move(*answer);
    if (rule != Rejection::none)
        return refused(rule, call, refusal_detail(rule), ledger::outcome_field(rule));
    audit(s, call, "outcome.record", outcome.survivor);
    return created(outcome_json(outcome));
}

}  // namespace

nlohmann::json outcome_json(const db::OutcomeRecord& o) {
    const auto& c = o.currency;
    return {{"id", std::to_string(o.id)},
            {"survivor", o.survivor},
            {"observed_on", ledger::format_date(o.observed_on)},
            {"business_status", o.business_status},
            {"currency", c},
            {"monthly_revenue", amount_text(o.monthly_revenue, c)},
            {"monthly_profit", amount_text(o.monthly_profit, c)},
            {"household_income", amount_text(o.household_income, c)},
            {"savings", amount_text(o.savings, c)},
            {"jobs", o.jobs}};
}

void add_outcome_routes(Router& router, const Services& s) {
    router.add({http::verb::post, "/v1/outcomes", kField, bind_handler(s, record_outcome)});
}

}  // namespace riziki::api
