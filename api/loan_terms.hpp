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

/// Reads `loan{…}` terms for `currency`; field errors go to `errors`.
std::optional<ledger::LoanTerms> read_loan_terms(const nlohmann::json& loan,
                                                 const std::string& prefix,
                                                 const ledger::Currency& currency,
                                                 std::vector<FieldError>& errors);

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
