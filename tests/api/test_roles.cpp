// Who may call what: every route x every role, plus no token and broken tokens.

#include <boost/test/unit_test.hpp>

#include <memory>
#include <regex>
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
    std::string body = "";        ///< "{role}" is replaced by the caller's role
};

const std::string kEntry = receipt_body("F-KES", "10.00", "2026-02-01", "matrix");

/// Program records the routes name. The placeholders serve the tests that never get past
/// authentication; every_route_by_every_role makes real ones.
struct Records {
    std::string survivor = "SV-22222222";
    std::string grant = "AW-22222222";        ///< approved: the disbursement route pays it
    std::string loan_repaid = "AW-33333333";  ///< disbursed: the repayment route repays it
    std::string loan_written_off = "AW-44444444";
    std::string loan_forgiven = "AW-55555555";
    std::string token = "999999";  ///< a token of its own, for an admin to revoke
    std::string user = "999999";   ///< a user the admin routes reset, then disable
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

json survivor_json(const std::string& cohort) {
    return {{"cohort", cohort},
            {"gender", "male"},
            {"birth_year", 1990},
            {"county", "Kwale"},
            {"enrolled_on", "2026-01-10"},
            {"consent", {{"donor_reporting", true}, {"follow_up", true}}},
            {"pii", {{"full_name", "Matrix Survivor"}}}};
}

json grant_json(const std::string& survivor, const std::string& fund, const std::string& kind,
                const std::string& amount) {
    return award_body(survivor, fund, kind, amount, "2026-01-15", "Matrix", 2);
}

json money_json(const std::string& award, const std::string& amount, const char* date_field,
                const std::string& reference) {
    return {{"award", award},
            {"amount", amount},
            {date_field, "2026-02-01"},
            {"channel", "mpesa"},
            {"reference", reference}};
}

std::vector<RouteCase> routes(const Records& r = {}) {
    const std::set<std::string> books{"finance", "auditor"};
    const std::set<std::string> survivor_readers{"field", "finance", "auditor", "admin"};
    const std::set<std::string> all(kRoles.begin(), kRoles.end());
    const std::string closure = R"({"on":"2026-03-01","reason":"matrix"})";
    return {
        {"GET", "/healthz", {}, 200},
        {"GET", "/metrics", {"metrics", "admin"}, 200},
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
        // Program records (SPEC §7); the donor's token covers F-KES only.
        {"POST",
         "/v1/donors",
         {"finance"},
         201,
         false,
         R"({"code":"D-MATRIX","name":"Matrix donor"})"},
        {"POST",
         "/v1/funds",
         {"finance"},
         201,
         false,
         R"({"code":"F-MATRIX","donor":"D-MATRIX","name":"Matrix","currency":"KES"})"},
        {"GET", "/v1/funds/F-KES", {"finance", "auditor", "donor"}, 200},
        {"GET", "/v1/funds/F-KES2?as_of=2026-12-31", books, 200},
        {"POST",
         "/v1/funds/F-KES2/receipts",
         {"finance"},
         201,
         true,
         R"({"amount":"5.00","received_on":"2026-02-01","channel":"bank","reference":"MX-IN"})"},
        {"POST",
         "/v1/cohorts",
         {"field", "finance"},
         201,
         false,
         R"({"code":"C-MX-{role}","name":"Matrix","county":"Kwale","starts_on":"2026-01-01"})"},
        // Issue 18: not finance (SPEC §7 said "field, finance"); a refusal is an oracle.
        {"POST", "/v1/survivors", {"field", "admin"}, 201, false, survivor_json("C-MATRIX").dump()},
        // The lists (SPEC §13).
        {"GET", "/v1/donors", {"finance", "auditor", "donor"}, 200},
        {"GET", "/v1/funds?limit=2", {"finance", "auditor", "donor"}, 200},
        {"GET", "/v1/funds/F-KES/receipts", {"finance", "auditor", "donor"}, 200},
        {"GET", "/v1/cohorts", survivor_readers, 200},
        {"GET", "/v1/survivors?cohort=C-MATRIX", survivor_readers, 200},
        {"GET", "/v1/outcomes?survivor=" + r.survivor, survivor_readers, 200},
        {"POST",
         "/v1/survivors/lookup",
         {"field", "admin"},
         200,
         false,
         R"({"phone":"0700000001"})"},
        {"GET", "/v1/survivors/" + r.survivor, {"field", "finance", "auditor", "admin"}, 200},
        {"GET", "/v1/survivors/" + r.survivor + "?include=pii", {"field", "admin"}, 200},
        {"POST",
         "/v1/awards",
         {"finance"},
         201,
         false,
         grant_json(r.survivor, "F-KES2", "grant", "50.00").dump()},
        {"GET", "/v1/awards/" + r.grant, books, 200},
        {"GET", "/v1/awards/" + r.loan_repaid + "?as_of=2026-03-01", books, 200},
        {"POST",
         "/v1/disbursements",
         {"finance"},
         201,
         true,
         money_json(r.grant, "100.00", "disbursed_on", "MX-D").dump()},
        {"POST",
         "/v1/repayments",
         {"finance"},
         201,
         true,
         money_json(r.loan_repaid, "10.00", "paid_on", "MX-R").dump()},
        {"POST",
         "/v1/awards/" + r.loan_written_off + "/write-off",
         {"finance"},
         201,
         true,
         closure},
        {"POST", "/v1/awards/" + r.loan_forgiven + "/forgive", {"finance"}, 201, true, closure},
        {"POST",
         "/v1/outcomes",
         {"field"},
         201,
         false,
         json({{"survivor", r.survivor},
               {"observed_on", "2026-03-01"},
               {"business_status", "operating"},
               {"monthly_revenue", "100.00"},
               {"monthly_profit", "10.00"},
               {"household_income", "50.00"},
               {"savings", "0.00"},
               {"jobs", 1}})
             .dump()},
        {"GET", "/v1/audit/log?limit=10", {"auditor", "admin"}, 200},
        // Everyone lists (an admin every token, anyone else its own); an admin revokes
        // another's token, no one else does (a holder may revoke its own: test_tokens.cpp).
        {"GET", "/v1/tokens", all, 200},
        {"DELETE", "/v1/tokens/" + r.token, {"admin"}, 200},
        // People who sign in (SPEC §12). POST /v1/session and POST /v1/password take no
        // credentials (tests/api/test_users.cpp): a failed login there would hold up logins.
        {"GET", "/v1/session", all, 200},
        {"GET", "/v1/users?limit=5", {"admin"}, 200},
        {"POST", "/v1/users", {"admin"}, 201, false, R"({"username":"mx-{role}","role":"field"})"},
        {"POST", "/v1/users/" + r.user + "/reset", {"admin"}, 200},
        {"POST", "/v1/users/" + r.user + "/disable", {"admin"}, 200},
        {"GET", "/v1/awards?limit=5", books, 200},
        {"GET", "/v1/awards?sort=days_late&min_days_late=1", books, 200},
        {"GET", "/v1/dashboard", all, 200},
        // Last: it erases the survivor the PII read above still reads.
        {"POST",
         "/v1/survivors/" + r.survivor + "/erase",
         {"admin"},
         201,
         false,
         R"({"reason":"survivor_request"})"},
    };
}

/// The records the program routes name, made through the API (finance and field).
Records make_records(const ApiServer& s) {
    auto client = s.client();
    const auto created = [](const HttpResponse& response) {
        BOOST_TEST_REQUIRE(response.status == 201, response.body);
        return json::parse(response.body);
    };
    const auto money = [&](const std::string& target, const json& body) {
        return created(client.post(target, body.dump(),
                                   with(s.auth("finance"), "Idempotency-Key", fresh_key("mx"))));
    };
    created(client.post(
        "/v1/cohorts",
        R"({"code":"C-MATRIX","name":"Matrix","county":"Kwale","starts_on":"2026-01-01"})",
        s.auth("field")));
    Records r;
    r.survivor =
        created(client.post("/v1/survivors", survivor_json("C-MATRIX").dump(), s.auth("field")))
            .at("code");
    const auto award = [&](const std::string& kind) -> std::string {
        return created(client.post("/v1/awards",
                                   grant_json(r.survivor, "F-KES2", kind, "500.00").dump(),
                                   s.auth("finance")))
            .at("id");
    };
    money("/v1/funds/F-KES2/receipts", {{"amount", "5000.00"},
                                        {"received_on", "2026-01-20"},
                                        {"channel", "mpesa"},
                                        {"reference", "MX-SETUP"}});
    r.user = std::to_string(
        created(
            client.post("/v1/users", R"({"username":"mx-user","role":"finance"})", s.auth("admin")))
            .at("id")
            .get<long long>());
    r.grant = award("grant");
    r.loan_repaid = award("loan");
    r.loan_written_off = award("loan");
    r.loan_forgiven = award("loan");
    for (const auto* id : {&r.loan_repaid, &r.loan_written_off, &r.loan_forgiven})
        money("/v1/disbursements", money_json(*id, "500.00", "disbursed_on", "MX-" + *id));
    const auto victim = SharedServer::get().create_token("auditor", {}, "Matrix victim");
    r.token = body_json(client.get("/v1/me", {{"Authorization", "Bearer " + victim}}))
                  .at("token_id")
                  .get<std::string>();
    return r;
}

/// A token of role `metrics`, made once through `riziki token create --role metrics`.
const std::string& metrics_token() {
    static const std::string token = server().create_token("metrics");
    return token;
}

/// The fixture's roles and metrics, the role of a scraper.
std::vector<std::string> every_role() {
    auto roles = kRoles;
    roles.push_back("metrics");
    return roles;
}

/// The Authorization header of a token of `role`, one of every_role().
HeaderList auth(const std::string& role) {
    if (role == "metrics")
        return {{"Authorization", "Bearer " + metrics_token()}};
    return server().auth(role);
}

HttpResponse call(HttpClient& client, const RouteCase& route, HeaderList headers,
                  const std::string& role = "none") {
    if (route.needs_key)
        headers.emplace_back("Idempotency-Key", fresh_key("matrix"));
    if (route.method == "GET")
        return client.get(route.target, headers);
    if (route.method == "DELETE")
        return client.request("DELETE", route.target, headers);
    return client.post(route.target, replace_all(route.body, "{role}", role), headers);
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
    // Entry 1 exists for the routes that name it, and so do a survivor and awards.
    BOOST_TEST_REQUIRE(post_entry(client, server(), kEntry).status == 201);
    const auto records = make_records(server());
    long long expected_seq = server().journal_seq();
    BOOST_TEST_REQUIRE(expected_seq == 5);
    for (const auto& route : routes(records)) {
        for (const auto& role : every_role()) {
            BOOST_TEST_CONTEXT(route.method << " " << route.target << " as " << role) {
                const auto response = call(client, route, auth(role), role);
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

// Issue 16 item 13: request counts by route tell how many survivors were enrolled and how
// often PII was read, so /metrics needs a token of role metrics (a scraper's) or admin; a
// metrics token opens nothing else. /healthz stays open for load balancers.
BOOST_AUTO_TEST_CASE(metrics_needs_a_metrics_or_admin_token_which_opens_nothing_else) {
    auto client = server().client();
    const auto anonymous = client.get("/metrics");
    check_problem(anonymous, 401, "unauthenticated");
    BOOST_TEST(anonymous.body.find("riziki_http_requests_total") == std::string::npos);
    for (const char* role : {"finance", "field", "donor", "auditor"}) {
        BOOST_TEST_CONTEXT(role) {
            check_problem(client.get("/metrics", server().auth(role)), 403, "forbidden");
        }
    }
    for (const char* role : {"metrics", "admin"}) {
        BOOST_TEST_CONTEXT(role) {
            const auto scrape = client.get("/metrics", auth(role));
            BOOST_TEST(scrape.status == 200, scrape.body);
            BOOST_TEST(scrape.header("Content-Type") == "text/plain; version=0.0.4");
            BOOST_TEST(scrape.body.find("# TYPE riziki_http_requests_total counter\n") !=
                       std::string::npos);
            BOOST_TEST(scrape.body.find("\nriziki_db_pool_connections 8\n") != std::string::npos);
        }
    }
    const auto seq = server().journal_seq();
    for (const char* target : {"/v1/funds/F-KES", "/v1/me", "/v1/entries", "/v1/audit/log",
                               "/v1/reports/donor?fund=F-KES"}) {
        BOOST_TEST_CONTEXT(target) {
            check_problem(client.get(target, auth("metrics")), 403, "forbidden");
        }
    }
    check_problem(client.post("/v1/schedules/preview", "{}", auth("metrics")), 403, "forbidden");
    check_problem(client.post("/v1/entries", kEntry,
                              with(auth("metrics"), "Idempotency-Key", fresh_key("metrics"))),
                  403, "forbidden");
    BOOST_TEST(server().journal_seq() == seq);
    BOOST_TEST(client.get("/healthz").status == 200);
}

// The role list is kept twice: api::kAllRoles and the tokens table's CHECK (migration 0016).
BOOST_AUTO_TEST_CASE(token_create_and_the_database_take_the_metrics_role_and_no_unknown_one) {
    BOOST_TEST(metrics_token().starts_with("rzk_"));
    // Like every role but donor, metrics is scoped to no fund.
    BOOST_CHECK_THROW(server().create_token("metrics", {"F-KES"}), std::runtime_error);
    const auto owner = server().owner();
    const auto insert = [&](const std::string& role) {
        static int n = 0;
        const std::string digest(32, static_cast<char>('a' + n++));
        *owner << "INSERT INTO tokens (name, role, token_hmac, key_id) "
                  "VALUES ('check', :r, convert_to(:d, 'UTF8'), '0123456789abcdef')",
            soci::use(role), soci::use(digest);
    };
    BOOST_CHECK_NO_THROW(insert("metrics"));
    BOOST_CHECK_THROW(insert("root"), soci::soci_error);
    BOOST_CHECK_THROW(insert("Metrics"), soci::soci_error);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// The port the server logged for its metrics listener, or 0.
unsigned short metrics_port(const std::string& log) {
    static const std::regex kLine(
        R"(serving /metrics without a token at http://127\.0\.0\.1:(\d+))");
    std::smatch match;
    if (!std::regex_search(log, match, kLine))
        return 0;
    return static_cast<unsigned short>(std::stoi(match[1]));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics_listener)

// RIZIKI_METRICS_LISTEN: a second address (loopback here) where a scraper reads /metrics
// without a token, and nothing else; the API's own listener still asks for one.
BOOST_AUTO_TEST_CASE(the_metrics_address_serves_metrics_alone_without_a_token) {
    auto server =
        std::make_unique<ApiServer>(with_environment({"RIZIKI_METRICS_LISTEN=127.0.0.1:0"}));
    const auto port = metrics_port(server->log());
    BOOST_TEST_REQUIRE(port != 0, server->log());
    BOOST_TEST_REQUIRE(port != server->port());
    HttpClient scraper(port);
    const auto scrape = scraper.get("/metrics");
    BOOST_TEST(scrape.status == 200, scrape.body);
    BOOST_TEST(scrape.header("Content-Type") == "text/plain; version=0.0.4");
    BOOST_TEST(scrape.header("Cache-Control") == "no-store");
    BOOST_TEST(scrape.body.find("\nriziki_db_pool_connections 8\n") != std::string::npos);
    for (const char* target : {"/healthz", "/v1/me", "/v1/funds/F-KES", "/metrics/x"}) {
        BOOST_TEST_CONTEXT(target) {
            check_problem(scraper.get(target, server->auth("admin")), 404, "not_found");
        }
    }
    check_problem(scraper.request("POST", "/metrics"), 405, "method_not_allowed");
    auto client = server->client();
    check_problem(client.get("/metrics"), 401, "unauthenticated");
    BOOST_TEST(client.get("/metrics", server->auth("admin")).status == 200);
    // Both listeners count into the same metrics.
    BOOST_TEST(
        scraper.get("/metrics")
            .body.find("riziki_http_requests_total{route=\"/metrics\",status=\"200\"} 2\n") !=
        std::string::npos);
    BOOST_TEST(server->stop() == 0);
    BOOST_TEST(server->log_problems().empty(), server->log_problems());
}

BOOST_AUTO_TEST_SUITE_END()
