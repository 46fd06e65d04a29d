// Programme record rules (ledger/program.hpp): each rejection check_award and
// check_outcome can return, with its field, and the order they are checked in.

#include <boost/test/unit_test.hpp>

#include "ledger/program.hpp"

using namespace riziki::ledger;

namespace {

Date on(const char* text) {
    return *parse_date(text);
}

/// A KES grant approved on 15 January 2026.
Award grant() {
    Award a;
    a.id = "AW-1";
    a.survivor = "SV-1";
    a.fund = "F-KES";
    a.currency = "KES";
    a.approved = 10'000;
    a.approved_on = on("2026-01-15");
    return a;
}

/// A survivor enrolled on 10 January 2026, and a KES fund.
AwardRecords facts() {
    return {on("2026-01-10"), "KES"};
}

void check(const RecordCheck& got, Rejection reason, std::string_view field) {
    BOOST_TEST(to_string(got.reason) == to_string(reason));
    BOOST_TEST(got.field == field);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(award_checks)

BOOST_AUTO_TEST_CASE(an_award_that_breaks_no_rule_passes) {
    const auto got = check_award(grant(), facts());
    BOOST_TEST(got.ok());
    check(got, Rejection::none, "");
}

BOOST_AUTO_TEST_CASE(survivor_not_found) {
    auto f = facts();
    f.enrolled_on.reset();
    check(check_award(grant(), f), Rejection::survivor_not_found, "survivor");
}

BOOST_AUTO_TEST_CASE(unknown_fund) {
    auto f = facts();
    f.fund_currency.reset();
    check(check_award(grant(), f), Rejection::unknown_fund, "fund");
}

BOOST_AUTO_TEST_CASE(currency_mismatch) {
    auto f = facts();
    f.fund_currency = "USD";
    check(check_award(grant(), f), Rejection::currency_mismatch, "fund");
}

BOOST_AUTO_TEST_CASE(before_enrolment) {
    auto a = grant();
    a.approved_on = on("2026-01-09");
    check(check_award(a, facts()), Rejection::before_enrolment, "approved_on");
    a.approved_on = on("2026-01-10");  // the day of enrolment is fine
    BOOST_TEST(check_award(a, facts()).ok());
}

BOOST_AUTO_TEST_CASE(registry_match_unacknowledged) {
    auto f = facts();
    f.unacknowledged_matches = 1;
    check(check_award(grant(), f), Rejection::registry_match_unacknowledged,
          "registry_acknowledged");
    f.unacknowledged_matches = 0;  // every match acknowledged, before or by this request
    BOOST_TEST(check_award(grant(), f).ok());
}

BOOST_AUTO_TEST_CASE(checks_run_in_the_documented_order) {
    auto a = grant();
    a.approved_on = on("2026-01-01");               // before enrolment
    AwardRecords f{std::nullopt, std::nullopt, 2};  // and a match unacknowledged: the last rule
    check(check_award(a, f), Rejection::survivor_not_found, "survivor");
    f.enrolled_on = on("2026-01-10");
    check(check_award(a, f), Rejection::unknown_fund, "fund");
    f.fund_currency = "USD";
    check(check_award(a, f), Rejection::currency_mismatch, "fund");
    f.fund_currency = "KES";
    check(check_award(a, f), Rejection::before_enrolment, "approved_on");
    a.approved_on = on("2026-01-10");
    check(check_award(a, f), Rejection::registry_match_unacknowledged, "registry_acknowledged");
}

BOOST_AUTO_TEST_CASE(the_field_of_each_reason_is_the_one_check_award_names) {
    for (auto reason :
         {Rejection::survivor_not_found, Rejection::unknown_fund, Rejection::currency_mismatch,
          Rejection::before_enrolment, Rejection::registry_match_unacknowledged}) {
        BOOST_TEST_CONTEXT(to_string(reason)) {
            BOOST_TEST(!award_field(reason).empty());
        }
    }
    BOOST_TEST(award_field(Rejection::already_exists).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(outcome_checks)

namespace {

/// A survivor enrolled on 10 January 2026 who consented to follow-up.
OutcomeRecords consenting() {
    return {on("2026-01-10"), true};
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_outcome_from_enrolment_on_passes) {
    BOOST_TEST(check_outcome(on("2026-01-10"), consenting()).ok());
    BOOST_TEST(check_outcome(on("2026-03-01"), consenting()).ok());
}

BOOST_AUTO_TEST_CASE(survivor_not_found) {
    check(check_outcome(on("2026-01-09"), {std::nullopt, true}), Rejection::survivor_not_found,
          "survivor");
}

BOOST_AUTO_TEST_CASE(before_enrolment) {
    check(check_outcome(on("2026-01-09"), consenting()), Rejection::before_enrolment,
          "observed_on");
}

// Issue 16: nothing is recorded about a survivor's business after enrolment unless they
// agreed to be followed up.
BOOST_AUTO_TEST_CASE(follow_up_not_consented) {
    auto f = consenting();
    f.follow_up_consented = false;
    check(check_outcome(on("2026-03-01"), f), Rejection::follow_up_not_consented, "survivor");
    BOOST_TEST(info(Rejection::follow_up_not_consented).http_status == 422);
    BOOST_TEST(to_string(Rejection::follow_up_not_consented) == "follow_up_not_consented");
}

BOOST_AUTO_TEST_CASE(checks_run_in_the_documented_order) {
    OutcomeRecords f{std::nullopt, false};
    const auto early = on("2026-01-01");  // before enrolment: the last rule
    check(check_outcome(early, f), Rejection::survivor_not_found, "survivor");
    f.enrolled_on = on("2026-01-10");
    check(check_outcome(early, f), Rejection::follow_up_not_consented, "survivor");
    f.follow_up_consented = true;
    check(check_outcome(early, f), Rejection::before_enrolment, "observed_on");
}

BOOST_AUTO_TEST_CASE(the_field_of_each_reason_is_the_one_check_outcome_names) {
    BOOST_TEST(outcome_field(Rejection::survivor_not_found) == "survivor");
    BOOST_TEST(outcome_field(Rejection::follow_up_not_consented) == "survivor");
    BOOST_TEST(outcome_field(Rejection::before_enrolment) == "observed_on");
    BOOST_TEST(outcome_field(Rejection::already_exists).empty());
}

BOOST_AUTO_TEST_SUITE_END()
