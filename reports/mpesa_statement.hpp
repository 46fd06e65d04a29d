#pragma once
/// The M-Pesa organisation statement as the portal downloads it (SPEC §15, issue 20 item 1):
/// read from CSV into lines with exact amounts. Pure: text in, lines or the first error out;
/// no database, no clock, no I/O.
///
/// What real files do, and what this reader accepts:
/// - title and summary rows before the header (the header row is the first whose first cell
///   is `Receipt No.`); columns found by their header name, in any order;
/// - newest rows first (kept in file order; nothing here depends on the order);
/// - amounts with thousands separators (`"1,500.00"`), and `Withdrawn` sometimes negative
///   (`-1500.00`): it is read as its magnitude; an empty amount is zero;
/// - charges as rows of their own, naming their payment in `Linked Transaction ID`;
/// - `Failed` rows (kept, with their status);
/// - completion times as `2026-10-03 14:22:05`, `03/10/2026 14:22` or `03-10-2026 02:22 PM`
///   (day first, as Safaricom exports in Kenya).
/// `Other Party Info` (a name and a masked phone) is never kept: the line struct has no
/// field for it, so nothing downstream can store or log it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ledger/date.hpp"
#include "ledger/money.hpp"

namespace riziki::reports {

/// A moment on the statement: the day and the seconds since that day's midnight (East
/// Africa Time, as printed; no time zone is applied).
struct StatementTime {
    ledger::Date day;
    int seconds = 0;
    friend bool operator==(const StatementTime&, const StatementTime&) = default;
};

struct StatementLine {
    int line = 0;  ///< 1-based line of the file, for messages
    std::string receipt;
    StatementTime completed;
    std::string details;
    std::string status;  ///< as printed: "Completed", "Failed", …
    ledger::Amount paid_in = 0;
    ledger::Amount withdrawn = 0;  ///< a magnitude, whatever its sign in the file
    std::optional<ledger::Amount> balance;
    std::string reason_type;
    std::string linked_transaction;
    std::string account_number;  ///< `A/C No.`: an award id or survivor code, when typed
};

/// Why a file was refused, at which line and column (both 1-based; column counts cells).
struct StatementError {
    int line = 0;
    int column = 0;
    std::string field;   ///< the header name of the column, or "" for the file or a row
    std::string reason;  ///< a stable snake_case reason, e.g. invalid_amount
};

struct StatementLimits {
    std::size_t bytes_max = 32U << 20;
    std::size_t lines_max = 200'000;
    std::size_t line_bytes_max = 8192;
};

/// The statement's lines, or the first error. `currency` gives the amounts' digits.
std::variant<std::vector<StatementLine>, StatementError> read_statement_csv(
    std::string_view text, const ledger::Currency& currency, const StatementLimits& limits = {});

/// Parses one completion time in any of the three formats above.
std::optional<StatementTime> parse_statement_time(std::string_view text);

}  // namespace riziki::reports
