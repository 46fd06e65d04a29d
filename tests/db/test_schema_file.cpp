// db/schema.sql is the schema a fresh migration leaves, so a reader finds every table,
// function and trigger in force in one file (db/schema.sh prints and regenerates it).

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/db/fixture.hpp"
#include "tests/support/shell.hpp"

using namespace riziki::testing;

BOOST_AUTO_TEST_SUITE(schema_file)

BOOST_AUTO_TEST_CASE(schema_sql_is_the_migrated_schema) {
    const auto database = TestCluster::instance().fresh_database();
    const std::string source = RIZIKI_SOURCE_DIR;
    const auto dump = shell(source + "/db/schema.sh '" + database.owner_conninfo + "'", false);
    BOOST_TEST_REQUIRE(dump.status == 0);
    BOOST_TEST_REQUIRE(dump.output.find("CREATE TABLE public.entries") != std::string::npos);
    if (const char* write_to = std::getenv("RIZIKI_SCHEMA_WRITE")) {
        std::ofstream(write_to, std::ios::binary) << dump.output;
        return;
    }
    std::ifstream file(source + "/db/schema.sql", std::ios::binary);
    std::stringstream stored;
    stored << file.rdbuf();
    // On a difference: a migration changed the schema; run db/schema.sh --write and commit.
    BOOST_TEST(stored.str() == dump.output);
}

BOOST_AUTO_TEST_SUITE_END()
