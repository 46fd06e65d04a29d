#pragma once
/// The answer to a request for dates the server will not read (ledger/date_bounds.hpp): one
/// shape for every route that takes `from`, `to` or `as_of`.

#include <optional>

#include "api/http_server.hpp"
#include "ledger/date_bounds.hpp"

namespace riziki::api {

/// 400 invalid_period with one field error naming the date at fault (`from`, `to`,
/// `as_of`) and, as its code, the rule it broke (`date_too_early`, `date_in_future`,
/// `period_reversed`, `period_too_long`, `longer_than_fund`); nothing when it broke none.
/// A whole-month rule (ledger::check_whole_months) is instead 422 period_not_whole_months,
/// its field error `not_first_of_month` (from), `not_end_of_month` or `month_not_over` (to).
std::optional<Response> period_problem(const ledger::DateProblem& problem,
                                       const RequestContext& context);

}  // namespace riziki::api
