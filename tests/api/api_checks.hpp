#pragma once
/// Assertions and request builders shared by the API tests.

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <latch>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/api/server_fixture.hpp"
#include "tests/support/threads.hpp"

namespace riziki::testing {

using json = nlohmann::json;

/// The body as JSON; a failed check (and null) when it is not JSON.
inline json body_json(const HttpResponse& response) {
    auto parsed = json::parse(response.body, nullptr, false);
    BOOST_TEST(!parsed.is_discarded(), "body is not JSON: " << response.body);
    return parsed.is_discarded() ? json() : parsed;
}

/// A survivor's enrolment (POST /v1/survivors), with the phone and national id when given.
inline json survivor_body(const std::string& cohort, const std::string& enrolled_on,
                          const std::string& full_name, const std::string& phone = "",
                          const std::string& national_id = "") {
    json pii{{"full_name", full_name}};
    if (!phone.empty())
        pii["phone"] = phone;
    if (!national_id.empty())
        pii["national_id"] = national_id;
    return {{"cohort", cohort},
            {"gender", "female"},
            {"birth_year", 1994},
            {"county", "Mombasa"},
            {"enrolled_on", enrolled_on},
            {"consent", {{"donor_reporting", true}, {"follow_up", true}}},
            {"pii", pii}};
}

/// An award (POST /v1/awards) in the retail sector; a loan at 0 % repaid in `installments`
/// monthly installments.
inline json award_body(const std::string& survivor, const std::string& fund,
                       const std::string& kind, const std::string& amount,
                       const std::string& approved_on, const std::string& purpose,
                       int installments) {
    json body{{"survivor", survivor},
              {"fund", fund},
              {"kind", kind},
              {"amount", amount},
              {"approved_on", approved_on},
              {"purpose", purpose},
              {"business_sector", "retail"}};
    if (kind == "loan") {
        body["loan"] = {{"interest_rate", "0"},
                        {"interest_period", "year"},
                        {"interest_method", "declining_balance"},
                        {"amortization", "equal_installments"},
                        {"installments", installments},
                        {"repayment_unit", "months"}};
    }
    return body;
}

inline bool well_formed_request_id(const std::string& id) {
    static const std::regex kPattern("[A-Za-z0-9_-]{1,64}");
    return std::regex_match(id, kPattern);
}

/// A problem+json answer with this status and code, whose request_id is the response's
/// X-Request-Id. Returns the parsed body for further checks.
inline json check_problem(const HttpResponse& response, int status, const std::string& code) {
    BOOST_TEST_CONTEXT("expecting " << status << " " << code << "; got " << response.status << " "
                                    << response.body) {
        BOOST_TEST(response.status == status);
        BOOST_TEST(response.header("Content-Type") == "application/problem+json");
        const auto body = body_json(response);
        if (!body.is_object())
            return body;
        BOOST_TEST(body.value("code", "") == code);
        BOOST_TEST(body.value("status", 0) == status);
        BOOST_TEST(body.value("type", "") == "https://riziki.invalid/problems/" + code);
        BOOST_TEST(body.contains("title"));
        BOOST_TEST(body.contains("detail"));
        const auto request_id = body.value("request_id", "");
        BOOST_TEST(well_formed_request_id(request_id));
        BOOST_TEST(request_id == response.header("X-Request-Id"));
        return body;
    }
    return json();
}

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

/// The (field, code) pairs of a problem's errors[], in order.
inline FieldErrors field_errors(const json& problem) {
    FieldErrors out;
    if (!problem.is_object() || !problem.contains("errors"))
        return out;
    for (const auto& e : problem.at("errors")) {
        out.emplace_back(e.value("field", ""), e.value("code", ""));
    }
    return out;
}

inline std::string describe(const FieldErrors& errors) {
    std::string out;
    for (const auto& [field, code] : errors)
        out += "(" + field + ", " + code + ") ";
    return out;
}

/// 422 validation_failed with exactly these field errors.
inline void check_validation(const HttpResponse& response, const FieldErrors& expected) {
    const auto problem = check_problem(response, 422, "validation_failed");
    const auto got = field_errors(problem);
    BOOST_TEST(got == expected, "errors " << describe(got) << "expected " << describe(expected));
}

struct PostingSpec {
    std::string account;
    std::string fund;
    std::string amount;
    std::string survivor = "";
    std::string award = "";
};

inline json posting_json(const PostingSpec& p) {
    json out{{"account", p.account}, {"fund", p.fund}, {"amount", p.amount}};
    if (!p.survivor.empty())
        out["survivor"] = p.survivor;
    if (!p.award.empty())
        out["award"] = p.award;
    return out;
}

inline std::string entry_body(const std::string& effective_on, const std::string& memo,
                              const std::vector<PostingSpec>& postings) {
    json list = json::array();
    for (const auto& p : postings)
        list.push_back(posting_json(p));
    return json{{"effective_on", effective_on}, {"memo", memo}, {"postings", list}}.dump();
}

/// A balanced two-posting entry: Dr 1010 Bank, Cr 4100 Grant revenue.
inline std::string receipt_body(const std::string& fund, const std::string& amount,
                                const std::string& effective_on = "2026-01-15",
                                const std::string& memo = "donor receipt") {
    return entry_body(effective_on, memo, {{"1010", fund, amount}, {"4100", fund, "-" + amount}});
}

/// A key no other request of this test program uses.
inline std::string fresh_key(const std::string& prefix = "key") {
    static std::atomic<long> counter{0};
    return prefix + "-" + std::to_string(++counter);
}

inline HeaderList with(HeaderList headers, const std::string& name, const std::string& value) {
    headers.emplace_back(name, value);
    return headers;
}

/// POSTs `body` to `path` with `headers`, requiring 201 Created: the answer's JSON.
inline json post_created(HttpClient& client, const std::string& path, const json& body,
                         const HeaderList& headers) {
    const auto response = client.post(path, body.dump(), headers);
    BOOST_TEST_REQUIRE(response.status == 201, path << ": " << response.body);
    return body_json(response);
}

/// POST /v1/entries as finance with a fresh Idempotency-Key.
inline HttpResponse post_entry(HttpClient& client, const ApiServer& server, const std::string& body,
                               const std::string& key = fresh_key()) {
    return client.post("/v1/entries", body, with(server.auth("finance"), "Idempotency-Key", key));
}

/// Every entry, via GET /v1/entries (as auditor), following `next` to the end.
inline json all_entries(const ApiServer& server) {
    auto client = server.client();
    json items = json::array();
    std::string target = "/v1/entries?limit=1000";
    for (int page = 0; page < 1000; ++page) {
        const auto response = client.get(target, server.auth("auditor"));
        BOOST_REQUIRE_EQUAL(response.status, 200);
        const auto body = json::parse(response.body);
        for (const auto& item : body.at("items"))
            items.push_back(item);
        if (body.at("next").is_null())
            return items;
        target = "/v1/entries?limit=1000&after=" + body.at("next").get<std::string>();
    }
    BOOST_FAIL("more than 1000 pages of entries");
    return items;
}

/// Runs `request(client, i)` for i in [0, count) on `count` threads, each on its own
/// connection to `server` opened beforehand, released together. A transport failure comes
/// back as status 0 with the error as body.
template <typename Request>
std::vector<HttpResponse> at_once(const ApiServer& server, std::size_t count, Request request) {
    std::vector<HttpResponse> out(count);
    std::latch connected(static_cast<std::ptrdiff_t>(count));
    Threads(count, [&](std::size_t i) {
        auto client = server.client();
        try {
            client.get("/healthz");  // connect before the start line
        } catch (const std::exception&) {
        }
        connected.arrive_and_wait();
        try {
            out[i] = request(client, i);
        } catch (const std::exception& error) {
            out[i].body = error.what();
        }
    }).join();
    return out;
}

/// The seq of each item of a list answer.
inline std::vector<long long> seqs_of(const json& items) {
    std::vector<long long> out;
    for (const auto& item : items)
        out.push_back(item.at("seq").get<long long>());
    return out;
}

}  // namespace riziki::testing
