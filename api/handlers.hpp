#pragma once
/// Route registration, one function per area of the API.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/router.hpp"
#include "db/read_limits.hpp"
#include "ledger/date.hpp"

namespace riziki::db {
class JournalReads;
class Programme;
class ReportReads;
class JournalWriter;
class ListReads;
class MpesaB2c;
class Pool;
class RegistryStore;
}  // namespace riziki::db

namespace riziki::api {

class AuthFailures;
class PiiVault;
class Sessions;
class RateLimiter;
class RegistryMember;
struct RegistryCheck;
class FieldReader;

struct Services {
    db::JournalReads* journal = nullptr;
    db::Programme* programme = nullptr;
    db::ReportReads* report_reads = nullptr;
    db::JournalWriter* writer = nullptr;
    Metrics* metrics = nullptr;
    std::size_t pool_size = 0;
    std::string conninfo;  ///< for verify's own read-only snapshot
    const PiiVault* vault = nullptr;
    /// The day the server takes for today when fixed (RIZIKI_TODAY, for tests); else
    /// Nairobi's. Read it through today().
    std::optional<ledger::Date> fixed_today;
    /// How long one statement of verify may run (the reports' and journal reads' own
    /// limits are given to them when they are made).
    db::ReadLimits read_limits;
    /// Failed authentication counted (its counters are in /metrics).
    const AuthFailures* auth_failures = nullptr;
    /// The read side's lists (handlers_lists.cpp).
    db::ListReads* lists = nullptr;
    /// Per credential: enrolments and lookups by phone or national id, the two answers to
    /// "is this person enrolled here?" (api/rate_limit.hpp).
    RateLimiter* identity_limiter = nullptr;
    /// M-Pesa B2C results and the callback's secret (handlers_mpesa_b2c.cpp).
    db::MpesaB2c* mpesa_b2c = nullptr;
    /// The registry matches kept and acknowledged (always: they outlive a hub's settings).
    db::RegistryStore* registry_store = nullptr;
    /// The consortium registry's member side; nullptr when no hub is configured.
    RegistryMember* registry = nullptr;

    /// The day periods are checked against (ledger/date_bounds.hpp).
    ledger::Date today() const;
};

/// /healthz, /metrics (for a metrics or admin token), /v1/me.
void add_system_routes(Router& router, const Services& services);
/// GET /metrics without a token: the route of the metrics listener (RIZIKI_METRICS_LISTEN).
void add_open_metrics_route(Router& router, const Services& services);
/// POST /v1/schedules/preview.
void add_schedule_routes(Router& router);
/// Accounts, balances, entries, reversals, periods, trial balance.
void add_journal_routes(Router& router, const Services& services);
/// GET /v1/reports/donor (and the portfolio and IATI reports).
void add_report_routes(Router& router, const Services& services);

/// A route handler of the form `Response f(const Services&, Call&)` bound to `s`.
inline RouteHandler bind_handler(const Services& s, Response (*handler)(const Services&, Call&)) {
    return [s, handler](Call& call) { return handler(s, call); };
}

/// Kenya's offset from UTC: East Africa Time, UTC+3 all year (Kenya keeps no daylight
/// saving time), where the programmes are and their days begin and end.
inline constexpr std::chrono::hours kNairobiUtcOffset{3};

/// The programme's today, the one "today" of the API and the CLI: `fixed` (RIZIKI_TODAY) when
/// set, else the date in Nairobi at `now` (21:00 UTC on the 30th is already the 1st there).
/// The clock is an argument so that tests can set it.
inline ledger::Date today_in_nairobi(
    const std::optional<ledger::Date>& fixed,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
    if (fixed)
        return *fixed;
    return ledger::Date(std::chrono::floor<std::chrono::days>(now + kNairobiUtcOffset));
}

inline ledger::Date Services::today() const {
    return today_in_nairobi(fixed_today);
}

/// Appends to the audit log as the caller, under the request's id. Never pass PII.
void audit(const Services& s, const Call& call, const std::string& action,
           const std::string& subject, const std::string& detail = "");

// Programme records, one file each (api/records.hpp says what they share):
/// POST /v1/donors (handlers_donors.cpp).
void add_donor_routes(Router& router, const Services& services);
/// POST /v1/funds, GET /v1/funds/{code}, POST /v1/funds/{code}/receipts (handlers_funds.cpp).
void add_fund_routes(Router& router, const Services& services);
/// POST /v1/cohorts (handlers_cohorts.cpp).
void add_cohort_routes(Router& router, const Services& services);
/// POST /v1/survivors, GET /v1/survivors/{code} (handlers_survivors.cpp).
void add_survivor_routes(Router& router, const Services& services);
/// POST /v1/awards, GET /v1/awards/{id} (handlers_awards.cpp).
void add_award_routes(Router& router, const Services& services);
/// GET /v1/awards and GET /v1/dashboard (handlers_board.cpp, handlers_dashboard.cpp), reading
/// through a db::BoardReads on `pool`.
void add_board_routes(Router& router, const Services& services, db::Pool& pool);
/// Disbursements, repayments, write-offs and forgiveness (handlers_money.cpp).
void add_money_routes(Router& router, const Services& services);
/// M-Pesa statement imports and their reconciliation (handlers_mpesa.cpp), reading and
/// keeping them through a db::MpesaStore on `pool`.
void add_mpesa_routes(Router& router, const Services& services, db::Pool& pool);
/// POST /v1/mpesa/b2c/result/{secret}, public: the secret stands in for a token
/// (handlers_mpesa_b2c.cpp).
void add_mpesa_b2c_routes(Router& router, const Services& services);
/// POST /v1/outcomes (handlers_outcomes.cpp).
void add_outcome_routes(Router& router, const Services& services);
/// GET /v1/audit/log (handlers_audit_log.cpp, which also defines audit()).
void add_audit_log_routes(Router& router, const Services& services);
/// POST, GET, DELETE /v1/session (handlers_users.cpp).
void add_session_routes(Router& router, const Services& services, Sessions& sessions);
/// POST, GET /v1/users, POST /v1/users/{id}/disable, /reset, POST /v1/password
/// (handlers_user_admin.cpp).
void add_user_routes(Router& router, const Services& services, Sessions& sessions);
/// The read side's lists (SPEC §13): GET /v1/donors, /v1/funds, /v1/cohorts, /v1/survivors,
/// /v1/funds/{code}/receipts, /v1/outcomes, and POST /v1/survivors/lookup
/// (handlers_lists.cpp).
void add_list_routes(Router& router, const Services& services);
/// POST /v1/survivors/lookup (handlers_lookup.cpp), added by add_list_routes.
void add_lookup_route(Router& router, const Services& services);

/// The `registry` member of a survivor's answer (handlers_registry.cpp): `status` ("checked":
/// the hub has the survivor; "queued": not yet, it is retried; "off": no hub configured) and
/// the matches kept, from `check` when the enrolment just made one.
nlohmann::json registry_json(const Services& s, const std::string& survivor,
                             const std::optional<RegistryCheck>& check);
/// The optional `registry_acknowledged` of an award: match ids, each "RM-" + 16 hex digits.
std::vector<std::string> read_acknowledged_matches(FieldReader& reader);
/// 422 unknown_match when an id in `acknowledged` is not one of the matches of `survivor`.
std::optional<Response> unknown_match_problem(const Services& s, const Call& call,
                                              const std::string& survivor,
                                              const std::vector<std::string>& acknowledged);
/// 409 registry_match_unacknowledged, listing the matches of `survivor` that nobody has
/// acknowledged and `acknowledged` does not name (the award's store refused it).
Response unacknowledged_matches_problem(const Services& s, const Call& call,
                                        const std::string& survivor,
                                        const std::vector<std::string>& acknowledged);

/// Takes one request from the caller's identity_limiter bucket: nullopt when allowed, else
/// 429 too_many_requests with Retry-After. The first refusal of a run is audited as
/// `action` with detail "rate_limited".
std::optional<Response> identity_rate_problem(const Services& s, const Call& call,
                                              const std::string& action);

}  // namespace riziki::api
