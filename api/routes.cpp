#include "api/routes.hpp"

#include <memory>

#include "api/handlers.hpp"

namespace riziki::api {

namespace {

struct Api {
    Api(db::Store& store, db::JournalWriter& writer, const std::string& conninfo,
        std::size_t pool_size, const PiiVault& vault)
        : authenticator(store), router(authenticator, metrics) {
        const Services services{&store, &writer, &metrics, pool_size, conninfo, &vault};
        add_system_routes(router, services);
        add_journal_routes(router, services);
        add_donor_routes(router, services);
        add_fund_routes(router, services);
        add_cohort_routes(router, services);
        add_survivor_routes(router, services);
        add_award_routes(router, services);
        add_money_routes(router, services);
        add_outcome_routes(router, services);
        add_audit_log_routes(router, services);
        add_report_routes(router, services);
        add_schedule_routes(router);
    }
    Metrics metrics;
    Authenticator authenticator;
    Router router;
};

}  // namespace

Handler make_api(db::Store& store, db::JournalWriter& writer, const std::string& conninfo,
                 std::size_t pool_size, const PiiVault& vault) {
    auto api = std::make_shared<Api>(store, writer, conninfo, pool_size, vault);
    return [api](const Request& request, const RequestContext& context) {
        return api->router.dispatch(request, context);
    };
}

}  // namespace riziki::api
