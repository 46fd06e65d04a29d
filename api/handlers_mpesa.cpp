// M-Pesa statements (SPEC §15, issue 20): import with a dry run, posting the proposed
// repayments through the journal writer, the kept imports, and their reconciliation.
//
// An import reads the file (reports/mpesa_statement.hpp), reads what the ledger knows of
// its receipts and accounts in one snapshot (db::MpesaStore), matches each line
// (reports/mpesa_match.hpp) and, with dry_run=false, posts every proposed repayment as its
// own write with its own idempotency key, then keeps the import with each line's outcome
// and its audit line. A crash part way leaves the posted repayments in the ledger under
// their receipts: importing the file again matches them and posts the rest.

#include <unistd.h>

#include <cstdlib>
#include <future>
#include <nlohmann/json.hpp>

#include "api/body.hpp"
#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "db/hash.hpp"
#include "db/mpesa_store.hpp"
#include "ledger/chart.hpp"
#include "reports/mpesa_match.hpp"
#include "reports/mpesa_reconcile.hpp"
#include "reports/mpesa_statement.hpp"

namespace riziki::api {

namespace {

using reports::MatchState;
using reports::StoredLine;
using reports::StoredStatement;

constexpr int kWindowDaysDefault = 3;
constexpr int kWindowDaysMax = 31;
constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What the import knows beyond the kept lines, for the answer only: what the payer typed
/// in `A/C No.` and, for a proposed line, the postings the core planned.
struct LineExtras {
    std::string account_number;
    const reports::Proposal* proposal = nullptr;
};

nlohmann::json optional_time(const std::optional<reports::StatementTime>& t) {
    return t ? nlohmann::json(reports::to_text(*t)) : nlohmann::json(nullptr);
}

nlohmann::json optional_amount(const std::optional<ledger::Amount>& a,
                               const std::string& currency) {
    return a ? nlohmann::json(amount_text(*a, currency)) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json proposal_json(const reports::Proposal& p, const std::string& currency) {
    nlohmann::json postings = nlohmann::json::array();
    for (const auto& posting : p.draft.postings) {
        postings.push_back({{"account", posting.account},
                            {"fund", posting.fund},
                            {"amount", amount_text(posting.amount, currency)},
                            {"survivor", text_or_null(posting.survivor)},
                            {"award", text_or_null(posting.award)}});
    }
    return {{"postings", postings},
            {"allocation",
             {{"interest", amount_text(p.allocation.interest, currency)},
              {"principal", amount_text(p.allocation.principal, currency)},
              {"overpayment", amount_text(p.allocation.overpayment, currency)}}}};
}

nlohmann::json line_json(const StoredLine& l, const std::string& currency,
                         const LineExtras* extras) {
    nlohmann::json json{
        {"line", l.line},
        {"receipt", l.receipt},
        {"completed_at", reports::to_text(l.completed)},
        {"status", l.status},
        {"paid_in", amount_text(l.paid_in, currency)},
        {"withdrawn", amount_text(l.withdrawn, currency)},
        {"balance", optional_amount(l.balance, currency)},
        {"reason_type", l.reason_type},
        {"linked_receipt", text_or_null(l.linked_receipt)},
        {"account_number",
         extras ? text_or_null(extras->account_number) : text_or_null(l.account_code)},
        {"state", reports::to_string(l.state)},
        {"reason", text_or_null(l.reason)},
        {"entry", l.entry ? nlohmann::json(*l.entry) : nlohmann::json(nullptr)},
        {"award", text_or_null(l.award)},
    };
    if (extras && extras->proposal)
        json.update(proposal_json(*extras->proposal, currency));
    return json;
}

/// Lines and amounts per state.
nlohmann::json totals_json(const std::vector<StoredLine>& lines, const std::string& currency) {
    std::array<reports::StateTotal, reports::kMatchStates> totals{};
    for (const auto& l : lines) {
        auto& t = totals[static_cast<std::size_t>(l.state)];
        ++t.lines;
        t.paid_in += l.paid_in;
        t.withdrawn += l.withdrawn;
    }
    nlohmann::json json = nlohmann::json::object();
    for (std::size_t i = 0; i < reports::kMatchStates; ++i) {
        json[std::string(reports::kMatchStateNames[i])] = {
            {"lines", totals[i].lines},
            {"paid_in", amount_text(totals[i].paid_in, currency)},
            {"withdrawn", amount_text(totals[i].withdrawn, currency)}};
    }
    return json;
}

/// An import as the API shows it; `extras` (one per line, in step) only right after the
/// upload.
nlohmann::json statement_json(const StoredStatement& s, bool dry_run,
                              const std::vector<LineExtras>* extras) {
    nlohmann::json lines = nlohmann::json::array();
    for (std::size_t i = 0; i < s.lines.size(); ++i)
        lines.push_back(line_json(s.lines[i], s.currency, extras ? &(*extras)[i] : nullptr));
    return {{"statement", s.id > 0 ? nlohmann::json(s.id) : nlohmann::json(nullptr)},
            {"dry_run", dry_run},
            {"fund", s.fund},
            {"account", s.account},
            {"currency", s.currency},
            {"file_sha256", s.file_sha256},
            {"format", s.file_format},
            {"imported_by", text_or_null(s.imported_by)},
            {"imported_at", s.imported_at_us > 0
                                ? nlohmann::json(ledger::format_timestamp_us(s.imported_at_us))
                                : nlohmann::json(nullptr)},
            {"window_days", s.window_days},
            {"first_at", optional_time(s.first_at)},
            {"last_at", optional_time(s.last_at)},
            {"opening_balance", optional_amount(s.opening, s.currency)},
            {"closing_balance", optional_amount(s.closing, s.currency)},
            {"posted", s.posted},
            {"totals", totals_json(s.lines, s.currency)},
            {"lines", lines}};
}

/// A statement that could not be read: 422 invalid_statement naming the line and column.
Response statement_problem(const reports::StatementError& e, const Call& call) {
    std::string where = e.line > 0 ? "Line " + std::to_string(e.line) : "The file";
    if (e.column > 0)
        where += ", column " + std::to_string(e.column);
    if (!e.field.empty())
        where += " (" + e.field + ")";
    return problem(http::status::unprocessable_entity, "invalid_statement",
                   where + ": " + e.reason + ". Nothing was imported.", call.context,
                   {{e.field.empty() ? "file" : e.field, e.reason, where + "."}},
                   {{"line", e.line}, {"column", e.column}});
}

/// The query of an import: the fund (one the caller may see), the M-Pesa account, the
/// dry run and the date window.
struct ImportQuery {
    db::FundRecord fund;
    std::string account;
    bool dry_run = true;
    int window_days = kWindowDaysDefault;
};

std::variant<ImportQuery, Response> read_import_query(const Services& s, const Call& call) {
    QueryReader query(call);
    ImportQuery q;
    const auto code = query.code("fund");
    q.account = query.choice("account", {ledger::chart::mpesa});
    q.dry_run = query.choice("dry_run", {"true", "false"}) == "true";
    q.window_days = query.whole("window_days", 0, kWindowDaysMax, kWindowDaysDefault);
    if (auto bad = query.problem_if_any())
        return *bad;
    auto found = queried_fund(s, call, code);
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    q.fund = std::move(std::get<db::FundRecord>(found));
    return q;
}

/// The line's outcome as kept.
StoredLine stored_line(const reports::StatementLine& line, const reports::LineOutcome& outcome) {
    StoredLine l;
    l.line = line.line;
    l.receipt = line.receipt;
    l.completed = line.completed;
    l.status = line.status;
    l.paid_in = line.paid_in;
    l.withdrawn = line.withdrawn;
    l.balance = line.balance;
    l.reason_type = line.reason_type;
    l.linked_receipt = line.linked_transaction;
    l.account_code = reports::named_code(line.account_number);
    l.state = outcome.state;
    l.reason = outcome.reason;
    l.entry = outcome.entry;
    l.award = outcome.award;
    return l;
}

/// The receipts, award ids and survivor codes the lines name, for the snapshot.
struct Named {
    std::set<std::string> receipts, awards, survivors;
};

Named named_by(const std::vector<reports::StatementLine>& lines) {
    Named n;
    for (const auto& line : lines) {
        n.receipts.insert(line.receipt);
        if (!line.linked_transaction.empty())
            n.receipts.insert(line.linked_transaction);
        const auto code = reports::named_code(line.account_number);
        if (code.starts_with("AW-"))
            n.awards.insert(code);
        else if (code.starts_with("SV-"))
            n.survivors.insert(code);
    }
    return n;
}

/// The idempotency key of one line's repayment: the import's own key (hashed, as its
/// length is the client's) and the receipt. A retry of the same import replays the lines
/// it already posted; another import of the same file finds them in the ledger instead.
db::IdempotencyClaim line_claim(const Call& call, const std::string& key_sha256,
                                const std::string& fund, const ledger::Repayment& r) {
    const std::string request = "mpesa-statement-line\n" + fund + "\n" + r.award + "\n" +
                                ledger::to_decimal_string(r.amount) + "\n" +
                                ledger::format_date(r.paid_on) + "\n" + r.reference;
    return {call.principal->actor(), "mpesa:" + key_sha256.substr(0, 32) + ":" + r.reference,
            db::sha256(request)};
}

/// Test hook for the crash-and-re-import test: RIZIKI_TEST_CRASH_AFTER_MPESA_POSTS=N posts
/// the first N proposed lines, waits until they are committed, and then ends the process
/// abruptly (no destructor, nothing kept of the import) before queueing the rest.
std::optional<std::size_t> crash_after_posts() {
    const char* after = std::getenv("RIZIKI_TEST_CRASH_AFTER_MPESA_POSTS");
    if (after == nullptr)
        return std::nullopt;
    return static_cast<std::size_t>(std::strtoul(after, nullptr, 10));
}

/// Posts each proposed line as its own write, oldest first as the matching planned them,
/// all queued at once so the writer batches them (and keeps their order); sets the kept line's
/// entry, or turns it unmatched with the writer's refusal (a receipt another import posted in the
/// meantime: duplicate_reference).
int post_proposals(const Services& s, const Call& call, const std::string& key_sha256,
                   const std::string& fund, const reports::MatchResult& matched,
                   std::vector<StoredLine>& kept) {
    std::vector<std::pair<std::size_t, std::future<db::WriteOutcome>>> pending;
    const auto crash_after = crash_after_posts();
    for (const auto i : matched.order) {  // oldest first, as they were planned
        const auto& proposal = matched.lines[i].proposal;
        if (!proposal)
            continue;
        if (crash_after && pending.size() == *crash_after) {
            for (auto& queued : pending)
                queued.second.wait();
            ::_exit(75);
        }
        db::WriteRequest request;
        request.draft.recorded_by = call.principal->actor();
        request.idempotency = line_claim(call, key_sha256, fund, proposal->repayment);
        request.command = proposal->repayment;
        request.request_id = call.context.request_id;
        pending.emplace_back(i, s.writer->submit(std::move(request)));
    }
    int posted = 0;
    for (auto& [i, future] : pending) {
        const auto outcome = future.get();
        auto& line = kept[i];
        using Kind = db::WriteOutcome::Kind;
        if (outcome.kind == Kind::committed) {
            line.entry = outcome.entry.seq;
        } else if (outcome.kind == Kind::replayed && outcome.response.status == 201) {
            line.entry = nlohmann::json::parse(outcome.response.body).at("seq").get<std::int64_t>();
        } else {
            line.state = MatchState::unmatched;
            line.reason = outcome.kind == Kind::rejected
                              ? std::string(ledger::to_string(outcome.check.reason))
                              : "idempotency_key_reused";
            line.entry.reset();
            continue;
        }
        ++posted;
    }
    return posted;
}

Response import_statement(const Services& s, Call& call, db::MpesaStore& store) {
    auto read = read_import_query(s, call);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& q = std::get<ImportQuery>(read);
    std::string key_sha256;
    if (!q.dry_run) {
        auto key = idempotency_key(call);
        if (auto* answer = std::get_if<Response>(&key))
            return std::move(*answer);
        key_sha256 = db::sha256_hex(std::get<std::string>(key));
    }
    const std::string_view file(call.request.body());
    const auto file_sha256 = db::sha256_hex(file);
    if (!q.dry_run) {
        if (auto before = store.statement_by_key(call.principal->actor(), key_sha256)) {
            if (before->file_sha256 != file_sha256 || before->fund != q.fund.code) {
                return rejection_problem(
                    ledger::Rejection::idempotency_key_reused,
                    "This Idempotency-Key was used with another request; use a new key.",
                    call.context);
            }
            auto kept = store.statement(before->id);
            auto answer =
                json_response(http::status::created, statement_json(*kept, false, nullptr));
            answer.set("Idempotent-Replayed", "true");
            return answer;
        }
    }
    const auto currency = *ledger::find_currency(q.fund.currency);
    const bool xlsx = file.starts_with("PK\x03\x04");
    auto parsed = xlsx ? reports::read_statement_xlsx(file, currency)
                       : reports::read_statement_csv(file, currency);
    if (const auto* error = std::get_if<reports::StatementError>(&parsed))
        return statement_problem(*error, call);
    const auto& lines = std::get<std::vector<reports::StatementLine>>(parsed);

    const auto named = named_by(lines);
    auto snapshot =
        store.match_snapshot(q.fund.code, named.receipts, named.awards, named.survivors);
    snapshot.window_days = q.window_days;
    snapshot.recorded_by = call.principal->actor();
    const auto matched = reports::match_statement(lines, snapshot);

    StoredStatement statement;
    statement.fund = q.fund.code;
    statement.account = q.account;
    statement.currency = q.fund.currency;
    statement.file_sha256 = file_sha256;
    statement.file_format = xlsx ? "xlsx" : "csv";
    statement.imported_by = q.dry_run ? "" : call.principal->actor();
    statement.window_days = q.window_days;
    std::vector<LineExtras> extras;
    statement.lines.reserve(lines.size());
    extras.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        statement.lines.push_back(stored_line(lines[i], matched.lines[i]));
        const auto& proposal = matched.lines[i].proposal;
        extras.push_back({lines[i].account_number, proposal ? &*proposal : nullptr});
        const auto& at = lines[i].completed;
        if (!statement.first_at || at < *statement.first_at)
            statement.first_at = at;
        if (!statement.last_at || *statement.last_at < at)
            statement.last_at = at;
    }
    if (const auto balances = reports::statement_balances(statement.lines)) {
        statement.opening = balances->opening;
        statement.closing = balances->closing;
    }
    if (q.dry_run)
        return json_response(http::status::ok, statement_json(statement, true, &extras));

    statement.posted = post_proposals(s, call, key_sha256, q.fund.code, matched, statement.lines);
    db::MpesaImport import{
        statement, call.context.request_id, key_sha256,
        db::AuditEvent{call.principal->actor(), call.context.request_id, "mpesa.import", "",
                       "fund=" + q.fund.code + " lines=" + std::to_string(lines.size()) +
                           " posted=" + std::to_string(statement.posted) +
                           " sha256=" + file_sha256}};
    try {
        store.keep(import);
    } catch (const std::exception&) {
        // The same import, sent twice at once under one key: the other request kept it
        // (the lines replayed here were its). Anything else is the server's failure.
        auto before = store.statement_by_key(call.principal->actor(), key_sha256);
        if (!before)
            throw;
        auto kept = store.statement(before->id);
        auto answer = json_response(http::status::created, statement_json(*kept, false, nullptr));
        answer.set("Idempotent-Replayed", "true");
        return answer;
    }
    return json_response(http::status::created, statement_json(import.statement, false, &extras));
}

/// The kept import in the path or the `statement` query, if the caller may see its fund.
std::variant<StoredStatement, Response> visible_statement(const Call& call, db::MpesaStore& store,
                                                          const std::string& id_text) {
    const auto not_found = [&] {
        return problem(http::status::not_found, "not_found", "No statement has this id.",
                       call.context);
    };
    if (id_text.empty() || id_text.size() > 18 ||
        !std::all_of(id_text.begin(), id_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return not_found();
    auto kept = store.statement(std::stoll(id_text));
    if (!kept || !call.principal->may_see_fund(kept->fund))
        return not_found();
    return std::move(*kept);
}

Response get_statement(Call& call, db::MpesaStore& store) {
    auto found = visible_statement(call, store, call.params[0]);
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    return json_response(http::status::ok,
                         statement_json(std::get<StoredStatement>(found), false, nullptr));
}

Response list_statements(const Services& s, Call& call, db::MpesaStore& store) {
    QueryReader query(call);
    const auto code = query.code("fund");
    const auto limit = query.limit();
    const auto after = query.after();
    if (auto bad = query.problem_if_any())
        return *bad;
    auto found = queried_fund(s, call, code);
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    const auto rows = store.statements(code, after, limit + 1);
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = 0; i < rows.size() && i < limit; ++i) {
        auto json = statement_json(rows[i].statement, false, nullptr);
        json.erase("lines");
        json.erase("totals");
        json["lines"] = rows[i].line_count;
        items.push_back(std::move(json));
    }
    const bool more = rows.size() > limit;
    return json_response(http::status::ok,
                         {{"items", items},
                          {"next", more ? nlohmann::json(cursor_after(rows[limit - 1].statement.id))
                                        : nlohmann::json(nullptr)}});
}

nlohmann::json difference_json(const reports::Difference& d, const std::string& currency) {
    return {{"line", d.line > 0 ? nlohmann::json(d.line) : nlohmann::json(nullptr)},
            {"receipt", text_or_null(d.receipt)},
            {"entry", d.entry ? nlohmann::json(*d.entry) : nlohmann::json(nullptr)},
            {"day", ledger::format_date(d.day)},
            {"amount", amount_text(d.amount, currency)},
            {"reason", d.reason},
            {"award", text_or_null(d.award)}};
}

Response reconciliation(const Services& s, Call& call, db::MpesaStore& store) {
    QueryReader query(call);
    const auto code = query.code("fund");
    const auto account = query.choice("account", {ledger::chart::mpesa});
    const auto format = query.choice("format", {"json", "csv", "xlsx"});
    if (auto bad = query.problem_if_any())
        return *bad;
    auto found = visible_statement(call, store, call.query_value("statement"));
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    const auto& statement = std::get<StoredStatement>(found);
    if ((!code.empty() && code != statement.fund) || account != statement.account) {
        return problem(http::status::not_found, "not_found",
                       "No statement of this fund and account has this id.", call.context);
    }
    if (!statement.first_at) {
        return problem(http::status::unprocessable_entity, "empty_statement",
                       "The statement has no lines to reconcile.", call.context);
    }
    const auto cash = store.ledger_cash(statement.fund, statement.account, statement.first_at->day,
                                        statement.last_at->day);
    const auto r = reports::reconcile(statement, cash);
    audit(s, call, "mpesa.reconciliation", std::to_string(statement.id), "format=" + format);
    const std::string name =
        "mpesa-reconciliation-" + statement.fund + "-" + std::to_string(statement.id);
    if (format == "csv") {
        return document(reports::reconciliation_csv(statement, r), "text/csv; charset=utf-8",
                        name + ".csv");
    }
    if (format == "xlsx")
        return document(reports::reconciliation_xlsx(statement, r), kXlsxType, name + ".xlsx");
    const auto& c = statement.currency;
    nlohmann::json on_statement = nlohmann::json::array(), in_ledger = nlohmann::json::array();
    for (const auto& d : r.on_statement)
        on_statement.push_back(difference_json(d, c));
    for (const auto& d : r.in_ledger)
        in_ledger.push_back(difference_json(d, c));
    return json_response(
        http::status::ok,
        {{"statement", statement.id},
         {"fund", statement.fund},
         {"account", statement.account},
         {"currency", c},
         {"from", ledger::format_date(r.from)},
         {"to", ledger::format_date(r.to)},
         {"statement_balances",
          {{"opening", optional_amount(r.statement_opening, c)},
           {"movement", amount_text(r.statement_movement, c)},
           {"closing", optional_amount(r.statement_closing, c)}}},
         {"ledger_balances",
          {{"opening", amount_text(r.ledger_opening, c)},
           {"movement", amount_text(r.ledger_movement, c)},
           {"closing", amount_text(r.ledger_closing, c)}}},
         {"on_statement_not_in_ledger",
          {{"total", amount_text(r.on_statement_total, c)}, {"items", on_statement}}},
         {"in_ledger_not_on_statement",
          {{"total", amount_text(r.in_ledger_total, c)}, {"items", in_ledger}}},
         {"verdict", reports::to_string(r.verdict)},
         {"unexplained", amount_text(r.unexplained, c)},
         {"summary", r.summary}});
}

}  // namespace

void add_mpesa_routes(Router& router, const Services& s, db::Pool& pool) {
    auto store = std::make_shared<db::MpesaStore>(pool, s.read_limits);
    router.add({http::verb::post, "/v1/mpesa/statements", kFinance,
                [s, store](Call& call) { return import_statement(s, call, *store); }});
    router.add({http::verb::get, "/v1/mpesa/statements", kBooks,
                [s, store](Call& call) { return list_statements(s, call, *store); }});
    router.add({http::verb::get, "/v1/mpesa/statements/{id}", kBooks,
                [store](Call& call) { return get_statement(call, *store); }});
    router.add({http::verb::get, "/v1/mpesa/reconciliation", kBooks,
                [s, store](Call& call) { return reconciliation(s, call, *store); }});
}

}  // namespace riziki::api
