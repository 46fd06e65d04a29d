// Who may call what: every route x every role, plus no token and broken tokens.

#include <boost/test/unit_test.hpp>

#include <set>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

struct RouteCase {
    std::string method;
    std::string target;
    std::set<std::string> roles;  ///< who may call it; empty: public
    int success;                  ///< status of an allowed call
    bool needs_key = false;       ///< money-moving POST: send an Idempotency-Key
    std::string body = "";
};

const std::string kEntry = receipt_body("F-KES", "10.00", "2026-02-01", "matrix");

std::vector<RouteCase> routes() {
    const std::set<std::string> books{"finance", "auditor"};
    const std::set<std::string> all(kRoles.begin(), kRoles.end());
    return {
        {"GET", "/healthz", {}, 200},
        {"GET", "/metrics", {}, 200},
        {"GET", "/v1/me", all, 200},
        {"GET", "/v1/accounts", books, 200},
        {"GET", "/v1/accounts/1010/balance?as_of=2026-12-31&fund=F-KES", books, 200},
        {"POST", "/v1/entries", {"finance"}, 201, true, kEntry},
        {"GET", "/v1/entries?from=2026-01-01&limit=5", books, 200},
        {"GET", "/v1/entries/1", books, 200},
        {"POST",
         "/v1/entries/1/reverse",
         {"finance"},
         201,
         true,
         R"({"effective_on":"2026-02-02","memo":"matrix reversal"})"},
        {"POST", "/v1/periods/2020-01/close", {"admin"}, 201},
        {"GET", "/v1/periods", {"admin"}, 200},
        {"GET", "/v1/audit/trial-balance", books, 200},
        {"GET", "/v1/audit/trial-balance?format=csv", books, 200},
    };
}

HttpResponse call(HttpClient& client, const RouteCase& route, HeaderList headers) {
    if (route.needs_key)
        headers.emplace_back("Idempotency-Key", fresh_key("matrix"));
    if (route.method == "GET")
        return client.get(route.target, headers);
    return client.post(route.target, route.body, headers);
}

/// Authorization headers that must all be refused with 401.
std::vector<std::pair<std::string, HeaderList>> refused_credentials() {
    const auto& finance = server().token("finance");
    std::string upper = finance;
    for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return {
        {"no header", {}},
        {"empty", {{"Authorization", ""}}},
        {"scheme only", {{"Authorization", "Bearer"}}},
        {"scheme and space", {{"Authorization", "Bearer "}}},
        {"unknown well-formed token", {{"Authorization", "Bearer rzk_" + std::string(64, '0')}}},
        {"malformed token", {{"Authorization", "Bearer rzk_not-a-token"}}},
        {"token too long", {{"Authorization", "Bearer " + finance + "0"}}},
        {"token cut short", {{"Authorization", "Bearer " + finance.substr(0, 67)}}},
        {"token upper-cased", {{"Authorization", "Bearer " + upper}}},
        {"token without scheme", {{"Authorization", finance}}},
        {"basic scheme", {{"Authorization", "Basic ZmluYW5jZTpzZWNyZXQ="}}},
        {"token in another header", {{"X-Token", finance}}},
    };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(roles, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(every_route_by_every_role) {
    auto client = server().client();
    // Entry 1 exists for the routes that name it.
    BOOST_TEST_REQUIRE(post_entry(client, server(), kEntry).status == 201);
    long long expected_seq = 1;
    for (const auto& route : routes()) {
        for (const auto& role : kRoles) {
            BOOST_TEST_CONTEXT(route.method << " " << route.target << " as " << role) {
                const auto response = call(client, route, server().auth(role));
                const bool allowed = route.roles.empty() || route.roles.contains(role);
                if (allowed) {
                    BOOST_TEST(response.status == route.success, response.body);
                } else {
                    check_problem(response, 403, "forbidden");
                }
                if (allowed && route.needs_key)
                    ++expected_seq;
                BOOST_TEST(server().journal_seq() == expected_seq);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(every_route_refuses_missing_and_broken_tokens) {
    auto client = server().client();
    const auto seq = server().journal_seq();
    for (const auto& route : routes()) {
        for (const auto& [label, headers] : refused_credentials()) {
            BOOST_TEST_CONTEXT(route.method << " " << route.target << " with " << label) {
                const auto response = call(client, route, headers);
                if (route.roles.empty()) {
                    BOOST_TEST(response.status == 200);  // public routes ignore credentials
                } else {
                    check_problem(response, 401, "unauthenticated");
                    BOOST_TEST(response.header("WWW-Authenticate") == "Bearer");
                }
            }
        }
    }
    BOOST_TEST(server().journal_seq() == seq);
}

BOOST_AUTO_TEST_CASE(authentication_and_roles_come_before_the_body) {
    auto client = server().client();
    const auto seq = server().journal_seq();
    const HeaderList key{{"Idempotency-Key", fresh_key()}};
    // Whatever the body, a caller who may not post learns nothing about it.
    check_problem(client.post("/v1/entries", "{not json", key), 401, "unauthenticated");
    check_problem(client.post("/v1/entries", "{not json",
                              with(server().auth("auditor"), "Idempotency-Key", fresh_key())),
                  403, "forbidden");
    check_problem(client.post("/v1/entries", "{}", server().auth("donor")), 403, "forbidden");
    check_problem(client.post("/v1/entries/999/reverse", "[]", server().auth("field")), 403,
                  "forbidden");
    check_problem(client.post("/v1/periods/nonsense/close", "", server().auth("finance")), 403,
                  "forbidden");
    BOOST_TEST(server().journal_seq() == seq);
}

BOOST_AUTO_TEST_CASE(a_new_token_works_at_once_and_donor_scope_is_reported) {
    const auto token = server().create_token("donor", {"F-KES2", "F-USD"}, "Donor B");
    auto client = server().client();
    const auto me = client.get("/v1/me", {{"Authorization", "Bearer " + token}});
    BOOST_TEST(me.status == 200);
    const auto body = body_json(me);
    BOOST_TEST(body.value("role", "") == "donor");
    BOOST_TEST(body.value("name", "") == "Donor B");
    BOOST_TEST(body.at("funds") == json::array({"F-KES2", "F-USD"}));
    check_problem(client.get("/v1/entries", {{"Authorization", "Bearer " + token}}), 403,
                  "forbidden");
}

// RFC 7235 section 2.1: the authentication scheme is a case-insensitive token, so
// "bearer" and "BEARER" name the same scheme as "Bearer" (RFC 6750 clients send either).
BOOST_AUTO_TEST_CASE(the_bearer_scheme_is_case_insensitive) {
    auto client = server().client();
    for (const char* scheme : {"bearer ", "BEARER ", "bEaReR "}) {
        BOOST_TEST_CONTEXT("scheme '" << scheme << "'") {
            const auto response =
                client.get("/v1/me", {{"Authorization", scheme + server().token("auditor")}});
            BOOST_TEST(response.status == 200, response.body);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
