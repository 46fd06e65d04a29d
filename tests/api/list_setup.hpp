#pragma once
/// The records the list tests read (tests/api/test_lists.cpp), made once per suite through
/// the API: donors D-ONE and D-TWO with funds F-ONE (committed 1,000.00 KES) and F-TWO, and
/// D-THREE with none; a donor token for F-ONE; receipts into both (one of F-ONE's reversed);
/// three cohorts; six survivors with known PII; a grant paid from F-ONE; three outcomes.

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "tests/api/api_checks.hpp"

namespace riziki::testing {

struct ListSurvivor {
    std::string code;
    std::string cohort;
    std::string county;
    std::string gender;
    int day = 0;  ///< enrolled on 2026-01-<day>
    std::string full_name;
    std::string phone;         ///< as enrolled: 07…
    std::string phone_digits;  ///< the digits every written form of the phone shares
    std::string national_id;
};

struct ListRecords {
    std::string donor_one_token;
    long long first_receipt_seq = 0;
    std::vector<ListSurvivor> survivors;
};

inline json created_json(const HttpResponse& response) {
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    return json::parse(response.body);
}

inline ListRecords make_list_records(ApiServer& s) {
    auto client = s.client();
    const auto post = [&](const std::string& role, const std::string& target, const json& body,
                          bool keyed = false) {
        auto headers = s.auth(role);
        if (keyed)
            headers.emplace_back("Idempotency-Key", fresh_key("lists"));
        return created_json(client.post(target, body.dump(), headers));
    };
    ListRecords r;
    for (const char* donor : {"D-ONE", "D-TWO", "D-THREE"})
        post("finance", "/v1/donors", {{"code", donor}, {"name", std::string("Donor ") + donor}});
    post("finance", "/v1/funds",
         {{"code", "F-ONE"},
          {"donor", "D-ONE"},
          {"name", "One"},
          {"currency", "KES"},
          {"committed_amount", "1000.00"}});
    post("finance", "/v1/funds",
         {{"code", "F-TWO"}, {"donor", "D-TWO"}, {"name", "Two"}, {"currency", "KES"}});
    r.donor_one_token = s.create_token("donor", {"F-ONE"}, "Donor one");
    const auto receipt = [&](const std::string& fund, const std::string& amount, int day,
                             const std::string& channel, const std::string& reference) {
        return post("finance", "/v1/funds/" + fund + "/receipts",
                    {{"amount", amount},
                     {"received_on", "2026-01-0" + std::to_string(day)},
                     {"channel", channel},
                     {"reference", reference}},
                    true)
            .at("seq")
            .get<long long>();
    };
    r.first_receipt_seq = receipt("F-ONE", "300.00", 5, "bank", "L-IN-1");
    receipt("F-TWO", "200.00", 5, "bank", "L-IN-TWO");
    receipt("F-ONE", "125.00", 6, "cash", "L-IN-2");
    const auto reversed = receipt("F-ONE", "50.00", 7, "mpesa", "L-IN-3");
    post("finance", "/v1/entries/" + std::to_string(reversed) + "/reverse",
         {{"effective_on", "2026-01-08"}, {"memo", "entered twice"}}, true);
    for (const auto& [code, county] :
         {std::pair{"C-LA", "Mombasa"}, std::pair{"C-LB", "Kilifi"}, std::pair{"C-LC", "Kwale"}})
        post("field", "/v1/cohorts",
             {{"code", code}, {"name", code}, {"county", county}, {"starts_on", "2026-01-01"}});
    for (int i = 1; i <= 6; ++i) {
        ListSurvivor v{"",
                       i % 2 ? "C-LA" : "C-LB",
                       i % 3 ? "Mombasa" : "Kilifi",
                       i % 2 ? "female" : "male",
                       i,
                       "Listed Person " + std::to_string(i),
                       "071234560" + std::to_string(i),
                       "71234560" + std::to_string(i),
                       "LSTID" + std::to_string(7000 + i)};
        auto body = survivor_body(v.cohort, "2026-01-0" + std::to_string(i), v.full_name, v.phone,
                                  v.national_id);
        body["county"] = v.county;
        body["gender"] = v.gender;
        v.code = post("field", "/v1/survivors", body).at("code");
        r.survivors.push_back(v);
    }
    const std::string award = post("finance", "/v1/awards",
                                   {{"survivor", r.survivors[0].code},
                                    {"fund", "F-ONE"},
                                    {"kind", "grant"},
                                    {"amount", "100.00"},
                                    {"approved_on", "2026-01-10"},
                                    {"purpose", "Stock"},
                                    {"business_sector", "retail"}})
                                  .at("id");
    post("finance", "/v1/disbursements",
         {{"award", award},
          {"amount", "100.00"},
          {"disbursed_on", "2026-01-11"},
          {"channel", "mpesa"},
          {"reference", "L-OUT-1"},
          {"fee", "0.50"}},
         true);
    for (const auto& [who, on] :
         {std::pair{0, "2026-02-01"}, std::pair{0, "2026-03-01"}, std::pair{1, "2026-02-20"}}) {
        post("field", "/v1/outcomes",
             {{"survivor", r.survivors[static_cast<std::size_t>(who)].code},
              {"observed_on", on},
              {"business_status", "operating"},
              {"monthly_revenue", "100.00"},
              {"monthly_profit", "10.00"},
              {"household_income", "50.00"},
              {"savings", "0.00"},
              {"jobs", 1}});
    }
    return r;
}

}  // namespace riziki::testing
