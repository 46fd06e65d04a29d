// Programme records against a real PostgreSQL: a create under an Idempotency-Key writes the
// record and its key in one transaction, and an outcome of a survivor who did not consent
// to follow-up is refused by the database as well as by the core.

#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "db/hash.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;
using ledger::Rejection;

namespace {

long long count(soci::session& sql, const std::string& query) {
    long long n = 0;
    sql << query, soci::into(n);
    return n;
}

db::IdempotentCreate keyed(const std::string& key, const std::string& request,
                           std::function<db::StoredResponse()> render) {
    return {{"test", key, db::sha256(request)}, std::move(render)};
}

/// A cohort and two survivors enrolled on 2 January 2026: SV-YES00000 consented to
/// follow-up, SV-NO000000 did not.
struct ConsentFixture : LedgerFixture {
    ConsentFixture() {
        BOOST_TEST_REQUIRE(programme.create_cohort(
                               {"C1", "Cohort", "Mombasa", day("2026-01-01")}) == Rejection::none);
        for (const auto& [code, consents] :
             {std::pair{"SV-YES00000", true}, std::pair{"SV-NO000000", false}}) {
            auto s = survivor_record(code);
            s.consent_follow_up = consents;
            s.record_key = consents ? 101 : 202;
            BOOST_TEST_REQUIRE(programme.enrol_survivor(s, stand_in_pii(), {}) == Rejection::none);
        }
    }

    static db::OutcomeRecord outcome(const std::string& survivor) {
        db::OutcomeRecord o;
        o.survivor = survivor;
        o.observed_on = day("2026-03-01");
        o.business_status = "operating";
        o.currency = "KES";
        o.recorded_by = "test";
        return o;
    }
};

std::string raw_outcome(const std::string& survivor) {
    return "INSERT INTO outcomes (survivor, observed_on, business_status, currency, "
           "monthly_revenue_minor, monthly_profit_minor, household_income_minor, savings_minor, "
           "jobs, recorded_by) VALUES ('" +
           survivor + "', DATE '2026-03-01', 'operating', 'KES', 0, 0, 0, 0, 0, 'intruder')";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(programme_records)

// Issue 16: the key is written in the record's own transaction. A failure between the
// record's insert and the key's (here the answer cannot be rendered) leaves neither.
BOOST_AUTO_TEST_CASE(a_create_and_its_key_are_written_together_or_not_at_all) {
    LedgerFixture f;
    auto owner = f.owner();
    auto failing = keyed("k-1", "POST /v1/donors\n{}", []() -> db::StoredResponse {
        throw std::runtime_error("the answer could not be rendered");
    });
    BOOST_CHECK_THROW(static_cast<void>(f.programme.create_donor({"D-1", "Donor"}, &failing)),
                      std::runtime_error);
    BOOST_TEST(count(*owner, "SELECT count(*) FROM donors") == 0);
    BOOST_TEST(count(*owner, "SELECT count(*) FROM idempotency_keys") == 0);

    auto once = keyed("k-1", "POST /v1/donors\n{}", [] {
        return db::StoredResponse{201, R"({"code":"D-1"})"};
    });
    BOOST_TEST(f.programme.create_donor({"D-1", "Donor"}, &once) == Rejection::none);
    BOOST_TEST(!once.replayed.has_value());
    BOOST_TEST(count(*owner, "SELECT count(*) FROM donors") == 1);
    BOOST_TEST(count(*owner,
                     "SELECT count(*) FROM idempotency_keys WHERE actor = 'test' AND "
                     "key = 'k-1' AND status = 201 AND entry_seq IS NULL") == 1);

    // The same request again: the answer kept, nothing written (the insert would have said
    // already_exists).
    auto again = keyed("k-1", "POST /v1/donors\n{}", [] { return db::StoredResponse{}; });
    BOOST_TEST(f.programme.create_donor({"D-1", "Donor"}, &again) == Rejection::none);
    BOOST_TEST_REQUIRE(again.replayed.has_value());
    BOOST_TEST(again.replayed->body == R"({"code":"D-1"})");
    // Another request under the key: refused before the insert runs.
    auto other = keyed("k-1", "POST /v1/donors\n{\"x\":1}", [] { return db::StoredResponse{}; });
    BOOST_TEST(f.programme.create_donor({"D-2", "Donor"}, &other) ==
               Rejection::idempotency_key_reused);
    BOOST_TEST(count(*owner, "SELECT count(*) FROM donors") == 1);
    // A rule the insert finds broken rolls the key back with it.
    auto refused = keyed("k-2", "POST /v1/donors\n{}", [] { return db::StoredResponse{201, ""}; });
    BOOST_TEST(f.programme.create_donor({"D-1", "Again"}, &refused) == Rejection::already_exists);
    BOOST_TEST(count(*owner, "SELECT count(*) FROM idempotency_keys WHERE key = 'k-2'") == 0);
}

// Issue 16: no outcome of a survivor who did not consent to follow-up, refused by the core
// in db::Programme and by the database (migration 0015) for a direct insert by the app.
BOOST_AUTO_TEST_CASE(an_outcome_needs_follow_up_consent_in_the_core_and_the_database) {
    ConsentFixture f;
    auto declined = ConsentFixture::outcome("SV-NO000000");
    BOOST_TEST(f.programme.record_outcome(declined) == Rejection::follow_up_not_consented);
    auto app = f.app();
    BOOST_TEST(try_sql(*app, {raw_outcome("SV-NO000000")}).find("riziki:follow_up_not_consented") !=
               std::string::npos);
    // The database refuses it even from its owner, whom no grant stops.
    auto owner = f.owner();
    BOOST_TEST(
        try_sql(*owner, {raw_outcome("SV-NO000000")}).find("riziki:follow_up_not_consented") !=
        std::string::npos);
    BOOST_TEST(count(*owner, "SELECT count(*) FROM outcomes") == 0);
    // The survivor who consented is followed up, through either path.
    auto followed = ConsentFixture::outcome("SV-YES00000");
    BOOST_TEST(f.programme.record_outcome(followed) == Rejection::none);
    BOOST_TEST(try_sql(*app, {raw_outcome("SV-YES00000")}) == "");
    BOOST_TEST(count(*owner, "SELECT count(*) FROM outcomes") == 2);
}

// Issue 17: every survivor has a record key in 0..65535 (the cell key method), kept by the
// database whoever inserts; enrolment writes the one it is given.
BOOST_AUTO_TEST_CASE(a_survivor_has_a_record_key_in_range_or_no_row) {
    ConsentFixture f;
    auto owner = f.owner();
    BOOST_TEST(count(*owner, "SELECT record_key FROM survivors WHERE code = 'SV-YES00000'") == 101);
    const auto insert = [](const std::string& key) {
        return "INSERT INTO survivors (code, cohort, gender, birth_year, county, enrolled_on, "
               "consent_donor_reporting, consent_follow_up, recorded_by, record_key) VALUES "
               "('SV-KEY00000', 'C1', 'female', 1990, 'Mombasa', '2026-01-02', true, true, "
               "'test', " +
               key + ")";
    };
    for (const char* bad : {"-1", "65536", "NULL"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(try_sql(*owner, {insert(bad)}) != "");
        }
    }
    const auto missing =
        "INSERT INTO survivors (code, cohort, gender, birth_year, county, "
        "enrolled_on, consent_donor_reporting, consent_follow_up, recorded_by) "
        "VALUES ('SV-KEY00000', 'C1', 'female', 1990, 'Mombasa', '2026-01-02', "
        "true, true, 'test')";
    BOOST_TEST(try_sql(*owner, {missing}).find("record_key") != std::string::npos);
    BOOST_TEST(try_sql(*owner, {insert("65535")}) == "");
}

BOOST_AUTO_TEST_SUITE_END()
