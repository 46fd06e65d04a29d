#include "db/store.hpp"

#include <soci/connection-pool.h>

#include "db/entries_sql.hpp"
#include "db/sql.hpp"

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
ORDER BY k.account, k.fund)";

constexpr const char* kFarFuture = "9999-12-31";

ledger::Amount parse_stored_amount(const std::string& text) {
    const auto value = ledger::from_decimal_string(text);
    if (!value) throw std::runtime_error("stored balance is out of range");
    return *value;
}

}  // namespace

struct Store::Impl {
    explicit Impl(std::size_t size) : pool(size) {}
    soci::connection_pool pool;
};

Store::Store(std::string conninfo, std::size_t pool_size)
    : impl_(std::make_unique<Impl>(pool_size)) {
    for (std::size_t i = 0; i < pool_size; ++i) open_session(impl_->pool.at(i), conninfo);
}

Store::~Store() = default;

JournalHead Store::head() {
    soci::session sql(impl_->pool);
    long long seq = 0;
    std::string hash;
    sql << "SELECT seq, encode(hash, 'hex') FROM journal_head", soci::into(seq), soci::into(hash);
    return {seq, hash_from_bytea(hash)};
}

std::optional<ledger::Entry> Store::entry(std::int64_t seq) {
    soci::session sql(impl_->pool);
    auto entries = load_entries(sql, seq - 1, seq);
    if (entries.empty()) return std::nullopt;
    return std::move(entries.front());
}

std::vector<ledger::Entry> Store::entries_after(std::int64_t after_seq, std::size_t limit) {
    soci::session sql(impl_->pool);
    return load_entries(sql, after_seq, after_seq + static_cast<std::int64_t>(limit));
}

ledger::Amount Store::balance(const std::string& account, const std::string& fund,
                              const std::optional<ledger::Date>& as_of) {
    soci::session sql(impl_->pool);
    const std::string day = as_of ? ledger::format_date(*as_of) : kFarFuture;
    std::string text;
    sql << kBalanceAsOf, soci::use(account), soci::use(fund), soci::use(day), soci::into(text);
    return parse_stored_amount(text);
}

std::vector<BalanceRow> Store::balances(const std::optional<ledger::Date>& as_of) {
    soci::session sql(impl_->pool);
    const std::string day = as_of ? ledger::format_date(*as_of) : kFarFuture;
    std::vector<BalanceRow> out;
    soci::rowset<soci::row> rows = (sql.prepare << kBalancesAsOf, soci::use(day));
    for (const auto& row : rows) {
        out.push_back({row.get<std::string>(0), row.get<std::string>(1),
                       row.get<std::string>(2), parse_stored_amount(row.get<std::string>(3))});
    }
    return out;
}

ledger::LedgerContext Store::context() {
    soci::session sql(impl_->pool);
    return load_context(sql);
}

bool Store::create_fund(const std::string& code, const std::string& currency,
                        const std::string& name) {
    soci::session sql(impl_->pool);
    int inserted = 0;
    sql << "WITH i AS (INSERT INTO funds (code, currency, name) VALUES (:c, :cur, :n) "
           "ON CONFLICT (code) DO NOTHING RETURNING 1) SELECT count(*) FROM i",
        soci::use(code), soci::use(currency), soci::use(name), soci::into(inserted);
    return inserted == 1;
}

ledger::Rejection Store::close_period(const ledger::Period& period, const std::string& actor) {
    soci::session sql(impl_->pool);
    const std::string text = ledger::format_period(period);
    int inserted = 0;
    sql << "WITH i AS (INSERT INTO periods (period, closed_by, closed_after_seq) "
           "VALUES (:p, :a, 0) ON CONFLICT (period) DO NOTHING RETURNING 1) "
           "SELECT count(*) FROM i",
        soci::use(text), soci::use(actor), soci::into(inserted);
    return inserted == 1 ? ledger::Rejection::none : ledger::Rejection::period_already_closed;
}

}  // namespace riziki::db
