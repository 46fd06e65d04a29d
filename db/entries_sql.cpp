#include "db/entries_sql.hpp"

#include <algorithm>
#include <stdexcept>

#include "db/sql.hpp"

namespace riziki::db {

namespace {

constexpr std::size_t kFetchRows = 4096;

// Two forms of each query, a range and a list of seqs, rather than one with an optional
// filter: a prepared statement's generic plan for "(:s = '' OR seq = ANY(...))" scans the
// whole table, which made every chunk of verify cost the size of the journal.
constexpr const char* kSelectEntriesRange = R"(
SELECT seq, to_char(effective_on, 'YYYY-MM-DD'), memo, event, recorded_by,
       (extract(epoch FROM recorded_at) * 1000000)::bigint, COALESCE(reverses, 0),
       encode(prev_hash, 'hex'), encode(hash, 'hex')
FROM entries
WHERE seq > :a AND seq <= :b
ORDER BY seq)";

constexpr const char* kSelectEntriesListed = R"(
SELECT seq, to_char(effective_on, 'YYYY-MM-DD'), memo, event, recorded_by,
       (extract(epoch FROM recorded_at) * 1000000)::bigint, COALESCE(reverses, 0),
       encode(prev_hash, 'hex'), encode(hash, 'hex')
FROM entries
WHERE seq > :a AND seq <= :b AND seq = ANY(CAST(:s AS bigint[]))
ORDER BY seq)";

constexpr const char* kSelectPostingsRange = R"(
SELECT entry_seq, account, fund, currency, amount_minor::text, COALESCE(survivor, ''),
       COALESCE(award, '')
FROM postings
WHERE entry_seq > :a AND entry_seq <= :b
ORDER BY entry_seq, line)";

constexpr const char* kSelectPostingsListed = R"(
SELECT entry_seq, account, fund, currency, amount_minor::text, COALESCE(survivor, ''),
       COALESCE(award, '')
FROM postings
WHERE entry_seq > :a AND entry_seq <= :b AND entry_seq = ANY(CAST(:s AS bigint[]))
ORDER BY entry_seq, line)";

/// Binds (from, to) and, for a list, the seqs.
template <typename Statement>
void bind_range(Statement& st, long long& from, long long& to, const std::string& only) {
    st.exchange(soci::use(from));
    st.exchange(soci::use(to));
    if (!only.empty())
        st.exchange(soci::use(only));
}

void load_headers(soci::session& sql, long long from, long long to, const std::string& only,
                  std::vector<ledger::Entry>& out) {
    std::vector<long long> seq(kFetchRows), at(kFetchRows), reverses(kFetchRows);
    std::vector<std::string> day(kFetchRows), memo(kFetchRows), event(kFetchRows), by(kFetchRows),
        prev(kFetchRows), hash(kFetchRows);
    soci::statement st(sql);
    st.alloc();
    st.prepare(only.empty() ? kSelectEntriesRange : kSelectEntriesListed);
    st.exchange(soci::into(seq));
    st.exchange(soci::into(day));
    st.exchange(soci::into(memo));
    st.exchange(soci::into(event));
    st.exchange(soci::into(by));
    st.exchange(soci::into(at));
    st.exchange(soci::into(reverses));
    st.exchange(soci::into(prev));
    st.exchange(soci::into(hash));
    bind_range(st, from, to, only);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        for (std::size_t i = 0; i < seq.size(); ++i) {
            ledger::Entry entry;
            entry.seq = seq[i];
            entry.recorded_at_us = at[i];
            const auto date = ledger::parse_date(day[i]);
            if (!date)
                throw std::runtime_error("stored entry has an invalid date");
            entry.draft.effective_on = *date;
            entry.draft.memo = std::move(memo[i]);
            entry.draft.event = std::move(event[i]);
            entry.draft.recorded_by = std::move(by[i]);
            if (reverses[i] != 0)
                entry.draft.reverses = reverses[i];
            entry.prev_hash = hash_from_bytea(prev[i]);
            entry.hash = hash_from_bytea(hash[i]);
            out.push_back(std::move(entry));
        }
        for (auto* v : {&seq, &at, &reverses})
            v->resize(kFetchRows);
        for (auto* v : {&day, &memo, &event, &by, &prev, &hash})
            v->resize(kFetchRows);
    }
}

}  // namespace

namespace {

/// Entries in (from, to], restricted to the seqs in the array literal `only` unless empty.
std::vector<ledger::Entry> load(soci::session& sql, long long from, long long to,
                                const std::string& only) {
    std::vector<ledger::Entry> entries;
    load_headers(sql, from, to, only, entries);
    if (entries.empty())
        return entries;

    std::vector<long long> seq(kFetchRows);
    std::vector<std::string> account(kFetchRows), fund(kFetchRows), currency(kFetchRows),
        amount(kFetchRows), survivor(kFetchRows), award(kFetchRows);
    soci::statement st(sql);
    st.alloc();
    st.prepare(only.empty() ? kSelectPostingsRange : kSelectPostingsListed);
    st.exchange(soci::into(seq));
    st.exchange(soci::into(account));
    st.exchange(soci::into(fund));
    st.exchange(soci::into(currency));
    st.exchange(soci::into(amount));
    st.exchange(soci::into(survivor));
    st.exchange(soci::into(award));
    bind_range(st, from, to, only);
    st.define_and_bind();
    st.execute();
    std::size_t at = 0;  // entries and postings both ascend by seq: walk them together
    while (st.fetch()) {
        for (std::size_t i = 0; i < seq.size(); ++i) {
            while (at < entries.size() && entries[at].seq < seq[i])
                ++at;
            if (at == entries.size() || entries[at].seq != seq[i]) {
                throw std::runtime_error("posting without its entry");
            }
            const auto value = ledger::from_decimal_string(amount[i]);
            if (!value)
                throw std::runtime_error("stored amount is out of range");
            entries[at].draft.postings.push_back({std::move(account[i]), std::move(fund[i]),
                                                  std::move(currency[i]), *value,
                                                  std::move(survivor[i]), std::move(award[i])});
        }
        seq.resize(kFetchRows);
        for (auto* v : {&account, &fund, &currency, &amount, &survivor, &award}) {
            v->resize(kFetchRows);
        }
    }
    return entries;
}

}  // namespace

std::vector<ledger::Entry> load_entries(soci::session& sql, std::int64_t from_seq,
                                        std::int64_t to_seq) {
    return load(sql, from_seq, to_seq, "");
}

std::vector<ledger::Entry> load_entries(soci::session& sql, const std::vector<std::int64_t>& seqs) {
    if (seqs.empty())
        return {};
    ArrayLiteral only;
    for (auto seq : seqs)
        only.add(static_cast<long long>(seq));
    const auto [low, high] = std::minmax_element(seqs.begin(), seqs.end());
    return load(sql, *low - 1, *high, std::move(only).finish());
}

}  // namespace riziki::db
