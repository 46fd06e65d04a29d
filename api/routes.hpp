#pragma once
/// The API: every route, with the roles that may call it.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "api/http_server.hpp"
#include "db/read_limits.hpp"
#include "ledger/date.hpp"

namespace riziki::db {
class Pool;
class JournalWriter;
}  // namespace riziki::db

namespace riziki::api {

class PiiVault;
class RegistryMember;

/// What the operator (or a test) sets about the API beyond its connections.
struct ApiOptions {
    /// The day the API takes for today, fixed (RIZIKI_TODAY); empty: the clock's.
    std::optional<ledger::Date> today;
    /// Bounds each statement of the reports, the export, the trial balance and verify
    /// (RIZIKI_QUERY_TIMEOUT_MS); the default: none.
    db::ReadLimits read_limits;
    /// How often failed authentications are audited (RIZIKI_AUTH_FAILURE_FLUSH_MS); 0: only
    /// when the handlers are destroyed.
    std::chrono::milliseconds auth_failure_flush{std::chrono::seconds(10)};
    /// Session cookies carry `Secure`: the server speaks HTTPS itself or behind a TLS proxy.
    bool secure_cookies = false;
    /// Enrolments and lookups by phone or national id per credential and minute
    /// (RIZIKI_IDENTITY_RATE_PER_MINUTE).
    int identity_rate_per_minute = 30;
    /// The consortium registry's member side (owned by the caller, outliving the handlers);
    /// nullptr: no hub configured.
    RegistryMember* registry = nullptr;
};

/// The API's two handlers, sharing one set of metrics and one token cache.
struct ApiHandlers {
    /// Every route; GET /metrics for a metrics or admin token; and the web app's files for
    /// any path outside the API's (api/web_app.hpp).
    Handler api;
    /// GET /metrics without a token, and nothing else: for the listener a scraper reaches
    /// (RIZIKI_METRICS_LISTEN), never for the API's own.
    Handler open_metrics;
};

/// The handlers of the API (they own its routers, metrics and token cache, and the reads
/// and record writes on `pool`). `conninfo` is for verify, which reads the whole journal in
/// one snapshot of its own. `vault` seals and opens survivors' PII.
ApiHandlers make_handlers(db::Pool& pool, db::JournalWriter& writer, const std::string& conninfo,
                          const PiiVault& vault, const ApiOptions& options = {});

/// make_handlers(...).api.
Handler make_api(db::Pool& pool, db::JournalWriter& writer, const std::string& conninfo,
                 const PiiVault& vault, const ApiOptions& options = {});

}  // namespace riziki::api
