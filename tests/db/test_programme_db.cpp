// Programme records against a real PostgreSQL: an outcome of a survivor who did not consent
// to follow-up is refused by the database as well as by the core.

#include <boost/test/unit_test.hpp>

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

/// A cohort and two survivors enrolled on 2 January 2026: SV-YES00000 consented to
/// follow-up, SV-NO000000 did not.
struct ConsentFixture : LedgerFixture {
    ConsentFixture() {
        BOOST_TEST_REQUIRE(programme.create_cohort(
                               {"C1", "Cohort", "Mombasa", day("2026-01-01")}) == Rejection::none);
        for (const auto& [code, consents] :
             {std::pair{"SV-YES00000", true}, std::pair{"SV-NO000000", false}}) {
            db::SurvivorRecord s;
            s.code = code;
            s.cohort = "C1";
            s.gender = "female";
            s.birth_year = 1999;
            s.county = "Mombasa";
            s.enrolled_on = day("2026-01-02");
            s.consent_follow_up = consents;
            s.recorded_by = "test";
            const db::SealedPii pii{"0123456789abcdef", std::string(24, 'n'), std::string(40, 'c')};
            BOOST_TEST_REQUIRE(programme.enrol_survivor(s, pii, {}) == Rejection::none);
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

BOOST_AUTO_TEST_SUITE_END()
