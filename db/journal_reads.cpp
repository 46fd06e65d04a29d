#include "db/journal_reads.hpp"

#include "db/common_sql.hpp"
#include "db/entries_sql.hpp"
#include "db/errors.hpp"
#include "db/pool_impl.hpp"
#include "db/sql.hpp"
#include "db/timed_read.hpp"

namespace riziki::db {

namespace {

// The latest daily closing on or before the date: one descending index read.
constexpr const char* kBalanceAsOf = R"(
SELECT COALESCE((SELECT closing_minor::text FROM daily_balances
                 WHERE account = :a AND fund = :f AND day <= CAST(:d AS date)
                 ORDER BY day DESC LIMIT 1), '0'))";

// One index read per account x fund x currency key (a skip scan written as LATERAL).
constexpr const char* kBalancesAsOf = R"(
WITH RECURSIVE keys AS (
    (SELECT account, fund, currency FROM daily_balances
     ORDER BY account, fund, currency LIMIT 1)
    UNION ALL
    SELECT n.account, n.fund, n.currency FROM keys k, LATERAL (
        SELECT account, fund, currency FROM daily_balances d
        WHERE (d.account, d.fund, d.currency) > (k.account, k.fund, k.currency)
        ORDER BY account, fund, currency LIMIT 1) n
)
SELECT k.account, k.fund, k.currency, b.closing_minor::text
FROM keys k, LATERAL (
    SELECT closing_minor FROM daily_balances d
    WHERE d.account = k.account AND d.fund = k.fund AND d.currency = k.currency
      AND d.day <= CAST(:d AS date)
    ORDER BY day DESC LIMIT 1) b
WHERE b.closing_minor <> 0
  AND (:f = '' OR k.fund = :f)
ORDER BY k.account, k.fund)";

// Entry seqs matching optional filters; the posting filters must hold on one posting.
constexpr const char* kFindEntries = R"(
SELECT e.seq FROM entries e
WHERE e.seq > :after
  AND (:from = '' OR e.effective_on >= CAST(NULLIF(:from, '') AS date))
  AND (:to = '' OR e.effective_on <= CAST(NULLIF(:to, '') AS date))
  AND (:a || :f || :s || :w = '' OR EXISTS (
      SELECT 1 FROM postings p WHERE p.entry_seq = e.seq
        AND (:a = '' OR p.account = :a) AND (:f = '' OR p.fund = :f)
        AND (:s = '' OR p.survivor = :s) AND (:w = '' OR p.award = :w)))
ORDER BY e.seq LIMIT :limit)";

constexpr const char* kSelectAccounts = "SELECT code, name, type FROM accounts ORDER BY code";

// closed_at as RFC 3339 in UTC, whatever the session's time zone.
constexpr const char* kSelectPeriods = R"(
SELECT period, to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), closed_by,
       closed_after_seq
FROM periods ORDER BY period)";

// Counts the rows inserted: 0 when the period was already closed. closed_after_seq is
// filled in by the database (the 0 is overwritten by a trigger).
// closed_after_seq is set by the trigger (the journal head, under its lock).
constexpr const char* kClosePeriod = R"(
INSERT INTO periods (period, closed_by, closed_after_seq)
VALUES (:p, :a, 0) ON CONFLICT (period) DO NOTHING RETURNING closed_after_seq)";

// Chained by the database (trigger audit_log_link), after the journal head's lock: the
// order the writer takes the two heads in.
constexpr const char* kAuditClose = R"(
INSERT INTO audit_log (actor, request_id, action, subject, detail)
VALUES (:a, :r, 'period.close', :p, 'closed_after_seq=' || :s))";

constexpr const char* kFarFuture = "9999-12-31";

/// Runs `work(sql)` on a pooled connection within `limits` (db/timed_read.hpp).
template <typename Work>
auto with_timed_session(Pool& pool, const ReadLimits& limits, Work&& work) {
    return pool.impl().with_session(
        [&](soci::session& sql) { return timed_read(sql, limits, work); });
}

ledger::Amount parse_stored_amount(const std::string& text) {
    const auto value = ledger::from_decimal_string(text);
    if (!value)
        throw std::runtime_error("stored balance is out of range");
    return *value;
}

}  // namespace

JournalHead JournalReads::head() {
    return pool_->impl().with_session([](soci::session& sql) {
        long long seq = 0;
        std::string hash;
        sql << kSelectHead, soci::into(seq), soci::into(hash);
        return JournalHead{seq, hash_from_bytea(hash)};
    });
}

std::optional<ledger::Entry> JournalReads::entry(std::int64_t seq) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<ledger::Entry> {
        auto entries = load_entries(sql, seq - 1, seq);
        if (entries.empty())
            return std::nullopt;
        return std::move(entries.front());
    });
}

std::vector<ledger::Entry> JournalReads::entries_after(std::int64_t after_seq, std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        return load_entries(sql, after_seq, after_seq + static_cast<std::int64_t>(limit));
    });
}

std::vector<ledger::Entry> JournalReads::find_entries(const EntryFilter& filter,
                                                      std::int64_t after_seq, std::size_t limit) {
    return with_timed_session(*pool_, limits_, [&](soci::session& sql) {
        const std::string from = filter.from ? ledger::format_date(*filter.from) : "";
        const std::string to = filter.to ? ledger::format_date(*filter.to) : "";
        const long long after = after_seq;
        const long long count = static_cast<long long>(limit);
        std::vector<std::int64_t> seqs;
        soci::rowset<long long> rows =
            (sql.prepare << kFindEntries, soci::use(after), soci::use(from), soci::use(from),
             soci::use(to), soci::use(to), soci::use(filter.account), soci::use(filter.fund),
             soci::use(filter.survivor), soci::use(filter.award), soci::use(filter.account),
             soci::use(filter.account), soci::use(filter.fund), soci::use(filter.fund),
             soci::use(filter.survivor), soci::use(filter.survivor), soci::use(filter.award),
             soci::use(filter.award), soci::use(count));
        for (long long seq : rows)
            seqs.push_back(seq);
        return load_entries(sql, seqs);
    });
}

ledger::Amount JournalReads::balance(const std::string& account, const std::string& fund,
                                     const std::optional<ledger::Date>& as_of) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const std::string day = as_of ? ledger::format_date(*as_of) : kFarFuture;
        std::string text;
        sql << kBalanceAsOf, soci::use(account), soci::use(fund), soci::use(day), soci::into(text);
        return parse_stored_amount(text);
    });
}

std::vector<BalanceRow> JournalReads::balances(const std::optional<ledger::Date>& as_of,
                                               const std::string& fund) {
    return with_timed_session(*pool_, limits_, [&](soci::session& sql) {
        const std::string day = as_of ? ledger::format_date(*as_of) : kFarFuture;
        std::vector<BalanceRow> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << kBalancesAsOf, soci::use(day), soci::use(fund), soci::use(fund));
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), row.get<std::string>(1),
                           row.get<std::string>(2), parse_stored_amount(row.get<std::string>(3))});
        }
        return out;
    });
}

ledger::LedgerContext JournalReads::context() {
    return pool_->impl().with_session([](soci::session& sql) { return load_context(sql); });
}

std::optional<std::string> JournalReads::fund_currency(const std::string& fund) {
    return pool_->impl().fund_currencies.get(fund, [&] {
        return pool_->impl().with_session([&](soci::session& sql) -> std::optional<std::string> {
            std::string found;
            sql << kSelectFundCurrency, soci::use(fund), soci::into(found);
            if (!sql.got_data())
                return std::nullopt;
            return found;
        });
    });
}

std::vector<ledger::Account> JournalReads::accounts() {
    return pool_->impl().with_session([](soci::session& sql) {
        std::vector<ledger::Account> out;
        soci::rowset<soci::row> rows = (sql.prepare << kSelectAccounts);
        for (const auto& row : rows) {
            const auto type = ledger::parse_account_type(row.get<std::string>(2));
            if (!type)
                throw std::runtime_error("stored account has an unknown type");
            out.push_back({row.get<std::string>(0), row.get<std::string>(1), *type});
        }
        return out;
    });
}

std::vector<PeriodRecord> JournalReads::periods() {
    return pool_->impl().with_session([](soci::session& sql) {
        std::vector<PeriodRecord> out;
        soci::rowset<soci::row> rows = (sql.prepare << kSelectPeriods);
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), row.get<std::string>(1),
                           row.get<std::string>(2), row.get<long long>(3)});
        }
        return out;
    });
}

ledger::Rejection JournalReads::close_period(const ledger::Period& period, const std::string& actor,
                                             const std::string& request_id) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const std::string text = ledger::format_period(period);
            soci::transaction tx(sql);
            long long after_seq = 0;
            sql << kClosePeriod, soci::use(text), soci::use(actor), soci::into(after_seq);
            if (!sql.got_data())
                return ledger::Rejection::period_already_closed;
            const std::string seq_text = std::to_string(after_seq);
            sql << kAuditClose, soci::use(actor), soci::use(request_id), soci::use(text),
                soci::use(seq_text);
            tx.commit();
            return ledger::Rejection::none;
        },
        false);
}

}  // namespace riziki::db
