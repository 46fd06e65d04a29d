// Accounts, balances, entries, reversals, periods and the trial balance (SPEC §7).

#include <nlohmann/json.hpp>

#include <map>

#include "api/body.hpp"
#include "api/handlers.hpp"
#include "api/period_query.hpp"
#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"

namespace riziki::api {

namespace {

std::optional<std::int64_t> parse_seq(const std::string& text) {
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    const auto seq = std::stoll(text);
    return seq > 0 ? std::optional(seq) : std::nullopt;
}

Response not_found(const Call& call, const std::string& what) {
    return problem(http::status::not_found, "not_found", what + " does not exist.", call.context);
}

Response list_accounts(const Services& s, Call&) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : s.journal->accounts()) {
        items.push_back({{"code", a.code}, {"name", a.name}, {"type", ledger::to_string(a.type)}});
    }
    return json_response(http::status::ok, {{"items", items}, {"next", nullptr}});
}

Response account_balance(const Services& s, Call& call) {
    QueryReader query(call);
    const auto as_of = query.date("as_of");
    const auto fund = query.code("fund");
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto& code = call.params[0];
    const auto accounts = s.journal->accounts();
    if (std::none_of(accounts.begin(), accounts.end(),
                     [&](const ledger::Account& a) { return a.code == code; })) {
        return not_found(call, "Account " + code);
    }
    nlohmann::json balances = nlohmann::json::array();
    for (const auto& row : s.journal->balances(as_of, fund)) {
        if (row.account != code)
            continue;
        balances.push_back({{"fund", row.fund},
                            {"currency", row.currency},
                            {"balance", amount_text(row.balance, row.currency)}});
    }
    return json_response(http::status::ok,
                         {{"account", code},
                          {"as_of", as_of ? nlohmann::json(ledger::format_date(*as_of)) : nullptr},
                          {"balances", balances}});
}

/// Reads one posting of a manual entry; the fund gives the currency its amount is in.
std::optional<ledger::Posting> read_posting(const nlohmann::json& item, std::size_t index,
                                            db::JournalReads& journal,
                                            std::vector<FieldError>& errors) {
    const std::string prefix = "postings[" + std::to_string(index) + "].";
    FieldReader reader(item, prefix, errors);
    if (!item.is_object()) {
        reader.error("postings[" + std::to_string(index) + "]", "invalid_type",
                     "Expected an object.");
        return std::nullopt;
    }
    reader.only({"account", "fund", "amount", "survivor", "award"});
    auto account = reader.text("account", true, ledger::kCodeBytesMax);
    auto fund = reader.text("fund", true, ledger::kCodeBytesMax);
    auto survivor = reader.text("survivor", false, ledger::kCodeBytesMax);
    auto award = reader.text("award", false, ledger::kCodeBytesMax);
    if (!fund)
        return std::nullopt;
    const auto currency_code = journal.fund_currency(*fund);
    if (!currency_code) {
        reader.error(prefix + "fund", "unknown_fund", "No fund has this code.");
        return std::nullopt;
    }
    const auto currency = ledger::find_currency(*currency_code);
    auto amount = reader.amount("amount", *currency, false);
    if (!account || !amount)
        return std::nullopt;
    return ledger::Posting{*account,          *fund, *currency_code, *amount, survivor.value_or(""),
                           award.value_or("")};
}

Response create_entry(const Services& s, Call& call) {
    return post_command(s, call, [&](FieldReader& reader) {
        reader.only({"effective_on", "memo", "postings"});
        CommandRead got;
        ledger::EntryDraft draft;
        const auto effective_on = reader.date("effective_on", true);
        const auto memo = reader.text("memo", true, ledger::kMemoBytesMax);
        if (const auto* postings = reader.array("postings", ledger::kPostingsPerEntryMax)) {
            for (std::size_t i = 0; i < postings->size(); ++i) {
                if (auto p = read_posting((*postings)[i], i, *s.journal, reader.errors()))
                    draft.postings.push_back(std::move(*p));
            }
        }
        if (!reader.errors().empty())
            return got;
        draft.effective_on = *effective_on;
        draft.memo = *memo;
        draft.event = ledger::Event::manual;
        draft.recorded_by = call.principal->actor();
        got.draft = std::move(draft);
        return got;
    });
}

Response list_entries(const Services& s, Call& call) {
    QueryReader query(call);
    db::EntryFilter filter{query.date("from"), query.date("to"),       query.code("account"),
                           query.code("fund"), query.code("survivor"), query.code("award")};
    const auto limit = query.limit();
    const auto after = query.after();
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto dates = ledger::check_period(filter.from, filter.to, s.today());
    if (auto bad = period_problem(dates, call.context))
        return *bad;
    const auto entries = s.journal->find_entries(filter, after, limit);
    return json_page(entries, limit, entry_json,
                     [](const ledger::Entry& entry) { return cursor_after(entry.seq); });
}

Response get_entry(const Services& s, Call& call) {
    const auto seq = parse_seq(call.params[0]);
    const auto entry = seq ? s.journal->entry(*seq) : std::nullopt;
    if (!entry)
        return not_found(call, "Entry " + call.params[0]);
    return json_response(http::status::ok, entry_json(*entry));
}

Response reverse_entry(const Services& s, Call& call) {
    return post_command(s, call, [&](FieldReader& reader) {
        reader.only({"effective_on", "memo"});
        CommandRead got;
        const auto effective_on = reader.date("effective_on", true);
        const auto memo = reader.text("memo", true, ledger::kMemoBytesMax);
        if (!reader.errors().empty())
            return got;
        const auto seq = parse_seq(call.params[0]);
        const auto original = seq ? s.journal->entry(*seq) : std::nullopt;
        if (!original) {
            got.answer =
                rejection_problem(ledger::Rejection::entry_not_found,
                                  "Entry " + call.params[0] + " does not exist.", call.context);
            return got;
        }
        // Whether it was reversed already is settled by the writer, under the head lock.
        const auto rule = ledger::check_reversal(*original, *effective_on, false);
        if (rule != ledger::Rejection::none) {
            got.answer =
                rejection_problem(rule, "A reversal cannot be dated before the entry it reverses.",
                                  call.context, "effective_on");
            return got;
        }
        got.draft = ledger::reversal_of(*original, *effective_on, *memo, call.principal->actor());
        return got;
    });
}

Response close_period(const Services& s, Call& call) {
    const auto period = ledger::parse_period(call.params[0]);
    if (!period) {
        return problem(http::status::bad_request, "invalid_period", "Periods are YYYY-MM.",
                       call.context);
    }
    const auto rule =
        s.journal->close_period(*period, call.principal->actor(), call.context.request_id);
    if (rule != ledger::Rejection::none) {
        return rejection_problem(rule, "Period " + call.params[0] + " is already closed.",
                                 call.context);
    }
    for (const auto& p : s.journal->periods()) {
        if (p.period != call.params[0])
            continue;
        return json_response(http::status::created, {{"period", p.period},
                                                     {"closed_at", p.closed_at},
                                                     {"closed_by", p.closed_by},
                                                     {"closed_after_seq", p.closed_after_seq}});
    }
    throw std::runtime_error("closed period not found after closing");
}

Response list_periods(const Services& s, Call&) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : s.journal->periods()) {
        items.push_back({{"period", p.period},
                         {"closed_at", p.closed_at},
                         {"closed_by", p.closed_by},
                         {"closed_after_seq", p.closed_after_seq}});
    }
    return json_response(http::status::ok, {{"items", items}, {"next", nullptr}});
}

}  // namespace

Response trial_balance(const Services& s, Call& call);
Response audit_export(const Services& s, Call& call);
Response audit_verify(const Services& s, Call& call);

void add_journal_routes(Router& router, const Services& s) {
    router.add({http::verb::get, "/v1/accounts", kBooks, bind_handler(s, list_accounts)});
    router.add(
        {http::verb::get, "/v1/accounts/{code}/balance", kBooks, bind_handler(s, account_balance)});
    router.add({http::verb::post, "/v1/entries", kFinance, bind_handler(s, create_entry)});
    router.add({http::verb::get, "/v1/entries", kBooks, bind_handler(s, list_entries)});
    router.add({http::verb::get, "/v1/entries/{id}", kBooks, bind_handler(s, get_entry)});
    router.add(
        {http::verb::post, "/v1/entries/{id}/reverse", kFinance, bind_handler(s, reverse_entry)});
    router.add(
        {http::verb::post, "/v1/periods/{period}/close", kAdmin, bind_handler(s, close_period)});
    router.add({http::verb::get, "/v1/periods", kAdmin, bind_handler(s, list_periods)});
    router.add(
        {http::verb::get, "/v1/audit/trial-balance", kBooks, bind_handler(s, trial_balance)});
    router.add({http::verb::get, "/v1/audit/export", kAuditor, bind_handler(s, audit_export)});
    router.add({http::verb::get, "/v1/audit/verify", kAuditor, bind_handler(s, audit_verify)});
}

}  // namespace riziki::api
