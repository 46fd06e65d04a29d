#include "db/awards_sql.hpp"

#include "db/prepared.hpp"
#include "db/record_rows.hpp"

#include <algorithm>
#include <stdexcept>

namespace riziki::db {

namespace {

constexpr const char* kSelectAllAwards = R"(
FROM awards a)";

// Each award's postings with the account, the event counted under and the day (the postings
// carry them, migration 0007, so no entry is looked up), read from index
// postings_award_figures alone (migration 0024). award_sums_from adds them up by day,
// account and event: almost every posting of an award has a day of its own, so a GROUP BY
// here grouped next to nothing and cost a third of the read.
constexpr const char* kSelectFigures = R"(
SELECT x.award, p.account, p.counts_as, p.effective_on::text, p.amount_minor::text
FROM unnest(CAST($1 AS text[])) AS x(award)
CROSS JOIN LATERAL (SELECT q.account, q.amount_minor, q.counts_as, q.effective_on
                    FROM postings q WHERE q.award = x.award OFFSET 0) p
WHERE p.effective_on <= CAST($2 AS date))";

// Sums per account and counted event, for ledger::add_posting to fold (add_fund_sum): of
// the postings effective by a date, or all of them as fund_sums keeps them (migration 0022).
constexpr const char* kFundSums = R"(
SELECT account, counts_as, min(effective_on)::text, sum(amount_minor)::text FROM postings
WHERE fund = :f AND effective_on <= CAST(:d AS date)
GROUP BY 1, 2)";
constexpr const char* kStoredFundSums = R"(
SELECT account, counts_as, first_on::text, amount_minor::text FROM fund_sums WHERE fund = :f)";

constexpr const char* kSelectCash = R"(
SELECT f.fund, COALESCE((SELECT sum(last.closing_minor) FROM (
           SELECT DISTINCT ON (b.account) b.closing_minor FROM daily_balances b
           WHERE b.fund = f.fund AND b.account IN ('1010', '1020', '1030')
           ORDER BY b.account, b.day DESC) last), 0)::text
FROM unnest(CAST($1 AS text[])) AS f(fund))";

// In use: not given back by a reversal of the entry that used it.
constexpr const char* kSelectReferences = R"(
SELECT r.channel, r.reference
FROM unnest(CAST($1 AS text[]), CAST($2 AS text[])) AS u(c, ref)
CROSS JOIN LATERAL (SELECT q.channel, q.reference, q.entry_seq FROM payment_references q
                    WHERE q.channel = u.c AND q.reference = u.ref OFFSET 0) r
LEFT JOIN LATERAL (SELECT true AS gone FROM entries x
                   WHERE x.reverses = r.entry_seq OFFSET 0) g ON true
WHERE g.gone IS NULL)";

// The event of each entry seq in $1, a primary-key probe each (as below).
constexpr const char* kSelectEvents = R"(
SELECT e.seq, e.event FROM unnest(CAST($1 AS bigint[])) AS x(seq)
CROSS JOIN LATERAL (SELECT y.seq, y.event FROM entries y WHERE y.seq = x.seq OFFSET 0) e)";

// Run in every writer batch: prepared once per connection. Each a primary-key probe per
// id (LATERAL ... OFFSET 0): `id = ANY(...)` let the generic plan scan the whole table
// while its statistics still called it small.
const std::string kAwardsByIdText =
    std::string(AwardColumns::kSelect) +
    " FROM unnest(CAST($1 AS text[])) AS x(id) CROSS JOIN LATERAL (SELECT * FROM awards y "
    "WHERE y.id = x.id OFFSET 0) a";
const PreparedQuery kAwardsById("riziki_awards_by_id", kAwardsByIdText.c_str());
const PreparedQuery kFigures("riziki_award_sums", kSelectFigures);
const PreparedQuery kCash("riziki_fund_cash", kSelectCash);
const PreparedQuery kReferences("riziki_used_references", kSelectReferences);
const PreparedQuery kEvents("riziki_entry_events", kSelectEvents);

std::string id_array(const std::set<std::string>& ids) {
    ArrayLiteral array;
    for (const auto& id : ids)
        array.add(id);
    return std::move(array).finish();
}

/// Dates are read as days since 1970 (`day - DATE '1970-01-01'`): no text to parse.
ledger::Date date_from(int days_since_1970) {
    return ledger::date_from_days(days_since_1970);
}

}  // namespace

ledger::Amount amount_from_text(const std::string& text) {
    const auto amount = ledger::from_decimal_string(text);
    if (!amount)
        throw std::runtime_error("stored amount is not an integer of minor units");
    return *amount;
}

const char* const AwardColumns::kSelect = R"(
SELECT a.id, a.survivor, a.fund, a.currency, a.kind, a.approved_minor::text,
       a.approved_on - DATE '1970-01-01', a.status, a.interest_rate::text, a.interest_period,
       a.interest_method, a.amortization, a.installments, a.repayment_every, a.repayment_unit,
       a.first_due_on - DATE '1970-01-01', a.grace_on_principal, a.grace_on_interest,
       a.installment_multiple_minor::text, a.currency_multiple_minor::text)";

AwardColumns::AwardColumns(std::size_t rows) : rows_(rows) {
    reset();
}

void AwardColumns::bind(soci::statement& st) {
    st.exchange(soci::into(id_));
    st.exchange(soci::into(survivor_));
    st.exchange(soci::into(fund_));
    st.exchange(soci::into(currency_));
    st.exchange(soci::into(kind_));
    st.exchange(soci::into(approved_));
    st.exchange(soci::into(approved_on_));
    st.exchange(soci::into(status_));
    st.exchange(soci::into(rate_, rate_null_));
    st.exchange(soci::into(period_, period_null_));
    st.exchange(soci::into(method_, method_null_));
    st.exchange(soci::into(amortization_, amortization_null_));
    st.exchange(soci::into(installments_, installments_null_));
    st.exchange(soci::into(every_, every_null_));
    st.exchange(soci::into(unit_, unit_null_));
    st.exchange(soci::into(first_due_on_, first_due_null_));
    st.exchange(soci::into(grace_principal_, grace_principal_null_));
    st.exchange(soci::into(grace_interest_, grace_interest_null_));
    st.exchange(soci::into(installment_multiple_, installment_multiple_null_));
    st.exchange(soci::into(currency_multiple_, currency_multiple_null_));
}

void AwardColumns::reset() {
    for (auto* column :
         {&id_, &survivor_, &fund_, &currency_, &kind_, &approved_, &status_, &rate_, &period_,
          &method_, &amortization_, &unit_, &installment_multiple_, &currency_multiple_}) {
        column->resize(rows_);
    }
    for (auto* column : {&approved_on_, &installments_, &every_, &first_due_on_, &grace_principal_,
                         &grace_interest_}) {
        column->resize(rows_);
    }
    for (auto* column :
         {&rate_null_, &period_null_, &method_null_, &amortization_null_, &unit_null_,
          &installments_null_, &every_null_, &first_due_null_, &grace_principal_null_,
          &grace_interest_null_, &installment_multiple_null_, &currency_multiple_null_}) {
        column->resize(rows_);
    }
}

const ledger::Decimal& AwardColumns::rate(const std::string& text) const {
    auto it = rates_.find(text);
    if (it == rates_.end()) {
        const auto parsed = ledger::parse_rate(text);
        if (!parsed)
            throw std::runtime_error("stored loan terms are malformed");
        it = rates_.emplace(text, *parsed).first;
    }
    return it->second;
}

std::optional<ledger::LoanTerms> AwardColumns::terms(std::size_t i) const {
    if (rate_null_[i] == soci::i_null)
        return std::nullopt;
    const auto period = ledger::parse_interest_period(period_[i]);
    const auto method = ledger::parse_interest_method(method_[i]);
    const auto amortization = ledger::parse_amortization(amortization_[i]);
    const auto unit = ledger::parse_repayment_unit(unit_[i]);
    if (!period || !method || !amortization || !unit)
        throw std::runtime_error("stored loan terms are malformed");
    ledger::LoanTerms t;
    t.interest_rate = rate(rate_[i]);
    t.interest_period = *period;
    t.interest_method = *method;
    t.amortization = *amortization;
    t.installments = installments_[i];
    t.repayment_every = every_[i];
    t.repayment_unit = *unit;
    if (first_due_null_[i] != soci::i_null)
        t.first_due_on = date_from(first_due_on_[i]);
    t.grace_on_principal = grace_principal_[i];
    t.grace_on_interest = grace_interest_[i];
    if (installment_multiple_null_[i] != soci::i_null)
        t.installment_multiple = amount_from_text(installment_multiple_[i]);
    if (currency_multiple_null_[i] != soci::i_null)
        t.currency_multiple = amount_from_text(currency_multiple_[i]);
    return t;
}

ledger::Award AwardColumns::take(std::size_t i) {
    ledger::Award a;
    a.id = std::move(id_[i]);
    a.survivor = std::move(survivor_[i]);
    a.fund = std::move(fund_[i]);
    a.currency = std::move(currency_[i]);
    a.kind = *ledger::parse_award_kind(kind_[i]);
    a.approved = amount_from_text(approved_[i]);
    a.approved_on = date_from(approved_on_[i]);
    a.status = *ledger::parse_award_status(status_[i]);
    a.terms = terms(i);
    return a;
}

void AwardColumns::fill(const TextRows& rows) {
    rows_ = static_cast<std::size_t>(rows.size());
    reset();
    for (int r = 0; r < rows.size(); ++r) {
        const auto i = static_cast<std::size_t>(r);
        int column = 0;
        for (auto* text : {&id_, &survivor_, &fund_, &currency_, &kind_, &approved_})
            (*text)[i] = rows.string(r, column++);
        approved_on_[i] = static_cast<int>(rows.integer(r, column++));
        status_[i] = rows.string(r, column++);
        // The loan terms, each NULL for a grant, in kSelect's order.
        const auto nullable = [&](soci::indicator& null) {
            null = rows.is_null(r, column) ? soci::i_null : soci::i_ok;
            return null == soci::i_ok;
        };
        const auto text = [&](std::vector<std::string>& values,
                              std::vector<soci::indicator>& null) {
            if (nullable(null[i]))
                values[i] = rows.string(r, column);
            ++column;
        };
        const auto number = [&](std::vector<int>& values, std::vector<soci::indicator>& null) {
            if (nullable(null[i]))
                values[i] = static_cast<int>(rows.integer(r, column));
            ++column;
        };
        text(rate_, rate_null_);
        text(period_, period_null_);
        text(method_, method_null_);
        text(amortization_, amortization_null_);
        number(installments_, installments_null_);
        number(every_, every_null_);
        text(unit_, unit_null_);
        number(first_due_on_, first_due_null_);
        number(grace_principal_, grace_principal_null_);
        number(grace_interest_, grace_interest_null_);
        text(installment_multiple_, installment_multiple_null_);
        text(currency_multiple_, currency_multiple_null_);
    }
}

namespace {

/// Every award, in blocks.
std::map<std::string, ledger::Award> fetch_all_awards(soci::session& sql) {
    std::map<std::string, ledger::Award> awards;
    AwardColumns columns(1024);
    soci::statement st(sql);
    st.alloc();
    st.prepare(std::string(AwardColumns::kSelect) + kSelectAllAwards);
    columns.bind(st);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            auto award = columns.take(i);
            awards.emplace(award.id, std::move(award));
        }
        columns.reset();
    }
    return awards;
}

}  // namespace

std::map<std::string, ledger::Award> select_awards(soci::session& sql,
                                                   const std::set<std::string>& ids) {
    if (ids.empty())
        return {};
    const std::string array = id_array(ids);
    return awards_from(kAwardsById.run(sql, {&array}));
}

bool add_awards(Pipeline& pipeline, const std::set<std::string>& ids) {
    if (ids.empty())
        return false;
    const std::string array = id_array(ids);
    pipeline.add(kAwardsById, {&array});
    return true;
}

std::map<std::string, ledger::Award> awards_from(const TextRows& rows) {
    std::map<std::string, ledger::Award> awards;
    AwardColumns columns(1);
    columns.fill(rows);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        auto award = columns.take(i);
        awards.emplace(award.id, std::move(award));
    }
    return awards;
}

std::map<std::string, ledger::Award> select_all_awards(soci::session& sql) {
    return fetch_all_awards(sql);
}

std::map<std::string, ledger::PostingSums> select_award_sums(
    soci::session& sql, const std::set<std::string>& ids,
    const std::optional<ledger::Date>& as_of) {
    if (ids.empty())
        return {};
    const std::string array = id_array(ids);
    const std::string until = as_of ? ledger::format_date(*as_of) : "infinity";
    return award_sums_from(kFigures.run(sql, {&array, &until}), ids);
}

bool add_award_sums(Pipeline& pipeline, const std::set<std::string>& ids) {
    if (ids.empty())
        return false;
    const std::string array = id_array(ids);
    const std::string until = "infinity";
    pipeline.add(kFigures, {&array, &until});
    return true;
}

std::map<std::string, ledger::PostingSums> award_sums_from(const TextRows& rows,
                                                           const std::set<std::string>& ids) {
    std::map<std::string, ledger::PostingSums> sums;
    for (const auto& id : ids)
        sums[id];
    for (int i = 0; i < rows.size(); ++i) {
        const auto day = ledger::parse_date(rows.text(i, 3));
        if (!day)
            throw std::runtime_error("stored date out of range");
        sums[rows.string(i, 0)][{*day, rows.string(i, 1), event_from_text(rows.text(i, 2))}] +=
            amount_from_text(rows.string(i, 4));
    }
    return sums;
}

std::map<std::string, ledger::AwardFigures> select_award_figures(
    soci::session& sql, const std::set<std::string>& ids,
    const std::optional<ledger::Date>& as_of) {
    std::map<std::string, ledger::AwardFigures> figures;
    for (const auto& [id, sums] : select_award_sums(sql, ids, as_of))
        figures[id] = ledger::figures_of(sums);
    return figures;
}

ledger::FundFigures select_fund_figures(soci::session& sql, const std::string& fund,
                                        const std::optional<ledger::Date>& as_of) {
    ledger::FundFigures figures;
    if (!as_of) {
        soci::rowset<soci::row> rows = (sql.prepare << kStoredFundSums, soci::use(fund));
        for (const auto& row : rows)
            add_fund_sum(figures, row, 0);
        return figures;
    }
    const std::string until = ledger::format_date(*as_of);
    soci::rowset<soci::row> rows = (sql.prepare << kFundSums, soci::use(fund), soci::use(until));
    for (const auto& row : rows)
        add_fund_sum(figures, row, 0);
    return figures;
}

std::map<std::string, ledger::Amount, std::less<>> select_fund_cash(
    soci::session& sql, const std::set<std::string>& funds) {
    std::map<std::string, ledger::Amount, std::less<>> cash;
    if (funds.empty())
        return cash;
    const std::string array = id_array(funds);
    const auto rows = kCash.run(sql, {&array});
    for (int i = 0; i < rows.size(); ++i)
        cash[rows.string(i, 0)] = amount_from_text(rows.string(i, 1));
    return cash;
}

namespace {

/// The used-references query's two parameters: channels and references, in step.
std::pair<std::string, std::string> reference_arrays(
    const std::set<std::pair<ledger::Channel, std::string>>& references) {
    ArrayLiteral channels, refs;
    for (const auto& [channel, reference] : references) {
        channels.add(ledger::to_string(channel));
        refs.add(reference);
    }
    return {std::move(channels).finish(), std::move(refs).finish()};
}

}  // namespace

bool add_used_references(Pipeline& pipeline,
                         const std::set<std::pair<ledger::Channel, std::string>>& references) {
    if (references.empty())
        return false;
    const auto [c, r] = reference_arrays(references);
    pipeline.add(kReferences, {&c, &r});
    return true;
}

std::set<std::pair<ledger::Channel, std::string>> used_references(const TextRows& rows) {
    std::set<std::pair<ledger::Channel, std::string>> used;
    for (int i = 0; i < rows.size(); ++i)
        used.emplace(*ledger::parse_channel(rows.text(i, 0)), rows.string(i, 1));
    return used;
}

std::map<std::int64_t, ledger::Event> select_events(soci::session& sql,
                                                    const std::set<std::int64_t>& seqs) {
    std::map<std::int64_t, ledger::Event> events;
    if (seqs.empty())
        return events;
    ArrayLiteral array;
    for (auto seq : seqs)
        array.add(static_cast<long long>(seq));
    const std::string text = std::move(array).finish();
    const auto rows = kEvents.run(sql, {&text});
    for (int i = 0; i < rows.size(); ++i)
        events[rows.integer(i, 0)] = event_from_text(rows.text(i, 1));
    return events;
}

}  // namespace riziki::db
