// The headers every answer carries (issue 16 item 10): no cache keeps an answer (they hold
// PII and money), no browser sniffs, frames or refers from one, the HTML donor report has a
// Content-Security-Policy that allows what it uses and nothing more, and every download is
// an attachment. Checked over a table of routes: success and error, GET and POST, a PII
// read, an idempotent replay, the reports in every format, and the answers the HTTP server
// gives before any route runs.

#include <boost/test/unit_test.hpp>

#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

const char* const kNothingPolicy = "default-src 'none'; frame-ancestors 'none'";
const char* const kDocumentPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'";

struct Exchange {
    std::string label;
    HttpResponse response;
};

/// A survivor enrolled through the API by the field officer, with PII.
std::string enrolled_survivor(HttpClient& client) {
    const auto cohort = client.post(
        "/v1/cohorts",
        R"({"code":"C-HDR","name":"Headers","county":"Kwale","starts_on":"2026-01-01"})",
        server().auth("field"));
    BOOST_TEST_REQUIRE(cohort.status == 201, cohort.body);
    const json survivor{{"cohort", "C-HDR"},
                        {"gender", "female"},
                        {"birth_year", 1994},
                        {"county", "Kwale"},
                        {"enrolled_on", "2026-02-01"},
                        {"consent", {{"donor_reporting", true}}},
                        {"pii", {{"full_name", "Header Survivor"}, {"phone", "+254700000001"}}}};
    const auto created = client.post("/v1/survivors", survivor.dump(), server().auth("field"));
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    return body_json(created).at("code").get<std::string>();
}

/// One request of every kind, answered by the running server.
std::vector<Exchange> make_exchanges() {
    auto client = server().client();
    const auto& finance = server().auth("finance");
    const auto survivor = enrolled_survivor(client);
    const auto key = with(finance, "Idempotency-Key", fresh_key("hdr"));
    const auto receipt = receipt_body("F-KES", "3.00", "2026-03-03", "headers");
    const std::string donor = "/v1/reports/donor?fund=F-KES&format=";
    std::vector<Exchange> out{
        {"healthz", client.get("/healthz")},
        {"me", client.get("/v1/me", finance)},
        {"fund", client.get("/v1/funds/F-KES", server().auth("auditor"))},
        {"survivor", client.get("/v1/survivors/" + survivor, server().auth("auditor"))},
        {"survivor with PII",
         client.get("/v1/survivors/" + survivor + "?include=pii", server().auth("field"))},
        {"entry written", client.post("/v1/entries", receipt, key)},
        {"entry replayed", client.post("/v1/entries", receipt, key)},
        {"entry refused 422",
         client.post("/v1/entries", "{}", with(finance, "Idempotency-Key", fresh_key("hdr")))},
        {"key reused 409", client.post("/v1/entries", receipt_body("F-KES", "4.00"), key)},
        {"no token 401", client.get("/v1/entries")},
        {"wrong role 403", client.get("/v1/periods", finance)},
        {"no route 404", client.get("/v1/nowhere", finance)},
        {"no survivor 404", client.get("/v1/survivors/SV-00000000", finance)},
        {"method 405", client.request("DELETE", "/v1/entries", finance)},
        {"bad escape 400", client.get("/v1/entries/%zz", finance)},
        {"bad query 400", client.get("/v1/entries?limit=0", finance)},
        {"metrics", client.get("/metrics", server().auth("admin"))},
        {"trial balance csv", client.get("/v1/audit/trial-balance?format=csv", finance)},
        {"export hledger", client.get("/v1/audit/export?format=hledger", server().auth("auditor"))},
        {"portfolio csv", client.get("/v1/reports/portfolio?format=csv", finance)},
        {"iati", client.get("/v1/reports/iati?fund=F-KES", finance)},
    };
    for (const char* format : {"json", "csv", "html", "pdf", "xlsx"})
        out.push_back({std::string("donor ") + format, client.get(donor + format, finance)});
    // Answers the HTTP server gives before any route: malformed HTTP, oversize headers.
    for (const auto& [label, bytes] : std::vector<std::pair<std::string, std::string>>{
             {"malformed HTTP 400", "BAD\r\n\r\n"},
             {"headers 431", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                                 std::string(17 * 1024, 'a') + "\r\n\r\n"}}) {
        const auto replies = parse_responses(exchange_raw(server().port(), bytes).bytes);
        BOOST_TEST_REQUIRE(replies.size() == 1u, label);
        out.push_back({label, replies.front()});
    }
    return out;
}

/// make_exchanges(), made once for the suite.
const std::vector<Exchange>& exchanges() {
    static const std::vector<Exchange> all = make_exchanges();
    return all;
}

const HttpResponse& answer(const std::string& label) {
    for (const auto& exchange : exchanges()) {
        if (exchange.label == label)
            return exchange.response;
    }
    throw std::logic_error("no exchange " + label);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(headers, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(every_answer_is_uncached_unsniffed_unframed_and_refers_nowhere) {
    std::set<int> statuses;
    for (const auto& [label, response] : exchanges()) {
        BOOST_TEST_CONTEXT(label << " (" << response.status << ")") {
            statuses.insert(response.status);
            BOOST_TEST(response.header("Cache-Control") == "no-store");
            BOOST_TEST(response.header("X-Content-Type-Options") == "nosniff");
            BOOST_TEST(response.header("X-Frame-Options") == "DENY");
            BOOST_TEST(response.header("Referrer-Policy") == "no-referrer");
            const bool html = response.header("Content-Type").starts_with("text/html");
            BOOST_TEST(response.header("Content-Security-Policy") ==
                       (html ? kDocumentPolicy : kNothingPolicy));
            for (const char* name : {"Cache-Control", "X-Content-Type-Options",
                                     "Content-Security-Policy", "X-Frame-Options"})
                BOOST_TEST(response.header_count(name) == 1u, name);
        }
    }
    // The table covers what it says: the replay replayed, the PII read read PII.
    BOOST_TEST(answer("entry replayed").header("Idempotent-Replayed") == "true");
    BOOST_TEST(body_json(answer("survivor with PII")).contains("pii"));
    BOOST_TEST((statuses == std::set<int>{200, 201, 400, 401, 403, 404, 405, 409, 422, 431}));
}

BOOST_AUTO_TEST_CASE(downloads_are_attachments_and_the_rest_are_not) {
    const std::map<std::string, std::regex> attachments{
        {"trial balance csv", std::regex("attachment")},
        {"export hledger", std::regex("attachment")},
        {"portfolio csv", std::regex(R"(attachment; filename="portfolio-[0-9-]+\.csv")")},
        {"iati", std::regex(R"(attachment; filename="iati-F-KES\.xml")")},
        {"donor csv", std::regex(R"(attachment; filename="donor-report-F-KES-[0-9-]+\.csv")")},
        {"donor pdf", std::regex(R"(attachment; filename="donor-report-F-KES-[0-9-]+\.pdf")")},
        {"donor xlsx", std::regex(R"(attachment; filename="donor-report-F-KES-[0-9-]+\.xlsx")")},
    };
    for (const auto& [label, response] : exchanges()) {
        BOOST_TEST_CONTEXT(label << " (" << response.status << ")") {
            const auto disposition = response.header("Content-Disposition");
            if (const auto it = attachments.find(label); it != attachments.end()) {
                BOOST_TEST(response.status == 200, response.body.substr(0, 300));
                BOOST_TEST(std::regex_match(disposition, it->second), disposition);
            } else if (label == "metrics") {
                BOOST_TEST(disposition == "inline");
            } else {
                BOOST_TEST(disposition == "");
            }
        }
    }
}

// The report is served with a policy that forbids scripts, fetches, forms and <base>, so
// it must not need any: everything it shows is inline CSS and inline SVG. (The Chromium
// test in test_reports_api.cpp renders it under this policy and sees no violation.)
BOOST_AUTO_TEST_CASE(the_html_report_uses_nothing_its_policy_forbids) {
    auto client = server().client();
    const auto html =
        client.get("/v1/reports/donor?fund=F-KES&format=html", server().auth("auditor"));
    BOOST_TEST_REQUIRE(html.status == 200, html.body);
    BOOST_TEST(html.header("Content-Security-Policy") == kDocumentPolicy);
    BOOST_TEST(html.body.find("<style>") != std::string::npos);
    BOOST_TEST(html.body.find("<svg") != std::string::npos);
    for (const char* forbidden :
         {"<script", "<link", "<img", "<iframe", "<object", "<embed", "<form", "<base",
          " src=", " href=", "url(", "@import", "javascript:"}) {
        BOOST_TEST(html.body.find(forbidden) == std::string::npos, forbidden);
    }
    // No event handler attribute (onload=, onclick=...) either: they are scripts.
    BOOST_TEST(!std::regex_search(html.body, std::regex(R"(<[^>]*\son[a-z]+\s*=)")));
}

BOOST_AUTO_TEST_SUITE_END()
