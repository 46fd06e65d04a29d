// Every problem code the API documents, triggered on purpose: status, code, problem+json
// and request_id, plus the field errors where they carry the meaning.

#include <boost/test/unit_test.hpp>

#include <array>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

HeaderList finance_key(const std::string& key = fresh_key("err")) {
    return with(server().auth("finance"), "Idempotency-Key", key);
}

HttpResponse get_as(const std::string& target, const std::string& role = "finance") {
    return server().client().get(target, server().auth(role));
}

std::string posted_entry(const std::string& body) {
    auto client = server().client();
    const auto response = post_entry(client, server(), body);
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    return std::to_string(body_json(response).at("seq").get<long long>());
}

HttpResponse reverse(const std::string& id, const std::string& date,
                     const std::string& key = fresh_key("rev")) {
    return server().client().post("/v1/entries/" + id + "/reverse",
                                  json{{"effective_on", date}, {"memo", "reversal"}}.dump(),
                                  finance_key(key));
}

const std::string kValid = receipt_body("F-KES", "5.00", "2026-05-05", "valid");

}  // namespace

BOOST_AUTO_TEST_SUITE(errors, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(not_found_for_unknown_routes_and_objects) {
    auto client = server().client();
    // Paths outside the API's ("/", "/survivors") are the web app's: test_web_app.cpp.
    for (const char* target : {"/v1", "/v1/nope", "/v2/entries", "/v1/entries/1/extra",
                               "/healthz/x", "/V1/ENTRIES", "/v1/accounts/1010/balance/x"}) {
        BOOST_TEST_CONTEXT(target) {
            check_problem(client.get(target, server().auth("finance")), 404, "not_found");
        }
    }
    for (const char* target :
         {"/v1/entries/999999", "/v1/entries/0", "/v1/entries/-1", "/v1/entries/abc",
          "/v1/entries/1.0", "/v1/entries/0x1", "/v1/entries/9999999999999999999999",
          "/v1/accounts/9999/balance", "/v1/accounts/1010%20/balance"}) {
        BOOST_TEST_CONTEXT(target) {
            check_problem(get_as(target, "auditor"), 404, "not_found");
        }
    }
}

BOOST_AUTO_TEST_CASE(method_not_allowed_names_the_allowed_methods) {
    auto client = server().client();
    const std::vector<std::array<const char*, 3>> cases{
        {"DELETE", "/v1/entries", "POST, GET"},
        {"PUT", "/v1/entries", "POST, GET"},
        {"GET", "/v1/entries/1/reverse", "POST"},
        {"POST", "/healthz", "GET"},
        {"POST", "/metrics", "GET"},
        {"DELETE", "/v1/entries/1", "GET"},
        {"PATCH", "/v1/periods/2026-01/close", "POST"},
        {"POST", "/v1/periods", "GET"},
        {"OPTIONS", "/v1/me", "GET"},
    };
    for (const auto& [method, target, allow] : cases) {
        BOOST_TEST_CONTEXT(method << " " << target) {
            const auto response = client.request(method, target, server().auth("finance"));
            BOOST_TEST(response.header("Allow") == allow);
            check_problem(response, 405, "method_not_allowed");
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_escapes_in_path_or_query) {
    for (const char* target :
         {"/v1/entries/%zz", "/v1/entries/%4", "/v1/entries/%00", "/v1/entries?from=%2",
          "/v1/entries?account=%G1", "/v1/entries?fund=F%00"}) {
        BOOST_TEST_CONTEXT(target) {
            check_problem(get_as(target), 400, "malformed_request");
        }
    }
    // Well-formed escapes decode: %2D is '-', '+' is a space in a query.
    const auto decoded = get_as("/v1/entries?from=2026%2D01%2D01&account=10%31%30");
    BOOST_TEST(decoded.status == 200, decoded.body);
}

// Issue 16 item 12: a path or query parameter that decodes to bytes that are not UTF-8
// (stray or truncated sequences, overlong forms, surrogates, past U+10FFFF) or to NUL is
// refused as malformed before any handler sees it. Before, such a value reached the
// database or a problem's detail and the answer was a 500.
BOOST_AUTO_TEST_CASE(invalid_utf8_in_path_or_query_is_400) {
    const std::vector<std::string> bad{
        "%FF%FE",        // bytes that never start UTF-8
        "%80",           // a continuation byte alone
        "AB%C3",         // a sequence cut short
        "%C0%AF",        // overlong '/'
        "%E0%80%AF",     // overlong '/' in three bytes
        "%ED%A0%80",     // a lone surrogate (U+D800)
        "%F4%90%80%80",  // past U+10FFFF
        "SV%00X",        // NUL
    };
    // Each route with a role that may call it, so only the bytes are at fault.
    const std::vector<std::array<std::string, 3>> routes{
        {"GET", "/v1/survivors/{}", "field"},
        {"GET", "/v1/survivors/{}?include=pii", "field"},
        {"GET", "/v1/funds/{}", "finance"},
        {"GET", "/v1/entries/{}", "finance"},
        {"GET", "/v1/awards/{}", "finance"},
        {"GET", "/v1/accounts/{}/balance", "finance"},
        {"GET", "/v1/entries?fund={}", "finance"},
        {"GET", "/v1/entries?{}=1", "finance"},
        {"GET", "/v1/reports/donor?fund={}&format=html", "finance"},
        {"GET", "/v1/audit/log?actor={}", "admin"},
        {"POST", "/v1/funds/{}/receipts", "finance"},
        {"POST", "/v1/entries/{}/reverse", "finance"},
        {"POST", "/v1/awards/{}/write-off", "finance"},
        {"POST", "/v1/periods/{}/close", "admin"},
    };
    auto client = server().client();
    const auto seq = server().journal_seq();
    for (const auto& [method, pattern, role] : routes) {
        for (const auto& value : bad) {
            auto target = pattern;
            target.replace(target.find("{}"), 2, value);
            BOOST_TEST_CONTEXT(method << " " << target << " as " << role) {
                const auto headers = with(server().auth(role), "Idempotency-Key", fresh_key());
                const auto response = method == "GET" ? client.get(target, headers)
                                                      : client.post(target, kValid, headers);
                check_problem(response, 400, "malformed_request");
            }
        }
    }
    BOOST_TEST(server().journal_seq() == seq);
    // Well-formed UTF-8 passes the router and gets the route's own answer.
    check_problem(get_as("/v1/survivors/SV-%C3%A9", "field"), 404, "not_found");
    BOOST_TEST(client.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(invalid_query_lists_every_bad_parameter) {
    const std::string long_code(65, 'A');
    const std::vector<std::pair<std::string, FieldErrors>> cases{
        {"/v1/entries?limit=0", {{"limit", "invalid_limit"}}},
        {"/v1/entries?limit=1001", {{"limit", "invalid_limit"}}},
        {"/v1/entries?limit=-1", {{"limit", "invalid_limit"}}},
        {"/v1/entries?limit=abc", {{"limit", "invalid_limit"}}},
        {"/v1/entries?limit=1e2", {{"limit", "invalid_limit"}}},
        {"/v1/entries?limit=99999", {{"limit", "invalid_limit"}}},
        {"/v1/entries?limit=+5", {{"limit", "invalid_limit"}}},
        {"/v1/entries?after=xyz", {{"after", "invalid_cursor"}}},
        {"/v1/entries?after=c1.", {{"after", "invalid_cursor"}}},
        {"/v1/entries?after=c1.-5", {{"after", "invalid_cursor"}}},
        {"/v1/entries?after=5", {{"after", "invalid_cursor"}}},
        {"/v1/entries?after=c1.1234567890123456789", {{"after", "invalid_cursor"}}},
        {"/v1/entries?from=2026-13-01", {{"from", "invalid_date"}}},
        {"/v1/entries?to=yesterday", {{"to", "invalid_date"}}},
        {"/v1/entries?from=2026-02-30", {{"from", "invalid_date"}}},
        {"/v1/entries?account=" + long_code, {{"account", "invalid_length"}}},
        {"/v1/entries?fund=" + long_code, {{"fund", "invalid_length"}}},
        {"/v1/entries?survivor=" + long_code, {{"survivor", "invalid_length"}}},
        {"/v1/entries?award=" + long_code, {{"award", "invalid_length"}}},
        {"/v1/entries?from=bad&limit=0&after=bad",
         {{"from", "invalid_date"}, {"limit", "invalid_limit"}, {"after", "invalid_cursor"}}},
        {"/v1/audit/trial-balance?format=xml", {{"format", "invalid_choice"}}},
        {"/v1/audit/trial-balance?format=JSON", {{"format", "invalid_choice"}}},
        {"/v1/audit/trial-balance?as_of=2026-02-30", {{"as_of", "invalid_date"}}},
        {"/v1/audit/trial-balance?fund=" + long_code, {{"fund", "invalid_length"}}},
        {"/v1/accounts/1010/balance?as_of=31-12-2026", {{"as_of", "invalid_date"}}},
        {"/v1/accounts/1010/balance?fund=" + long_code, {{"fund", "invalid_length"}}},
    };
    for (const auto& [target, expected] : cases) {
        BOOST_TEST_CONTEXT(target) {
            const auto got = field_errors(check_problem(get_as(target), 400, "invalid_query"));
            BOOST_TEST(got == expected, describe(got));
        }
    }
}

BOOST_AUTO_TEST_CASE(body_problems_on_entries_and_reversals) {
    auto client = server().client();
    const std::string id = posted_entry(kValid);
    const std::string deep = std::string(17, '[') + std::string(17, ']');
    for (const auto& target : {std::string("/v1/entries"), "/v1/entries/" + id + "/reverse"}) {
        BOOST_TEST_CONTEXT(target) {
            check_problem(
                client.post(target, kValid, with(finance_key(), "Content-Type", "text/plain")), 415,
                "unsupported_media_type");
            check_problem(client.request("POST", target, finance_key(), std::string_view(kValid)),
                          415, "unsupported_media_type");
            check_problem(client.post(target, deep, finance_key()), 400, "json_too_deep");
            check_problem(client.post(target, "{\"memo\":", finance_key()), 400, "malformed_json");
            check_problem(client.post(target, "[1]", finance_key()), 422, "body_not_object");
            check_problem(client.post(target, kValid, server().auth("finance")), 428,
                          "idempotency_key_required");
            check_problem(client.post(target, kValid, finance_key(std::string(256, 'k'))), 400,
                          "invalid_idempotency_key");
        }
    }
}

BOOST_AUTO_TEST_CASE(idempotency_keys_must_be_printable_ascii) {
    auto client = server().client();
    for (const std::string& key : {std::string(256, 'k'), std::string("two words"),
                                   std::string("tab\there"), std::string("\xd0\xba\xd0\xbb")}) {
        BOOST_TEST_CONTEXT("key '" << key << "'") {
            check_problem(client.post("/v1/entries", kValid, finance_key(key)), 400,
                          "invalid_idempotency_key");
        }
    }
    // DEL is not even a valid header character: the HTTP parser refuses the request.
    check_problem(client.post("/v1/entries", kValid, finance_key("del\x7f")), 400,
                  "malformed_request");
    // 255 printable characters is the longest key.
    const auto longest =
        client.post("/v1/entries", kValid, finance_key(std::string(254, '~') + "!"));
    BOOST_TEST(longest.status == 201, longest.body);
}

BOOST_AUTO_TEST_CASE(validation_failed_names_each_field) {
    auto client = server().client();
    const auto post = [&](const std::string& body) { return post_entry(client, server(), body); };
    check_validation(
        post("{}"), {{"effective_on", "required"}, {"memo", "required"}, {"postings", "required"}});
    check_validation(
        post(R"({"effective_on":null,"memo":null,"postings":null})"),
        {{"effective_on", "required"}, {"memo", "required"}, {"postings", "required"}});
    json body = json::parse(kValid);
    const auto with_field = [&](const std::string& pointer, const json& value) {
        json copy = body;
        copy[json::json_pointer(pointer)] = value;
        return post(copy.dump());
    };
    check_validation(with_field("/memo", 5), {{"memo", "invalid_type"}});
    check_validation(with_field("/memo", ""), {{"memo", "invalid_length"}});
    check_validation(with_field("/memo", std::string("a\0b", 3)), {{"memo", "invalid_text"}});
    check_validation(with_field("/effective_on", "2026-02-30"), {{"effective_on", "invalid_date"}});
    check_validation(with_field("/postings/0/amount", "1.001"),
                     {{"postings[0].amount", "invalid_amount"}});
    check_validation(with_field("/postings/1/fund", "F-NONE"),
                     {{"postings[1].fund", "unknown_fund"}});
    check_validation(with_field("/extra", 1), {{"extra", "unknown_field"}});
    check_validation(with_field("/postings/0/Amount", "1.00"),
                     {{"postings[0].Amount", "unknown_field"}});
    check_validation(with_field("/postings", json::object()), {{"postings", "invalid_type"}});
    check_validation(with_field("/postings", json::array()), {{"postings", "invalid_length"}});
    // Reversals read their two fields the same way.
    const std::string id = posted_entry(kValid);
    const auto reversal = [&](const std::string& text) {
        return client.post("/v1/entries/" + id + "/reverse", text, finance_key());
    };
    check_validation(reversal("{}"), {{"effective_on", "required"}, {"memo", "required"}});
    check_validation(reversal(R"({"effective_on":"2026-5-6","memo":"x","why":"y"})"),
                     {{"why", "unknown_field"}, {"effective_on", "invalid_date"}});
}

BOOST_AUTO_TEST_CASE(ledger_rules_answer_their_own_codes) {
    auto client = server().client();
    const auto post = [&](const std::vector<PostingSpec>& postings) {
        return post_entry(client, server(), entry_body("2026-05-06", "rule", postings));
    };
    const auto seq = server().journal_seq();
    check_problem(post({{"1010", "F-KES", "1.00"}}), 422, "postings_too_few");
    auto problem = check_problem(post({{"1010", "F-KES", "0.00"}, {"4100", "F-KES", "0"}}), 422,
                                 "zero_posting");
    BOOST_TEST(field_errors(problem) == FieldErrors({{"postings[0]", "zero_posting"}}));
    problem = check_problem(post({{"1010", "F-KES", "1.00"}, {"4100", "F-KES", "-0"}}), 422,
                            "zero_posting");
    BOOST_TEST(field_errors(problem) == FieldErrors({{"postings[1]", "zero_posting"}}));
    problem = check_problem(post({{"1010", "F-KES", "1.00"}, {"9999", "F-KES", "-1.00"}}), 422,
                            "unknown_account");
    BOOST_TEST(field_errors(problem) == FieldErrors({{"postings[1]", "unknown_account"}}));
    problem = check_problem(post({{"1010", "F-KES", "1.00"}, {"4100", "F-USD", "-1.00"}}), 422,
                            "unbalanced_entry");
    BOOST_TEST(field_errors(problem).empty());
    check_problem(post({{"1010", "F-KES", "1.00"}, {"4100", "F-KES", "-1.01"}}), 422,
                  "unbalanced_entry");
    check_problem(post({{"1010", "F-KES", "-1.00"}, {"4100", "F-KES", "-1.00"}}), 422,
                  "unbalanced_entry");
    check_problem(post({{"1010", "F-KES", "1.00"}, {"4100", "F-KES2", "-1.00"}}), 422,
                  "unbalanced_fund");
    BOOST_TEST(server().journal_seq() == seq);
}

// Some core rules cannot be reached through POST /v1/entries because request validation
// refuses the same input first, with a field error. Pin down what the caller sees.
BOOST_AUTO_TEST_CASE(core_rules_that_validation_catches_first) {
    auto client = server().client();
    const auto post = [&](const std::string& body) { return post_entry(client, server(), body); };
    std::vector<PostingSpec> many(501, {"1010", "F-KES", "1.00"});
    check_validation(post(entry_body("2026-05-06", "many", many)),
                     {{"postings", "invalid_length"}});  // core: postings_too_many
    check_validation(post(receipt_body("F-KES", "1.00", "2026-05-06", std::string(1001, 'm'))),
                     {{"memo", "invalid_length"}});  // core: memo_too_long
    check_validation(
        post(entry_body("2026-05-06", "r", {{"", "F-KES", "1.00"}, {"4100", "F-KES", "-1.00"}})),
        {{"postings[0].account", "invalid_length"}});  // core: invalid_reference
    check_validation(post(entry_body("2026-05-06", "r",
                                     {{"1010", "F-KES", "1.00", std::string("SV\0", 3)},
                                      {"4100", "F-KES", "-1.00"}})),
                     {{"postings[0].survivor", "invalid_text"}});  // core: invalid_text
    check_validation(post(receipt_body("F-KES", "10000000000000000000000000000.00", "2026-05-06")),
                     {{"postings[0].amount", "invalid_amount"},
                      {"postings[1].amount", "invalid_amount"}});  // core: invalid_amount
    check_validation(post(receipt_body("F-GONE", "1.00", "2026-05-06")),
                     {{"postings[0].fund", "unknown_fund"},
                      {"postings[1].fund", "unknown_fund"}});  // core: unknown_fund
}

BOOST_AUTO_TEST_CASE(reversal_and_period_rules) {
    auto client = server().client();
    const std::string id = posted_entry(receipt_body("F-KES", "7.00", "2019-05-10", "may"));
    check_problem(reverse("999999", "2019-05-11"), 404, "entry_not_found");
    check_problem(reverse("abc", "2019-05-11"), 404, "entry_not_found");
    auto problem = check_problem(reverse(id, "2019-05-09"), 422, "reversal_before_original");
    BOOST_TEST(field_errors(problem) ==
               FieldErrors({{"effective_on", "reversal_before_original"}}));

    const auto closed = client.post("/v1/periods/2019-06/close", "", server().auth("admin"));
    BOOST_TEST_REQUIRE(closed.status == 201, closed.body);
    check_problem(client.post("/v1/periods/2019-06/close", "", server().auth("admin")), 409,
                  "period_already_closed");
    check_problem(reverse(id, "2019-06-15"), 409, "period_closed");
    check_problem(post_entry(client, server(), receipt_body("F-KES", "1.00", "2019-06-30")), 409,
                  "period_closed");
    for (const char* period :
         {"2019-13", "2019-00", "2019-6", "1899-12", "abcd-ef", "2019-06-01", "201906"}) {
        BOOST_TEST_CONTEXT(period) {
            check_problem(client.post("/v1/periods/" + std::string(period) + "/close", "",
                                      server().auth("admin")),
                          400, "invalid_period");
        }
    }

    const std::string key = fresh_key("rev");
    const auto reversed = reverse(id, "2019-07-01", key);
    BOOST_TEST_REQUIRE(reversed.status == 201, reversed.body);
    check_problem(reverse(id, "2019-07-02"), 409, "already_reversed");
    check_problem(reverse(id, "2019-07-01"), 409, "already_reversed");
    // The same key and body is a replay of the reversal, not a second one.
    const auto replay = reverse(id, "2019-07-01", key);
    BOOST_TEST(replay.status == 201);
    BOOST_TEST(replay.body == reversed.body);
    BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
}

BOOST_AUTO_TEST_SUITE_END()
