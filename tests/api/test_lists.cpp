// The read side's lists (SPEC §13, issue 18 item 4): GET /v1/donors, /v1/funds, /v1/cohorts,
// /v1/survivors, /v1/funds/{code}/receipts, /v1/outcomes: filters, keyset paging, limits,
// cursors, a donor's scope, and no PII.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include "tests/api/api_checks.hpp"
#include "tests/api/list_setup.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

const ListRecords& records() {
    static const ListRecords made = make_list_records(server());
    return made;
}

json get_ok(const std::string& target, const HeaderList& headers) {
    const auto response = server().client().get(target, headers);
    BOOST_TEST_REQUIRE(response.status == 200, target << ": " << response.body);
    return body_json(response);
}

/// Every item of `target` (which has a query already) as `role`, `limit` at a time.
json every_page(const std::string& target, const HeaderList& headers, int limit) {
    json items = json::array();
    std::string next;
    for (int page = 0; page < 200; ++page) {
        std::string url = target + "&limit=" + std::to_string(limit);
        if (!next.empty())
            url += "&after=" + next;
        const auto body = get_ok(url, headers);
        BOOST_TEST_REQUIRE(body.at("items").size() <= static_cast<std::size_t>(limit));
        for (const auto& item : body.at("items"))
            items.push_back(item);
        if (body.at("next").is_null())
            return items;
        next = body.at("next").get<std::string>();
    }
    BOOST_FAIL("more than 200 pages");
    return items;
}

std::vector<std::string> codes_of(const json& items, const std::string& field = "code") {
    std::vector<std::string> out;
    for (const auto& item : items)
        out.push_back(item.at(field).is_string() ? item.at(field).get<std::string>()
                                                 : item.at(field).dump());
    return out;
}

/// The field that tells the items of the list at `target` apart.
std::string key_field(const std::string& target) {
    if (target.find("receipts") != std::string::npos)
        return "entry";
    return target.find("outcomes") != std::string::npos ? "id" : "code";
}

/// The lists, each with a query (so `&limit=` can follow) and a role that reads it.
const std::vector<std::pair<std::string, std::string>> kLists{
    {"/v1/donors?", "finance"},
    {"/v1/funds?", "finance"},
    {"/v1/cohorts?", "field"},
    {"/v1/survivors?", "field"},
    {"/v1/funds/F-ONE/receipts?", "finance"},
    {"/v1/outcomes?", "finance"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(lists, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(paging_by_one_two_or_all_gives_every_row_once) {
    records();
    for (const auto& [target, role] : kLists) {
        BOOST_TEST_CONTEXT(target) {
            const auto whole =
                codes_of(every_page(target, server().auth(role), 1000), key_field(target));
            BOOST_TEST(whole.size() >= 3u);
            BOOST_TEST(std::set<std::string>(whole.begin(), whole.end()).size() == whole.size());
            for (int limit : {1, 2}) {
                const auto paged =
                    codes_of(every_page(target, server().auth(role), limit), key_field(target));
                BOOST_TEST(paged == whole, "limit " << limit);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_bad_cursor_or_limit_is_400_and_the_bounds_are_kept) {
    records();
    const std::string wrong_arity = "k1.WyJhIiwiYiIsImMiXQ";  // ["a","b","c"]
    for (const auto& [target, role] : kLists) {
        BOOST_TEST_CONTEXT(target) {
            auto client = server().client();
            for (const std::string& after :
                 std::vector<std::string>{"xyz", "k1.", "k1.!!!", "c1.5", wrong_arity}) {
                const auto problem =
                    check_problem(client.get(target + "after=" + after, server().auth(role)), 400,
                                  "invalid_query");
                BOOST_TEST(describe(field_errors(problem)) == "(after, invalid_cursor) ");
            }
            for (const char* limit : {"0", "1001", "-1", "x"}) {
                const auto problem =
                    check_problem(client.get(target + "limit=" + limit, server().auth(role)), 400,
                                  "invalid_query");
                BOOST_TEST(describe(field_errors(problem)) == "(limit, invalid_limit) ");
            }
            BOOST_TEST(client.get(target + "limit=1000", server().auth(role)).status == 200);
        }
    }
    // A cursor of the right shape whose key is not a seq (receipts) or date and id (outcomes).
    auto client = server().client();
    for (const std::string& target :
         {std::string("/v1/funds/F-ONE/receipts?after=k1.WyJhIl0"),  // ["a"]
          std::string("/v1/outcomes?after=k1.WyJ4IiwiMSJd")}) {      // ["x","1"]
        BOOST_TEST_CONTEXT(target) {
            check_problem(client.get(target, server().auth("finance")), 400, "invalid_query");
        }
    }
}

BOOST_AUTO_TEST_CASE(funds_list_each_funds_balances_as_get_fund_does_with_shares) {
    records();
    const auto funds = every_page("/v1/funds?", server().auth("finance"), 1000);
    BOOST_TEST(codes_of(funds) ==
               (std::vector<std::string>{"F-KES", "F-KES2", "F-ONE", "F-TWO", "F-USD"}));
    for (const auto& fund : funds) {
        const std::string code = fund.at("code");
        BOOST_TEST_CONTEXT(code) {
            // Without a date GET /v1/funds/{code} reads the stored sums too; with a date it
            // sums the postings: all three agree.
            const auto stored = get_ok("/v1/funds/" + code, server().auth("finance"));
            const auto summed =
                get_ok("/v1/funds/" + code + "?as_of=2026-06-30", server().auth("finance"));
            BOOST_TEST(fund.at("balances") == summed.at("balances"));
            BOOST_TEST(stored.at("balances") == summed.at("balances"));
            BOOST_TEST(fund.at("committed_amount") == stored.at("committed_amount"));
        }
    }
    const auto one = funds[2];
    BOOST_TEST(one.at("balances").at("received") == "425.00");
    BOOST_TEST(one.at("balances").at("disbursed") == "100.00");
    BOOST_TEST(one.at("balances").at("available_cash") == "324.50");
    BOOST_TEST(one.at("committed_amount") == "1000.00");
    BOOST_TEST(one.at("shares") == json({{"received", "0.4250"},
                                         {"disbursed", "0.1000"},
                                         {"spent", "0.1005"},
                                         {"available", "0.3245"}}));
    BOOST_TEST(funds[0].at("shares").at("received").is_null());  // no commitment
}

BOOST_AUTO_TEST_CASE(a_donors_lists_never_hold_another_funds_rows) {
    const auto& r = records();
    const auto donor = HeaderList{{"Authorization", "Bearer " + r.donor_one_token}};
    for (int limit : {1, 1000}) {
        BOOST_TEST(codes_of(every_page("/v1/funds?", donor, limit)) ==
                   std::vector<std::string>{"F-ONE"});
        BOOST_TEST(codes_of(every_page("/v1/donors?", donor, limit)) ==
                   std::vector<std::string>{"D-ONE"});
    }
    // A cursor from before every fund still starts inside the scope.
    const auto from_start = get_ok("/v1/funds?after=k1.WyJBIl0", donor);  // ["A"]
    BOOST_TEST(codes_of(from_start.at("items")) == std::vector<std::string>{"F-ONE"});
    const auto receipts = every_page("/v1/funds/F-ONE/receipts?", donor, 1);
    BOOST_TEST(receipts.size() == 3u);
    auto client = server().client();
    check_problem(client.get("/v1/funds/F-TWO/receipts", donor), 403, "forbidden");
    check_problem(client.get("/v1/funds/F-NONE/receipts", donor), 403, "forbidden");
    check_problem(client.get("/v1/funds/F-NONE/receipts", server().auth("finance")), 404,
                  "not_found");
    for (const char* target : {"/v1/survivors", "/v1/outcomes", "/v1/cohorts"})
        check_problem(client.get(target, donor), 403, "forbidden");
}

BOOST_AUTO_TEST_CASE(receipts_newest_first_with_channel_reference_and_reversal) {
    const auto& r = records();
    const auto items = get_ok("/v1/funds/F-ONE/receipts", server().auth("auditor")).at("items");
    BOOST_TEST_REQUIRE(items.size() == 3u);
    BOOST_TEST(items[0].at("entry").get<long long>() > items[1].at("entry").get<long long>());
    BOOST_TEST(items[2] == json({{"entry", r.first_receipt_seq},
                                 {"received_on", "2026-01-05"},
                                 {"amount", "300.00"},
                                 {"currency", "KES"},
                                 {"channel", "bank"},
                                 {"reference", "L-IN-1"},
                                 {"reversed", false}}));
    BOOST_TEST(items[0].at("channel") == "mpesa");
    BOOST_TEST(items[0].at("reversed") == true);
    BOOST_TEST(items[0].at("amount") == "50.00");
    const auto two = get_ok("/v1/funds/F-TWO/receipts", server().auth("finance")).at("items");
    BOOST_TEST(two.size() == 1u);
    BOOST_TEST(two[0].at("reference") == "L-IN-TWO");
}

BOOST_AUTO_TEST_CASE(survivors_filter_by_cohort_county_gender_dates_and_code_prefix) {
    const auto& r = records();
    const auto field = server().auth("field");
    const auto codes = [&](const std::string& query) {
        return codes_of(every_page("/v1/survivors?" + query, field, 2));
    };
    const auto all = codes("");
    BOOST_TEST(all.size() == r.survivors.size());
    BOOST_TEST(std::is_sorted(all.begin(), all.end()));
    const auto only = [&](auto keep) {
        std::vector<std::string> out;
        for (const auto& s : r.survivors)
            if (keep(s))
                out.push_back(s.code);
        std::sort(out.begin(), out.end());
        return out;
    };
    BOOST_TEST(codes("cohort=C-LB") == only([](const auto& s) { return s.cohort == "C-LB"; }));
    BOOST_TEST(codes("county=Kilifi") == only([](const auto& s) { return s.county == "Kilifi"; }));
    BOOST_TEST(codes("gender=male") == only([](const auto& s) { return s.gender == "male"; }));
    BOOST_TEST(codes("enrolled_from=2026-01-03&enrolled_to=2026-01-04") ==
               only([](const auto& s) { return s.day == 3 || s.day == 4; }));
    BOOST_TEST(codes("cohort=C-LA&gender=female") ==
               only([](const auto& s) { return s.cohort == "C-LA" && s.gender == "female"; }));
    const std::string code = all.front();
    std::string lower = code.substr(0, 5);
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto prefixed = codes("q=" + lower);
    BOOST_TEST(!prefixed.empty());
    for (const auto& c : prefixed)
        BOOST_TEST(c.starts_with(code.substr(0, 5)));
    BOOST_TEST(codes("q=" + code) == std::vector<std::string>{code});
    BOOST_TEST(codes("q=SV-") == all);
    BOOST_TEST(codes("cohort=C-NONE").empty());
    BOOST_TEST(codes("county=Nowhere").empty());
    auto client = server().client();
    for (const auto& [query, error] : std::vector<std::pair<std::string, std::string>>{
             {"q=SV%2A", "(q, invalid_code_prefix) "},
             {"q=SV-123456789", "(q, invalid_code_prefix) "},
             {"gender=woman", "(gender, invalid_choice) "},
             {"enrolled_from=2026-13-01", "(enrolled_from, invalid_date) "}}) {
        BOOST_TEST_CONTEXT(query) {
            const auto problem =
                check_problem(client.get("/v1/survivors?" + query, field), 400, "invalid_query");
            BOOST_TEST(describe(field_errors(problem)) == error);
        }
    }
}

BOOST_AUTO_TEST_CASE(outcomes_filter_by_survivor_and_dates_newest_first) {
    const auto& r = records();
    const auto all = every_page("/v1/outcomes?", server().auth("auditor"), 1);
    BOOST_TEST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0].at("observed_on") == "2026-03-01");
    BOOST_TEST(all[2].at("observed_on") == "2026-02-01");
    const auto of =
        every_page("/v1/outcomes?survivor=" + r.survivors[0].code, server().auth("field"), 1);
    BOOST_TEST(of.size() == 2u);
    for (const auto& o : of)
        BOOST_TEST(o.at("survivor") == r.survivors[0].code);
    const auto march =
        every_page("/v1/outcomes?from=2026-02-15&to=2026-03-31", server().auth("finance"), 1000);
    BOOST_TEST(march.size() == 2u);
    BOOST_TEST(every_page("/v1/outcomes?survivor=SV-NONE", server().auth("finance"), 5).empty());
}

BOOST_AUTO_TEST_CASE(no_list_carries_pii) {
    const auto& r = records();
    for (const auto& [target, role] : kLists) {
        for (const char* reader : {role.c_str(), "auditor", "admin"}) {
            const auto response = server().client().get(target, server().auth(reader));
            if (response.status != 200)
                continue;
            BOOST_TEST_CONTEXT(target << " as " << reader) {
                for (const auto& s : r.survivors) {
                    BOOST_TEST(response.body.find(s.full_name) == std::string::npos);
                    BOOST_TEST(response.body.find(s.phone_digits) == std::string::npos);
                    BOOST_TEST(response.body.find(s.national_id) == std::string::npos);
                }
                BOOST_TEST(response.body.find("\"pii\"") == std::string::npos);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
