#include "api/routes.hpp"

#include <chrono>
#include <memory>

#include "api/auth_failures.hpp"
#include "api/erasure.hpp"
#include "api/handlers.hpp"
#include "api/handlers_tokens.hpp"
#include "api/rate_limit.hpp"
#include "api/sessions.hpp"
#include "api/web_app.hpp"
#include "db/credentials.hpp"
#include "db/journal_reads.hpp"
#include "db/list_reads.hpp"
#include "db/mpesa_b2c.hpp"
#include "db/programme.hpp"
#include "db/registry_store.hpp"
#include "db/report_reads.hpp"
#include "db/users.hpp"

namespace riziki::api {

namespace {

struct Api {
    Api(db::Pool& pool, db::JournalWriter& writer, const std::string& conninfo,
        const PiiVault& vault, const ApiOptions& options)
        : journal(pool, options.read_limits),
          credentials(pool),
          programme(pool),
          report_reads(pool, options.read_limits),
          auth_failures([this](const auto& events) { credentials.audit(events); },
                        {.flush_interval = options.auth_failure_flush}),
          users(pool),
          sessions(users, vault, auth_failures, options.secure_cookies),
          lists(pool),
          mpesa_b2c(pool),
          registry_store(pool),
          identity_limiter(options.identity_rate_per_minute),
          authenticator(credentials, vault, auth_failures),
          router(authenticator, metrics),
          metrics_router(authenticator, metrics) {
        Services services{&journal,      &programme,         &report_reads, &writer,
                          &metrics,      pool.size(),        conninfo,      &vault,
                          options.today, options.read_limits};
        services.auth_failures = &auth_failures;
        services.lists = &lists;
        services.identity_limiter = &identity_limiter;
        services.mpesa_b2c = &mpesa_b2c;
        services.registry_store = &registry_store;
        services.registry = options.registry;
        add_system_routes(router, services);
        add_journal_routes(router, services);
        add_donor_routes(router, services);
        add_fund_routes(router, services);
        add_cohort_routes(router, services);
        add_survivor_routes(router, services);
        add_erasure_routes(router, services);
        add_award_routes(router, services);
        add_board_routes(router, services, pool);
        add_money_routes(router, services);
        add_mpesa_routes(router, services, pool);
        add_mpesa_b2c_routes(router, services);
        add_outcome_routes(router, services);
        add_audit_log_routes(router, services);
        add_list_routes(router, services);
        add_report_routes(router, services);
        add_schedule_routes(router);
        add_token_routes(router, credentials, authenticator);
        add_session_routes(router, services, sessions);
        add_user_routes(router, services, sessions);
        router.accept_sessions(sessions);
        add_open_metrics_route(metrics_router, services);
    }
    /// The web app's files (api/web_app.hpp): no token, no audit; counted in the metrics
    /// under the route "web_app".
    Response web_app(const Request& request, const RequestContext& context) {
        const auto started = std::chrono::steady_clock::now();
        auto response = serve_web_app(request, context);
        metrics.observe("web_app", response.result_int(),
                        std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count());
        return response;
    }

    db::JournalReads journal;
    db::Credentials credentials;
    db::Programme programme;
    db::ReportReads report_reads;
    /// After credentials (its flush writes through them), before sessions and the
    /// authenticator (which count failures in it).
    AuthFailures auth_failures;
    db::Users users;
    Sessions sessions;
    db::ListReads lists;
    db::MpesaB2c mpesa_b2c;
    db::RegistryStore registry_store;
    RateLimiter identity_limiter;
    Metrics metrics;
    Authenticator authenticator;
    Router router;
    Router metrics_router;  ///< GET /metrics alone, without a token
};

}  // namespace

ApiHandlers make_handlers(db::Pool& pool, db::JournalWriter& writer, const std::string& conninfo,
                          const PiiVault& vault, const ApiOptions& options) {
    auto api = std::make_shared<Api>(pool, writer, conninfo, vault, options);
    return {[api](const Request& request, const RequestContext& context) {
                const std::string_view target(request.target().data(), request.target().size());
                if (is_web_app_target(target))
                    return api->web_app(request, context);
                return api->router.dispatch(request, context);
            },
            [api](const Request& request, const RequestContext& context) {
                return api->metrics_router.dispatch(request, context);
            }};
}

Handler make_api(db::Pool& pool, db::JournalWriter& writer, const std::string& conninfo,
                 const PiiVault& vault, const ApiOptions& options) {
    return make_handlers(pool, writer, conninfo, vault, options).api;
}

}  // namespace riziki::api
