#pragma once
/// Journal exports an auditor can check with their own tools (SPEC §10): an
/// hledger/ledger journal, a beancount file, and CSV. Each posts to one sub-account per
/// account x fund and ends with a balance assertion for every one of them, stating the
/// balance Riziki has stored, so the auditor's tool re-derives and confirms it.
///
/// Pure: entries and stored balances are handed in; text comes out.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/journal.hpp"

namespace riziki::reports {

enum class ExportFormat : std::uint8_t { hledger, beancount, csv };
std::optional<ExportFormat> parse_export_format(std::string_view text);
std::string_view content_type(ExportFormat format);

/// A stored balance to assert at the end of the export.
struct StoredBalance {
    std::string account;
    std::string fund;
    std::string currency;
    ledger::Amount balance = 0;
};

/// Writes an export incrementally: header(), entry() for each entry in sequence order,
/// then finish() with the stored balances as of `as_of` (the last day exported).
class JournalExport {
  public:
    JournalExport(ExportFormat format, std::vector<ledger::Account> chart);
    /// Commodity and account declarations; `opening` (stored balances the day before the
    /// first exported day) becomes an opening entry when the export starts mid-history.
    std::string header(const std::vector<StoredBalance>& opening,
                       const std::optional<ledger::Date>& opening_on);
    std::string entry(const ledger::Entry& entry);
    /// Balance assertions for every account x fund seen, zero ones included.
    std::string finish(const std::vector<StoredBalance>& stored, const ledger::Date& as_of);

  private:
    std::string account_name(const std::string& account, const std::string& fund) const;
    std::string amount(const ledger::Amount& minor, const std::string& currency) const;
    void remember(const std::string& account, const std::string& fund, const std::string& currency);

    ExportFormat format_;
    std::vector<ledger::Account> chart_;
    std::vector<StoredBalance> seen_;  ///< account x fund pairs that appeared, balance unused
};

}  // namespace riziki::reports
