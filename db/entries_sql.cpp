#include "db/entries_sql.hpp"

#include <algorithm>
#include <stdexcept>

#include "db/copy_stream.hpp"
#include "db/sql.hpp"

namespace riziki::db {

namespace {

// Both reads are binary COPYs (no parameters), completed by a seq range in the text.
constexpr const char* kEntryHeaders = R"(
SELECT seq, effective_on, memo, event, recorded_by, recorded_at, reverses, prev_hash, hash,
       posting_count
FROM entries WHERE )";
constexpr const char* kEntriesOrder = " ORDER BY seq";
constexpr const char* kPostingColumns =
    "SELECT entry_seq, account, fund, currency, amount_minor, survivor, award";
// For verify: what each posting carries of its entry, checked against the entry.
constexpr const char* kCarriedColumns = ", effective_on, counts_as";
constexpr const char* kPostingsWhere = " FROM postings WHERE ";
constexpr const char* kPostingsOrder = " ORDER BY entry_seq, line";

/// Folds one posting's carried day (column 7) and event (column 8) into its entry's facts.
void carry(const ledger::Entry& entry, const CopyStream& posting, CarriedFacts& facts) {
    facts.days_match = facts.days_match && posting.date(7) == entry.draft.effective_on;
    const auto event = posting.bytes(8);
    const bool first = entry.draft.postings.size() == 1;
    if (first)
        facts.counts_as = ledger::parse_event(event);
    else if (facts.counts_as != ledger::parse_event(event))
        facts.counts_as.reset();
}

/// Entries in (from, to], restricted to the seqs in `only` ("{1,2,3}", digits and commas
/// only, so it can be spelt as a literal: COPY takes no parameters) unless empty. One
/// binary COPY per table; entries and postings both ascend by seq and are walked together.
/// With `carried`, the postings' day and event are read too and compared with the entry's.
std::vector<ledger::Entry> load(soci::session& sql, long long from, long long to,
                                const std::string& only, std::vector<CarriedFacts>* carried) {
    const auto filter = [&](const std::string& column) {
        std::string out =
            column + " > " + std::to_string(from) + " AND " + column + " <= " + std::to_string(to);
        if (!only.empty())
            out += " AND " + column + " = ANY('" + only + "'::bigint[])";
        return out;
    };
    std::vector<ledger::Entry> entries;
    entries.reserve(static_cast<std::size_t>(std::clamp(to - from, 0LL, 100000LL)));
    CopyStream headers(sql, kEntryHeaders + filter("seq") + kEntriesOrder);
    const auto hash = [](std::string_view bytes) {
        ledger::Hash out{};
        if (bytes.size() != out.size())
            throw std::runtime_error("stored hash is not 32 bytes");
        std::copy(bytes.begin(), bytes.end(), out.begin());
        return out;
    };
    while (headers.next()) {
        ledger::Entry& entry = entries.emplace_back();
        entry.seq = headers.int8(0);
        entry.draft.effective_on = headers.date(1);
        entry.draft.memo = headers.bytes(2);
        entry.draft.event = event_from_text(headers.bytes(3));
        entry.draft.recorded_by = headers.bytes(4);
        entry.recorded_at_us = headers.timestamp_us(5);
        if (!headers.is_null(6))
            entry.draft.reverses = headers.int8(6);
        entry.prev_hash = hash(headers.bytes(7));
        entry.hash = hash(headers.bytes(8));
        entry.draft.postings.reserve(static_cast<std::size_t>(std::clamp(headers.int4(9), 0, 500)));
    }
    if (entries.empty())
        return entries;

    CopyStream postings(sql, std::string(kPostingColumns) + (carried ? kCarriedColumns : "") +
                                 kPostingsWhere + filter("entry_seq") + kPostingsOrder);
    if (carried)
        carried->assign(entries.size(), {});
    std::size_t at = 0;
    while (postings.next()) {
        const auto seq = postings.int8(0);
        while (at < entries.size() && entries[at].seq < seq)
            ++at;
        if (at == entries.size() || entries[at].seq != seq)
            throw std::runtime_error("posting without its entry");
        entries[at].draft.postings.push_back(
            {std::string(postings.bytes(1)), std::string(postings.bytes(2)),
             std::string(postings.bytes(3)), postings.amount(4), std::string(postings.bytes(5)),
             std::string(postings.bytes(6))});
        if (carried)
            carry(entries[at], postings, (*carried)[at]);
    }
    return entries;
}

}  // namespace

std::vector<ledger::Entry> load_entries(soci::session& sql, std::int64_t from_seq,
                                        std::int64_t to_seq, std::vector<CarriedFacts>* carried) {
    return load(sql, from_seq, to_seq, "", carried);
}

std::vector<ledger::Entry> load_entries(soci::session& sql, const std::vector<std::int64_t>& seqs) {
    if (seqs.empty())
        return {};
    ArrayLiteral only;
    for (auto seq : seqs)
        only.add(static_cast<long long>(seq));
    const auto [low, high] = std::minmax_element(seqs.begin(), seqs.end());
    return load(sql, *low - 1, *high, std::move(only).finish(), nullptr);
}

}  // namespace riziki::db
