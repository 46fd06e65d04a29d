// The M-Pesa import's reads and its kept imports (migration 0026).

#include "db/mpesa_store.hpp"

#include <stdexcept>

#include "db/awards_sql.hpp"
#include "db/common_sql.hpp"
#include "db/pool_impl.hpp"
#include "db/prepared.hpp"
#include "db/timed_read.hpp"

namespace riziki::db {

namespace {

// The M-Pesa receipts among $1 the ledger knows, with their entry (not reversed): payment
// references, and the receipts B2C results confirmed for a disbursement (migration 0027,
// whose reference is the request's conversation id); with what each entry did on the fund
// $2's books: its M-Pesa (1020) and charges (5300) postings for the fund, and the award it
// names. An entry with no posting for the fund reads in_fund false.
const PreparedQuery kReferences("riziki_mpesa_references", R"(
WITH known (receipt, entry_seq) AS (
    SELECT r.reference, r.entry_seq FROM unnest(CAST($1 AS text[])) AS u(ref)
    JOIN payment_references r ON r.channel = 'mpesa' AND r.reference = u.ref
    UNION
    SELECT b.receipt, b.disbursement_seq FROM unnest(CAST($1 AS text[])) AS u(ref)
    JOIN mpesa_b2c_results b ON b.outcome = 'confirmed' AND b.receipt = u.ref)
SELECT k.receipt, k.entry_seq, e.event, e.effective_on - DATE '1970-01-01',
       COALESCE(sum(p.amount_minor) FILTER (WHERE p.account = '1020' AND p.fund = $2), 0)::text,
       COALESCE(sum(p.amount_minor) FILTER (WHERE p.account = '5300' AND p.fund = $2), 0)::text,
       COALESCE(max(p.award) FILTER (WHERE p.fund = $2), ''), bool_or(p.fund = $2)
FROM known k
JOIN entries e ON e.seq = k.entry_seq
JOIN postings p ON p.entry_seq = k.entry_seq
WHERE NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses = k.entry_seq)
GROUP BY k.receipt, k.entry_seq, e.event, e.effective_on)");

// The fund's awards named by id ($2) or by survivor ($3).
const PreparedQuery kNamedAwards("riziki_mpesa_named_awards", R"(
SELECT a.id FROM awards a
WHERE a.fund = $1 AND (a.id = ANY (CAST($2 AS text[])) OR a.survivor = ANY (CAST($3 AS text[]))))");

constexpr const char* kInsertStatement = R"(
INSERT INTO mpesa_statements (fund, account, currency, file_sha256, file_format, imported_by,
    request_id, request_key_sha256, window_days, first_at, last_at, opening_minor,
    closing_minor, line_count, posted_count)
VALUES (:f, :a, :c, decode(:h, 'hex'), :ff, :by, :rq, decode(:k, 'hex'), :w,
    CAST(NULLIF(:fa, '') AS timestamp),
    CAST(NULLIF(:la, '') AS timestamp), CAST(NULLIF(:o, '') AS numeric),
    CAST(NULLIF(:cl, '') AS numeric), :n, :p)
RETURNING id, (EXTRACT(EPOCH FROM imported_at) * 1000000)::bigint)";

const PreparedQuery kInsertLines("riziki_mpesa_insert_lines", R"(
INSERT INTO mpesa_statement_lines (statement, line, receipt, completed_at, status,
    paid_in_minor, withdrawn_minor, balance_minor, reason_type, linked_receipt, account_code,
    state, reason, entry_seq, award)
SELECT CAST($1 AS bigint), u.* FROM unnest(CAST($2 AS integer[]), CAST($3 AS text[]),
    CAST($4 AS timestamp[]), CAST($5 AS text[]), CAST($6 AS numeric[]), CAST($7 AS numeric[]),
    CAST($8 AS numeric[]), CAST($9 AS text[]), CAST($10 AS text[]), CAST($11 AS text[]),
    CAST($12 AS text[]), CAST($13 AS text[]), CAST($14 AS bigint[]), CAST($15 AS text[])) AS u)");

constexpr const char* kInsertAudit = R"(
INSERT INTO audit_log (actor, request_id, action, subject, detail) VALUES (:a, :q, :x, :s, :d))";

// A kept import's columns, then (by id) its lines.
constexpr const char* kStatementColumns = R"(
SELECT s.id, s.fund, s.account, s.currency, encode(s.file_sha256, 'hex'), s.file_format,
       s.imported_by, (EXTRACT(EPOCH FROM s.imported_at) * 1000000)::bigint, s.window_days,
       COALESCE(to_char(s.first_at, 'YYYY-MM-DD HH24:MI:SS'), ''),
       COALESCE(to_char(s.last_at, 'YYYY-MM-DD HH24:MI:SS'), ''),
       COALESCE(s.opening_minor::text, ''), COALESCE(s.closing_minor::text, ''),
       s.posted_count, s.line_count
FROM mpesa_statements s)";

const PreparedQuery kLines("riziki_mpesa_lines", R"(
SELECT line, receipt, to_char(completed_at, 'YYYY-MM-DD HH24:MI:SS'), status,
       paid_in_minor::text, withdrawn_minor::text, COALESCE(balance_minor::text, ''),
       reason_type, linked_receipt, COALESCE(account_code, ''), state, reason,
       COALESCE(entry_seq::text, ''), COALESCE(award, '')
FROM mpesa_statement_lines WHERE statement = CAST($1 AS bigint) ORDER BY line)");

// The account's closing balance for the fund at the end of the day before $3 and of $4
// (daily_balances keeps one per day with postings), and every entry between.
const PreparedQuery kBalances("riziki_mpesa_balances", R"(
SELECT COALESCE((SELECT sum(last.closing_minor) FROM (
           SELECT DISTINCT ON (b.currency) b.closing_minor FROM daily_balances b
           WHERE b.account = $2 AND b.fund = $1 AND b.day < CAST($3 AS date)
           ORDER BY b.currency, b.day DESC) last), 0)::text,
       COALESCE((SELECT sum(last.closing_minor) FROM (
           SELECT DISTINCT ON (b.currency) b.closing_minor FROM daily_balances b
           WHERE b.account = $2 AND b.fund = $1 AND b.day <= CAST($4 AS date)
           ORDER BY b.currency, b.day DESC) last), 0)::text)");

const PreparedQuery kCashEntries("riziki_mpesa_cash_entries", R"(
SELECT p.entry_seq, e.effective_on - DATE '1970-01-01', e.event, sum(p.amount_minor)::text,
       COALESCE((SELECT min(r.reference) FROM payment_references r
                 WHERE r.entry_seq = p.entry_seq AND r.channel = 'mpesa'), ''),
       COALESCE(max(p.award), ''),
       EXISTS (SELECT 1 FROM entries x WHERE x.reverses = p.entry_seq)
FROM postings p JOIN entries e ON e.seq = p.entry_seq
WHERE p.fund = $1 AND p.account = $2
  AND p.effective_on BETWEEN CAST($3 AS date) AND CAST($4 AS date)
GROUP BY p.entry_seq, e.effective_on, e.event
ORDER BY p.entry_seq)");

std::string array_of(const std::set<std::string>& values) {
    ArrayLiteral array;
    for (const auto& value : values)
        array.add(value);
    return std::move(array).finish();
}

ledger::Date day_from(long long days) {
    return ledger::date_from_days(static_cast<int>(days));
}

/// "2026-10-03 14:22:05" as the statement's time; nullopt for "".
std::optional<reports::StatementTime> time_from(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    const auto day = ledger::parse_date(text.substr(0, 10));
    if (text.size() != 19 || !day)
        throw std::runtime_error("stored statement time is malformed");
    const auto two = [&](std::size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); };
    return reports::StatementTime{*day, two(11) * 3600 + two(14) * 60 + two(17)};
}

std::optional<ledger::Amount> optional_amount(const std::string& text) {
    if (text.empty())
        return std::nullopt;
    return amount_from_text(text);
}

std::string amount_or_empty(const std::optional<ledger::Amount>& amount) {
    return amount ? ledger::to_decimal_string(*amount) : "";
}

/// What the entry of a reference did, as the matching compares it (mpesa_match.hpp rule 3).
reports::LedgerReference reference_of(const TextRows& rows, int i) {
    reports::LedgerReference ref;
    ref.receipt = rows.string(i, 0);
    ref.entry = rows.integer(i, 1);
    const auto event = event_from_text(rows.text(i, 2));
    ref.effective_on = day_from(rows.integer(i, 3));
    const auto cash = amount_from_text(rows.string(i, 4));
    const auto charges = amount_from_text(rows.string(i, 5));
    ref.award = rows.string(i, 6);
    if (event == ledger::Event::disbursement) {
        ref.kind = reports::ReferenceKind::disbursement;
        ref.fee = charges;
        ref.amount = -cash - charges;
    } else if (event == ledger::Event::repayment || event == ledger::Event::recovery) {
        ref.kind = reports::ReferenceKind::repayment;
        ref.amount = cash;
    } else if (charges != 0 && cash == -charges) {
        ref.kind = reports::ReferenceKind::fee;
        ref.amount = charges;
    } else {
        ref.amount = cash < 0 ? -cash : cash;
    }
    return ref;
}

}  // namespace

reports::MatchSnapshot MpesaStore::match_snapshot(const std::string& fund,
                                                  const std::set<std::string>& receipts,
                                                  const std::set<std::string>& award_ids,
                                                  const std::set<std::string>& survivors) {
    return pool_->impl().with_session([&](soci::session& sql) {
        return cancelled_as_timeout([&] {
            soci::transaction tx(sql);
            sql << kReadOnlySnapshot;
            limit_statements(sql, limits_);
            reports::MatchSnapshot snapshot;
            snapshot.fund = fund;
            snapshot.context = load_context(sql);
            if (!receipts.empty()) {
                const std::string refs = array_of(receipts);
                const auto rows = kReferences.run(sql, {&refs, &fund});
                for (int i = 0; i < rows.size(); ++i) {
                    snapshot.books.references.emplace(ledger::Channel::mpesa, rows.string(i, 0));
                    if (rows.text(i, 7) == "t")
                        snapshot.references.push_back(reference_of(rows, i));
                }
            }
            std::set<std::string> ids;
            if (!award_ids.empty() || !survivors.empty()) {
                const std::string by_id = array_of(award_ids);
                const std::string by_survivor = array_of(survivors);
                const auto rows = kNamedAwards.run(sql, {&fund, &by_id, &by_survivor});
                for (int i = 0; i < rows.size(); ++i)
                    ids.insert(rows.string(i, 0));
            }
            auto awards = select_awards(sql, ids);
            auto figures = select_award_figures(sql, ids);
            for (auto& [id, award] : awards)
                snapshot.books.awards.emplace(
                    id, ledger::Books::AwardBook{std::move(award), figures[id]});
            for (auto& [code, cash] : select_fund_cash(sql, {fund}))
                snapshot.books.fund_cash.emplace(code, cash);
            tx.commit();
            return snapshot;
        });
    });
}

std::int64_t MpesaStore::keep(MpesaImport& import) {
    auto& s = import.statement;
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            soci::transaction tx(sql);
            const std::string first = reports::to_text(s.first_at),
                              last = reports::to_text(s.last_at);
            const std::string opening = amount_or_empty(s.opening),
                              closing = amount_or_empty(s.closing);
            const int count = static_cast<int>(s.lines.size());
            long long id = 0, at_us = 0;
            sql << kInsertStatement, soci::use(s.fund), soci::use(s.account), soci::use(s.currency),
                soci::use(s.file_sha256), soci::use(s.file_format), soci::use(s.imported_by),
                soci::use(import.request_id), soci::use(import.request_key_sha256),
                soci::use(s.window_days), soci::use(first), soci::use(last), soci::use(opening),
                soci::use(closing), soci::use(count), soci::use(s.posted), soci::into(id),
                soci::into(at_us);
            if (!s.lines.empty()) {
                ArrayLiteral line, receipt, completed, status, paid_in, withdrawn, balance,
                    reason_type, linked, account_code, state, reason, entry, award;
                for (const auto& l : s.lines) {
                    line.add(static_cast<long long>(l.line));
                    receipt.add(l.receipt);
                    completed.add(reports::to_text(l.completed));
                    status.add(l.status);
                    paid_in.add(ledger::to_decimal_string(l.paid_in));
                    withdrawn.add(ledger::to_decimal_string(l.withdrawn));
                    if (l.balance)
                        balance.add(ledger::to_decimal_string(*l.balance));
                    else
                        balance.add_null();
                    reason_type.add(l.reason_type);
                    linked.add(l.linked_receipt);
                    if (l.account_code.empty())
                        account_code.add_null();
                    else
                        account_code.add(l.account_code);
                    state.add(reports::to_string(l.state));
                    reason.add(l.reason);
                    if (l.entry)
                        entry.add(static_cast<long long>(*l.entry));
                    else
                        entry.add_null();
                    if (l.award.empty())
                        award.add_null();
                    else
                        award.add(l.award);
                }
                const std::string params[] = {std::to_string(id),
                                              std::move(line).finish(),
                                              std::move(receipt).finish(),
                                              std::move(completed).finish(),
                                              std::move(status).finish(),
                                              std::move(paid_in).finish(),
                                              std::move(withdrawn).finish(),
                                              std::move(balance).finish(),
                                              std::move(reason_type).finish(),
                                              std::move(linked).finish(),
                                              std::move(account_code).finish(),
                                              std::move(state).finish(),
                                              std::move(reason).finish(),
                                              std::move(entry).finish(),
                                              std::move(award).finish()};
                kInsertLines.run(
                    sql, {&params[0], &params[1], &params[2], &params[3], &params[4], &params[5],
                          &params[6], &params[7], &params[8], &params[9], &params[10], &params[11],
                          &params[12], &params[13], &params[14]});
            }
            auto& a = import.audit;
            a.subject = std::to_string(id);
            sql << kInsertAudit, soci::use(a.actor), soci::use(a.request_id), soci::use(a.action),
                soci::use(a.subject), soci::use(a.detail);
            tx.commit();
            s.id = id;
            s.imported_at_us = at_us;
            return static_cast<std::int64_t>(id);
        },
        false);
}

namespace {

reports::StoredStatement statement_from(const soci::row& row, int& line_count) {
    reports::StoredStatement s;
    s.id = row.get<long long>(0);
    s.fund = row.get<std::string>(1);
    s.account = row.get<std::string>(2);
    s.currency = row.get<std::string>(3);
    s.file_sha256 = row.get<std::string>(4);
    s.file_format = row.get<std::string>(5);
    s.imported_by = row.get<std::string>(6);
    s.imported_at_us = row.get<long long>(7);
    s.window_days = row.get<int>(8);
    s.first_at = time_from(row.get<std::string>(9));
    s.last_at = time_from(row.get<std::string>(10));
    s.opening = optional_amount(row.get<std::string>(11));
    s.closing = optional_amount(row.get<std::string>(12));
    s.posted = row.get<int>(13);
    line_count = row.get<int>(14);
    return s;
}

std::optional<std::int64_t> optional_seq(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    return std::stoll(std::string(text));
}

}  // namespace

std::optional<reports::StoredStatement> MpesaStore::statement(std::int64_t id) {
    return pool_->impl().with_session([&](soci::session& s) {
        return cancelled_as_timeout([&] {
            soci::transaction tx(s);
            s << kReadOnlySnapshot;
            limit_statements(s, limits_);
            const long long key = id;
            soci::rowset<soci::row> rows =
                (s.prepare << std::string(kStatementColumns) + " WHERE s.id = :id", soci::use(key));
            std::optional<reports::StoredStatement> found;
            int count = 0;
            for (const auto& row : rows)
                found = statement_from(row, count);
            if (found) {
                const std::string text = std::to_string(id);
                const auto lines = kLines.run(s, {&text});
                found->lines.reserve(static_cast<std::size_t>(lines.size()));
                for (int i = 0; i < lines.size(); ++i) {
                    reports::StoredLine l;
                    l.line = static_cast<int>(lines.integer(i, 0));
                    l.receipt = lines.string(i, 1);
                    l.completed = *time_from(lines.text(i, 2));
                    l.status = lines.string(i, 3);
                    l.paid_in = amount_from_text(lines.string(i, 4));
                    l.withdrawn = amount_from_text(lines.string(i, 5));
                    l.balance = optional_amount(lines.string(i, 6));
                    l.reason_type = lines.string(i, 7);
                    l.linked_receipt = lines.string(i, 8);
                    l.account_code = lines.string(i, 9);
                    const auto state = reports::parse_match_state(lines.text(i, 10));
                    if (!state)
                        throw std::runtime_error("stored line state is not one the program knows");
                    l.state = *state;
                    l.reason = lines.string(i, 11);
                    l.entry = optional_seq(lines.text(i, 12));
                    l.award = lines.string(i, 13);
                    found->lines.push_back(std::move(l));
                }
            }
            tx.commit();
            return found;
        });
    });
}

std::optional<reports::StoredStatement> MpesaStore::statement_by_key(
    const std::string& actor, const std::string& request_key_sha256) {
    return pool_->impl().with_session([&](soci::session& sql) {
        return timed_read(sql, limits_, [&](soci::session& s) {
            soci::rowset<soci::row> rows =
                (s.prepare << std::string(kStatementColumns) +
                                  " WHERE s.imported_by = :a"
                                  " AND s.request_key_sha256 = decode(:k, 'hex')",
                 soci::use(actor), soci::use(request_key_sha256));
            std::optional<reports::StoredStatement> found;
            int count = 0;
            for (const auto& row : rows)
                found = statement_from(row, count);
            return found;
        });
    });
}

std::vector<MpesaStatementRow> MpesaStore::statements(const std::string& fund, std::int64_t before,
                                                      std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        return timed_read(sql, limits_, [&](soci::session& s) {
            const long long below = before > 0 ? before : INT64_MAX;
            const long long max = static_cast<long long>(limit);
            soci::rowset<soci::row> rows =
                (s.prepare << std::string(kStatementColumns) +
                                  " WHERE s.fund = :f AND s.id < :b ORDER BY s.id DESC LIMIT :n",
                 soci::use(fund), soci::use(below), soci::use(max));
            std::vector<MpesaStatementRow> out;
            for (const auto& row : rows) {
                MpesaStatementRow r;
                r.statement = statement_from(row, r.line_count);
                out.push_back(std::move(r));
            }
            return out;
        });
    });
}

reports::LedgerCash MpesaStore::ledger_cash(const std::string& fund, const std::string& account,
                                            const ledger::Date& from, const ledger::Date& to) {
    return pool_->impl().with_session([&](soci::session& sql) {
        return cancelled_as_timeout([&] {
            soci::transaction tx(sql);
            sql << kReadOnlySnapshot;
            limit_statements(sql, limits_);
            const std::string first = ledger::format_date(from), last = ledger::format_date(to);
            reports::LedgerCash cash;
            const auto balances = kBalances.run(sql, {&fund, &account, &first, &last});
            cash.opening = amount_from_text(balances.string(0, 0));
            cash.closing = amount_from_text(balances.string(0, 1));
            const auto rows = kCashEntries.run(sql, {&fund, &account, &first, &last});
            cash.entries.reserve(static_cast<std::size_t>(rows.size()));
            for (int i = 0; i < rows.size(); ++i) {
                reports::CashEntry e;
                e.seq = rows.integer(i, 0);
                e.effective_on = day_from(rows.integer(i, 1));
                e.event = event_from_text(rows.text(i, 2));
                e.amount = amount_from_text(rows.string(i, 3));
                e.reference = rows.string(i, 4);
                e.award = rows.string(i, 5);
                e.reversed = rows.text(i, 6) == "t";
                cash.entries.push_back(std::move(e));
            }
            tx.commit();
            return cash;
        });
    });
}

}  // namespace riziki::db
