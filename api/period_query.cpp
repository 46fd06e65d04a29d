#include "api/period_query.hpp"

#include <string>

#include "api/problem.hpp"

namespace riziki::api {

std::optional<Response> period_problem(const ledger::DateProblem& problem,
                                       const RequestContext& context) {
    if (problem.ok())
        return std::nullopt;
    return api::problem(http::status::bad_request, "invalid_period",
                        "The dates asked for are outside what the server reads; see errors.",
                        context,
                        {{std::string(problem.field), std::string(ledger::to_string(problem.rule)),
                          std::string(ledger::message(problem.rule))}});
}

}  // namespace riziki::api
