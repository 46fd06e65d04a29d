// Queries prepared once per connection (db/prepared): run by name on every connection they
// meet, prepared again on a reopened one, and failing with the server's own message.

#include <boost/test/unit_test.hpp>

#include "db/prepared.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;

namespace {

const db::PreparedQuery kDouble("riziki_test_double",
                                "SELECT v * 2, NULLIF(v, 0) FROM unnest(CAST($1 AS bigint[])) "
                                "WITH ORDINALITY AS t(v, i) ORDER BY i");

std::vector<long long> doubled(soci::session& sql, const std::string& values) {
    const auto rows = kDouble.run(sql, {&values});
    std::vector<long long> out;
    for (int i = 0; i < rows.size(); ++i)
        out.push_back(rows.integer(i, 0));
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prepared_query)

BOOST_AUTO_TEST_CASE(runs_on_each_connection_and_again_after_a_reconnect) {
    LedgerFixture f;
    auto first = f.app();
    auto second = f.app();
    BOOST_TEST(doubled(*first, "{1,2,3}") == (std::vector<long long>{2, 4, 6}));
    BOOST_TEST(doubled(*first, "{-4}") == (std::vector<long long>{-8}));  // by name now
    BOOST_TEST(doubled(*second, "{5}") == (std::vector<long long>{10}));  // prepared there too
    // A reopened session is a new server process with nothing prepared.
    first->close();
    first->open(*soci::factory_postgresql(), f.database.app_conninfo);
    BOOST_TEST(doubled(*first, "{7}") == (std::vector<long long>{14}));
    // Inside a transaction, seeing its own writes.
    soci::transaction tx(*first);
    const auto rows = kDouble.run(*first, {nullptr});
    BOOST_TEST(rows.size() == 0);
    tx.rollback();
}

BOOST_AUTO_TEST_CASE(reads_nulls_and_text_and_fails_with_the_servers_message) {
    LedgerFixture f;
    auto sql = f.app();
    const std::string values = "{0,9}";
    const auto rows = kDouble.run(*sql, {&values});
    BOOST_TEST_REQUIRE(rows.size() == 2);
    BOOST_TEST(rows.is_null(0, 1));
    BOOST_TEST(rows.string(1, 1) == "9");
    const std::string bad = "{1,x}";
    try {
        kDouble.run(*sql, {&bad});
        BOOST_FAIL("a malformed array was accepted");
    } catch (const soci::soci_error& error) {
        BOOST_TEST(std::string(error.what()).find("invalid input syntax") != std::string::npos);
    }
    // The session is still usable, and so is the query.
    BOOST_TEST(doubled(*sql, "{4}") == (std::vector<long long>{8}));
    const db::PreparedQuery broken("riziki_test_broken", "SELECT no_such_column");
    for (int attempt = 0; attempt < 2; ++attempt) {
        // Prepared again on the second attempt, not assumed prepared: the error is still
        // about the column, not about a missing prepared statement.
        try {
            broken.run(*sql, {});
            BOOST_FAIL("a query naming no column ran");
        } catch (const soci::soci_error& error) {
            BOOST_TEST(std::string(error.what()).find("no_such_column") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
