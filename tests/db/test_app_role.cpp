// What the application role (riziki_app, what the service connects as) cannot do to the
// code the schema owner runs (migration 0014).

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "db/migrate.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(app_role)

// A SECURITY DEFINER function runs as the owner with the search_path it sets. Every one
// must look in pg_catalog first and in pg_temp last: this holds later migrations to it.
BOOST_AUTO_TEST_CASE(every_security_definer_function_sets_a_safe_search_path) {
    LedgerFixture f;
    auto owner = f.owner();
    soci::rowset<soci::row> rows =
        (owner->prepare << "SELECT p.oid::regprocedure::text, coalesce((SELECT c FROM "
                           "unnest(p.proconfig) c WHERE c LIKE 'search_path=%'), '') "
                           "FROM pg_proc p WHERE p.prosecdef AND p.pronamespace NOT IN "
                           "('pg_catalog'::regnamespace, 'information_schema'::regnamespace)");
    int functions = 0;
    for (const auto& row : rows) {
        ++functions;
        BOOST_TEST_CONTEXT(row.get<std::string>(0)) {
            BOOST_TEST(row.get<std::string>(1) == "search_path=pg_catalog, public, pg_temp");
        }
    }
    BOOST_TEST(functions >= 12);  // 12 when this was written
}

// Regression: with `SET search_path = public`, pg_temp was searched first, and the app
// role's temporary table stood in for the audit head inside the owner's function.
BOOST_AUTO_TEST_CASE(a_temporary_table_cannot_stand_in_for_the_owners_tables) {
    LedgerFixture f;
    auto app = f.app();
    *app << "CREATE TEMPORARY TABLE audit_head (seq bigint, hash bytea)";
    *app << "INSERT INTO audit_head VALUES (999, sha256('forged'))";
    *app << "CREATE TEMPORARY TABLE journal_head (seq bigint, hash bytea)";
    *app << "INSERT INTO journal_head VALUES (999, sha256('forged'))";
    long long audit_seq = -1;
    long long journal_seq = -1;
    *app << "SELECT a.seq, h.seq FROM riziki_lock_audit_head() a, riziki_lock_head() h",
        soci::into(audit_seq), soci::into(journal_seq);
    BOOST_TEST(audit_seq == 0);
    BOOST_TEST(journal_seq == 0);
}

// PostgreSQL 15 lets only the database owner create in schema public; older servers let
// every role. Riziki's schema revokes that itself, so an external server of either kind
// gives the app role no place to plant a table or function for the owner to meet.
BOOST_AUTO_TEST_CASE(the_app_role_cannot_create_in_schema_public) {
    LedgerFixture f;
    const std::string older = "old_defaults_" + std::to_string(getpid());
    {
        auto owner = f.owner();
        *owner << "CREATE DATABASE " + older + " TEMPLATE template0";
    }
    {
        soci::session owner(*soci::factory_postgresql(),
                            f.database.owner_conninfo + " dbname=" + older);
        owner << "GRANT CREATE ON SCHEMA public TO PUBLIC";  // what servers before 15 do
    }
    db::migrate(f.database.owner_conninfo + " dbname=" + older);
    for (const auto& conninfo :
         {f.database.app_conninfo, f.database.app_conninfo + " dbname=" + older}) {
        BOOST_TEST_CONTEXT(conninfo) {
            soci::session app(*soci::factory_postgresql(), conninfo);
            for (const char* planted :
                 {"CREATE TABLE public.planted (x int)",
                  "CREATE FUNCTION public.sha256(text) RETURNS bytea LANGUAGE sql "
                  "AS 'SELECT NULL::bytea'",
                  "CREATE VIEW planted_view AS SELECT 1 AS x"}) {
                BOOST_TEST_CONTEXT(planted) {
                    const auto error = try_sql(app, {planted});
                    BOOST_TEST(contains(error, "permission denied for schema public"), error);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
