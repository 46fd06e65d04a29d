// The binary COPY reader that bulk reads (entries, postings, stored balances) go through:
// every column type it decodes, compared with PostgreSQL's own text output.

#include <boost/test/unit_test.hpp>

#include "db/copy_stream.hpp"
#include "db/sql.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;

BOOST_AUTO_TEST_SUITE(copy_stream)

BOOST_AUTO_TEST_CASE(numerics_decode_exactly_across_the_whole_range) {
    const std::vector<std::string> values = {"0",
                                             "1",
                                             "-1",
                                             "9999",
                                             "10000",
                                             "-10000",
                                             "10001",
                                             "99990000",
                                             "123456789012",
                                             "100000000000000000000",
                                             "-100000000000000000001",
                                             "9223372036854775807",
                                             "-9223372036854775808",
                                             "9223372036854775808",
                                             "999999999999999999999999999999",
                                             "170141183460469231731687303715884105727",
                                             "340282366920938463463374607431768211455",
                                             "-340282366920938463463374607431768211455"};
    std::string list;
    for (const auto& v : values)
        list += (list.empty() ? "" : ",") + v;
    LedgerFixture f;
    auto sql = f.app();
    db::CopyStream rows(*sql, "SELECT v::numeric(39, 0) FROM unnest(ARRAY[" + list +
                                  "]::numeric[]) WITH ORDINALITY AS t(v, i) ORDER BY i");
    std::size_t i = 0;
    while (rows.next()) {
        BOOST_TEST_CONTEXT(values.at(i)) {
            BOOST_TEST(ledger::to_decimal_string(rows.amount(0)) == values.at(i));
        }
        ++i;
    }
    BOOST_TEST(i == values.size());
}

BOOST_AUTO_TEST_CASE(numerics_out_of_range_or_with_fractions_are_refused) {
    LedgerFixture f;
    auto sql = f.app();
    for (const std::string value : {"340282366920938463463374607431768211456",
                                    "-999999999999999999999999999999999999999", "1.5", "0.0001"}) {
        BOOST_TEST_CONTEXT(value) {
            db::CopyStream rows(*sql, "SELECT " + value + "::numeric");
            BOOST_REQUIRE(rows.next());
            BOOST_CHECK_THROW(rows.amount(0), std::exception);
        }
    }
}

BOOST_AUTO_TEST_CASE(dates_timestamps_text_bytes_and_nulls) {
    LedgerFixture f;
    auto sql = f.app();
    db::CopyStream rows(*sql,
                        "SELECT DATE '1969-12-31', DATE '2026-11-25', TIMESTAMPTZ "
                        "'2026-11-25 10:00:00.123456+00', TIMESTAMPTZ '1960-01-01 00:00:00+00', "
                        "'\\x00ff41'::bytea, 'Nairobi – Mombasa, ünïcode'::text, 'KES'::char(3), "
                        "NULL::text, 42::bigint, -7::int");
    BOOST_REQUIRE(rows.next());
    BOOST_TEST(rows.days(0) == -1);
    BOOST_TEST(ledger::format_date(rows.date(1)) == "2026-11-25");
    BOOST_TEST(ledger::format_timestamp_us(rows.timestamp_us(2)) == "2026-11-25T10:00:00.123456Z");
    BOOST_TEST(rows.timestamp_us(3) == -315619200000000LL);
    BOOST_TEST(rows.bytes(4) == std::string_view("\0\xff"
                                                 "A",
                                                 3));
    BOOST_TEST(rows.bytes(5) == "Nairobi – Mombasa, ünïcode");
    BOOST_TEST(rows.bytes(6) == "KES");
    BOOST_TEST(rows.is_null(7));
    BOOST_TEST(rows.bytes(7).empty());
    BOOST_CHECK_THROW(rows.int8(7), std::runtime_error);
    BOOST_TEST(rows.int8(8) == 42);
    BOOST_TEST(rows.int4(9) == -7);
    BOOST_CHECK_THROW(rows.int4(8), std::runtime_error);  // an int8 is not an int4
    BOOST_TEST(!rows.next());
}

BOOST_AUTO_TEST_CASE(a_failing_query_throws_and_leaves_the_session_usable) {
    LedgerFixture f;
    auto sql = f.app();
    BOOST_CHECK_THROW(db::CopyStream(*sql, "SELECT no_such_column FROM entries"), soci::soci_error);
    BOOST_CHECK_THROW(db::CopyStream(*sql, "SELECT 1/0"), soci::soci_error);
    int one = 0;
    *sql << "SELECT 1", soci::into(one);
    BOOST_TEST(one == 1);
    db::CopyStream empty(*sql, "SELECT seq FROM entries WHERE false");
    BOOST_TEST(!empty.next());
}

BOOST_AUTO_TEST_CASE(a_stream_left_early_gives_the_session_back) {
    LedgerFixture f;
    auto sql = f.app();
    {
        db::CopyStream rows(*sql, "SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g");
        BOOST_REQUIRE(rows.next());
        BOOST_TEST(rows.int4(0) == 1);
        BOOST_TEST(rows.bytes(1).size() == 100u);
    }
    int one = 0;
    *sql << "SELECT 1", soci::into(one);
    BOOST_TEST(one == 1);
    db::CopyStream again(*sql, "SELECT g FROM generate_series(1, 3) g");
    int sum = 0;
    while (again.next())
        sum += again.int4(0);
    BOOST_TEST(sum == 6);
    BOOST_TEST(!again.next());  // stays at the end
}

BOOST_AUTO_TEST_CASE(sql_literals_carry_any_text_back_unchanged) {
    LedgerFixture f;
    auto sql = f.app();
    const auto round_trip = [&](const std::string& text) {
        BOOST_TEST_CONTEXT(text) {
            db::CopyStream rows(*sql, "SELECT " + db::sql_literal(text) + "::text");
            BOOST_REQUIRE(rows.next());
            BOOST_TEST(rows.bytes(0) == text);
        }
    };
    for (const std::string text : {"", "F-KES", "it's", "''; DROP TABLE entries; --",
                                   "back\\slash\\'", "Mombasa – ünïcode", "2026-11-25"}) {
        round_trip(text);
    }
    // The same with the server reading backslashes in plain literals as escapes.
    *sql << "SET standard_conforming_strings = off";
    round_trip("x\\' OR true --");
    round_trip("\\\\'");
    BOOST_CHECK_THROW(db::sql_literal(std::string("a\0b", 3)), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
