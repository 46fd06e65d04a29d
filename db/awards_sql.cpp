#include "db/awards_sql.hpp"

#include <stdexcept>

namespace riziki::db {

namespace {

constexpr const char* kSelectAwards = R"(
SELECT id, survivor, fund, currency, kind, approved_minor::text, approved_on::text, status,
       interest_rate::text, interest_period, interest_method, amortization, installments,
       repayment_every, repayment_unit, first_due_on::text, grace_on_principal,
       grace_on_interest, installment_multiple_minor::text, currency_multiple_minor::text
FROM awards WHERE id = ANY(CAST(:ids AS text[])))";

// A reversal counts under the event of the entry it reverses. Each award's postings, and
// each posting's entry, by index: the LATERAL ... OFFSET 0 subqueries cannot be flattened
// into a hash join over the whole journal (see migration 0006).
constexpr const char* kSelectFigures = R"(
SELECT x.award, p.account, COALESCE(o.event, e.event), e.effective_on::text,
       sum(p.amount_minor)::text
FROM unnest(CAST(:ids AS text[])) AS x(award)
CROSS JOIN LATERAL (SELECT q.account, q.amount_minor, q.entry_seq FROM postings q
                    WHERE q.award = x.award OFFSET 0) p
CROSS JOIN LATERAL (SELECT y.event, y.effective_on, y.reverses FROM entries y
                    WHERE y.seq = p.entry_seq OFFSET 0) e
LEFT JOIN LATERAL (SELECT z.event FROM entries z WHERE z.seq = e.reverses OFFSET 0) o ON true
WHERE e.effective_on <= CAST(:as_of AS date)
GROUP BY 1, 2, 3, 4)";

constexpr const char* kSelectCash = R"(
SELECT f.fund, COALESCE((SELECT sum(last.closing_minor) FROM (
           SELECT DISTINCT ON (b.account) b.closing_minor FROM daily_balances b
           WHERE b.fund = f.fund AND b.account IN ('1010', '1020', '1030')
           ORDER BY b.account, b.day DESC) last), 0)::text
FROM unnest(CAST(:funds AS text[])) AS f(fund))";

// In use: not given back by a reversal of the entry that used it.
constexpr const char* kSelectReferences = R"(
SELECT r.channel, r.reference
FROM unnest(CAST(:channels AS text[]), CAST(:refs AS text[])) AS u(c, ref)
CROSS JOIN LATERAL (SELECT q.channel, q.reference, q.entry_seq FROM payment_references q
                    WHERE q.channel = u.c AND q.reference = u.ref OFFSET 0) r
WHERE NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses = r.entry_seq))";

std::string id_array(const std::set<std::string>& ids) {
    ArrayLiteral array;
    for (const auto& id : ids)
        array.add(id);
    return std::move(array).finish();
}

template <typename T>
std::optional<T> optional_column(const soci::row& row, std::size_t i) {
    if (row.get_indicator(i) == soci::i_null)
        return std::nullopt;
    return row.get<T>(i);
}

ledger::Date date_column(const soci::row& row, std::size_t i) {
    const auto date = ledger::parse_date(row.get<std::string>(i));
    if (!date)
        throw std::runtime_error("stored date out of range");
    return *date;
}

std::optional<ledger::LoanTerms> terms_from(const soci::row& row) {
    const auto rate = optional_column<std::string>(row, 8);
    if (!rate)
        return std::nullopt;
    ledger::LoanTerms t;
    const auto parsed_rate = ledger::parse_rate(*rate);
    const auto period = ledger::parse_interest_period(row.get<std::string>(9));
    const auto method = ledger::parse_interest_method(row.get<std::string>(10));
    const auto amortization = ledger::parse_amortization(row.get<std::string>(11));
    const auto unit = ledger::parse_repayment_unit(row.get<std::string>(14));
    if (!parsed_rate || !period || !method || !amortization || !unit)
        throw std::runtime_error("stored loan terms are malformed");
    t.interest_rate = *parsed_rate;
    t.interest_period = *period;
    t.interest_method = *method;
    t.amortization = *amortization;
    t.installments = row.get<int>(12);
    t.repayment_every = row.get<int>(13);
    t.repayment_unit = *unit;
    if (row.get_indicator(15) != soci::i_null)
        t.first_due_on = date_column(row, 15);
    t.grace_on_principal = row.get<int>(16);
    t.grace_on_interest = row.get<int>(17);
    if (auto m = optional_column<std::string>(row, 18))
        t.installment_multiple = amount_from_text(*m);
    if (auto m = optional_column<std::string>(row, 19))
        t.currency_multiple = amount_from_text(*m);
    return t;
}

}  // namespace

ledger::Amount amount_from_text(const std::string& text) {
    const auto amount = ledger::from_decimal_string(text);
    if (!amount)
        throw std::runtime_error("stored amount is not an integer of minor units");
    return *amount;
}

std::map<std::string, ledger::Award> select_awards(soci::session& sql,
                                                   const std::set<std::string>& ids) {
    std::map<std::string, ledger::Award> awards;
    if (ids.empty())
        return awards;
    const std::string array = id_array(ids);
    soci::rowset<soci::row> rows = (sql.prepare << kSelectAwards, soci::use(array));
    for (const auto& row : rows) {
        ledger::Award a;
        a.id = row.get<std::string>(0);
        a.survivor = row.get<std::string>(1);
        a.fund = row.get<std::string>(2);
        a.currency = row.get<std::string>(3);
        a.kind = *ledger::parse_award_kind(row.get<std::string>(4));
        a.approved = amount_from_text(row.get<std::string>(5));
        a.approved_on = date_column(row, 6);
        a.status = *ledger::parse_award_status(row.get<std::string>(7));
        a.terms = terms_from(row);
        awards.emplace(a.id, std::move(a));
    }
    return awards;
}

std::map<std::string, ledger::AwardFigures> select_award_figures(
    soci::session& sql, const std::set<std::string>& ids,
    const std::optional<ledger::Date>& as_of) {
    std::map<std::string, ledger::AwardFigures> figures;
    for (const auto& id : ids)
        figures[id];
    if (ids.empty())
        return figures;
    const std::string array = id_array(ids);
    const std::string until = as_of ? ledger::format_date(*as_of) : "infinity";
    soci::rowset<soci::row> rows =
        (sql.prepare << kSelectFigures, soci::use(array), soci::use(until));
    for (const auto& row : rows) {
        ledger::add_posting(figures[row.get<std::string>(0)], row.get<std::string>(1),
                            row.get<std::string>(2), amount_from_text(row.get<std::string>(4)),
                            date_column(row, 3));
    }
    return figures;
}

std::map<std::string, ledger::Amount, std::less<>> select_fund_cash(
    soci::session& sql, const std::set<std::string>& funds) {
    std::map<std::string, ledger::Amount, std::less<>> cash;
    if (funds.empty())
        return cash;
    const std::string array = id_array(funds);
    soci::rowset<soci::row> rows = (sql.prepare << kSelectCash, soci::use(array));
    for (const auto& row : rows)
        cash[row.get<std::string>(0)] = amount_from_text(row.get<std::string>(1));
    return cash;
}

std::set<std::pair<ledger::Channel, std::string>> select_used_references(
    soci::session& sql, const std::set<std::pair<ledger::Channel, std::string>>& references) {
    std::set<std::pair<ledger::Channel, std::string>> used;
    if (references.empty())
        return used;
    ArrayLiteral channels, refs;
    for (const auto& [channel, reference] : references) {
        channels.add(ledger::to_string(channel));
        refs.add(reference);
    }
    const std::string c = std::move(channels).finish();
    const std::string r = std::move(refs).finish();
    soci::rowset<soci::row> rows = (sql.prepare << kSelectReferences, soci::use(c), soci::use(r));
    for (const auto& row : rows) {
        used.emplace(*ledger::parse_channel(row.get<std::string>(0)), row.get<std::string>(1));
    }
    return used;
}

std::map<std::int64_t, std::string> select_events(soci::session& sql,
                                                  const std::set<std::int64_t>& seqs) {
    std::map<std::int64_t, std::string> events;
    if (seqs.empty())
        return events;
    ArrayLiteral array;
    for (auto seq : seqs)
        array.add(static_cast<long long>(seq));
    const std::string text = std::move(array).finish();
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT seq, event FROM entries WHERE seq = ANY(CAST(:s AS bigint[]))",
         soci::use(text));
    for (const auto& row : rows)
        events[row.get<long long>(0)] = row.get<std::string>(1);
    return events;
}

}  // namespace riziki::db
