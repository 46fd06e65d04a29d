#pragma once
/// Loan terms and schedules on the wire (SPEC §6, §7): read from JSON, written as JSON.
/// Shared by the schedule preview, the CLI's `riziki schedule`, and awards.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "api/problem.hpp"
#include "ledger/schedule.hpp"

namespace riziki::api {

class FieldReader;

/// The one reader of loan terms (SPEC §6): the `loan{…}` object of the body `reader` reads,
/// for the schedule preview, `riziki schedule` and POST /v1/awards alike, so the same terms
/// get the same answer on every route. Strict: a field it does not know is `unknown_field`
/// (a misspelt `interest_period` must never leave a monthly rate read as yearly), a required
/// one absent is `required`, a bad value has its own code; each error names `loan.<field>`.
/// Every field is read even when `currency` is unknown (the caller reports why), except
/// the multiples, which are amounts in it. The terms when `loan` is there and all is well.
std::optional<ledger::LoanTerms> read_loan(FieldReader& reader, bool required,
                                           const std::optional<ledger::Currency>& currency);

/// 422 with the schedule's reason as the problem code and the field error `loan`: terms
/// that read well but cannot make a schedule (ledger::ScheduleError), alike on every route.
Response schedule_problem(ledger::ScheduleError error, const RequestContext& context);

/// {"installments":[{"n","due_on","principal","interest","total","balance"}],"totals":{…}}
nlohmann::json schedule_json(const ledger::Schedule& schedule, const ledger::Currency& currency);

/// A preview request: {amount, currency, disbursed_on, loan{…}}.
struct SchedulePreview {
    ledger::Amount amount = 0;
    std::string currency;
    ledger::Date disbursed_on;
    ledger::LoanTerms terms;
};
std::optional<SchedulePreview> read_schedule_preview(const nlohmann::json& body,
                                                     std::vector<FieldError>& errors);

}  // namespace riziki::api
