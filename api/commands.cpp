#include "api/commands.hpp"

#include <pthread.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "api/auth.hpp"
#include "api/command_support.hpp"
#include "api/config.hpp"
#include "api/consortium_key.hpp"
#include "api/demo.hpp"
#include "api/erasure.hpp"
#include "api/export_journal.hpp"
#include "api/handlers.hpp"
#include "api/hub_command.hpp"
#include "api/key_safety.hpp"
#include "api/loan_terms.hpp"
#include "api/mpesa_callback.hpp"
#include "api/pii_commands.hpp"
#include "api/pii_vault.hpp"
#include "api/problem.hpp"
#include "api/registry_member.hpp"
#include "api/respond.hpp"
#include "api/routes.hpp"
#include "api/users.hpp"
#include "db/credentials.hpp"
#include "db/database.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/programme.hpp"
#include "db/report_reads.hpp"
#include "db/users.hpp"
#include "db/verify.hpp"
#include "ledger/date_bounds.hpp"
#include "reports/donor_report.hpp"

namespace riziki::api {

namespace {

constexpr std::size_t kPoolSize = 8;

/// The PII keyring, checked against the vault: a server whose key file went missing or was
/// swapped must not start quietly with a fresh key, unable to open or deduplicate what is
/// stored. A new key is made only while the vault is empty. Every key the vault's rows are
/// sealed under must be in the ring.
PiiVault open_vault(const Config& config, db::Programme& programme) {
    const auto stored = programme.vault_key_ids();
    if (!stored.empty() && !std::filesystem::exists(config.pii_key_file)) {
        throw std::runtime_error("the PII key file " + config.pii_key_file.string() +
                                 " is missing but the vault holds sealed PII: restore the key "
                                 "file (RIZIKI_PII_KEY_FILE) from its backup");
    }
    auto vault = PiiVault::open(config.pii_key_file);
    const auto ring = vault.key_ids();
    for (const auto& id : stored) {
        if (std::find(ring.begin(), ring.end(), id) == ring.end()) {
            throw std::runtime_error("the PII key file " + config.pii_key_file.string() +
                                     " is not the key the vault was sealed with (key id " +
                                     ring.front() + ", vault has " + id + ")");
        }
    }
    return vault;
}

/// Keys the tokens stored as a plain SHA-256 before migration 0020 under the vault's
/// current key, and clears the SHA-256: from this start on, no plain digest is stored.
void key_plain_tokens(const db::Database& database, const PiiVault& vault) {
    db::Pool owner(database.owner_conninfo(), 1);
    const auto keyed = db::Credentials(owner).key_plain_tokens(
        [&](const ledger::Hash& sha256) { return token_digests(vault, sha256).front(); });
    if (keyed > 0)
        spdlog::info("keyed {} tokens stored as a plain SHA-256 under PII key {}", keyed,
                     vault.key_id());
}

/// Outside the demo, the key file must be kept apart from the data (key_safety.hpp); the
/// demo keeps its key beside its data and says so.
void check_key_place(const Config& config, const db::Database* database, bool demo) {
    if (demo) {
        if (database == nullptr)
            std::cout << "The demo keeps its PII key beside its data (" +
                             config.pii_key_file.string() +
                             "); a real deployment must keep it apart (docs/privacy.md#the-key)."
                      << std::endl;
        return;
    }
    std::optional<std::filesystem::path> data_directory;
    if (database != nullptr) {
        data_directory = database->data_directory();
        if (!data_directory)
            spdlog::warn(
                "cannot read the database's data_directory (needs superuser or "
                "pg_read_all_settings): the PII key file is not checked against it");
    }
    check_key_location(config.pii_key_file, config.home, data_directory);
}

/// The listener of RIZIKI_METRICS_LISTEN, serving GET /metrics without a token; none when
/// the address is not set.
std::unique_ptr<HttpServer> start_metrics_server(const Config& config, Handler open_metrics) {
    if (config.metrics_listen.empty())
        return nullptr;
    const auto [host, port] = parse_listen(config.metrics_listen);
    ServerOptions options;
    options.address = host;
    options.port = port;
    options.io_threads = 1;
    options.handler_threads = 2;
    options.connections_max = 16;
    auto server = std::make_unique<HttpServer>(options, std::move(open_metrics), problem_answer);
    server->start();
    spdlog::info("serving /metrics without a token at http://{}:{}", host, server->port());
    return server;
}

/// The demo's programme, seeded on first start, and what it prints: the tokens, the demo
/// users' password and where to open the web app.
void start_demo(db::Pool& pool, db::JournalWriter& writer, const PiiVault& vault,
                const db::Database& database, const std::string& url) {
    const auto seeded = seed_demo(pool, writer, vault, 2026);
    std::cout << "Riziki demo"
              << (seeded.entries > 0
                      ? " (seeded " + std::to_string(seeded.survivors) + " survivors, " +
                            std::to_string(seeded.entries) + " entries)"
                      : "")
              << "\n\nTokens (new each start; keep them secret):\n";
    db::Pool owner(database.owner_conninfo(), 1);
    db::Credentials credentials(owner);
    for (const auto& [role, token] : demo_tokens(credentials, vault)) {
        std::cout << "  " << role << std::string(9 - role.size(), ' ') << token << "\n";
    }
    db::Users users(pool);
    const std::string password = "demo-" + random_secret().substr(0, 16);
    ensure_demo_users(users, vault, demo_donor_funds(), password);
    std::cout << "\nUsers demo-admin, demo-finance, demo-field, demo-donor, demo-auditor; "
                 "password (new each start):\n  "
              << password << "\n";
    std::cout << "\nServing at " << url << "\n  Open " << url
              << "/ in a browser and sign in as demo-finance (or demo-field, demo-donor, "
                 "demo-auditor, demo-admin) with the password above.\n"
              << "  The API, with a token: curl -H \"Authorization: Bearer "
                 "<auditor token>\" "
              << url << "/v1/audit/trial-balance\n"
              << "Stop with Ctrl-C.\n"
              << std::flush;
}

int serve(const Options& options, bool demo) {
    auto [config, signals, server_options] = prepare_server(options);
    const std::string host = server_options.address;
    check_key_place(config, nullptr, demo);
    db::Database database(database_config(config));
    check_key_place(config, &database, demo);
    db::Pool pool(database.app_conninfo(), kPoolSize);
    db::Programme programme(pool);
    const auto vault = open_vault(config, programme);
    key_plain_tokens(database, vault);
    db::JournalWriter writer(database.app_conninfo(), {.render_response = render_entry});
    server_options.io_threads = std::max(2u, std::thread::hardware_concurrency());
    // Behind a proxy every connection comes from the proxy: the proxy caps per client.
    server_options.connections_per_address_max = config.connections_per_address.value_or(
        config.behind_proxy ? 0 : server_options.connections_per_address_max);
    // The consortium registry (SPEC §16): its queue is sent again in the background.
    std::unique_ptr<RegistryMember> registry;
    if (const auto settings = registry_settings(config)) {
        registry = std::make_unique<RegistryMember>(*settings, pool, vault);
        registry->start_worker();
        spdlog::info("consortium registry at {}, key {}", settings->hub.url, registry->key_id());
    }
    const ApiOptions api_options{config.today,
                                 {config.query_timeout},
                                 config.auth_failure_flush,
                                 config.tls() || config.behind_proxy,
                                 config.identity_rate_per_minute,
                                 registry.get()};
    auto handlers = make_handlers(pool, writer, database.app_conninfo(), vault, api_options);
    HttpServer server(server_options, std::move(handlers.api), problem_answer);
    server.start();
    const auto metrics_server = start_metrics_server(config, std::move(handlers.open_metrics));
    const std::string url = (config.tls() ? "https://" : "http://") +
                            (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                            std::to_string(server.port());
    spdlog::info("listening on {} ({} database{})", url,
                 database.embedded() ? "embedded" : "external",
                 config.tls() ? ", TLS" : (config.behind_proxy ? ", behind a TLS proxy" : ""));
    if (demo)
        start_demo(pool, writer, vault, database, url);
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: draining requests in flight", received);
    server.stop();
    if (metrics_server)
        metrics_server->stop();
    server.wait();
    return 0;
}

/// riziki token create --role R [--fund F]... [--name N] [--expires-in 90d]: prints only
/// the token.
int token_create_command(const Options& options) {
    if (!options.has("role"))
        throw UsageError("token create needs --role");
    const auto role = parse_role(options.value("role"));
    if (!role)
        throw UsageError("--role must be admin, finance, field, donor, auditor or metrics");
    const std::vector<std::string> funds =
        options.has("fund") ? options.values.at("fund") : std::vector<std::string>{};
    if ((*role == Role::donor) != !funds.empty()) {
        throw UsageError("a donor token needs --fund (one or more); other roles take none");
    }
    const std::string name =
        options.has("name") ? options.value("name") : std::string(to_string(*role));
    if (name.empty() || name.size() > 200)
        throw UsageError("--name must be 1-200 characters");
    const auto lifetime = options.has("expires-in")
                              ? parse_token_lifetime(options.value("expires-in"))
                              : std::optional(kTokenLifetimeDefaultS);
    if (!lifetime)
        throw UsageError("--expires-in must be whole days or hours, e.g. 30d or 12h, at most 365d");
    const Config config = load_config(options);
    db::Database database(database_config(config));
    db::Pool pool(database.app_conninfo(), 1);
    const auto context = db::JournalReads(pool).context();
    for (const auto& fund : funds) {
        if (!context.fund_currency.contains(fund))
            throw UsageError("no fund " + fund);
    }
    // A key file made here while tokens exist would key this one where the server never
    // looks: a token that silently does not work.
    if (!std::filesystem::exists(config.pii_key_file) &&
        !db::Credentials(pool).tokens(0, 1).empty())
        throw ConfigError("no PII key file at " + config.pii_key_file.string() +
                          ", but tokens exist: give token create the server's key file "
                          "(RIZIKI_PII_KEY_FILE or --pii-key-file)");
    db::Programme programme(pool);
    const auto vault = open_vault(config, programme);
    // The app role may not insert tokens (migration 0020): the schema owner does.
    db::Pool owner(database.owner_conninfo(), 1);
    db::Credentials credentials(owner);
    const auto [id, token] = issue_token(credentials, vault, name, *role, funds, *lifetime);
    spdlog::info("created token {} for role {}, expiring in {} s", id, to_string(*role), *lifetime);
    std::cout << token << "\n";
    return 0;
}

/// riziki token revoke ID: revokes at once (a server that cached it drops it within 1 s).
int token_revoke_command(const std::string& id_text, const Options& options) {
    const auto parsed = parse_token_id(id_text);
    if (!parsed)
        throw UsageError("token revoke needs a token id (a number, as GET /v1/tokens lists)");
    const std::int64_t id = *parsed;
    const Config config = load_config(options);
    db::Database database(database_config(config));
    db::Pool pool(database.app_conninfo(), 1);
    const auto revoked = db::Credentials(pool).revoke_token(id, "cli", "");
    if (!revoked) {
        std::cerr << "riziki: no token " << id << "\n";
        return 1;
    }
    std::cout << "token " << id << (revoked->newly ? " revoked at " : " was already revoked at ")
              << ledger::format_timestamp_us(revoked->revoked_at_us) << "\n";
    return 0;
}

/// Refuses dates that break a rule of ledger/date_bounds.hpp, as the API does.
void check_dates(const ledger::DateProblem& problem) {
    if (!problem.ok()) {
        // The API's code for a period that is not whole months, then the rule broken.
        const std::string code =
            ledger::is_whole_month_rule(problem.rule) ? "period_not_whole_months: " : "";
        throw UsageError("--" + std::string(problem.field) + ": " +
                         std::string(ledger::message(problem.rule)) + " (" + code +
                         std::string(ledger::to_string(problem.rule)) + ")");
    }
}

/// The --from and --to given, each parsed.
std::pair<std::optional<ledger::Date>, std::optional<ledger::Date>> period_options(
    const Options& options) {
    std::optional<ledger::Date> from, to;
    for (auto [name, date] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
        if (!options.has(name))
            continue;
        *date = ledger::parse_date(options.value(name));
        if (!*date)
            throw UsageError(std::string("--") + name + " must be YYYY-MM-DD");
    }
    return {from, to};
}

/// riziki export --format hledger|ledger|beancount|csv [--from D] [--to D] [--output FILE]
int export_command(const Options& options) {
    const auto format =
        reports::parse_export_format(options.has("format") ? options.value("format") : "");
    if (!format)
        throw UsageError("--format must be hledger, ledger, beancount or csv");
    const auto [from, to] = period_options(options);
    const Config config = load_config(options);
    check_dates(ledger::check_period(from, to, today_in_nairobi(config.today)));
    db::Database database(database_config(config));
    db::Pool pool(database.app_conninfo(), 1);
    db::JournalReads journal(pool);
    std::ofstream file;
    if (options.has("output")) {
        file.open(options.value("output"), std::ios::binary | std::ios::trunc);
        if (!file)
            throw std::runtime_error("cannot write " + options.value("output"));
    }
    std::ostream& out = options.has("output") ? file : std::cout;
    export_journal(journal, *format, from, to, [&](const std::string& chunk) { out << chunk; });
    out.flush();
    return out ? 0 : 1;
}

/// riziki report donor --fund F [--from D] [--to D] --format json|csv|html|pdf|xlsx -o FILE
/// Writes the donor report (as GET /v1/reports/donor) to FILE and prints nothing; the period
/// is whole months (ledger::check_report_months) and defaults to the calendar year to the
/// end of the last whole month. The download is audit-logged like the API's.
int report_command(const Options& options) {
    static const std::set<std::string> kFormats{"json", "csv", "html", "pdf", "xlsx"};
    const std::string format = options.has("format") ? options.value("format") : "";
    if (!kFormats.contains(format))
        throw UsageError("--format must be json, csv, html, pdf or xlsx");
    if (!options.has("fund") || options.value("fund").empty())
        throw UsageError("report donor needs --fund");
    if (!options.has("output") || options.value("output").empty())
        throw UsageError("report donor needs -o FILE");
    const auto [from_option, to_option] = period_options(options);
    const auto& fund = options.value("fund");
    const Config config = load_config(options);
    const auto today = today_in_nairobi(config.today);
    const auto [from, to] = ledger::default_report_period(from_option, to_option, today);
    check_dates(ledger::check_period(from, to, today));
    db::Database database(database_config(config));
    db::Pool pool(database.app_conninfo(), 1);
    const auto record = db::Programme(pool).fund(fund);
    if (!record) {
        std::cerr << "riziki: fund " << fund << " does not exist\n";
        return 2;
    }
    std::optional<ledger::FundLife> life;
    if (record->starts_on && record->ends_on)
        life = ledger::FundLife{*record->starts_on, *record->ends_on};
    check_dates(ledger::check_report_months(from, to, today, life));
    const auto input = db::ReportReads(pool).donor_report_input(fund, from, to);
    if (!input) {
        std::cerr << "riziki: fund " << fund << " does not exist\n";
        return 2;
    }
    db::Programme(pool).audit({"cli", "", "report.donor", fund,
                               "format=" + format + " from=" + ledger::format_date(from) +
                                   " to=" + ledger::format_date(to)});
    const auto report = reports::build_donor_report(*input);
    const std::string body = format == "pdf"    ? reports::donor_report_pdf(report)
                             : format == "xlsx" ? reports::donor_report_xlsx(report)
                             : format == "html" ? reports::donor_report_html(report)
                             : format == "csv"  ? reports::donor_report_csv(report)
                                                : reports::donor_report_json(report);
    const auto& path = options.value("output");
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << body;
    file.close();
    if (!file)
        throw std::runtime_error("cannot write " + path);
    return 0;
}

/// riziki schedule --amount A --currency C --disbursed-on D --rate R [--per year|month]
///   --installments N [--method declining_balance|flat] [--amortization ...] [--every N]
///   [--unit months|weeks|days] [--first-due-on D] [--grace-principal N] [--grace-interest N]
/// Builds the same request as POST /v1/schedules/preview and prints the schedule.
int schedule_command(const Options& options) {
    nlohmann::json loan;
    nlohmann::json body;
    const auto text = [&](const char* name) {
        return options.has(name) ? options.value(name) : "";
    };
    const auto number = [&](const char* name) -> nlohmann::json {
        if (!options.has(name))
            return nullptr;
        const auto& value = options.value(name);
        const bool digits = !value.empty() && value.size() < 9 &&
                            std::all_of(value.begin(), value.end(), ::isdigit);
        return digits ? nlohmann::json(std::stoi(value)) : nlohmann::json(value);
    };
    body["amount"] = text("amount");
    body["currency"] = text("currency");
    body["disbursed_on"] = text("disbursed-on");
    loan["interest_rate"] = text("rate");
    for (auto [flag, field] : {std::pair{"per", "interest_period"},
                               {"method", "interest_method"},
                               {"amortization", "amortization"},
                               {"unit", "repayment_unit"},
                               {"first-due-on", "first_due_on"}}) {
        if (options.has(flag))
            loan[field] = options.value(flag);
    }
    for (auto [flag, field] : {std::pair{"installments", "installments"},
                               {"every", "repayment_every"},
                               {"grace-principal", "grace_on_principal"},
                               {"grace-interest", "grace_on_interest"}}) {
        if (options.has(flag))
            loan[field] = number(flag);
    }
    body["loan"] = loan;
    std::vector<FieldError> errors;
    const auto request = read_schedule_preview(body, errors);
    if (!request) {
        for (const auto& e : errors)
            std::cerr << "riziki: " << e.field << ": " << e.message << "\n";
        return 2;
    }
    const auto currency = *ledger::find_currency(request->currency);
    const auto result =
        ledger::generate_schedule(request->amount, currency, request->disbursed_on, request->terms);
    if (!result.ok()) {
        std::cerr << "riziki: cannot make a schedule: " << ledger::to_string(result.error) << "\n";
        return 2;
    }
    std::printf("%4s  %-10s  %14s  %14s  %14s  %14s\n", "n", "due on", "principal", "interest",
                "total", "balance");
    const auto view = schedule_json(result.schedule, currency);
    for (const auto& i : view["installments"]) {
        std::printf("%4d  %-10s  %14s  %14s  %14s  %14s\n", i["n"].get<int>(),
                    i["due_on"].get<std::string>().c_str(),
                    i["principal"].get<std::string>().c_str(),
                    i["interest"].get<std::string>().c_str(), i["total"].get<std::string>().c_str(),
                    i["balance"].get<std::string>().c_str());
    }
    return 0;
}

int migrate_command(const Options& options) {
    const Config config = load_config(options);
    db::Database database(database_config(config));
    for (const auto& name : database.applied_migrations())
        std::cout << "applied " << name << "\n";
    if (database.applied_migrations().empty())
        std::cout << "schema is up to date\n";
    return 0;
}

int verify_command(const Options& options) {
    const Config config = load_config(options);
    db::Database database(database_config(config));
    const auto report = db::verify_journal(database.app_conninfo());
    if (options.has("json")) {
        std::cout << verify_json(report).dump(2) << "\n";
    } else {
        for (const auto& c : report.checks) {
            std::cout << (c.ok ? "ok    " : "FAIL  ") << c.name << " (" << c.examined
                      << " examined)";
            if (!c.ok)
                std::cout << ": " << c.detail;
            std::cout << "\n";
        }
        std::cout << (report.ok ? "journal verified: " : "journal FAILED verification: ")
                  << report.entries_checked << " entries, head " << report.head_hash << "\n";
    }
    return report.ok ? 0 : 1;
}

/// riziki user create --username U --role R [--fund F]... [--name N] [--password-stdin]
int user_command(const std::vector<std::string>& args) {
    if (args.size() < 2 || args[1] != "create") {
        throw UsageError(
            "usage: user create --username U --role R [--fund F]... [--name N] "
            "[--password-stdin]");
    }
    const auto options =
        parse_options(args, {"password-stdin"}, {"username", "role", "fund", "name"}, 2);
    if (!options.has("username") || !options.has("role"))
        throw UsageError("user create needs --username and --role");
    UserCreateRequest request{
        options.value("username"), options.value("role"),
        options.has("fund") ? options.values.at("fund") : std::vector<std::string>{},
        options.has("name") ? options.value("name") : "", std::nullopt};
    if (options.has("password-stdin")) {
        std::string line;
        std::getline(std::cin, line);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        request.password = std::move(line);
    }
    const Config config = load_config(options);
    db::Database database(database_config(config));
    db::Pool pool(database.app_conninfo(), 1);
    db::Programme programme(pool);
    db::Users users(pool);
    const auto vault = open_vault(config, programme);
    return create_user_command(users, programme, vault, request);
}

/// riziki pii rotate-key --new-key-file F [--batch N]
int pii_command(const std::vector<std::string>& args) {
    if (args.size() < 2 || args[1] != "rotate-key")
        throw UsageError("usage: pii rotate-key --new-key-file FILE [--batch N]");
    const auto options = parse_options(args, {}, {"new-key-file", "batch"}, 2);
    RotateKeyOptions rotate;
    if (!options.has("new-key-file") || options.value("new-key-file").empty())
        throw UsageError("pii rotate-key needs --new-key-file FILE");
    rotate.new_key_file = options.value("new-key-file");
    if (options.has("batch")) {
        const auto& batch = options.value("batch");
        const bool digits = !batch.empty() && batch.size() <= 5 &&
                            std::all_of(batch.begin(), batch.end(), ::isdigit);
        if (!digits || std::stoul(batch) == 0 || std::stoul(batch) > 10000)
            throw UsageError("--batch must be 1-10000 rows");
        rotate.batch = std::stoul(batch);
    }
    return rotate_key_command(load_config(options), rotate);
}

/// riziki consortium-key create --output FILE (api/consortium_key.hpp)
int consortium_key_command(const std::vector<std::string>& args) {
    if (args.size() < 2 || args[1] != "create")
        throw UsageError("usage: consortium-key create --output FILE");
    const auto options = parse_options(args, {}, {"output"}, 2);
    if (!options.has("output") || options.value("output").empty())
        throw UsageError("consortium-key create needs --output FILE");
    return consortium_key_create_command(options.value("output"));
}

/// riziki hub sync [--batch N]: sends the organisation's survivors the hub does not have yet
/// (or not with their support now), N a request, then fetches the matches found for them.
/// Resumable: what the hub registered is kept after each batch, so a run that stops (the hub
/// went away, Ctrl-C) is carried on by the next. Exit 0 when none wait, 1 when the hub failed.
int hub_sync_command(const Options& options) {
    std::size_t batch = 500;
    if (options.has("batch")) {
        const auto& text = options.value("batch");
        const bool digits =
            !text.empty() && text.size() <= 3 && std::all_of(text.begin(), text.end(), ::isdigit);
        if (!digits || std::stoul(text) == 0 || std::stoul(text) > 500)
            throw UsageError("--batch must be 1-500 survivors");
        batch = std::stoul(text);
    }
    const Config config = load_config(options);
    const auto settings = registry_settings(config);
    if (!settings)
        throw ConfigError(
            "hub sync needs RIZIKI_HUB_URL, RIZIKI_HUB_TOKEN and "
            "RIZIKI_CONSORTIUM_KEY_FILE");
    db::Database database(database_config(config));
    db::Pool pool(database.app_conninfo(), 2);
    db::Programme programme(pool);
    const auto vault = open_vault(config, programme);
    RegistryMember registry(*settings, pool, vault);
    RegistryProgress total;
    try {
        const auto withdrawn = registry.withdraw_erased();
        if (withdrawn > 0)
            std::cout << "withdrew " << withdrawn << " erased survivors from the hub" << std::endl;
        for (;;) {
            const auto progress = registry.send_waiting(batch, batch * 20);
            total.sent += progress.sent;
            total.matches += progress.matches;
            std::cout << "sent " << total.sent << " survivors, " << total.matches << " matches; "
                      << progress.waiting << " waiting" << std::endl;
            if (progress.sent == 0 || progress.waiting == 0)
                break;
        }
        const auto fetched = registry.fetch_matches();
        std::cout << "the hub knows " << fetched << " matches of this organisation's survivors"
                  << std::endl;
        // The consortium's statistics: who was supported in each of the last 12 whole months.
        const auto today = today_in_nairobi(config.today);
        for (int back = 12; back >= 1; --back) {
            const auto month = ledger::period_of(ledger::add_months(today, -back));
            const auto supported = registry.send_activity(month);
            std::cout << ledger::format_period(month) << ": " << supported << " survivors supported"
                      << std::endl;
        }
    } catch (const std::exception& error) {
        std::cerr << "riziki: hub sync stopped (run it again to carry on): " << error.what()
                  << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
    const std::string& command = args.at(0);
    // The commands that hold the PII or consortium key: a crash must not write it to a core
    // file.
    if (command == "serve" || command == "demo" || command == "pii" || command == "user" ||
        command == "consortium-key" || command == "hub")
        disable_core_dumps();
    if (command == "hub" && args.size() >= 2 && args[1] == "sync")
        return hub_sync_command(parse_options(args, {}, {"batch"}, 2));
    if (command == "consortium-key")
        return consortium_key_command(args);
    if (command == "hub")
        return hub_command(args);
    if (command == "user")
        return user_command(args);
    if (command == "pii")
        return pii_command(args);
    if (command == "serve" || command == "demo") {
        return serve(parse_options(args, {"behind-proxy"}, {"tls-cert", "tls-key"}),
                     command == "demo");
    }
    if (command == "migrate")
        return migrate_command(parse_options(args, {}, {}));
    if (command == "verify")
        return verify_command(parse_options(args, {"json"}, {}));
    if (command == "survivor") {
        // riziki survivor erase SV-… --reason R (api/erasure_command.cpp).
        if (args.size() < 3 || args[1] != "erase" || args[2].starts_with("--"))
            throw UsageError("usage: survivor erase SV-CODE --reason R");
        const auto options = parse_options(args, {}, {"reason"}, 3);
        if (!options.has("reason"))
            throw UsageError("survivor erase needs --reason");
        return erase_survivor_command(args[2], options.value("reason"),
                                      database_config(load_config(options)));
    }
    if (command == "schedule") {
        return schedule_command(
            parse_options(args, {},
                          {"amount", "currency", "disbursed-on", "rate", "per", "method",
                           "amortization", "installments", "every", "unit", "first-due-on",
                           "grace-principal", "grace-interest"}));
    }
    if (command == "export") {
        return export_command(parse_options(args, {}, {"format", "from", "to", "output"}));
    }
    if (command == "report") {
        if (args.size() < 2 || args[1] != "donor")
            throw UsageError("usage: report donor ...");
        // -o FILE is the short form of --output FILE (where an option name may stand).
        std::vector<std::string> spelled = args;
        for (std::size_t i = 2; i < spelled.size(); i += 2) {
            if (spelled[i] == "-o")
                spelled[i] = "--output";
        }
        return report_command(
            parse_options(spelled, {}, {"fund", "from", "to", "format", "output"}, 2));
    }
    if (command == "mpesa") {
        // riziki mpesa callback-url --base URL [--rotate] (api/mpesa_command.cpp).
        if (args.size() < 2 || args[1] != "callback-url")
            throw UsageError("usage: mpesa callback-url --base https://HOST [--rotate]");
        const auto options = parse_options(args, {"rotate"}, {"base"}, 2);
        if (!options.has("base"))
            throw UsageError("mpesa callback-url needs --base https://HOST");
        return mpesa_callback_url_command(options.value("base"), options.has("rotate"),
                                          database_config(load_config(options)));
    }
    if (command == "token") {
        if (args.size() >= 3 && args[1] == "revoke" && !args[2].starts_with("--"))
            return token_revoke_command(args[2], parse_options(args, {}, {}, 3));
        if (args.size() < 2 || args[1] != "create")
            throw UsageError("usage: token create ... | token revoke ID");
        return token_create_command(
            parse_options(args, {}, {"role", "fund", "name", "expires-in"}, 2));
    }
    throw UsageError("unknown command '" + command + "'");
}

}  // namespace riziki::api
