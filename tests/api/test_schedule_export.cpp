// The schedule preview and the audit export over HTTP.

#include <boost/test/unit_test.hpp>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

const std::string kPreview = R"({"amount":"12000.00","currency":"USD","disbursed_on":"2011-09-20",
  "loan":{"interest_rate":"2","interest_period":"month","installments":4}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(schedule_and_export, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(preview_matches_fineract_for_every_role) {
    auto client = server().client();
    for (const auto& role : kRoles) {
        BOOST_TEST_CONTEXT(role) {
            const auto response =
                client.post("/v1/schedules/preview", kPreview, server().auth(role));
            BOOST_TEST_REQUIRE(response.status == 200, response.body);
            const auto body = body_json(response);
            const auto& rows = body.at("installments");
            BOOST_TEST_REQUIRE(rows.size() == 4u);
            const char* principal[] = {"2911.49", "2969.72", "3029.11", "3089.68"};
            const char* interest[] = {"240.00", "181.77", "122.38", "61.79"};
            const char* due[] = {"2011-10-20", "2011-11-20", "2011-12-20", "2012-01-20"};
            for (std::size_t i = 0; i < 4; ++i) {
                BOOST_TEST(rows[i].at("principal") == principal[i]);
                BOOST_TEST(rows[i].at("interest") == interest[i]);
                BOOST_TEST(rows[i].at("due_on") == due[i]);
            }
            BOOST_TEST(body.at("totals").at("interest") == "605.94");
            BOOST_TEST(body.at("totals").at("total") == "12605.94");
        }
    }
    check_problem(client.post("/v1/schedules/preview", kPreview), 401, "unauthenticated");
}

BOOST_AUTO_TEST_CASE(preview_refuses_bad_terms_with_field_errors_or_a_reason) {
    auto client = server().client();
    const auto finance = server().auth("finance");
    const auto fields =
        client.post("/v1/schedules/preview",
                    R"({"amount":"100.001","currency":"USD","disbursed_on":"2026-13-01",
            "loan":{"interest_rate":24,"installments":0,"repayment_unit":"years"}})",
                    finance);
    check_validation(fields, {{"disbursed_on", "invalid_date"},
                              {"amount", "invalid_amount"},
                              {"loan.interest_rate", "invalid_rate"},
                              {"loan.repayment_unit", "invalid_choice"},
                              {"loan.installments", "invalid_integer"}});
    const auto grace =
        client.post("/v1/schedules/preview",
                    R"({"amount":"100.00","currency":"KES","disbursed_on":"2026-01-31",
            "loan":{"interest_rate":"0","installments":3,"grace_on_principal":3}})",
                    finance);
    check_problem(grace, 422, "grace_out_of_range");
    const auto currency =
        client.post("/v1/schedules/preview",
                    R"({"amount":"100.00","currency":"XYZ","disbursed_on":"2026-01-31",
            "loan":{"interest_rate":"0","installments":3}})",
                    finance);
    check_validation(currency, {{"currency", "unknown_currency"}});
}

BOOST_AUTO_TEST_CASE(duplicate_keys_and_nul_bytes_have_their_own_codes) {
    auto client = server().client();
    const auto seq = server().journal_seq();
    check_problem(post_entry(client, server(),
                             R"({"effective_on":"2026-06-01","memo":"a","memo":"b",)"
                             R"("postings":[]})"),
                  400, "duplicate_key");
    check_problem(post_entry(client, server(),
                             receipt_body("F-KES", "1.00", "2026-06-01", "nul") +
                                 std::string(1, '\0') + "{}"),
                  400, "malformed_json");
    BOOST_TEST(server().journal_seq() == seq);
}

BOOST_AUTO_TEST_CASE(export_is_for_auditors_and_asserts_stored_balances) {
    auto client = server().client();
    BOOST_TEST_REQUIRE(
        post_entry(client, server(), receipt_body("F-USD", "250.00", "2026-04-01", "export"))
            .status == 201);
    const auto hledger = client.get("/v1/audit/export?format=hledger", server().auth("auditor"));
    BOOST_TEST_REQUIRE(hledger.status == 200, hledger.body);
    BOOST_TEST(hledger.header("Content-Type") == "text/plain; charset=utf-8");
    BOOST_TEST(hledger.body.find("assets:1010 Bank:F-USD  0 USD = ") != std::string::npos);
    BOOST_TEST(hledger.body.find("* balance assertions: balances stored by Riziki") !=
               std::string::npos);
    const auto csv =
        client.get("/v1/audit/export?format=csv&to=2026-04-01", server().auth("auditor"));
    BOOST_TEST(csv.status == 200);
    BOOST_TEST(csv.body.find(",1010,F-USD,USD,250.00,,,") != std::string::npos);
    check_problem(client.get("/v1/audit/export?format=xml", server().auth("auditor")), 400,
                  "invalid_query");
    for (const char* role : {"finance", "admin", "field", "donor"}) {
        BOOST_TEST_CONTEXT(role) {
            check_problem(client.get("/v1/audit/export", server().auth(role)), 403, "forbidden");
        }
    }
}

BOOST_AUTO_TEST_CASE(verify_endpoint_reports_every_check_to_auditors_only) {
    auto client = server().client();
    BOOST_TEST_REQUIRE(
        post_entry(client, server(), receipt_body("F-KES", "5.00", "2026-05-01", "verify"))
            .status == 201);
    const auto response = client.get("/v1/audit/verify", server().auth("auditor"));
    BOOST_TEST_REQUIRE(response.status == 200, response.body);
    const auto body = body_json(response);
    BOOST_TEST(body.at("ok") == true);
    BOOST_TEST(body.at("entries_checked") == server().journal_seq());
    BOOST_TEST(body.at("head_hash").get<std::string>().size() == 64u);
    std::vector<std::string> names;
    for (const auto& check : body.at("checks")) {
        names.push_back(check.at("name"));
        BOOST_TEST(check.at("ok") == true);
    }
    const std::vector<std::string> expected{"sequence_gap_free",
                                            "hash_chain",
                                            "head_matches",
                                            "entries_balance",
                                            "postings_carry_entry",
                                            "stored_balances",
                                            "fund_sums",
                                            "closed_periods_untouched",
                                            "loan_subledger",
                                            "disbursements_within_awards",
                                            "award_statuses",
                                            "audit_log_chain"};
    BOOST_TEST(names == expected, "checks");
    for (const char* role : {"finance", "admin", "field", "donor"}) {
        BOOST_TEST_CONTEXT(role) {
            check_problem(client.get("/v1/audit/verify", server().auth(role)), 403, "forbidden");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
