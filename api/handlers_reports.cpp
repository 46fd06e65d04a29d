// Donor, portfolio and IATI reports (SPEC §9). Every download is audit-logged.

#include <chrono>
#include <cstdlib>

#include "api/body.hpp"
#include "api/handlers.hpp"
#include "api/period_query.hpp"
#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"
#include "db/report_reads.hpp"
#include "reports/donor_report.hpp"
#include "reports/iati.hpp"
#include "reports/portfolio.hpp"

namespace riziki::api {

namespace {

/// fund, from, to: the fund must exist and be one the caller may see; from..to defaults to
/// the calendar year to the end of the last whole month and keeps the rules of a report's
/// period in whole months (ledger::check_report_months), checked before anything is read
/// for it.
struct ReportScope {
    db::FundRecord fund;
    ledger::Date from;
    ledger::Date to;
};

std::variant<ReportScope, Response> read_scope(const Services& s, const Call& call,
                                               QueryReader& query) {
    const auto code = query.code("fund");
    const auto from = query.date("from");
    const auto to = query.date("to");
    if (auto bad = query.problem_if_any())
        return *bad;
    auto found = queried_fund(s, call, code);
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    auto& fund = std::get<db::FundRecord>(found);
    const auto today = s.today();
    auto [first, last] = ledger::default_report_period(from, to, today);
    ReportScope scope{std::move(fund), first, last};
    std::optional<ledger::FundLife> life;
    if (scope.fund.starts_on && scope.fund.ends_on)
        life = ledger::FundLife{*scope.fund.starts_on, *scope.fund.ends_on};
    if (auto bad = period_problem(ledger::check_report_months(scope.from, scope.to, today, life),
                                  call.context)) {
        return *bad;
    }
    return scope;
}

Response donor_report(const Services& s, Call& call) {
    QueryReader query(call);
    const auto format = query.choice("format", {"json", "csv", "html", "pdf", "xlsx"});
    auto scoped = read_scope(s, call, query);
    if (auto* answer = std::get_if<Response>(&scoped))
        return std::move(*answer);
    const auto& scope = std::get<ReportScope>(scoped);
    const auto& fund = scope.fund.code;
    const auto input = s.report_reads->donor_report_input(fund, scope.from, scope.to);
    if (!input) {
        return problem(http::status::not_found, "not_found", "Fund " + fund + " does not exist.",
                       call.context);
    }
    audit(s, call, "report.donor", fund,
          "format=" + format + " from=" + ledger::format_date(scope.from) +
              " to=" + ledger::format_date(scope.to));
    const auto report = reports::build_donor_report(*input);
    const std::string name = "donor-report-" + fund + "-" + ledger::format_date(scope.from) + "-" +
                             ledger::format_date(scope.to);
    if (format == "html") {
        Response response{http::status::ok, 11};
        response.set(http::field::content_type, "text/html; charset=utf-8");
        response.body() = reports::donor_report_html(report);
        return response;
    }
    if (format == "csv")
        return document(reports::donor_report_csv(report), "text/csv; charset=utf-8",
                        name + ".csv");
    if (format == "pdf")
        return document(reports::donor_report_pdf(report), "application/pdf", name + ".pdf");
    if (format == "xlsx") {
        return document(reports::donor_report_xlsx(report),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        name + ".xlsx");
    }
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = reports::donor_report_json(report);
    return response;
}

Response portfolio_report(const Services& s, Call& call) {
    QueryReader query(call);
    const auto as_of = query.date("as_of");
    const auto format = query.choice("format", {"json", "csv"});
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto on = as_of.value_or(s.today());
    if (auto bad = period_problem(ledger::check_day(on, s.today(), "as_of"), call.context))
        return *bad;
    audit(s, call, "report.portfolio", "",
          "format=" + format + " as_of=" + ledger::format_date(on));
    const auto report = reports::build_portfolio(s.report_reads->portfolio_input(on));
    if (format == "csv") {
        return document(reports::portfolio_csv(report), "text/csv; charset=utf-8",
                        "portfolio-" + ledger::format_date(on) + ".csv");
    }
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = reports::portfolio_json(report);
    return response;
}

/// The reporting organisation's IATI identifier and name (RIZIKI_IATI_ORG_REF and
/// RIZIKI_IATI_ORG_NAME; placeholders until an organisation sets its own).
std::pair<std::string, std::string> reporting_org() {
    const char* ref = std::getenv("RIZIKI_IATI_ORG_REF");
    const char* name = std::getenv("RIZIKI_IATI_ORG_NAME");
    return {ref != nullptr && *ref != 0 ? ref : "XX-RIZIKI-UNSET",
            name != nullptr && *name != 0 ? name : "Riziki reporting organisation"};
}

Response iati_report(const Services& s, Call& call) {
    QueryReader query(call);
    auto scoped = read_scope(s, call, query);
    if (auto* answer = std::get_if<Response>(&scoped))
        return std::move(*answer);
    const auto& scope = std::get<ReportScope>(scoped);
    const auto* fund = &scope.fund;
    audit(s, call, "report.iati", fund->code,
          "from=" + ledger::format_date(scope.from) + " to=" + ledger::format_date(scope.to));
    const auto [ref, name] = reporting_org();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    reports::IatiInput in{ref,
                          name,
                          fund->code,
                          fund->name,
                          fund->donor,
                          fund->donor.empty() ? "" : s.report_reads->donor_name(fund->donor),
                          fund->currency,
                          fund->starts_on,
                          fund->ends_on,
                          scope.from,
                          scope.to,
                          ledger::format_timestamp_us(now * 1000000).substr(0, 19) + "Z",
                          s.report_reads->fund_day_sums(fund->code, scope.to)};
    return document(reports::iati_activities_xml(in), "application/xml; charset=utf-8",
                    "iati-" + fund->code + ".xml");
}

}  // namespace

void add_report_routes(Router& router, const Services& s) {
    router.add({http::verb::get, "/v1/reports/iati", kIatiReaders,
                [s](Call& call) { return iati_report(s, call); }});
    router.add({http::verb::get, "/v1/reports/donor", kFundReaders,
                [s](Call& call) { return donor_report(s, call); }});
    router.add({http::verb::get, "/v1/reports/portfolio", kBooks,
                [s](Call& call) { return portfolio_report(s, call); }});
}

}  // namespace riziki::api
