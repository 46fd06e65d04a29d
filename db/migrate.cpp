#include "db/migrate.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <stdexcept>

#include "db/award_keys.hpp"
#include "db/common_sql.hpp"
#include "db/connection_string.hpp"
#include "db/sql.hpp"

namespace riziki::db {

namespace {

constexpr const char* kCreateTable = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    sha256 text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))";

constexpr const char* kSelectApplied = "SELECT sha256 FROM schema_migrations WHERE name = :n";
constexpr const char* kSelectAllApplied = "SELECT name FROM schema_migrations";
constexpr const char* kRecordApplied =
    "INSERT INTO schema_migrations (name, sha256) VALUES (:n, :d)";

/// The migration that gives awards' list keys their table (db/award_keys.hpp); the keys are
/// filled after it (migration 0023 added them on `awards`, before 0025 moved them).
constexpr std::string_view kAwardListKeys = "0025_";

// Any constant will do: it only has to be the same for every riziki migrator.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(7404158221)";

/// Runs a whole migration script as PostgreSQL sees it. SOCI would rewrite every
/// ":name" in the text (even inside function bodies) as a bind placeholder, so scripts go
/// to libpq directly on the session's own connection, inside its open transaction.
void execute_script(soci::session& sql, const std::string& script) {
    auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    PGresult* result = PQexec(backend->conn_, script.c_str());
    const auto status = PQresultStatus(result);
    const std::string error = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error("migration failed: " + error);
    }
}

/// Refuses a database that holds migrations of another set (`riziki serve` given the hub's
/// home, or the reverse), before anything of this set is applied over it.
void check_same_set(soci::session& sql, const std::vector<Migration>& migrations) {
    soci::rowset<std::string> names = (sql.prepare << kSelectAllApplied);
    for (const auto& name : names) {
        const bool known = std::any_of(migrations.begin(), migrations.end(),
                                       [&](const Migration& m) { return m.name == name; });
        if (!known)
            throw std::runtime_error("the database holds migration " + name +
                                     ", which is not of this schema (a ledger's database given "
                                     "to the hub, or the hub's to the ledger?)");
    }
}

}  // namespace

const std::vector<Migration>& embedded_migrations(MigrationSet set) {
    return set == MigrationSet::hub ? embedded_hub_migrations() : embedded_ledger_migrations();
}

std::vector<std::string> migrate(const std::string& owner_conninfo, MigrationSet set) {
    soci::session sql(*soci::factory_postgresql(), soci_connection_string(owner_conninfo));
    sql << kQuietNotices;
    std::vector<std::string> applied;
    soci::transaction setup(sql);
    sql << kLock;
    sql << kCreateTable;
    check_same_set(sql, embedded_migrations(set));
    setup.commit();
    for (const auto& migration : embedded_migrations(set)) {
        soci::transaction tx(sql);
        sql << kLock;
        const std::string digest = sha256_hex(migration.sql);
        std::string recorded;
        soci::indicator found = soci::i_null;
        sql << kSelectApplied, soci::use(migration.name), soci::into(recorded, found);
        if (sql.got_data() && found == soci::i_ok) {
            if (recorded != digest) {
                throw std::runtime_error("migration " + migration.name +
                                         " changed after it was applied");
            }
            continue;
        }
        execute_script(sql, migration.sql);
        // Keys a migration adds that only C++ can derive (a loan's schedule) are filled in
        // its own transaction, so no server ever reads them unfilled.
        if (set == MigrationSet::ledger && migration.name.starts_with(kAwardListKeys))
            store_award_list_keys(sql);
        sql << kRecordApplied, soci::use(migration.name), soci::use(digest);
        tx.commit();
        applied.push_back(migration.name);
    }
    return applied;
}

}  // namespace riziki::db
