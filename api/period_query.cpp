#include "api/period_query.hpp"

#include <string>
#include <vector>

#include "api/problem.hpp"

namespace riziki::api {

std::optional<Response> period_problem(const ledger::DateProblem& problem,
                                       const RequestContext& context) {
    if (problem.ok())
        return std::nullopt;
    std::vector<FieldError> errors{{std::string(problem.field),
                                    std::string(ledger::to_string(problem.rule)),
                                    std::string(ledger::message(problem.rule))}};
    if (ledger::is_whole_month_rule(problem.rule)) {
        return api::problem(http::status::unprocessable_entity, "period_not_whole_months",
                            "Reports are for whole months that are over; see errors.", context,
                            std::move(errors));
    }
    return api::problem(http::status::bad_request, "invalid_period",
                        "The dates asked for are outside what the server reads; see errors.",
                        context, std::move(errors));
}

}  // namespace riziki::api
