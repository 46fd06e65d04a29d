#include <nlohmann/json.hpp>

#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "db/errors.hpp"
#include "db/journal_writer.hpp"
#include "db/store.hpp"

namespace riziki::api {

namespace {

Response healthz(const Services& services, Call& call) {
    try {
        const auto head = services.store->head();
        return json_response(http::status::ok,
                             {{"status", "ok"}, {"database", "ok"}, {"journal_seq", head.seq}});
    } catch (const db::DatabaseUnavailable&) {
        auto response = problem(http::status::service_unavailable, "database_unavailable",
                                "The database is unavailable.", call.context);
        response.set(http::field::retry_after, "1");
        return response;
    }
}

Response metrics(const Services& services) {
    const auto writer = services.writer->stats();
    std::string body = services.metrics->render();
    body +=
        "# HELP riziki_writer_batches_total Commits made by the journal writer.\n"
        "# TYPE riziki_writer_batches_total counter\n"
        "riziki_writer_batches_total " +
        std::to_string(writer.batches) +
        "\n"
        "# HELP riziki_writer_entries_total Entries committed by the journal writer.\n"
        "# TYPE riziki_writer_entries_total counter\n"
        "riziki_writer_entries_total " +
        std::to_string(writer.entries) +
        "\n"
        "# HELP riziki_writer_rejected_total Entries the writer refused.\n"
        "# TYPE riziki_writer_rejected_total counter\n"
        "riziki_writer_rejected_total " +
        std::to_string(writer.rejected) +
        "\n"
        "# HELP riziki_writer_batch_size_max Largest batch committed at once.\n"
        "# TYPE riziki_writer_batch_size_max gauge\n"
        "riziki_writer_batch_size_max " +
        std::to_string(writer.batch_size_max) +
        "\n"
        "# HELP riziki_db_pool_connections Connections in the read pool.\n"
        "# TYPE riziki_db_pool_connections gauge\n"
        "riziki_db_pool_connections " +
        std::to_string(services.pool_size) + "\n";
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, "text/plain; version=0.0.4");
    response.body() = std::move(body);
    return response;
}

Response me(Call& call) {
    const auto& p = *call.principal;
    return json_response(http::status::ok, {{"token_id", std::to_string(p.token_id)},
                                            {"name", p.name},
                                            {"role", std::string(to_string(p.role))},
                                            {"funds", p.funds}});
}

}  // namespace

void add_system_routes(Router& router, const Services& services) {
    router.add({http::verb::get,
                "/healthz",
                {},
                [services](Call& call) { return healthz(services, call); },
                true});
    router.add(
        {http::verb::get, "/metrics", {}, [services](Call&) { return metrics(services); }, true});
    router.add({http::verb::get, "/v1/me",
                std::vector<Role>(std::begin(kAllRoles), std::end(kAllRoles)),
                [](Call& call) { return me(call); }});
}

}  // namespace riziki::api
