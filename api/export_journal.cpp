#include "api/export_journal.hpp"

#include "db/journal_reads.hpp"

namespace riziki::api {

namespace {

constexpr std::size_t kChunkEntries = 5000;

std::vector<reports::StoredBalance> stored_balances(db::JournalReads& journal,
                                                    const ledger::Date& as_of) {
    std::vector<reports::StoredBalance> out;
    for (const auto& row : journal.balances(as_of)) {
        out.push_back({row.account, row.fund, row.currency, row.balance});
    }
    return out;
}

}  // namespace

void export_journal(db::JournalReads& reads, reports::ExportFormat format,
                    const std::optional<ledger::Date>& from, const std::optional<ledger::Date>& to,
                    const std::function<void(const std::string&)>& sink) {
    reports::JournalExport journal(format, reads.accounts());
    std::optional<ledger::Date> opening_on;
    std::vector<reports::StoredBalance> opening;
    if (from) {
        opening_on = ledger::date_from_days(ledger::days_since_epoch(*from) - 1);
        opening = stored_balances(reads, *opening_on);
    }
    sink(journal.header(opening, opening_on));
    // The assertions are dated `to`, or the last day any exported entry is dated.
    ledger::Date last = opening_on.value_or(ledger::Date(std::chrono::year(1970) / 1 / 1));
    const db::EntryFilter filter{from, to, "", "", "", ""};
    std::int64_t after = 0;
    for (;;) {
        const auto entries = reads.find_entries(filter, after, kChunkEntries);
        std::string chunk;
        for (const auto& entry : entries) {
            chunk += journal.entry(entry);
            last = std::max(last, entry.draft.effective_on);
        }
        sink(chunk);
        if (entries.size() < kChunkEntries)
            break;
        after = entries.back().seq;
    }
    const ledger::Date as_of = to.value_or(last);
    sink(journal.finish(stored_balances(reads, as_of), as_of));
}

}  // namespace riziki::api
