#pragma once
/// Route registration, one function per area of the API.

#include <chrono>
#include <cstddef>
#include <string>

#include "api/router.hpp"
#include "ledger/date.hpp"

namespace riziki::db {
class Store;
class JournalWriter;
}  // namespace riziki::db

namespace riziki::api {

class PiiVault;

struct Services {
    db::Store* store = nullptr;
    db::JournalWriter* writer = nullptr;
    Metrics* metrics = nullptr;
    std::size_t pool_size = 0;
    std::string conninfo;  ///< for verify's own read-only snapshot
    const PiiVault* vault = nullptr;
};

/// /healthz, /metrics, /v1/me.
void add_system_routes(Router& router, const Services& services);
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

/// Today's date, UTC (the API's clock; the core takes dates as arguments).
inline ledger::Date today_utc() {
    return ledger::Date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

/// Appends to the audit log as the caller, under the request's id. Never pass PII.
void audit(const Services& s, const Call& call, const std::string& action,
           const std::string& subject, const std::string& detail = "");

/// Donors, funds, receipts, cohorts, survivors, awards, money events, outcomes, audit log.
void add_program_routes(Router& router, const Services& services);

}  // namespace riziki::api
