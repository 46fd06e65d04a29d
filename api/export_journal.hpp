#pragma once
/// Feeds the journal from db::JournalReads through a reports::JournalExport (CLI and HTTP).

#include <functional>
#include <optional>
#include <string>

#include "ledger/date.hpp"
#include "reports/export.hpp"

namespace riziki::db {
class JournalReads;
}

namespace riziki::api {

/// Writes the export of entries dated from..to (each optional) in chunks to `sink`.
void export_journal(db::JournalReads& reads, reports::ExportFormat format,
                    const std::optional<ledger::Date>& from, const std::optional<ledger::Date>& to,
                    const std::function<void(const std::string&)>& sink);

}  // namespace riziki::api
