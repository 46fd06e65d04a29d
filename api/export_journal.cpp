#include "api/export_journal.hpp"

#include "db/journal_reads.hpp"

namespace riziki::api {

namespace {

std::vector<reports::StoredBalance> stored_balances(db::JournalReads& journal,
                                                    const ledger::Date& as_of) {
    std::vector<reports::StoredBalance> out;
    for (const auto& row : journal.balances(as_of)) {
        out.push_back({row.account, row.fund, row.currency, row.balance});
    }
    return out;
}

}  // namespace

JournalExportStream::JournalExportStream(db::JournalReads& reads, reports::ExportFormat format,
                                         std::optional<ledger::Date> from,
                                         std::optional<ledger::Date> to, std::size_t page_entries)
    : reads_(&reads), from_(from), to_(to), format_(format), page_entries_(page_entries) {}

std::optional<std::string> JournalExportStream::next() {
    switch (stage_) {
        case Stage::header:
            stage_ = Stage::entries;
            return header();
        case Stage::entries:
            return page();
        case Stage::done:
            break;
    }
    return std::nullopt;
}

std::string JournalExportStream::header() {
    journal_.emplace(format_, reads_->accounts());
    std::optional<ledger::Date> opening_on;
    std::vector<reports::StoredBalance> opening;
    if (from_) {
        opening_on = ledger::date_from_days(ledger::days_since_epoch(*from_) - 1);
        opening = stored_balances(*reads_, *opening_on);
        last_ = *opening_on;
    }
    return journal_->header(opening, opening_on);
}

std::string JournalExportStream::page() {
    const db::EntryFilter filter{from_, to_, "", "", "", ""};
    const auto entries = reads_->find_entries(filter, after_seq_, page_entries_);
    std::string piece;
    for (const auto& entry : entries) {
        piece += journal_->entry(entry);
        last_ = std::max(last_, entry.draft.effective_on);
    }
    if (entries.size() == page_entries_) {
        after_seq_ = entries.back().seq;
        return piece;
    }
    // The last page: the stored balances are read at once, not after the client has taken
    // this piece, so an entry written meanwhile is as unlikely to fall between the two
    // reads as when the export was built whole.
    stage_ = Stage::done;
    const ledger::Date as_of = to_.value_or(last_);
    return piece + journal_->finish(stored_balances(*reads_, as_of), as_of);
}

void export_journal(db::JournalReads& reads, reports::ExportFormat format,
                    const std::optional<ledger::Date>& from, const std::optional<ledger::Date>& to,
                    const std::function<void(const std::string&)>& sink) {
    JournalExportStream stream(reads, format, from, to);
    while (auto piece = stream.next())
        sink(*piece);
}

}  // namespace riziki::api
