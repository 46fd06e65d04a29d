#include "api/routes.hpp"

#include <memory>

#include "api/erasure.hpp"
#include "api/handlers.hpp"
#include "db/credentials.hpp"
#include "db/journal_reads.hpp"
#include "db/programme.hpp"
#include "db/report_reads.hpp"

namespace riziki::api {

namespace {

struct Api {
    Api(db::Pool& pool, db::JournalWriter& writer, const std::string& conninfo,
        const PiiVault& vault, const ApiOptions& options)
        : journal(pool, options.read_limits),
          credentials(pool),
          programme(pool),
          report_reads(pool, options.read_limits),
          authenticator(credentials, programme),
          router(authenticator, metrics),
          metrics_router(authenticator, metrics) {
        const Services services{&journal,      &programme,         &report_reads, &writer,
                                &metrics,      pool.size(),        conninfo,      &vault,
                                options.today, options.read_limits};
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
        add_outcome_routes(router, services);
        add_audit_log_routes(router, services);
        add_report_routes(router, services);
        add_schedule_routes(router);
        add_open_metrics_route(metrics_router, services);
    }
    db::JournalReads journal;
    db::Credentials credentials;
    db::Programme programme;
    db::ReportReads report_reads;
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
