#include <nlohmann/json.hpp>

#include "api/auth_failures.hpp"
#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "api/registry_member.hpp"
#include "api/roles.hpp"
#include "db/errors.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/registry_store.hpp"

namespace riziki::api {

namespace {

Response healthz(const Services& services, Call& call) {
    try {
        const auto head = services.journal->head();
        return json_response(http::status::ok,
                             {{"status", "ok"}, {"database", "ok"}, {"journal_seq", head.seq}});
    } catch (const db::DatabaseUnavailable&) {
        auto response = problem(http::status::service_unavailable, "database_unavailable",
                                "The database is unavailable.", call.context);
        response.set(http::field::retry_after, "1");
        return response;
    }
}

/// One Prometheus sample with its HELP and TYPE lines.
std::string metric(const char* name, const char* type, const char* help, std::uint64_t value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
}

Response metrics(const Services& services) {
    const auto writer = services.writer->stats();
    std::string body = services.metrics->render();
    body += metric("riziki_writer_batches_total", "counter", "Commits made by the journal writer.",
                   writer.batches);
    body += metric("riziki_writer_entries_total", "counter",
                   "Entries committed by the journal writer.", writer.entries);
    body += metric("riziki_writer_rejected_total", "counter", "Entries the writer refused.",
                   writer.rejected);
    body += metric("riziki_writer_batch_size_max", "gauge", "Largest batch committed at once.",
                   writer.batch_size_max);
    body += metric("riziki_writer_taken_early_total", "counter",
                   "Batches taken while the batch before was committing.", writer.taken_early);
    body += metric("riziki_writer_put_back_total", "counter",
                   "Batches taken early and put back because the batch before failed.",
                   writer.put_back);
    body += metric("riziki_writer_split_total", "counter",
                   "Batches the database refused whole, their entries retried one by one.",
                   writer.split);
    if (services.auth_failures != nullptr)
        body += services.auth_failures->render_metrics();
    body += metric("riziki_db_pool_connections", "gauge", "Connections in the read pool.",
                   services.pool_size);
    if (services.registry != nullptr) {
        // Survivors the hub has not yet registered as they are now (docs/registry.md "the
        // queue"): growing means the hub has been unreachable.
        body += metric("riziki_registry_waiting", "gauge",
                       "Survivors waiting to be sent to the consortium registry hub.",
                       static_cast<std::uint64_t>(
                           services.registry_store->waiting(services.registry->key_id())));
    }
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, "text/plain; version=0.0.4");
    // Read by a scraper, not saved by a person: not a download (secure_headers).
    response.set(http::field::content_disposition, "inline");
    response.body() = std::move(body);
    return response;
}

Response me(Call& call) {
    const auto& p = *call.principal;
    if (p.via == Principal::Via::session) {  // a person signed in: no token behind it
        return json_response(http::status::ok, {{"user_id", std::to_string(p.user_id)},
                                                {"name", p.name},
                                                {"role", std::string(to_string(p.role))},
                                                {"funds", p.funds}});
    }
    return json_response(http::status::ok, {{"token_id", std::to_string(p.token_id)},
                                            {"name", p.name},
                                            {"role", std::string(to_string(p.role))},
                                            {"funds", p.funds}});
}

}  // namespace

void add_system_routes(Router& router, const Services& services) {
    router.add({http::verb::get, "/healthz", kPublic,
                [services](Call& call) { return healthz(services, call); }, true});
    router.add({http::verb::get, "/metrics", kMetricsReaders,
                [services](Call&) { return metrics(services); }});
    router.add({http::verb::get, "/v1/me", kAnyRole, [](Call& call) { return me(call); }});
}

void add_open_metrics_route(Router& router, const Services& services) {
    router.add({http::verb::get, "/metrics", kPublic,
                [services](Call&) { return metrics(services); }, true});
}

}  // namespace riziki::api
