// POST /v1/schedules/preview: a loan's repayment schedule before anything is booked.

#include "api/body.hpp"
#include "api/handlers.hpp"
#include "api/loan_terms.hpp"
#include "api/roles.hpp"

namespace riziki::api {

namespace {

Response preview(Call& call) {
    auto parsed = parse_json_object(call.request, call.context);
    if (auto* answer = std::get_if<Response>(&parsed))
        return std::move(*answer);
    std::vector<FieldError> errors;
    const auto request = read_schedule_preview(std::get<nlohmann::json>(parsed), errors);
    if (!request)
        return validation_problem(errors, call.context);
    const auto currency = *ledger::find_currency(request->currency);
    const auto result =
        ledger::generate_schedule(request->amount, currency, request->disbursed_on, request->terms);
    if (!result.ok())
        return schedule_problem(result.error, call.context);
    return json_response(http::status::ok, schedule_json(result.schedule, currency));
}

}  // namespace

void add_schedule_routes(Router& router) {
    router.add({http::verb::post, "/v1/schedules/preview", kAnyRole,
                [](Call& call) { return preview(call); }});
}

}  // namespace riziki::api
