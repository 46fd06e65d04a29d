#include "api/hub_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "api/command_support.hpp"
#include "api/commands.hpp"
#include "api/hub_handlers.hpp"
#include "db/hash.hpp"
#include "db/hub_store.hpp"
#include "db/pool.hpp"

namespace riziki::api {

namespace {

constexpr std::size_t kHubPoolSize = 8;

/// The hub's database: its own schema under the same RIZIKI_HOME / RIZIKI_DATABASE_URL rules.
db::DatabaseConfig hub_database_config(const Config& config) {
    auto database = database_config(config);
    database.migrations = db::MigrationSet::hub;
    return database;
}

/// An organisation code as the ledger's codes are: 1-64 of letters, digits, '.', '_' and
/// '-', starting with a letter or digit (hub_members' CHECK says the same).
bool org_code_shaped(const std::string& code) {
    const auto plain = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    return !code.empty() && code.size() <= 64 && plain(code.front()) &&
           std::all_of(code.begin(), code.end(),
                       [&](char c) { return plain(c) || c == '.' || c == '_' || c == '-'; });
}

std::string org_option(const Options& options) {
    if (!options.has("org") || !org_code_shaped(options.value("org")))
        throw UsageError("--org must be a code: 1-64 of letters, digits, '.', '_', '-'");
    return options.value("org");
}

int member_add(const Options& options) {
    const std::string org = org_option(options);
    const std::string name = options.has("name") ? options.value("name") : "";
    if (name.empty() || name.size() > 200)
        throw UsageError("hub member add needs --name of 1-200 characters");
    const Config config = load_config(options);
    db::Database database(hub_database_config(config));
    // The app role may not write members: the schema owner does.
    db::Pool owner(database.owner_conninfo(), 1);
    const std::string token = generate_hub_token();
    if (!db::HubStore(owner).add_member(org, name, db::sha256(token)))
        throw ConfigError("a member with the code " + org +
                          " exists (or existed: codes are "
                          "never reused)");
    spdlog::info("hub: added member {}", org);
    std::cout << token << "\n";
    return 0;
}

int member_remove(const Options& options) {
    const std::string org = org_option(options);
    const Config config = load_config(options);
    db::Database database(hub_database_config(config));
    db::Pool owner(database.owner_conninfo(), 1);
    const auto removed = db::HubStore(owner).remove_member(org);
    if (!removed)
        throw ConfigError("no live member with the code " + org);
    spdlog::info("hub: removed member {} and its {} records", org, removed->records);
    std::cout << "removed " << org << ": token revoked, " << removed->records
              << " records deleted\n";
    return 0;
}

int hub_serve(const Options& options) {
    auto [config, signals, server_options] = prepare_server(options);
    db::Database database(hub_database_config(config));
    db::Pool pool(database.app_conninfo(), kHubPoolSize);
    db::HubStore store(pool);
    server_options.io_threads = std::max(2u, std::thread::hardware_concurrency());
    server_options.handler_threads = kHubPoolSize * 2;
    server_options.upload_paths = {};
    server_options.connections_per_address_max = config.connections_per_address.value_or(
        config.behind_proxy ? 0 : server_options.connections_per_address_max);
    HubOptions hub_options;
    hub_options.records_burst = config.hub_records_burst;
    hub_options.records_per_minute = config.hub_records_per_minute;
    HttpServer server(server_options, make_hub_handler(store, hub_options), problem_answer);
    server.start();
    spdlog::info("hub listening on {}://{}:{} ({} database)", config.tls() ? "https" : "http",
                 server_options.address, server.port(),
                 database.embedded() ? "embedded" : "external");
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: draining requests in flight", received);
    server.stop();
    server.wait();
    return 0;
}

}  // namespace

int hub_command(const std::vector<std::string>& args) {
    if (args.size() >= 3 && args[1] == "member" && args[2] == "add")
        return member_add(parse_options(args, {}, {"org", "name"}, 3));
    if (args.size() >= 3 && args[1] == "member" && args[2] == "remove")
        return member_remove(parse_options(args, {}, {"org"}, 3));
    if (args.size() >= 2 && args[1] == "member")
        throw UsageError(
            "usage: hub member add --org CODE --name NAME | hub member remove --org "
            "CODE");
    return hub_serve(parse_options(args, {"behind-proxy"}, {"tls-cert", "tls-key"}));
}

}  // namespace riziki::api
