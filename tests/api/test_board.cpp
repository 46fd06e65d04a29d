// The first screens (SPEC §13, issue 18 item 4): GET /v1/awards (filters, sort by days late,
// keyset pages) and GET /v1/dashboard for each role, on a server whose today is fixed
// (RIZIKI_TODAY), with every figure checked against the records the test made.

#include <boost/test/unit_test.hpp>

#include <set>

#include "tests/api/api_checks.hpp"

using namespace riziki::testing;

namespace {

constexpr const char* kToday = "2026-06-15";
const std::vector<std::string> kNames{"Amina Board", "Baraka Board", "Chausiku Board",
                                      "Dalila Board"};
const std::vector<std::string> kPhones{"0711000101", "0711000102", "0711000103", "0711000104"};

/// A server on 2026-06-15 with two funds of donor D-BOARD (F-B1 committed 10,000, F-B2
/// 4,000), four survivors a field officer enrolled, and five awards:
///   L1 loan F-B1 1200 disbursed 2026-01-10, nothing repaid: due 02-10, 125 days late;
///   L2 loan F-B1 900 disbursed 2026-04-01, 300 repaid: oldest unpaid due 06-01, 14 days;
///   L3 loan F-B2 600 disbursed 2026-06-01: first due 07-01, not late;
///   G1 grant F-B2 500 disbursed 2026-06-05; G2 grant F-B1 300, approved only.
struct BoardServer {
    ApiServer server{with_environment({std::string("RIZIKI_TODAY=") + kToday})};
    HttpClient client = server.client();
    std::vector<std::string> survivors;
    std::map<std::string, std::string> awards;  ///< L1, L2, L3, G1, G2 -> id
    std::string donor_token;

    BoardServer() {
        post("finance", "/v1/donors", {{"code", "D-BOARD"}, {"name", "Board donor"}});
        for (const auto& [code, committed] : {std::pair{"F-B1", "10000.00"}, {"F-B2", "4000.00"}}) {
            post("finance", "/v1/funds",
                 {{"code", code},
                  {"donor", "D-BOARD"},
                  {"name", code},
                  {"currency", "KES"},
                  {"restricted", true},
                  {"starts_on", "2026-01-01"},
                  {"ends_on", "2026-12-31"},
                  {"committed_amount", committed}});
        }
        receipt("F-B1", "3000.00", "2026-01-02", "R1");
        receipt("F-B1", "8000.00", "2026-06-02", "R2");
        receipt("F-B2", "4000.00", "2026-05-10", "R3");
        post("field", "/v1/cohorts",
             {{"code", "C-BOARD"},
              {"name", "Board"},
              {"county", "Mombasa"},
              {"starts_on", "2026-01-01"}});
        for (std::size_t i = 0; i < kNames.size(); ++i) {
            const auto day = "2026-01-0" + std::to_string(i + 1);
            survivors.push_back(
                post("field", "/v1/survivors", survivor_body("C-BOARD", day, kNames[i], kPhones[i]))
                    .at("code"));
        }
        award("L1", survivors[0], "F-B1", "loan", "1200.00", "2026-01-05");
        award("L2", survivors[1], "F-B1", "loan", "900.00", "2026-03-20");
        award("L3", survivors[2], "F-B2", "loan", "600.00", "2026-05-20");
        award("G1", survivors[3], "F-B2", "grant", "500.00", "2026-06-01");
        award("G2", survivors[3], "F-B1", "grant", "300.00", "2026-02-01");
        disburse("L1", "1200.00", "2026-01-10");
        disburse("L2", "900.00", "2026-04-01");
        disburse("L3", "600.00", "2026-06-01");
        disburse("G1", "500.00", "2026-06-05");
        post("finance", "/v1/repayments",
             {{"award", awards["L2"]},
              {"amount", "300.00"},
              {"paid_on", "2026-05-02"},
              {"channel", "mpesa"},
              {"reference", "RP-L2"}},
             true);
        donor_token = server.create_token("donor", {"F-B1"});
    }

    json post(const std::string& role, const std::string& path, const json& body,
              bool key = false) {
        auto headers = server.auth(role);
        if (key)
            headers = with(headers, "Idempotency-Key", fresh_key("board"));
        return post_created(client, path, body, headers);
    }
    void receipt(const std::string& fund, const std::string& amount, const std::string& day,
                 const std::string& reference) {
        post("finance", "/v1/funds/" + fund + "/receipts",
             {{"amount", amount},
              {"received_on", day},
              {"channel", "bank"},
              {"reference", reference}},
             true);
    }
    void award(const std::string& name, const std::string& survivor, const std::string& fund,
               const std::string& kind, const std::string& amount, const std::string& day) {
        awards[name] =
            post("finance", "/v1/awards", award_body(survivor, fund, kind, amount, day, "Board", 3))
                .at("id");
    }
    void disburse(const std::string& name, const std::string& amount, const std::string& day) {
        post("finance", "/v1/disbursements",
             {{"award", awards[name]},
              {"amount", amount},
              {"disbursed_on", day},
              {"channel", "mpesa"},
              {"reference", "D-" + name}},
             true);
    }

    json get(const std::string& target, const std::string& role = "finance") {
        const auto response = client.get(target, server.auth(role));
        BOOST_TEST_REQUIRE(response.status == 200, target << ": " << response.body);
        return body_json(response);
    }
    json get_as(const std::string& target, const std::string& token) {
        const auto response = client.get(target, {{"Authorization", "Bearer " + token}});
        BOOST_TEST_REQUIRE(response.status == 200, target << ": " << response.body);
        return body_json(response);
    }

    /// The award names of a list's items, in order.
    std::vector<std::string> names(const json& items) {
        std::vector<std::string> out;
        for (const auto& item : items) {
            for (const auto& [name, id] : awards) {
                if (item.at("id") == id)
                    out.push_back(name);
            }
        }
        return out;
    }

    /// Every page of `target` (which has a query) `limit` at a time, following `next`.
    json all_pages(const std::string& target, int limit, int* pages = nullptr) {
        json items = json::array();
        std::string after;
        for (int page = 1; page <= 20; ++page) {
            const auto body = get(target + "&limit=" + std::to_string(limit) +
                                  (after.empty() ? "" : "&after=" + after));
            for (const auto& item : body.at("items"))
                items.push_back(item);
            if (pages != nullptr)
                *pages = page;
            if (body.at("next").is_null())
                return items;
            after = body.at("next");
        }
        BOOST_FAIL("more than 20 pages");
        return items;
    }

    /// No name or phone of a survivor in `text`.
    void check_no_pii(const std::string& text) {
        for (const auto& name : kNames)
            BOOST_TEST(text.find(name) == std::string::npos, name);
        for (const auto& phone : kPhones)
            BOOST_TEST(text.find(phone) == std::string::npos, phone);
    }
};

/// The ids of the grants and L3 (0 days late) in id order: how days_late lists them last.
std::vector<std::string> by_id(BoardServer& b, std::vector<std::string> names) {
    std::sort(names.begin(), names.end(),
              [&](const auto& x, const auto& y) { return b.awards[x] < b.awards[y]; });
    return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(awards_list)

BOOST_FIXTURE_TEST_CASE(sorted_by_days_late_with_the_figures_of_each_award, BoardServer) {
    const auto body = get("/v1/awards?sort=days_late");
    const auto& items = body.at("items");
    auto expected = std::vector<std::string>{"L1", "L2"};
    for (const auto& name : by_id(*this, {"L3", "G1", "G2"}))
        expected.push_back(name);
    BOOST_TEST(names(items) == expected, boost::test_tools::per_element());
    BOOST_TEST(body.at("next").is_null());
    const auto& l1 = items.at(0);
    BOOST_TEST(l1.at("survivor") == survivors[0]);
    BOOST_TEST(l1.at("fund") == "F-B1");
    BOOST_TEST(l1.at("kind") == "loan");
    BOOST_TEST(l1.at("status") == "active");
    BOOST_TEST(l1.at("amount") == "1200.00");
    BOOST_TEST(l1.at("disbursed") == "1200.00");
    BOOST_TEST(l1.at("outstanding") == "1200.00");
    BOOST_TEST(l1.at("days_in_arrears") == 125);
    BOOST_TEST(l1.at("oldest_due_on") == "2026-02-10");
    const auto& l2 = items.at(1);
    BOOST_TEST(l2.at("outstanding") == "600.00");
    BOOST_TEST(l2.at("days_in_arrears") == 14);
    BOOST_TEST(l2.at("oldest_due_on") == "2026-06-01");
    // The same days in arrears as the award's own page, for every award.
    for (const auto& item : items) {
        const auto one = get("/v1/awards/" + item.at("id").get<std::string>());
        BOOST_TEST(item.at("days_in_arrears") == one.at("days_in_arrears"), item.at("id"));
        BOOST_TEST(item.at("outstanding") == one.at("outstanding"), item.at("id"));
        BOOST_TEST(item.at("status") == one.at("status"), item.at("id"));
    }
    check_no_pii(body.dump());
}

BOOST_FIXTURE_TEST_CASE(filters_narrow_the_list, BoardServer) {
    const auto list = [&](const std::string& query) {
        return names(get("/v1/awards?sort=days_late&" + query).at("items"));
    };
    using V = std::vector<std::string>;
    BOOST_TEST(list("min_days_late=1") == (V{"L1", "L2"}), boost::test_tools::per_element());
    BOOST_TEST(list("min_days_late=14") == (V{"L1", "L2"}), boost::test_tools::per_element());
    BOOST_TEST(list("min_days_late=15") == (V{"L1"}), boost::test_tools::per_element());
    BOOST_TEST(list("min_days_late=126").empty());
    BOOST_TEST(list("fund=F-B2") == by_id(*this, {"L3", "G1"}), boost::test_tools::per_element());
    BOOST_TEST(list("kind=grant") == by_id(*this, {"G1", "G2"}), boost::test_tools::per_element());
    BOOST_TEST(list("status=approved") == (V{"G2"}), boost::test_tools::per_element());
    BOOST_TEST(list("status=closed") == (V{"G1"}), boost::test_tools::per_element());
    BOOST_TEST(list("survivor=" + survivors[1]) == (V{"L2"}), boost::test_tools::per_element());
    BOOST_TEST(list("fund=F-B1&kind=loan&min_days_late=20") == (V{"L1"}),
               boost::test_tools::per_element());
    // A fund or survivor nobody has: an empty list, not an error.
    BOOST_TEST(list("fund=F-NONE").empty());
    BOOST_TEST(list("survivor=SV-ZZZZZZZZ").empty());
    // Newest approval first, filters alike.
    BOOST_TEST(names(get("/v1/awards").at("items")) == (V{"G1", "L3", "L2", "G2", "L1"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        names(get("/v1/awards?sort=approved_on&min_days_late=1").at("items")) == (V{"L2", "L1"}),
        boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(pages_hold_every_award_once_in_order, BoardServer) {
    for (const std::string sort : {"days_late", "approved_on"}) {
        const auto whole = names(get("/v1/awards?sort=" + sort).at("items"));
        BOOST_TEST_REQUIRE(whole.size() == 5U);
        for (int limit : {1, 2, 3}) {
            int pages = 0;
            const auto paged = names(all_pages("/v1/awards?sort=" + sort, limit, &pages));
            BOOST_TEST(paged == whole, boost::test_tools::per_element());
            BOOST_TEST(std::set<std::string>(paged.begin(), paged.end()).size() == 5U);
            BOOST_TEST(pages == (5 + limit - 1) / limit, sort << limit);
        }
    }
    // Paged under a filter, the late loans only.
    BOOST_TEST(names(all_pages("/v1/awards?sort=days_late&min_days_late=1", 1)) ==
                   (std::vector<std::string>{"L1", "L2"}),
               boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(bad_queries_are_refused, BoardServer) {
    const auto refused = [&](const std::string& query, const std::string& field,
                             const std::string& code) {
        const auto problem = check_problem(
            client.get("/v1/awards?" + query, server.auth("finance")), 400, "invalid_query");
        BOOST_TEST(describe(field_errors(problem)) == describe({{field, code}}), query);
    };
    refused("after=garbage", "after", "invalid_cursor");
    refused("after=42", "after", "invalid_cursor");
    refused("sort=days_late&after=k1.WyJub3QgYSBkYXRlIiwiQVctMSJd", "after", "invalid_cursor");
    refused("min_days_late=abc", "min_days_late", "invalid_integer");
    refused("min_days_late=-1", "min_days_late", "invalid_integer");
    refused("min_days_late=36501", "min_days_late", "invalid_integer");
    refused("sort=oldest", "sort", "invalid_choice");
    refused("kind=gift", "kind", "invalid_choice");
    refused("status=lost", "status", "invalid_choice");
    refused("limit=0", "limit", "invalid_limit");
}

BOOST_FIXTURE_TEST_CASE(a_list_key_edited_behind_the_writer_fails_verify, BoardServer) {
    BOOST_TEST_REQUIRE(get("/v1/audit/verify", "auditor").at("ok") == true);
    // Someone with the database hides L1 from the late loans.
    *server.owner() << "UPDATE award_list_keys SET oldest_unpaid_due_on = NULL WHERE award = '" +
                           awards["L1"] + "'";
    const auto verify = get("/v1/audit/verify", "auditor");
    BOOST_TEST(verify.at("ok") == false);
    for (const auto& check : verify.at("checks")) {
        if (check.at("name") != "award_statuses")
            continue;
        BOOST_TEST(check.at("ok") == false);
        BOOST_TEST(check.at("detail").get<std::string>().find(awards["L1"]) != std::string::npos,
                   check.dump());
    }
    BOOST_TEST(get("/v1/dashboard", "auditor").at("last_verify").at("ok") == false);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dashboard)

BOOST_FIXTURE_TEST_CASE(finance_sees_cash_the_month_and_arrears_buckets, BoardServer) {
    const auto body = get("/v1/dashboard");
    BOOST_TEST(body.at("role") == "finance");
    BOOST_TEST(body.at("today") == kToday);
    BOOST_TEST(body.at("month") == (json{{"from", "2026-06-01"}, {"to", "2026-06-30"}}));
    std::map<std::string, json> funds;
    for (const auto& fund : body.at("funds"))
        funds[fund.at("fund")] = fund;
    // F-B1: 3000 + 8000 in, 1200 + 900 out, 300 back; in June only the 8000 receipt.
    BOOST_TEST(funds.at("F-B1").at("cash") == "9200.00");
    BOOST_TEST(funds.at("F-B1").at("month_in") == "8000.00");
    BOOST_TEST(funds.at("F-B1").at("month_out") == "0.00");
    // F-B2: 4000 in in May; L3 and G1 paid out in June.
    BOOST_TEST(funds.at("F-B2").at("cash") == "2900.00");
    BOOST_TEST(funds.at("F-B2").at("month_in") == "0.00");
    BOOST_TEST(funds.at("F-B2").at("month_out") == "1100.00");
    const json expected = {{{"currency", "KES"},
                            {"buckets",
                             {{{"days", "1-30"}, {"loans", 1}},
                              {{"days", "31-60"}, {"loans", 0}},
                              {{"days", "61-90"}, {"loans", 0}},
                              {{"days", "91-180"}, {"loans", 1}},
                              {{"days", ">180"}, {"loans", 0}}}}}};
    BOOST_TEST(body.at("arrears") == expected, body.at("arrears").dump());
    check_no_pii(body.dump());
}

BOOST_FIXTURE_TEST_CASE(a_donor_sees_only_its_own_funds, BoardServer) {
    const auto body = get_as("/v1/dashboard", donor_token);
    BOOST_TEST(body.at("role") == "donor");
    const json expected = {{{"fund", "F-B1"},
                            {"currency", "KES"},
                            {"committed", "10000.00"},
                            {"received", "11000.00"},
                            {"disbursed", "2100.00"},
                            {"received_share", "1.1000"},
                            {"disbursed_share", "0.2100"}}};
    BOOST_TEST(body.at("funds") == expected, body.dump());
    BOOST_TEST(body.dump().find("F-B2") == std::string::npos);
    // The fixture's donor (F-KES, no commitment) sees F-KES alone, shares unknown.
    const auto other = get("/v1/dashboard", "donor");
    BOOST_TEST(other.at("funds").size() == 1U);
    BOOST_TEST(other.at("funds").at(0).at("fund") == "F-KES");
    BOOST_TEST(other.at("funds").at(0).at("received_share").is_null());
    BOOST_TEST(other.dump().find("F-B1") == std::string::npos);
    // And no donor may list awards.
    check_problem(client.get("/v1/awards", {{"Authorization", "Bearer " + donor_token}}), 403,
                  "forbidden");
}

BOOST_FIXTURE_TEST_CASE(the_auditor_sees_the_last_verify_and_the_head, BoardServer) {
    auto body = get("/v1/dashboard", "auditor");
    BOOST_TEST(body.at("last_verify").is_null());
    BOOST_TEST(body.at("journal_head").at("seq") == server.journal_seq());
    BOOST_TEST(body.at("journal_head").at("hash").get<std::string>().size() == 64U);
    const auto verify = get("/v1/audit/verify", "auditor");
    BOOST_TEST_REQUIRE(verify.at("ok") == true);
    body = get("/v1/dashboard", "auditor");
    const auto me = get("/v1/me", "auditor");
    BOOST_TEST(body.at("last_verify").at("ok") == true);
    BOOST_TEST(body.at("last_verify").at("by") == "token:" + me.at("token_id").get<std::string>());
    BOOST_TEST(body.at("last_verify").at("at").get<std::string>().ends_with("Z"));
    BOOST_TEST(body.at("journal_head").at("hash") == verify.at("head_hash"));
    const auto admin = get("/v1/dashboard", "admin");
    BOOST_TEST(admin.at("last_verify") == body.at("last_verify"));
    BOOST_TEST(
        admin.at("records") ==
        (json{{"donors", 1}, {"funds", 5}, {"cohorts", 1}, {"survivors", 4}, {"awards", 5}}));
    BOOST_TEST(admin.at("last_closed_period").is_null());
}

BOOST_FIXTURE_TEST_CASE(field_sees_own_enrolments_and_follow_ups_due, BoardServer) {
    auto body = get("/v1/dashboard", "field");
    BOOST_TEST(body.at("enrolments").at("total") == 4);
    std::vector<std::string> recent;
    for (const auto& e : body.at("enrolments").at("recent"))
        recent.push_back(e.at("survivor"));
    BOOST_TEST(recent == (std::vector<std::string>{survivors[3], survivors[2], survivors[1],
                                                   survivors[0]}),
               boost::test_tools::per_element());
    // Only L1's survivor, first paid 2026-01-10: the 6-month follow-up's window (07-10 +- 45
    // days) is open on 06-15. L2's (10-01) and L3's (12-01) are not yet; G1's neither.
    const json due = {{{"survivor", survivors[0]},
                       {"months_after_first_disbursement", 6},
                       {"due_on", "2026-07-10"},
                       {"window_closes_on", "2026-08-24"}}};
    BOOST_TEST(body.at("outcomes_due") == due, body.dump());
    check_no_pii(body.dump());
    post("field", "/v1/outcomes",
         {{"survivor", survivors[0]},
          {"observed_on", "2026-06-10"},
          {"business_status", "operating"},
          {"monthly_revenue", "100.00"},
          {"monthly_profit", "10.00"},
          {"household_income", "50.00"},
          {"savings", "0.00"},
          {"jobs", 1}});
    body = get("/v1/dashboard", "field");
    BOOST_TEST(body.at("outcomes_due").empty(), body.dump());
    // Another field officer enrolled nobody.
    const auto other = get_as("/v1/dashboard", server.create_token("field"));
    BOOST_TEST(other.at("enrolments").at("total") == 0);
    BOOST_TEST(other.at("outcomes_due").empty());
}

BOOST_AUTO_TEST_SUITE_END()
