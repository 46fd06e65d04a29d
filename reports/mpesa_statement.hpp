#pragma once
/// The M-Pesa organisation statement as the portal downloads it (SPEC §15, issue 20 item 1):
/// read from CSV or XLSX into lines with exact amounts. Pure: bytes in, lines or the first
/// error out; no database, no clock, no I/O (an XLSX file is unzipped in memory).
///
/// Both readers turn their file into rows of cells and share everything after that
/// (mpesa_statement_rows.hpp). What real files do, and what the readers accept:
/// - title and summary rows before the header (the header row is the first whose first cell
///   is `Receipt No.`); columns found by their header name, in any order;
/// - newest rows first (kept in file order; nothing here depends on the order);
/// - amounts with thousands separators (`"1,500.00"`), and `Withdrawn` sometimes negative
///   (`-1500.00`): it is read as its magnitude; an empty amount is zero;
/// - charges as rows of their own, naming their payment in `Linked Transaction ID`;
/// - `Failed` rows (kept, with their status);
/// - completion times as `2026-10-03 14:22:05`, `03/10/2026 14:22` or `03-10-2026 02:22 PM`
///   (day first, as Safaricom exports in Kenya).
/// In XLSX, besides (read_statement_xlsx below):
/// - the first sheet of the workbook; a line's number is its spreadsheet row (a row
///   without one follows the last; rows must come in order), a column's the cell's
///   (column C is 3), whether or not the cells before it are present;
/// - shared strings (rich text runs joined, phonetic runs left out) and inline strings;
/// - amounts stored as numbers, read exactly: the number's text is rounded HALF_EVEN to 15
///   significant digits (what Excel keeps of a double it wrote with 17, so
///   `1499.9999999999998` is 1500) and must then fit the currency's minor units;
///   `1.5E3` is 1500;
/// - completion times stored as date numbers (days since 1899-12-30, or 1904-01-01 for a
///   `date1904` workbook; the fraction to the nearest second), or as text as above.
/// `Other Party Info` (a name and a masked phone) is never kept: the line struct has no
/// field for it, so nothing downstream can store or log it.
///
/// Errors (StatementError::reason): `file_too_large`, `line_too_long`, `unterminated_quote`
/// (CSV), `too_many_lines`, `missing_header`, `missing_column`, `duplicate_column`,
/// `invalid_receipt` (a receipt, or a linked receipt, not of ASCII letters and digits, at
/// most 64), `invalid_time`, `invalid_amount`, `required`, `invalid_text` (a text cell that
/// is not well-formed UTF-8, or holds a NUL), `too_long` (a status or reason type over 200
/// bytes, details or `A/C No.` over 1,000), and for XLSX:
/// - `invalid_xlsx`: not a zip, an encrypted or unreadable entry, a missing part (workbook,
///   its first sheet), malformed XML, a DOCTYPE (refused outright: no DTD, no entity), or a
///   cell that breaks the format (a bad reference, rows or cells out of order, an unknown
///   type, a shared string index out of range);
/// - `xlsx_limit`: a limit of StatementLimits that only XLSX has was reached (entries,
///   decompressed bytes, shared strings, a cell's text).
/// A file-wide XLSX error has line 0, column 0 and the part's name in `field`
/// ("xl/sharedStrings.xml"; "" for the zip itself); one in a cell has its row, its column
/// and the column's header name once the header is read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ledger/date.hpp"
#include "ledger/money.hpp"
#include "reports/mpesa_inputs.hpp"

namespace riziki::reports {

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
    friend bool operator==(const StatementLine&, const StatementLine&) = default;
};

/// Why a file was refused, at which line and column (both 1-based; column counts cells;
/// 0 where the error is not at one).
struct StatementError {
    int line = 0;
    int column = 0;
    std::string field;   ///< the header name of the column, or "" for the file or a row
                         ///< (an XLSX part's name for an error in that part, see above)
    std::string reason;  ///< a stable snake_case reason, e.g. invalid_amount
};

/// What a statement may cost to read. A hostile XLSX is a zip bomb or a billion laughs in
/// waiting: every byte decompressed is counted as it comes (the sizes a zip's headers
/// claim are never trusted), and reading stops at the first limit reached.
struct StatementLimits {
    std::size_t bytes_max = 32U << 20;  ///< the file as given, CSV text or XLSX zip: file_too_large
    std::size_t lines_max = 200'000;    ///< lines after the header: too_many_lines
    std::size_t line_bytes_max = 8192;  ///< a CSV record, or an XLSX row's cell text: line_too_long
    // XLSX only; each gives xlsx_limit.
    std::size_t zip_entries_max = 1'000;              ///< entries in the zip's directory
    std::size_t entry_bytes_max = 256U << 20;         ///< decompressed bytes of one part read
    std::size_t total_bytes_max = 512U << 20;         ///< decompressed bytes of all parts read
    std::size_t shared_strings_max = 2'000'000;       ///< `<si>` in xl/sharedStrings.xml
    std::size_t shared_string_bytes_max = 64U << 20;  ///< their text, all together
    std::size_t cell_bytes_max = 4'096;               ///< one cell's text (a shared one too)
};

/// The statement's lines, or the first error. `currency` gives the amounts' digits.
std::variant<std::vector<StatementLine>, StatementError> read_statement_csv(
    std::string_view text, const ledger::Currency& currency, const StatementLimits& limits = {});

/// The first sheet of an XLSX workbook (the zip's bytes), read as the CSV is; see above.
std::variant<std::vector<StatementLine>, StatementError> read_statement_xlsx(
    std::string_view bytes, const ledger::Currency& currency, const StatementLimits& limits = {});

/// Parses one completion time in any of the three formats above.
std::optional<StatementTime> parse_statement_time(std::string_view text);

}  // namespace riziki::reports
