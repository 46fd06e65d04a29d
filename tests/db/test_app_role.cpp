// What the application role (riziki_app, what the service connects as) cannot do to the
// code the schema owner runs, or to the audit log's dates (migration 0014).

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

/// An audit line the app role inserts itself, chained right onto the head (the next seq, the
/// head's hash, the hash of its own fields), dated `at` (an SQL expression).
std::string chained_line(const std::string& at) {
    const std::string fields = "'intruder', '', 'a', '', ''";
    return "INSERT INTO audit_log (seq, at, actor, request_id, action, subject, detail, "
           "prev_hash, hash) SELECT h.seq + 1, t.at, " +
           fields + ", h.hash, sha256(h.hash || riziki_audit_bytes(ROW(h.seq + 1, t.at, " + fields +
           ", h.hash, h.hash)::audit_log)) FROM audit_head h, (SELECT " + at + " AS at) t";
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

// Regression: the app role (the writer chains its own lines) could date an audit line any
// time it liked. Now a line is dated within the transaction that inserts it, or refused; a
// line the database chains gets the database's time whatever it was given.
BOOST_AUTO_TEST_CASE(the_app_role_cannot_choose_an_audit_lines_seq_or_time) {
    LedgerFixture f;
    auto app = f.app();
    for (const char* at : {"now() - interval '1 day'", "now() + interval '1 hour'",
                           "timestamptz '2026-01-01 00:00:00+00'"}) {
        BOOST_TEST_CONTEXT(at) {
            const auto error = try_sql(*app, {chained_line(at)});
            BOOST_TEST(contains(error, "riziki:audit_time_not_now"), error);
        }
    }
    // The next seq only (a gap or a repeat breaks the chain).
    const auto skipped = try_sql(
        *app, {"INSERT INTO audit_log (seq, at, actor, request_id, action, subject, detail, "
               "prev_hash, hash) SELECT h.seq + 2, now(), 'x', '', 'a', '', '', h.hash, h.hash "
               "FROM audit_head h"});
    BOOST_TEST(contains(skipped, "riziki:audit_chain_broken"), skipped);
    BOOST_TEST(f.programme.audit_log({}, 0, 10).empty());
    // Dated now, chained right: accepted.
    BOOST_TEST_REQUIRE(try_sql(*app, {chained_line("now()")}) == "");
    // Left for the database to chain, a line's seq and time are the database's.
    BOOST_TEST_REQUIRE(
        try_sql(*app, {"INSERT INTO audit_log (actor, request_id, action, subject, detail, at) "
                       "VALUES ('intruder', '', 'a', '', '', timestamptz '2000-01-01 00:00Z')"}) ==
        "");
    const auto lines = f.programme.audit_log({}, 0, 10);
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[1].seq == 2);
    BOOST_TEST(lines[1].at_us >= lines[0].at_us);
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

// The writer dates its lines with the server's clock, so its batches pass the check.
BOOST_AUTO_TEST_CASE(the_writers_audit_lines_are_dated_by_the_server) {
    LedgerFixture f;
    auto app = f.app();
    long long before_us = 0;
    *app << "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS bigint)",
        soci::into(before_us);
    db::WriterOptions options;
    options.render_response = [](const ledger::Entry&, const ledger::Allocation&) {
        return db::StoredResponse{201, "{}"};
    };
    f.writer = std::make_unique<db::JournalWriter>(f.database.app_conninfo, options);
    const auto written =
        f.writer->write({receipt("F-KES", "KES", 100), db::IdempotencyClaim{"token:1", "key-1", {}},
                         std::nullopt, "request-1"});
    BOOST_TEST_REQUIRE(written.kind == db::WriteOutcome::Kind::committed);
    const auto lines = f.programme.audit_log({}, 0, 10);
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].event.request_id == "request-1");
    BOOST_TEST(lines[0].at_us >= before_us);
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

// Issue 18: whoever held the app role's password could INSERT a token of their choosing.
// Now the app role reads tokens and changes them only through riziki_token_rekey and
// riziki_token_revoke; and no one, the owner included, changes a token but to re-key or
// revoke it, deletes one, or stores a new one unkeyed or living over a year.
BOOST_AUTO_TEST_CASE(tokens_are_made_by_the_owner_and_only_rekeyed_or_revoked) {
    LedgerFixture f;
    auto app = f.app();
    const std::string keyed =
        "INSERT INTO tokens (name, role, token_hmac, key_id) VALUES "
        "('t', 'field', sha256('x'), '0123456789abcdef')";
    for (const std::string& sql : {keyed, std::string("UPDATE tokens SET revoked_at = now()"),
                                  std::string("DELETE FROM tokens")}) {
        BOOST_TEST_CONTEXT(sql) {
            BOOST_TEST(contains(try_sql(*app, {sql}), "permission denied"));
        }
    }
    auto owner = f.owner();
    BOOST_TEST_REQUIRE(try_sql(*owner, {keyed}) == "");
    const std::pair<const char*, const char*> refused[] = {
        {"UPDATE tokens SET role = 'admin'", "riziki:append_only"},
        {"UPDATE tokens SET expires_at = expires_at + interval '1 day'", "riziki:append_only"},
        {"UPDATE tokens SET token_sha256 = sha256('x'), token_hmac = NULL, key_id = NULL",
         "riziki:append_only"},
        {"DELETE FROM tokens", "riziki:append_only"},
        {"INSERT INTO tokens (name, role, token_sha256) VALUES ('t', 'field', sha256('y'))",
         "riziki:token_not_keyed"},
        {"INSERT INTO tokens (name, role, token_hmac, key_id, expires_at) VALUES ('t', 'field', "
         "sha256('z'), '0123456789abcdef', now() + interval '1 year 1 day')",
         "riziki:token_expiry_too_far"},
    };
    for (const auto& [sql, code] : refused) {
        BOOST_TEST_CONTEXT(sql) {
            BOOST_TEST(contains(try_sql(*owner, {sql}), code));
        }
    }
    long long id = 0;
    *owner << "SELECT id FROM tokens", soci::into(id);
    int changed = 0;
    *app << "SELECT CAST(riziki_token_rekey(:i, '0123456789abcdef', 'fedcba9876543210', "
            "sha256('w')) AS integer)",
        soci::use(id), soci::into(changed);
    BOOST_TEST(changed == 1);
    std::string first, second;
    int newly = -1;
    *app << "SELECT CAST(revoked_at AS text), CAST(newly AS integer) FROM riziki_token_revoke(:i)",
        soci::use(id), soci::into(first), soci::into(newly);
    BOOST_TEST(newly == 1);
    *app << "SELECT CAST(revoked_at AS text), CAST(newly AS integer) FROM riziki_token_revoke(:i)",
        soci::use(id), soci::into(second), soci::into(newly);
    BOOST_TEST(newly == 0);
    BOOST_TEST(second == first);
    // A revoked token is not re-keyed, and revoking it again changes nothing.
    *app << "SELECT CAST(riziki_token_rekey(:i, 'fedcba9876543210', '0123456789abcdef', "
            "sha256('v')) AS integer)",
        soci::use(id), soci::into(changed);
    BOOST_TEST(changed == 0);
}

BOOST_AUTO_TEST_SUITE_END()
