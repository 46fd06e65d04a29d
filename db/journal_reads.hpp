#pragma once
/// Reads of the journal (head, entries, balances, the chart, closed periods) and closing a
/// period, on a borrowed db::Pool.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/read_limits.hpp"
#include "ledger/journal.hpp"

namespace riziki::db {

struct JournalHead {
    std::int64_t seq = 0;
    ledger::Hash hash{};
};

struct BalanceRow {
    std::string account;
    std::string fund;
    std::string currency;
    ledger::Amount balance = 0;
};

struct PeriodRecord {
    std::string period;  ///< YYYY-MM
    std::string closed_at;
    std::string closed_by;
    std::int64_t closed_after_seq = 0;
};

/// Filters for listing entries; empty strings and absent dates do not filter.
struct EntryFilter {
    std::optional<ledger::Date> from;
    std::optional<ledger::Date> to;
    std::string account;
    std::string fund;
    std::string survivor;
    std::string award;
};

class JournalReads {
  public:
    /// `limits` bound the reads that grow with the journal (balances, find_entries: the
    /// trial balance and the export); one that runs past them throws QueryTimeout.
    explicit JournalReads(Pool& pool, ReadLimits limits = {}) : pool_(&pool), limits_(limits) {}

    JournalHead head();
    std::optional<ledger::Entry> entry(std::int64_t seq);
    /// Entries with seq > after_seq, ascending, at most `limit`.
    std::vector<ledger::Entry> entries_after(std::int64_t after_seq, std::size_t limit);
    /// Balance of one account in one fund as of the end of `as_of` (all time if absent).
    ledger::Amount balance(const std::string& account, const std::string& fund,
                           const std::optional<ledger::Date>& as_of);
    /// Every non-empty account x fund x currency balance as of the end of `as_of`, for one
    /// fund when `fund` is not empty.
    std::vector<BalanceRow> balances(const std::optional<ledger::Date>& as_of,
                                     const std::string& fund = "");
    /// Entries matching `filter` with seq > after_seq, ascending, at most `limit`.
    std::vector<ledger::Entry> find_entries(const EntryFilter& filter, std::int64_t after_seq,
                                            std::size_t limit);
    ledger::LedgerContext context();
    /// The fund's currency, or nullopt if there is no such fund. Cached (in the pool): a
    /// fund's currency never changes and funds are never deleted (the database enforces both).
    std::optional<std::string> fund_currency(const std::string& fund);
    std::vector<ledger::Account> accounts();
    std::vector<PeriodRecord> periods();

    /// Closes a month to new entries, with an audit line (`period.close`, subject the
    /// month) in the same transaction; period_already_closed if it was.
    [[nodiscard]] ledger::Rejection close_period(const ledger::Period& period,
                                                 const std::string& actor,
                                                 const std::string& request_id);

  private:
    Pool* pool_;
    ReadLimits limits_;
};

}  // namespace riziki::db
