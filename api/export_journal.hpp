#pragma once
/// Feeds the journal from db::JournalReads through a reports::JournalExport (CLI and HTTP).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ledger/date.hpp"
#include "reports/export.hpp"

namespace riziki::db {
class JournalReads;
}

namespace riziki::api {

/// Entries per page read from the database and per piece written: a page of this many
/// entries is a few hundred KiB of text (docs/performance.md measures the server's memory).
inline constexpr std::size_t kExportPageEntries = 1000;

/// The export of entries dated from..to (each optional), a piece at a time: the header,
/// then one piece per page of entries read from the database, the last one ending with the
/// balance assertions.
/// Memory stays bounded by one page whatever the journal's size, so an HTTP answer can
/// stream it. `reads` must outlive the stream.
class JournalExportStream {
  public:
    JournalExportStream(db::JournalReads& reads, reports::ExportFormat format,
                        std::optional<ledger::Date> from, std::optional<ledger::Date> to,
                        std::size_t page_entries = kExportPageEntries);
    /// The next piece (possibly empty), or nullopt after the last.
    std::optional<std::string> next();

  private:
    enum class Stage : std::uint8_t { header, entries, done };
    std::string header();
    std::string page();

    db::JournalReads* reads_;
    std::optional<ledger::Date> from_;
    std::optional<ledger::Date> to_;
    std::optional<reports::JournalExport> journal_;  ///< made when the first piece is asked for
    reports::ExportFormat format_;
    std::size_t page_entries_;
    Stage stage_ = Stage::header;
    std::int64_t after_seq_ = 0;
    /// The assertions are dated `to`, or the last day any exported entry is dated.
    ledger::Date last_{std::chrono::year(1970) / 1 / 1};
};

/// Writes the whole export to `sink`, a piece at a time (the CLI's file, a test's string).
void export_journal(db::JournalReads& reads, reports::ExportFormat format,
                    const std::optional<ledger::Date>& from, const std::optional<ledger::Date>& to,
                    const std::function<void(const std::string&)>& sink);

}  // namespace riziki::api
