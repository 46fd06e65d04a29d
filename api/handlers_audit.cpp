// The trial balance (SPEC §7, §10): every account x fund balance as of a date.

#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <memory>

#include "api/body.hpp"
#include "api/export_journal.hpp"
#include "api/handlers.hpp"
#include "api/period_query.hpp"
#include "api/problem.hpp"
#include "api/respond.hpp"
#include "db/journal_reads.hpp"
#include "reports/csv.hpp"

namespace riziki::api {

using reports::csv_field;

Response trial_balance(const Services& s, Call& call) {
    QueryReader query(call);
    const auto as_of = query.date("as_of");
    const auto fund = query.code("fund");
    const auto format = query.choice("format", {"json", "csv"});
    if (auto bad = query.problem_if_any())
        return *bad;
    if (as_of) {
        if (auto bad = period_problem(ledger::check_day(*as_of, s.today(), "as_of"), call.context))
            return *bad;
    }

    audit(s, call, "report.trial_balance", fund, "format=" + format);
    std::map<std::string, ledger::Account> chart;
    for (auto& account : s.journal->accounts())
        chart.emplace(account.code, account);
    std::map<std::string, std::pair<ledger::Amount, ledger::Amount>> totals;  // currency
    nlohmann::json rows = nlohmann::json::array();
    std::string csv = "account,name,type,fund,currency,debit,credit\r\n";
    for (const auto& row : s.journal->balances(as_of, fund)) {
        const auto& account = chart.at(row.account);
        const ledger::Amount debit = row.balance > 0 ? row.balance : ledger::Amount(0);
        const ledger::Amount credit =
            row.balance < 0 ? ledger::Amount(-row.balance) : ledger::Amount(0);
        auto& total = totals[row.currency];
        total.first += debit;
        total.second += credit;
        const auto debit_text = amount_text(debit, row.currency);
        const auto credit_text = amount_text(credit, row.currency);
        rows.push_back({{"account", row.account},
                        {"name", account.name},
                        {"type", ledger::to_string(account.type)},
                        {"fund", row.fund},
                        {"currency", row.currency},
                        {"debit", debit_text},
                        {"credit", credit_text}});
        csv += row.account + "," + csv_field(account.name) + "," +
               std::string(ledger::to_string(account.type)) + "," + csv_field(row.fund) + "," +
               row.currency + "," + debit_text + "," + credit_text + "\r\n";
    }
    if (format == "csv") {
        Response response{http::status::ok, 11};
        response.set(http::field::content_type, "text/csv; charset=utf-8");
        response.body() = std::move(csv);
        return response;
    }
    nlohmann::json total_rows = nlohmann::json::array();
    for (const auto& [currency, sums] : totals) {
        total_rows.push_back({{"currency", currency},
                              {"debit", amount_text(sums.first, currency)},
                              {"credit", amount_text(sums.second, currency)},
                              {"balanced", sums.first == sums.second}});
    }
    return json_response(http::status::ok,
                         {{"as_of", as_of ? nlohmann::json(ledger::format_date(*as_of)) : nullptr},
                          {"fund", fund.empty() ? nlohmann::json(nullptr) : nlohmann::json(fund)},
                          {"rows", rows},
                          {"totals", total_rows}});
}

/// Audited once it is done, with its outcome ("ok" or "failed"): the auditor's dashboard
/// shows the last one.
Response audit_verify(const Services& s, Call& call) {
    const auto report = db::verify_journal(s.conninfo, s.read_limits);
    auto json = verify_json(report);
    audit(s, call, "audit.verify", "", json.value("ok", false) ? "ok" : "failed");
    return json_response(http::status::ok, json);
}

Response audit_export(const Services& s, Call& call) {
    QueryReader query(call);
    const auto from = query.date("from");
    const auto to = query.date("to");
    const auto format_text = query.choice("format", {"hledger", "beancount", "csv", "ledger"});
    if (auto bad = query.problem_if_any())
        return *bad;
    if (auto bad = period_problem(ledger::check_period(from, to, s.today()), call.context))
        return *bad;
    const auto format = *reports::parse_export_format(format_text);
    audit(s, call, "report.export", "", "format=" + format_text);
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, std::string(reports::content_type(format)));
    // Streamed a page of entries at a time as the client reads it, never whole in memory.
    // The header and the first page are read before the answer starts, so a read that is
    // refused or times out (a locked journal, 503 query_timeout) is an answer of its own,
    // not a 200 cut short; only a later page's failure can still cut the stream.
    auto stream = std::make_shared<JournalExportStream>(*s.journal, format, from, to);
    std::deque<std::string> ready;
    for (int piece = 0; piece < 2; ++piece) {
        if (auto next = stream->next())
            ready.push_back(std::move(*next));
    }
    response.producer = [stream, ready = std::move(ready)]() mutable {
        if (ready.empty())
            return stream->next();
        std::optional<std::string> piece = std::move(ready.front());
        ready.pop_front();
        return piece;
    };
    return response;
}

}  // namespace riziki::api
