#pragma once
/// Reads of the journal and the few writes that are not entries (funds, period closes).
/// Thread-safe: each call borrows a connection from a fixed-size pool.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

class Store {
public:
    Store(std::string conninfo, std::size_t pool_size);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    JournalHead head();
    std::optional<ledger::Entry> entry(std::int64_t seq);
    /// Entries with seq > after_seq, ascending, at most `limit`.
    std::vector<ledger::Entry> entries_after(std::int64_t after_seq, std::size_t limit);
    /// Balance of one account in one fund as of the end of `as_of` (all time if absent).
    ledger::Amount balance(const std::string& account, const std::string& fund,
                           const std::optional<ledger::Date>& as_of);
    /// Every non-empty account x fund x currency balance as of the end of `as_of`.
    std::vector<BalanceRow> balances(const std::optional<ledger::Date>& as_of);
    ledger::LedgerContext context();

    /// Creates a fund (a donor agreement in one currency). False if the code exists.
    bool create_fund(const std::string& code, const std::string& currency,
                     const std::string& name);
    /// Closes a month to new entries; period_already_closed if it was.
    [[nodiscard]] ledger::Rejection close_period(const ledger::Period& period,
                                                 const std::string& actor);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace riziki::db
