// A lost database: reads and writes fail as DatabaseUnavailable (the API answers 503),
// nothing half-done is left, and both recover on their own when the server returns.

#include <boost/test/unit_test.hpp>

#include "db/cluster.hpp"
#include "db/errors.hpp"
#include "db/sql.hpp"
#include "db/verify.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;

BOOST_AUTO_TEST_SUITE(outage)

BOOST_AUTO_TEST_CASE(store_and_writer_report_unavailable_then_recover) {
    LedgerFixture f;
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 100)).entry.seq == 1);
    BOOST_TEST(f.journal.head().seq == 1);  // both pooled connections are warm
    BOOST_TEST(f.journal.balance("1010", "F-KES", std::nullopt) == minor(100));

    auto& cluster = TestCluster::instance().cluster();
    cluster.stop();
    BOOST_CHECK_THROW(f.journal.head(), db::DatabaseUnavailable);
    BOOST_CHECK_THROW(f.write(receipt("F-KES", "KES", 5)), db::DatabaseUnavailable);
    BOOST_CHECK_THROW(f.create_fund("F-NEW", "KES", "x"), db::DatabaseUnavailable);
    BOOST_CHECK_THROW(db::verify_journal(f.database.app_conninfo), db::DatabaseUnavailable);

    cluster.start();
    // No call after the restart fails: dead pooled connections are re-opened on use.
    BOOST_TEST(f.journal.head().seq == 1);
    BOOST_TEST(f.journal.balance("1010", "F-KES", std::nullopt) == minor(100));
    const auto after = f.write(receipt("F-KES", "KES", 7));
    BOOST_TEST(after.entry.seq == 2);
    BOOST_TEST(f.journal.balance("1010", "F-KES", std::nullopt) == minor(107));
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_CASE(a_reopened_session_keeps_the_riziki_settings) {
    LedgerFixture f;
    soci::session sql;
    db::open_session(sql, f.database.app_conninfo);
    const auto setting = [&](const char* name) {
        std::string value;
        sql << "SHOW " + std::string(name), soci::into(value);
        return value;
    };
    BOOST_TEST_REQUIRE(setting("jit") == "off");
    BOOST_TEST_REQUIRE(setting("client_min_messages") == "warning");
    const auto cut = [&] {
        int pid = 0;
        sql << "SELECT pg_backend_pid()", soci::into(pid);
        auto owner = f.owner();
        *owner << "SELECT pg_terminate_backend(" + std::to_string(pid) + ")";
        BOOST_CHECK_THROW(setting("jit"), soci::soci_error);  // the backend is gone
        BOOST_TEST_REQUIRE(!sql.is_connected());
    };
    // A bare reconnect starts the new backend with the server's defaults...
    cut();
    sql.reconnect();
    BOOST_TEST(setting("client_min_messages") == "notice");
    // ... reopen_session (what the store's pool uses) puts Riziki's settings back.
    cut();
    db::reopen_session(sql);
    BOOST_TEST(setting("jit") == "off");
    BOOST_TEST(setting("client_min_messages") == "warning");
    BOOST_TEST(setting("synchronous_commit") == "on");
}

BOOST_AUTO_TEST_SUITE_END()
