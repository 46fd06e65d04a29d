// POST /v1/survivors/lookup and the enrolment oracle (issue 18): lookup by phone in every
// written form and by national id, field and admin only, audited without the identifier;
// enrolment and lookup rate-limited per credential; every enrolment attempt audited.

#include <boost/test/unit_test.hpp>

#include "api/rate_limit.hpp"
#include "tests/api/api_checks.hpp"
#include "tests/api/list_setup.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

struct Enrolled {
    std::string code;
    std::string other;  ///< a second survivor, who must never match
};

const Enrolled& enrolled() {
    static const Enrolled made = [] {
        auto client = server().client();
        created_json(client.post(
            "/v1/cohorts",
            R"({"code":"C-LOOK","name":"Look","county":"Kwale","starts_on":"2026-01-01"})",
            server().auth("field")));
        const auto enrol = [&](const std::string& name, const std::string& phone,
                               const std::string& id) {
            return created_json(
                       client.post("/v1/survivors",
                                   survivor_body("C-LOOK", "2026-01-10", name, phone, id).dump(),
                                   server().auth("field")))
                .at("code")
                .get<std::string>();
        };
        return Enrolled{enrol("Amani Look", "0712345601", "LK-5501"),
                        enrol("Baraka Look", "0712345602", "LK-5502")};
    }();
    return made;
}

HttpResponse lookup(const json& body, const HeaderList& headers) {
    return server().client().post("/v1/survivors/lookup", body.dump(), headers);
}

/// The audit lines of `action` written under `request_id`.
json audit_lines(const std::string& action, const std::string& request_id) {
    const auto response = server().client().get("/v1/audit/log?limit=1000&action=" + action,
                                                server().auth("auditor"));
    BOOST_TEST_REQUIRE(response.status == 200, response.body);
    json out = json::array();
    const auto body = body_json(response);
    for (const auto& line : body.at("items"))
        if (line.at("request_id") == request_id)
            out.push_back(line);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(survivor_lookup, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(a_phone_in_any_written_form_or_a_national_id_finds_the_code) {
    const auto& e = enrolled();
    for (const char* role : {"field", "admin"}) {
        for (const json& body :
             {json{{"phone", "0712345601"}}, json{{"phone", "+254712345601"}},
              json{{"phone", "254712345601"}}, json{{"phone", "0712 345 601"}},
              json{{"national_id", "LK-5501"}}, json{{"national_id", "lk 5501"}}}) {
            BOOST_TEST_CONTEXT(role << " " << body.dump()) {
                const auto response = lookup(body, server().auth(role));
                BOOST_TEST(response.status == 200, response.body);
                BOOST_TEST(body_json(response) == json({{"matches", {{{"code", e.code}}}}}));
            }
        }
    }
    const auto none = lookup({{"phone", "0799999999"}}, server().auth("field"));
    BOOST_TEST(none.status == 200);
    BOOST_TEST(body_json(none) == json({{"matches", json::array()}}));
}

BOOST_AUTO_TEST_CASE(only_field_and_admin_may_look_up) {
    enrolled();
    for (const char* role : {"finance", "auditor", "donor"}) {
        BOOST_TEST_CONTEXT(role) {
            const auto response = lookup({{"phone", "0712345601"}}, server().auth(role));
            check_problem(response, 403, "forbidden");
            BOOST_TEST(response.body.find("SV-") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_bad_lookup_is_refused_with_each_field) {
    const auto field = server().auth("field");
    check_validation(lookup(json::object(), field), {{"phone", "exactly_one_identifier"}});
    check_validation(lookup({{"phone", "0712345601"}, {"national_id", "LK-5501"}}, field),
                     {{"phone", "exactly_one_identifier"}});
    check_validation(lookup({{"phone", "call me"}}, field), {{"phone", "invalid_phone"}});
    check_validation(lookup({{"national_id", "--"}}, field), {{"national_id", "invalid_text"}});
    check_validation(lookup({{"name", "Amani"}}, field), {{"name", "unknown_field"}});
}

BOOST_AUTO_TEST_CASE(a_lookup_is_audited_with_the_code_and_never_the_identifier) {
    const auto& e = enrolled();
    const auto found = lookup({{"phone", "+254712345601"}}, server().auth("field"));
    BOOST_TEST_REQUIRE(found.status == 200);
    const auto lines = audit_lines("survivor.lookup", found.header("X-Request-Id"));
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].at("subject") == e.code);
    BOOST_TEST(lines[0].at("detail") == "by phone: 1 found");
    BOOST_TEST(lines[0].dump().find("712345601") == std::string::npos);
    const auto missed = lookup({{"national_id", "NOPE-1"}}, server().auth("admin"));
    const auto missed_lines = audit_lines("survivor.lookup", missed.header("X-Request-Id"));
    BOOST_TEST_REQUIRE(missed_lines.size() == 1u);
    BOOST_TEST(missed_lines[0].at("subject") == "");
    BOOST_TEST(missed_lines[0].at("detail") == "by national_id: 0 found");
    BOOST_TEST(missed_lines[0].dump().find("NOPE") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_refused_enrolment_is_audited) {
    enrolled();
    auto client = server().client();
    const auto attempt = [&](const json& body, int status, const std::string& action,
                             const std::string& detail) {
        const auto response = client.post("/v1/survivors", body.dump(), server().auth("field"));
        BOOST_TEST(response.status == status, response.body);
        const auto lines = audit_lines(action, response.header("X-Request-Id"));
        BOOST_TEST_REQUIRE(lines.size() == 1u, action);
        BOOST_TEST(lines[0].at("detail") == detail);
        BOOST_TEST(lines[0].at("subject") == "");
    };
    attempt(survivor_body("C-NONE", "2026-01-10", "No Cohort", "0712345609"), 404,
            "survivor.enrol_refused", "cohort_not_found");
    attempt(json{{"cohort", "C-LOOK"}}, 422, "survivor.enrol_refused", "validation_failed");
    attempt(survivor_body("C-LOOK", "2026-01-10", "Again", "+254 712 345 601"), 409,
            "survivor.duplicate_refused", "blind index matched");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(identity_rate_limit)

// The limit's default (RIZIKI_IDENTITY_RATE_PER_MINUTE empty): 30 at once for a credential,
// then 429; another credential has its own.
BOOST_AUTO_TEST_CASE(thirty_lookups_at_once_then_too_many_requests) {
    ApiServer s(with_environment({"RIZIKI_IDENTITY_RATE_PER_MINUTE="}));
    auto client = s.client();
    const auto ask = [&](const std::string& role) {
        return client.post("/v1/survivors/lookup", R"({"phone":"0712345602"})", s.auth(role));
    };
    for (int i = 0; i < 30; ++i)
        BOOST_TEST_REQUIRE(ask("field").status == 200, i);
    HttpResponse refused;
    for (int i = 0; i < 30 && refused.status != 429; ++i)
        refused = ask("field");
    check_problem(refused, 429, "too_many_requests");
    const auto wait = std::stoi(refused.header("Retry-After"));
    BOOST_TEST((wait >= 1 && wait <= 2), wait);
    BOOST_TEST(ask("admin").status == 200);
    BOOST_TEST(s.stop() == 0);
}

// RIZIKI_IDENTITY_RATE_PER_MINUTE=1: one enrolment or lookup a minute per credential, both
// from one bucket; a run of refusals writes one audit line.
BOOST_AUTO_TEST_CASE(enrolment_and_lookup_share_one_bucket_and_a_run_is_audited_once) {
    ApiServer s(with_environment({"RIZIKI_IDENTITY_RATE_PER_MINUTE=1"}));
    auto client = s.client();
    BOOST_TEST_REQUIRE(client
                           .post("/v1/cohorts",
                                 R"({"code":"C-RL","name":"RL","county":"Kwale",
                                       "starts_on":"2026-01-01"})",
                                 s.auth("field"))
                           .status == 201);
    const auto body = survivor_body("C-RL", "2026-01-10", "Rate Limited", "0712345611");
    BOOST_TEST(client.post("/v1/survivors", body.dump(), s.auth("field")).status == 201);
    std::vector<HttpResponse> refused;
    refused.push_back(
        client.post("/v1/survivors/lookup", R"({"phone":"0712345611"})", s.auth("field")));
    refused.push_back(client.post("/v1/survivors", body.dump(), s.auth("field")));
    refused.push_back(client.post("/v1/survivors/lookup", "{not json", s.auth("field")));
    for (const auto& response : refused) {
        check_problem(response, 429, "too_many_requests");
        const auto wait = std::stoi(response.header("Retry-After"));
        BOOST_TEST((wait >= 58 && wait <= 60), wait);
        BOOST_TEST(response.body.find("SV-") == std::string::npos);
    }
    // The admin's credential has its own bucket.
    BOOST_TEST(
        client.post("/v1/survivors/lookup", R"({"phone":"0712345611"})", s.auth("admin")).status ==
        200);
    const auto log = body_json(client.get("/v1/audit/log?limit=1000", s.auth("auditor")));
    int limited = 0;
    for (const auto& line : log.at("items"))
        limited += line.at("detail") == "rate_limited" ? 1 : 0;
    BOOST_TEST(limited == 1);
    BOOST_TEST(s.stop() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rate_limiter)

BOOST_AUTO_TEST_CASE(a_bucket_refills_at_its_rate_and_notes_the_first_refusal_of_a_run) {
    using namespace std::chrono_literals;
    auto now = std::chrono::steady_clock::time_point{} + 1000s;
    riziki::api::RateLimiter limiter(30, [&] { return now; });
    for (int i = 0; i < 30; ++i)
        BOOST_TEST_REQUIRE(limiter.take("token:1").allowed, i);
    auto refused = limiter.take("token:1");
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after.count() == 2);  // one request every 2 s
    BOOST_TEST(refused.first_refusal);
    BOOST_TEST(!limiter.take("token:1").first_refusal);
    BOOST_TEST(limiter.take("token:2").allowed);  // another credential, another bucket
    now += 1s;
    refused = limiter.take("token:1");
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after.count() == 1);
    now += 1s;
    BOOST_TEST(limiter.take("token:1").allowed);
    BOOST_TEST(limiter.take("token:1").first_refusal);  // a new run
    now += 10min;                                       // full again, never beyond
    for (int i = 0; i < 30; ++i)
        BOOST_TEST_REQUIRE(limiter.take("token:1").allowed, i);
    BOOST_TEST(!limiter.take("token:1").allowed);
}

BOOST_AUTO_TEST_CASE(keys_beyond_the_bound_forget_idle_buckets_first) {
    using namespace std::chrono_literals;
    auto now = std::chrono::steady_clock::time_point{} + 1000s;
    riziki::api::RateLimiter limiter(
        1, [&] { return now; }, 2);
    BOOST_TEST(limiter.take("a").allowed);
    BOOST_TEST(limiter.take("b").allowed);
    now += 61s;  // both full again: forgettable
    BOOST_TEST(limiter.take("b").allowed);
    BOOST_TEST(limiter.take("c").allowed);  // makes room by forgetting a (full), not b
    BOOST_TEST(!limiter.take("b").allowed);
}

BOOST_AUTO_TEST_SUITE_END()
