// Reports over HTTP on the seeded demo programme: donor report formats, the portfolio, the
// IATI file checked by xmllint and the codelists, the HTML page rendered by Chromium, and
// a donor token kept to its own funds.

#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/demo.hpp"
#include "api/pii_vault.hpp"
#include "db/journal_writer.hpp"
#include "db/pool.hpp"
#include "reports/donor_report.hpp"
#include "tests/api/api_checks.hpp"
#include "tests/support/shell.hpp"

namespace utf = boost::unit_test;
using namespace riziki;
using namespace riziki::testing;

namespace {

const char* const kGrantFund = "HAART-KES-2026";
const char* const kLoanFund = "TRUST-KES-LOANS";
const std::string kPeriod = "from=2025-01-01&to=2026-10-31";

/// One server for the suite, with the demo programme seeded into its database through the
/// same writer commands the API uses, sealed with the server's own PII key.
struct DemoServer {
    DemoServer() {
        auto& s = SharedServer::get();
        const auto vault = api::PiiVault::open(s.key_file());
        db::Pool pool(s.database().app_conninfo, 2);
        db::JournalWriter writer(s.database().app_conninfo);
        const auto seeded = api::seed_demo(pool, writer, vault, 2026);
        BOOST_TEST_REQUIRE(seeded.entries > 1000);
        BOOST_TEST_REQUIRE(seeded.refused == 0);
    }
};

ApiServer& server() {
    return SharedServer::get();
}

/// Runs a shell command, capturing stdout and stderr.
ShellResult run(const std::string& command) {
    return shell(command);
}

std::string write_temp(const std::string& text, const std::string& suffix) {
    std::string path = "/tmp/riziki-report-XXXXXX" + suffix;
    const int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
    BOOST_TEST_REQUIRE(fd >= 0);
    close(fd);
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

/// The codes a codelist file defines.
std::set<std::string> codelist(const std::string& name) {
    std::ifstream in(std::string(RIZIKI_IATI_DIR) + "/codelists/" + name + ".xml");
    std::stringstream text;
    text << in.rdbuf();
    std::set<std::string> codes;
    static const std::regex kCode("<code>([^<]+)</code>");
    const auto body = text.str();
    for (std::sregex_iterator it(body.begin(), body.end(), kCode), end; it != end; ++it)
        codes.insert((*it)[1]);
    return codes;
}

/// Every value of `attribute` on `element` in the document.
std::vector<std::string> attribute_values(const std::string& xml, const std::string& element,
                                          const std::string& attribute) {
    std::vector<std::string> out;
    const std::regex pattern("<" + element + "\\b[^>]*\\b" + attribute + "=\"([^\"]*)\"");
    for (std::sregex_iterator it(xml.begin(), xml.end(), pattern), end; it != end; ++it)
        out.push_back((*it)[1]);
    return out;
}

/// The page with `policy` (a Content-Security-Policy header's value) as a <meta> after its
/// charset, so a page opened from a file renders under the policy it is served
/// with. A <meta> policy cannot say frame-ancestors (Chromium ignores it there, with a
/// console warning), so that directive stays out.
std::string under_policy(std::string page, std::string policy) {
    const std::regex frame_ancestors(R"(frame-ancestors[^;]*;? ?)");
    policy = std::regex_replace(policy, frame_ancestors, "");
    const std::string charset = "<meta charset=\"utf-8\">";
    const auto at = page.find(charset);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    page.insert(at + charset.size(),
                "<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">");
    return page;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reports_over_http, *utf::fixture<SharedServer>() * utf::fixture<DemoServer>())

BOOST_AUTO_TEST_CASE(donor_report_json_reconciles_with_the_trial_balance) {
    auto client = server().client();
    const auto response =
        client.get(std::string("/v1/reports/donor?fund=") + kLoanFund + "&" + kPeriod,
                   server().auth("finance"));
    BOOST_TEST_REQUIRE(response.status == 200, response.body);
    const auto report = body_json(response);
    const auto tb = body_json(
        client.get(std::string("/v1/audit/trial-balance?as_of=2026-10-31&fund=") + kLoanFund,
                   server().auth("auditor")));
    // Closing cash = the fund's cash accounts; loans outstanding = account 1100.
    long long cash = 0, loans = 0;
    const auto minor = [](const std::string& text) {
        return std::stoll(text.substr(0, text.find('.'))) * 100 +
               std::stoll(text.substr(text.find('.') + 1));
    };
    for (const auto& row : tb.at("rows")) {
        const auto account = row.at("account").get<std::string>();
        const long long balance = minor(row.at("debit")) - minor(row.at("credit"));
        if (account == "1010" || account == "1020" || account == "1030")
            cash += balance;
        if (account == "1100")
            loans += balance;
    }
    const auto& statement = report.at("fund_statement");
    BOOST_TEST(minor(statement.at("closing_cash")) == cash);
    BOOST_TEST(minor(statement.at("loans_outstanding")) == loans);
    BOOST_TEST(minor(report.at("loans").at("outstanding")) == loans);
    // The commitment: the fund's own figures up to the period's end, as GET /v1/funds gives
    // them, with its shares (4 places, the funds list's rounding).
    const auto fund = body_json(client.get(
        std::string("/v1/funds/") + kLoanFund + "?as_of=2026-10-31", server().auth("finance")));
    const auto& commitment = report.at("commitment");
    const auto& balances = fund.at("balances");
    BOOST_TEST(commitment.at("committed") == fund.at("committed_amount"));
    BOOST_TEST(commitment.at("received") == balances.at("received"));
    BOOST_TEST(commitment.at("disbursed") == balances.at("disbursed"));
    BOOST_TEST(minor(commitment.at("spent")) ==
               minor(balances.at("disbursed")) + minor(balances.at("fees")));
    BOOST_TEST(
        commitment.at("received_share") ==
        reports::ratio_text(minor(balances.at("received")), minor(fund.at("committed_amount")), 4));
    // Every disaggregated count is a number of at least 5, or hidden.
    for (const auto& [dimension, cells] : report.at("reach").at("by").items()) {
        for (const auto& [key, value] : cells.items()) {
            BOOST_TEST_CONTEXT(dimension << "=" << key) {
                BOOST_TEST((value.is_string() ? value == "<5" || value == "suppressed"
                                              : value.get<long>() >= 5 || value.get<long>() == 0));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(csv_is_tidy_and_html_renders_in_chromium) {
    auto client = server().client();
    const auto base = std::string("/v1/reports/donor?fund=") + kGrantFund + "&" + kPeriod;
    const auto csv = client.get(base + "&format=csv", server().auth("auditor"));
    BOOST_TEST_REQUIRE(csv.status == 200);
    BOOST_TEST(csv.header("Content-Type") == "text/csv; charset=utf-8");
    BOOST_TEST(csv.body.rfind("section,metric,dimension,value\r\n"
                              "commitment,committed,KES,20000000.00\r\n",
                              0) == 0u);
    // The grant fund moved no cash from October to December 2025: those months are listed.
    BOOST_TEST(csv.body.find("money_by_month,in,2025-11,0.00\r\n"
                             "money_by_month,out,2025-11,0.00\r\n") != std::string::npos);
    std::istringstream lines(csv.body);
    for (std::string line; std::getline(lines, line);)
        BOOST_TEST(std::count(line.begin(), line.end(), ',') >= 3);
    const auto pdf = client.get(base + "&format=pdf", server().auth("finance"));
    BOOST_TEST_REQUIRE(pdf.status == 200);
    BOOST_TEST(pdf.header("Content-Type") == "application/pdf");
    BOOST_TEST(pdf.body.rfind("%PDF-", 0) == 0u);
    const auto xlsx = client.get(base + "&format=xlsx", server().auth("auditor"));
    BOOST_TEST_REQUIRE(xlsx.status == 200);
    BOOST_TEST(xlsx.header("Content-Type") ==
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    BOOST_TEST(xlsx.body.rfind("PK", 0) == 0u);  // a zip
    const auto html = client.get(base + "&format=html", server().auth("finance"));
    BOOST_TEST_REQUIRE(html.status == 200);
    BOOST_TEST(html.header("Content-Type") == "text/html; charset=utf-8");
    BOOST_TEST(html.body.find("<script") == std::string::npos);  // self-contained, no scripts
    BOOST_TEST(html.body.find("http://") == std::string::npos);
    BOOST_TEST(html.body.find("<svg") != std::string::npos);
    BOOST_TEST(html.body.find("@media print") != std::string::npos);
    if (run("command -v chromium").status != 0) {
        BOOST_TEST_MESSAGE("chromium is not installed: skipping the render check");
        return;
    }
    // Rendered under the policy it is served with (issue 16 item 10): anything on the page
    // the policy refuses (an inline style, an image, a script) is a console error.
    const auto policy = html.header("Content-Security-Policy");
    BOOST_TEST_REQUIRE(policy.find("default-src 'none'") != std::string::npos, policy);
    const auto page = write_temp(under_policy(html.body, policy), ".html");
    const auto shot = page + ".png";
    const auto chromium =
        run("timeout 120 chromium --headless --no-sandbox --disable-gpu "
            "--enable-logging=stderr --v=0 --window-size=1000,3000 "
            "--screenshot=" +
            shot + " file://" + page);
    BOOST_TEST(chromium.status == 0, chromium.output);
    BOOST_TEST(std::filesystem::file_size(shot) > 20'000u);
    BOOST_TEST(chromium.output.find("CONSOLE") == std::string::npos, chromium.output);
    std::filesystem::remove(page);
    std::filesystem::remove(shot);
}

BOOST_AUTO_TEST_CASE(iati_file_validates_and_uses_codelist_codes) {
    auto client = server().client();
    const auto response =
        client.get(std::string("/v1/reports/iati?fund=") + kLoanFund + "&" + kPeriod,
                   server().auth("finance"));
    BOOST_TEST_REQUIRE(response.status == 200, response.body);
    const auto& xml = response.body;
    const auto path = write_temp(xml, ".xml");
    const auto lint = run("xmllint --noout --schema " + std::string(RIZIKI_IATI_DIR) +
                          "/iati-activities-schema.xsd " + path);
    BOOST_TEST(lint.status == 0, lint.output);
    std::filesystem::remove(path);
    const auto types = codelist("TransactionType");
    const auto used = attribute_values(xml, "transaction-type", "code");
    BOOST_TEST(used.size() > 20u);
    std::set<std::string> kinds;
    for (const auto& code : used) {
        BOOST_TEST(types.contains(code), code);
        kinds.insert(code);
    }
    BOOST_TEST((kinds == std::set<std::string>{"1", "3", "5", "6"}));
    for (const auto& code : attribute_values(xml, "activity-status", "code"))
        BOOST_TEST(codelist("ActivityStatus").contains(code));
    for (const auto& code : attribute_values(xml, "activity-date", "type"))
        BOOST_TEST(codelist("ActivityDateType").contains(code));
    for (const auto& code : attribute_values(xml, "participating-org", "role"))
        BOOST_TEST(codelist("OrganisationRole").contains(code));
    // Monthly totals of the fund only: no survivor or award appears.
    BOOST_TEST(xml.find("SV-") == std::string::npos);
    BOOST_TEST(xml.find("AW-") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(portfolio_buckets_add_up) {
    auto client = server().client();
    const auto response =
        client.get("/v1/reports/portfolio?as_of=2026-06-30", server().auth("auditor"));
    BOOST_TEST_REQUIRE(response.status == 200, response.body);
    const auto body = body_json(response);
    const auto minor = [](const std::string& text) {
        return std::stoll(text.substr(0, text.find('.'))) * 100 +
               std::stoll(text.substr(text.find('.') + 1));
    };
    BOOST_TEST_REQUIRE(body.at("books").size() == 1u);  // the demo lends in KES only
    for (const auto& group : body.at("books")) {
        long long aged = 0;
        for (const auto& bucket : group.at("aging"))
            aged += minor(bucket.at("outstanding"));
        BOOST_TEST(aged == minor(group.at("par1_outstanding")));
        BOOST_TEST(minor(group.at("par30_outstanding")) <= minor(group.at("par1_outstanding")));
        BOOST_TEST(minor(group.at("par90_outstanding")) <= minor(group.at("par30_outstanding")));
        BOOST_TEST(minor(group.at("par1_outstanding")) <= minor(group.at("gross_portfolio")));
        BOOST_TEST(minor(group.at("gross_portfolio")) > 0);
    }
    long long cohort_gross = 0;
    for (const auto& group : body.at("cohorts"))
        cohort_gross += minor(group.at("gross_portfolio"));
    BOOST_TEST(cohort_gross == minor(body.at("books")[0].at("gross_portfolio")));
    check_problem(client.get("/v1/reports/portfolio", server().auth("donor")), 403, "forbidden");
}

BOOST_AUTO_TEST_CASE(a_donor_reads_only_its_own_funds_reports) {
    auto client = server().client();
    const auto token = server().create_token("donor", {kGrantFund});
    const HeaderList donor{{"Authorization", "Bearer " + token}};
    const auto own =
        client.get(std::string("/v1/reports/donor?fund=") + kGrantFund + "&" + kPeriod, donor);
    BOOST_TEST(own.status == 200);
    for (const auto& path :
         {std::string("/v1/reports/donor?fund=") + kLoanFund + "&" + kPeriod,
          std::string("/v1/reports/donor?fund=") + kLoanFund + "&format=html",
          std::string("/v1/reports/iati?fund=") + kLoanFund,
          std::string("/v1/reports/iati?fund=NOPE"), std::string("/v1/funds/") + kLoanFund}) {
        BOOST_TEST_CONTEXT(path) {
            const auto answer = check_problem(client.get(path, donor), 403, "forbidden");
            BOOST_TEST(answer.dump().find("closing_cash") == std::string::npos);
        }
    }
    check_problem(client.get("/v1/reports/donor", server().auth("finance")), 400, "invalid_query");
    // Each download is in the audit log, with who asked.
    const auto log = body_json(
        client.get("/v1/audit/log?action=report.donor&limit=1000", server().auth("auditor")));
    bool found = false;
    for (const auto& line : log.at("items"))
        found = found || (line.at("subject") == kGrantFund && line.at("actor") != "anonymous");
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(program_codes_not_met_elsewhere, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(codes_and_currencies_are_checked) {
    auto client = server().client();
    const auto finance = server().auth("finance");
    check_validation(client.post("/v1/donors", R"({"code":"bad code!","name":"Donor"})", finance),
                     {{"code", "invalid_code"}});
    check_validation(
        client.post("/v1/funds", R"({"code":"F-XYZ","donor":"D-1","name":"Fund","currency":"XYZ"})",
                    finance),
        {{"currency", "unknown_currency"}});
}

BOOST_AUTO_TEST_CASE(pii_that_does_not_open_is_pii_unavailable) {
    auto client = server().client();
    const auto field = server().auth("field");
    BOOST_TEST_REQUIRE(client
                           .post("/v1/cohorts",
                                 R"({"code":"C-PII","name":"Cohort","county":"Kwale",
                                     "starts_on":"2026-01-01"})",
                                 field)
                           .status == 201);
    const auto enrolled = client.post("/v1/survivors", R"({"cohort":"C-PII","gender":"female",
        "birth_year":1994,"county":"Kwale","enrolled_on":"2026-01-05",
        "consent":{"donor_reporting":true},"pii":{"full_name":"Test Person","phone":"0700000777"}})",
                                      field);
    BOOST_TEST_REQUIRE(enrolled.status == 201, enrolled.body);
    const auto code = body_json(enrolled).at("code").get<std::string>();
    const auto path = "/v1/survivors/" + code + "?include=pii";
    BOOST_TEST_REQUIRE(client.get(path, field).status == 200);
    // The superuser swaps the nonce: the ciphertext no longer authenticates.
    auto owner = server().owner();
    *owner << "UPDATE survivor_pii SET nonce = decode(repeat('00', 24), 'hex') WHERE survivor = '" +
                  code + "'";
    const auto answer = check_problem(client.get(path, field), 409, "pii_unavailable");
    BOOST_TEST(answer.dump().find("Test Person") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

constexpr const char* kFixedToday = "2026-06-15";

/// A server whose day is fixed at kFixedToday (RIZIKI_TODAY), with F-KES (no recorded life)
/// and F-LIFE, a fund that lives through the first quarter of 2026.
struct FixedTodayServer {
    ApiServer server{with_environment({std::string("RIZIKI_TODAY=") + kFixedToday})};

    FixedTodayServer() {
        auto client = server.client();
        const auto finance = server.auth("finance");
        BOOST_TEST_REQUIRE(
            client.post("/v1/donors", R"({"code":"D-LIFE","name":"Donor"})", finance).status ==
            201);
        const auto fund = client.post("/v1/funds", R"({"code":"F-LIFE","donor":"D-LIFE",
            "name":"Quarter fund","currency":"KES","starts_on":"2026-01-01",
            "ends_on":"2026-03-31"})",
                                      finance);
        BOOST_TEST_REQUIRE(fund.status == 201, fund.body);
    }

    /// The role that may call `path`: IATI files are for finance and donors.
    static const char* role_for(const std::string& path) {
        return path.starts_with("/v1/reports/iati") ? "finance" : "auditor";
    }
};

struct BadPeriod {
    std::string path;
    std::string field;
    std::string code;
};

/// Asks for each case's path and checks the refusal: `status`, `code`, and one field error.
void check_refusals(ApiServer& server, const std::vector<BadPeriod>& cases, int status,
                    const std::string& code) {
    auto client = server.client();
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.path) {
            const auto problem = check_problem(
                client.get(c.path, server.auth(FixedTodayServer::role_for(c.path))), status, code);
            BOOST_TEST(describe(field_errors(problem)) == describe({{c.field, c.code}}));
        }
    }
}

/// Every report about people, on every format route: the donor report's five and IATI.
std::vector<std::string> report_routes() {
    std::vector<std::string> routes;
    for (const char* format : {"json", "csv", "html", "pdf", "xlsx"})
        routes.push_back(std::string("/v1/reports/donor?format=") + format + "&fund=F-KES");
    routes.push_back("/v1/reports/iati?fund=F-KES");
    return routes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bounded_periods)

BOOST_FIXTURE_TEST_CASE(every_route_refuses_periods_it_will_not_read, FixedTodayServer) {
    std::vector<BadPeriod> cases;
    // The period that pinned the CPUs, in every format of the donor report.
    for (const char* format : {"json", "csv", "html", "pdf", "xlsx"}) {
        cases.push_back({std::string("/v1/reports/donor?fund=F-KES&from=1900-01-01&to=9999-12-31"
                                     "&format=") +
                             format,
                         "from", "date_too_early"});
    }
    for (const std::string report : {"/v1/reports/donor?fund=", "/v1/reports/iati?fund="}) {
        const auto more = std::vector<BadPeriod>{
            {report + "F-KES&from=1999-12-31&to=2000-01-31", "from", "date_too_early"},
            {report + "F-KES&to=2026-06-16", "to", "date_in_future"},
            {report + "F-KES&from=2026-06-16", "from", "date_in_future"},
            {report + "F-KES&from=2026-03-01&to=2026-02-28", "to", "period_reversed"},
            {report + "F-KES&from=2016-06-14&to=2026-06-15", "to", "period_too_long"},
            {report + "F-LIFE&from=2025-01-01&to=2026-04-01", "to", "longer_than_fund"},
        };
        cases.insert(cases.end(), more.begin(), more.end());
    }
    for (const std::string path : {"/v1/reports/portfolio?", "/v1/audit/trial-balance?"}) {
        cases.push_back({path + "as_of=1999-12-31", "as_of", "date_too_early"});
        cases.push_back({path + "as_of=2026-06-16", "as_of", "date_in_future"});
    }
    for (const std::string path :
         {"/v1/audit/export?format=csv&", "/v1/entries?", "/v1/audit/log?"}) {
        cases.push_back({path + "from=1900-01-01", "from", "date_too_early"});
        cases.push_back({path + "to=9999-12-31", "to", "date_in_future"});
        cases.push_back({path + "from=2026-02-01&to=2026-01-31", "to", "period_reversed"});
    }
    check_refusals(server, cases, 400, "invalid_period");
    auto client = server.client();
    // Refused before anything was read: no download was audit-logged.
    for (const char* action : {"report.donor", "report.iati", "report.portfolio",
                               "report.trial_balance", "report.export"}) {
        const auto log = body_json(
            client.get(std::string("/v1/audit/log?action=") + action, server.auth("auditor")));
        BOOST_TEST(log.at("items").empty(), action);
    }
}

BOOST_FIXTURE_TEST_CASE(periods_on_the_bounds_are_read, FixedTodayServer) {
    const std::vector<std::string> paths{
        // Exactly ten years, ending with the last whole month (May: today is 15 June).
        "/v1/reports/donor?fund=F-KES&from=2016-06-01&to=2026-05-31",
        "/v1/reports/donor?fund=F-KES&from=2016-06-01&to=2026-05-31&format=xlsx",
        "/v1/reports/iati?fund=F-KES&from=2016-06-01&to=2026-05-31",
        // The earliest month, and the default period (this year to the last whole month).
        "/v1/reports/donor?fund=F-KES&from=2000-01-01&to=2000-01-31",
        "/v1/reports/donor?fund=F-KES",
        "/v1/reports/iati?fund=F-KES",
        "/v1/reports/donor?fund=F-KES&from=2026-05-01",
        "/v1/reports/donor?fund=F-KES&to=2026-02-28",
        // The fund's life (89 days) plus twelve months, exactly.
        "/v1/reports/donor?fund=F-LIFE&from=2025-01-01&to=2026-03-31",
        "/v1/reports/iati?fund=F-LIFE&from=2025-01-01&to=2026-03-31",
        "/v1/reports/portfolio?as_of=2026-06-15",
        "/v1/audit/trial-balance?as_of=2000-01-01",
        "/v1/audit/trial-balance?as_of=2026-06-15",
        "/v1/audit/export?format=csv&from=2000-01-01&to=2026-06-15",
        "/v1/entries?from=2000-01-01&to=2026-06-15",
        "/v1/audit/log?from=2026-06-15&to=2026-06-15",
    };
    auto client = server.client();
    for (const auto& path : paths) {
        BOOST_TEST_CONTEXT(path) {
            const auto response = client.get(path, server.auth(FixedTodayServer::role_for(path)));
            BOOST_TEST(response.status == 200, response.body);
        }
    }
    BOOST_TEST(server.log_problems().empty(), server.log_problems());
}

BOOST_FIXTURE_TEST_CASE(reports_are_for_whole_months_that_are_over, FixedTodayServer) {
    // Today is 15 June 2026: the last whole month is May.
    std::vector<BadPeriod> cases;
    for (const auto& route : report_routes()) {
        const auto more = std::vector<BadPeriod>{
            {route + "&from=2026-01-02&to=2026-03-31", "from", "not_first_of_month"},
            {route + "&from=2026-01-31&to=2026-03-31", "from", "not_first_of_month"},
            {route + "&from=2026-01-01&to=2026-03-30", "to", "not_end_of_month"},
            {route + "&from=2026-01-01&to=2026-02-01", "to", "not_end_of_month"},
            {route + "&from=2026-01-01&to=2026-01-01", "to", "not_end_of_month"},
            // June is not over: today, or any day of it, is refused.
            {route + "&from=2026-06-01&to=2026-06-15", "to", "not_end_of_month"},
            {route + "&from=2026-01-01&to=2026-06-14", "to", "not_end_of_month"},
            {route + "&to=2026-06-15", "to", "not_end_of_month"},
        };
        cases.insert(cases.end(), more.begin(), more.end());
    }
    check_refusals(server, cases, 422, "period_not_whole_months");
    auto client = server.client();
    // The 400 invalid_period checks come first.
    check_problem(client.get("/v1/reports/donor?fund=F-KES&from=2026-01-02&to=2026-06-16",
                             server.auth("auditor")),
                  400, "invalid_period");
    for (const char* action : {"report.donor", "report.iati"}) {
        const auto log = body_json(
            client.get(std::string("/v1/audit/log?action=") + action, server.auth("auditor")));
        BOOST_TEST(log.at("items").empty(), action);
    }
}

BOOST_AUTO_TEST_CASE(the_last_day_of_a_month_is_not_yet_a_whole_month) {
    // Today is 30 June: June ends today but is not over, so May is the last whole month.
    ApiServer server{with_environment({"RIZIKI_TODAY=2026-06-30"})};
    auto client = server.client();
    for (const auto& route : report_routes()) {
        BOOST_TEST_CONTEXT(route) {
            const auto role = FixedTodayServer::role_for(route);
            const auto problem = check_problem(
                client.get(route + "&from=2026-06-01&to=2026-06-30", server.auth(role)), 422,
                "period_not_whole_months");
            BOOST_TEST(describe(field_errors(problem)) == describe({{"to", "month_not_over"}}));
            BOOST_TEST(
                client.get(route + "&from=2026-05-01&to=2026-05-31", server.auth(role)).status ==
                200);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_read_held_past_its_statement_timeout_answers_503_query_timeout) {
    ApiServer server{with_environment({"RIZIKI_QUERY_TIMEOUT_MS=1000"})};
    auto client = server.client();
    const std::vector<std::pair<std::string, std::string>> reads{
        {"/v1/reports/donor?fund=F-KES", "auditor"},
        {"/v1/reports/donor?fund=F-KES&format=pdf", "auditor"},
        {"/v1/reports/iati?fund=F-KES", "finance"},
        {"/v1/reports/portfolio", "auditor"},
        {"/v1/audit/trial-balance", "auditor"},
        {"/v1/audit/export?format=hledger", "auditor"},
        {"/v1/audit/verify", "auditor"},
    };
    {
        // Another session holds the journal's tables: every read of them waits for the
        // lock, deterministically, until its statement_timeout cancels it.
        auto owner = server.owner();
        soci::transaction hold(*owner);
        *owner << "LOCK TABLE postings, entries, daily_balances IN ACCESS EXCLUSIVE MODE";
        for (const auto& [path, role] : reads) {
            BOOST_TEST_CONTEXT(path) {
                const auto response = client.get(path, server.auth(role));
                check_problem(response, 503, "query_timeout");
                BOOST_TEST(response.header("Retry-After") == "10");
            }
        }
        hold.rollback();
    }
    for (const auto& [path, role] : reads) {
        BOOST_TEST_CONTEXT(path) {
            BOOST_TEST(client.get(path, server.auth(role)).status == 200);
        }
    }
    BOOST_TEST(server.log_problems().empty(), server.log_problems());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(names_with_control_characters, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(a_fund_named_with_control_characters_still_makes_a_valid_iati_file) {
    auto client = server().client();
    const auto finance = server().auth("finance");
    // JSON carries the controls as \u escapes; the API stores them as they are.
    const std::string nasty = R"(Mfuko \u0001 \u001b <script>alert(1)</script> & \" ' ]]>)";
    BOOST_TEST_REQUIRE(
        client.post("/v1/donors", R"({"code":"D-CTRL","name":")" + nasty + R"("})", finance)
            .status == 201);
    const auto created = client.post(
        "/v1/funds",
        R"({"code":"F-CTRL","donor":"D-CTRL","currency":"KES","name":")" + nasty + R"("})",
        finance);
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    const auto iati = client.get("/v1/reports/iati?fund=F-CTRL", finance);
    BOOST_TEST_REQUIRE(iati.status == 200, iati.body);
    const auto path = write_temp(iati.body, ".xml");
    const auto lint = run("xmllint --noout --schema " + std::string(RIZIKI_IATI_DIR) +
                          "/iati-activities-schema.xsd " + path);
    BOOST_TEST(lint.status == 0, lint.output);
    std::filesystem::remove(path);
    BOOST_TEST(iati.body.find("Mfuko \xEF\xBF\xBD \xEF\xBF\xBD &lt;script&gt;") !=
               std::string::npos);
    const auto html = client.get("/v1/reports/donor?fund=F-CTRL&format=html", finance);
    BOOST_TEST_REQUIRE(html.status == 200);
    BOOST_TEST(html.body.find('\x01') == std::string::npos);
    BOOST_TEST(html.body.find('\x1b') == std::string::npos);
    BOOST_TEST(html.body.find("<script") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
