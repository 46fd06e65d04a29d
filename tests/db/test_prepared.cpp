// Queries prepared once per connection (db/prepared): run by name on every connection they
// meet, prepared again on a reopened one, failing with the server's own message, and sent
// together in a pipeline.

#include <boost/test/unit_test.hpp>

#include "db/prepared.hpp"
#include "db/sql.hpp"
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
    // Inside a transaction, with a NULL parameter (unnest of NULL: no rows).
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

BOOST_AUTO_TEST_CASE(a_pipeline_answers_in_order_and_stops_at_the_first_error) {
    LedgerFixture f;
    auto sql = f.app();
    const db::PreparedQuery insert_fund("riziki_test_fund",
                                        "INSERT INTO funds (code, currency, name) "
                                        "VALUES ($1, 'KES', 'Pipelined') RETURNING code");
    const std::string first = "F-PIPE1", second = "F-PIPE2", values = "{3}";
    {
        db::Pipeline pipeline(*sql);
        pipeline.add("BEGIN");
        pipeline.add(insert_fund, {&first});
        pipeline.add(kDouble, {&values});
        pipeline.add("COMMIT");
        const auto answers = pipeline.run();
        BOOST_TEST_REQUIRE(answers.size() == 4u);
        BOOST_TEST(answers[1].string(0, 0) == "F-PIPE1");
        BOOST_TEST(answers[2].integer(0, 0) == 6);
    }
    BOOST_TEST(f.programme.fund("F-PIPE1").has_value());
    // The same fund again fails; what follows it (a new fund, COMMIT) is not run.
    try {
        db::Pipeline pipeline(*sql);
        pipeline.add("BEGIN");
        pipeline.add(insert_fund, {&first});
        pipeline.add(insert_fund, {&second});
        pipeline.add("COMMIT");
        pipeline.run();
        BOOST_FAIL("a duplicate fund was accepted");
    } catch (const soci::soci_error& error) {
        BOOST_TEST(std::string(error.what()).find("duplicate key") != std::string::npos);
    }
    *sql << "ROLLBACK";
    BOOST_TEST(!f.programme.fund("F-PIPE2").has_value());
    // A pipeline left before run() (an exception while adding) is synced and ended: what it
    // was given runs, the session is usable, and without COMMIT nothing is kept.
    try {
        db::Pipeline pipeline(*sql);
        pipeline.add("BEGIN");
        pipeline.add(insert_fund, {&second});
        throw std::runtime_error("left early");
    } catch (const std::runtime_error&) {
    }
    *sql << "ROLLBACK";
    BOOST_TEST(!f.programme.fund("F-PIPE2").has_value());
    BOOST_TEST(doubled(*sql, "{21}") == (std::vector<long long>{42}));
}

BOOST_AUTO_TEST_CASE(a_failed_pipeline_keeps_what_it_prepared_and_retries_what_it_skipped) {
    LedgerFixture f;
    auto sql = f.app();
    const db::PreparedQuery before("riziki_test_before", "SELECT 1");
    const db::PreparedQuery after("riziki_test_after", "SELECT 2");
    try {
        db::Pipeline pipeline(*sql);
        pipeline.add("BEGIN");
        pipeline.add(before, {});  // prepared, then run
        pipeline.add("SELECT 1 / 0");
        pipeline.add(after, {});  // its preparation is skipped with it
        pipeline.run();
        BOOST_FAIL("a division by zero was answered");
    } catch (const soci::soci_error& error) {
        BOOST_TEST(std::string(error.what()).find("division by zero") != std::string::npos);
    }
    *sql << "ROLLBACK";
    // Neither prepared again where it exists ("already exists") nor run unprepared.
    BOOST_TEST(before.run(*sql, {}).integer(0, 0) == 1);
    BOOST_TEST(after.run(*sql, {}).integer(0, 0) == 2);
}

BOOST_AUTO_TEST_CASE(a_sent_pipeline_is_answered_later_or_drained_unread) {
    LedgerFixture f;
    auto sql = f.app();
    const std::string values = "{5}";
    {
        db::Pipeline pipeline(*sql);
        pipeline.add(kDouble, {&values});
        pipeline.send();
        const auto answers = pipeline.run();
        BOOST_TEST(answers.at(0).integer(0, 0) == 10);
    }
    {
        db::Pipeline pipeline(*sql);
        pipeline.add(kDouble, {&values});
        pipeline.send();
    }  // never read: the destructor reads the answers, and the session is usable
    BOOST_TEST(doubled(*sql, "{7}") == (std::vector<long long>{14}));
}

// The writer passes its columns as binary arrays; the server reads them back as the same
// values, text with quotes, backslashes, commas and non-ASCII letters included.
BOOST_AUTO_TEST_CASE(binary_arrays_arrive_as_the_values_they_hold) {
    LedgerFixture f;
    auto sql = f.app();
    const db::PreparedQuery echo(
        "riziki_test_binary_echo",
        "SELECT CAST($1 AS text[])::text, CAST($2 AS bigint[])::text, "
        "CAST($3 AS integer[])::text, encode((CAST($4 AS bytea[]))[1], 'hex'), "
        "cardinality(CAST($5 AS text[]))");
    using Of = db::BinaryArray::Of;
    db::BinaryArray text(Of::text), int8(Of::int8), int4(Of::int4), bytea(Of::bytea),
        none(Of::text);
    text.add(R"(say "hi", \ {x})");
    text.add_null();
    text.add("Wanjikũ");
    int8.add(-9'000'000'000'000'000'000LL);
    int8.add(42);
    int4.add(-7);
    int4.add(2'147'483'647);
    BOOST_CHECK_THROW(int4.add(2'147'483'648LL), std::out_of_range);
    BOOST_CHECK_THROW(int4.add("7"), std::logic_error);
    BOOST_CHECK_THROW(text.add(7LL), std::logic_error);
    ledger::Hash hash{};
    hash[0] = 0xab;
    hash[31] = 0x01;
    bytea.add(hash);
    db::Pipeline pipeline(*sql);
    pipeline.add_binary(
        echo, {std::move(text).finish(), std::move(int8).finish(), std::move(int4).finish(),
               std::move(bytea).finish(), std::move(none).finish()});
    const auto rows = std::move(pipeline.run().at(0));
    BOOST_TEST(rows.string(0, 0) == R"({"say \"hi\", \\ {x}",NULL,Wanjikũ})");
    BOOST_TEST(rows.string(0, 1) == "{-9000000000000000000,42}");
    BOOST_TEST(rows.string(0, 2) == "{-7,2147483647}");
    BOOST_TEST(rows.string(0, 3) == "ab" + std::string(60, '0') + "01");
    BOOST_TEST(rows.string(0, 4) == "0");
}

BOOST_AUTO_TEST_SUITE_END()
