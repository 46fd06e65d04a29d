// A lost database: reads and writes fail as DatabaseUnavailable (the API answers 503),
// nothing half-done is left, and both recover on their own when the server returns.

#include <boost/test/unit_test.hpp>

#include "db/cluster.hpp"
#include "db/errors.hpp"
#include "db/verify.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;

BOOST_AUTO_TEST_SUITE(outage)

BOOST_AUTO_TEST_CASE(store_and_writer_report_unavailable_then_recover) {
    LedgerFixture f;
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 100)).entry.seq == 1);
    BOOST_TEST(f.store.head().seq == 1);  // both pooled connections are warm
    BOOST_TEST(f.store.balance("1010", "F-KES", std::nullopt) == minor(100));

    auto& cluster = TestCluster::instance().cluster();
    cluster.stop();
    BOOST_CHECK_THROW(f.store.head(), db::DatabaseUnavailable);
    BOOST_CHECK_THROW(f.write(receipt("F-KES", "KES", 5)), db::DatabaseUnavailable);
    BOOST_CHECK_THROW(f.store.create_fund("F-NEW", "KES", "x"), db::DatabaseUnavailable);
    BOOST_CHECK_THROW(db::verify_journal(f.database.app_conninfo), db::DatabaseUnavailable);

    cluster.start();
    // No call after the restart fails: dead pooled connections are re-opened on use.
    BOOST_TEST(f.store.head().seq == 1);
    BOOST_TEST(f.store.balance("1010", "F-KES", std::nullopt) == minor(100));
    const auto after = f.write(receipt("F-KES", "KES", 7));
    BOOST_TEST(after.entry.seq == 2);
    BOOST_TEST(f.store.balance("1010", "F-KES", std::nullopt) == minor(107));
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_SUITE_END()
