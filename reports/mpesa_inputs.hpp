#pragma once
/// What the M-Pesa import and reconciliation are built from (SPEC §15): plain data that
/// db/ reads (db::MpesaStore) and api/ hands to reports/ (mpesa_match.hpp,
/// mpesa_reconcile.hpp). Header-only and on ledger/ alone, as inputs.hpp is, so db/ fills
/// these without linking the readers (libzip, expat) or the renderers.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/awards.hpp"
#include "ledger/date.hpp"
#include "ledger/journal.hpp"
#include "ledger/money.hpp"

namespace riziki::reports {

/// A moment on the statement: the day and the seconds since that day's midnight (East
/// Africa Time, as printed; no time zone is applied).
struct StatementTime {
    ledger::Date day;
    int seconds = 0;
    friend bool operator==(const StatementTime&, const StatementTime&) = default;
    friend auto operator<=>(const StatementTime&, const StatementTime&) = default;
};

/// "2026-10-03 14:22:05": how the API answers a statement's time and the database stores it.
inline std::string to_text(const StatementTime& time) {
    const auto two = [](int n) {
        return std::string(1, static_cast<char>('0' + n / 10 % 10)) +
               static_cast<char>('0' + n % 10);
    };
    return ledger::format_date(time.day) + " " + two(time.seconds / 3600) + ":" +
           two(time.seconds / 60 % 60) + ":" + two(time.seconds % 60);
}
/// The same, "" for none.
inline std::string to_text(const std::optional<StatementTime>& time) {
    return time ? to_text(*time) : std::string();
}

// ---- Matching (mpesa_match.hpp) ----

/// What a ledger entry did with an M-Pesa reference.
enum class ReferenceKind : std::uint8_t { disbursement, repayment, fee, other };

/// An M-Pesa reference the ledger already uses (payment references per channel, SPEC §5).
struct LedgerReference {
    std::string receipt;     ///< the reference: an M-Pesa receipt number
    std::int64_t entry = 0;  ///< the entry's seq
    ReferenceKind kind = ReferenceKind::other;
    ledger::Amount amount = 0;  ///< what moved through M-Pesa: paid out (without its fee),
                                ///< repaid, the fee, or the entry's cash amount
    ledger::Amount fee = 0;     ///< disbursements: the fee recorded with it (0 for none)
    std::string award;          ///< "" when the entry names none
    ledger::Date effective_on;
};

/// What the ledger knows, as the matching needs it.
struct MatchSnapshot {
    std::string fund;     ///< the statement's fund: awards of other funds are not named
    int window_days = 3;  ///< rule 3: the line's day at most this many days from the entry's
    std::vector<LedgerReference> references;  ///< the fund's M-Pesa references
    /// The core's view, as for ledger::plan: the fund's awards with their figures (others
    /// may be present and are ignored), its cash, the references used.
    ledger::Books books;
    ledger::LedgerContext context;  ///< accounts, the fund's currency, closed periods
    std::string recorded_by;        ///< the user importing, for the planned entries
};

enum class MatchState : std::uint8_t { matched, proposed, charge, ignored, unmatched };
inline constexpr std::size_t kMatchStates = 5;
inline constexpr std::array<std::string_view, kMatchStates> kMatchStateNames{
    "matched", "proposed", "charge", "ignored", "unmatched"};

/// "matched", "proposed", "charge", "ignored", "unmatched" (SPEC §15).
inline std::string_view to_string(MatchState state) {
    return kMatchStateNames[static_cast<std::size_t>(state)];
}
inline std::optional<MatchState> parse_match_state(std::string_view text) {
    for (std::size_t i = 0; i < kMatchStates; ++i) {
        if (kMatchStateNames[i] == text)
            return static_cast<MatchState>(i);
    }
    return std::nullopt;
}

// ---- An import as stored (migration 0026), and the reconciliation's ledger side ----

/// A statement line as kept: no `Details`, no `Other Party Info`, and the `A/C No.` only
/// when it is an award id or survivor code.
struct StoredLine {
    int line = 0;
    std::string receipt;
    StatementTime completed;
    std::string status;
    ledger::Amount paid_in = 0;
    ledger::Amount withdrawn = 0;
    std::optional<ledger::Amount> balance;
    std::string reason_type;
    std::string linked_receipt;
    std::string account_code;  ///< "" unless an award id or survivor code
    MatchState state = MatchState::unmatched;
    std::string reason;
    std::optional<std::int64_t> entry;  ///< matched, a charge's disbursement, or posted
    std::string award;
};

struct StoredStatement {
    std::int64_t id = 0;
    std::string fund;
    std::string account;
    std::string currency;
    std::string file_sha256;  ///< hex
    std::string file_format;  ///< "csv" or "xlsx"
    std::string imported_by;
    std::int64_t imported_at_us = 0;  ///< microseconds since the epoch, UTC
    int window_days = 3;
    std::optional<StatementTime> first_at, last_at;
    std::optional<ledger::Amount> opening, closing;
    int posted = 0;
    std::vector<StoredLine> lines;  ///< in file order
};

/// An entry that moved the fund's M-Pesa account in the statement's days.
struct CashEntry {
    std::int64_t seq = 0;
    ledger::Date effective_on;
    ledger::Event event = ledger::Event::manual;
    ledger::Amount amount = 0;  ///< the sum of its postings to the account for the fund
    std::string reference;      ///< its M-Pesa payment reference, "" for none
    std::string award;          ///< "" when it names none
    bool reversed = false;      ///< a later entry reverses it
};

/// The ledger's side of a statement: the account's balance for the fund before its first
/// day and at the end of its last, and every entry between.
struct LedgerCash {
    ledger::Amount opening = 0;
    ledger::Amount closing = 0;
    std::vector<CashEntry> entries;  ///< by seq
};

}  // namespace riziki::reports
