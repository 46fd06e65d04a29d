#pragma once
/// Internal to the M-Pesa statement readers (mpesa_statement.cpp, mpesa_statement_xlsx.cpp):
/// what both share once a file is read into rows of cells. Each reader turns its format
/// into rows (a CSV record, a spreadsheet row) and hands them here in order; everything
/// after that — the header row, the columns by name, each line's fields, the line limit and
/// the errors — is this one implementation.

#include <array>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reports/mpesa_statement.hpp"

namespace riziki::reports::statement_rows {

/// One cell: its 1-based column (C is 3), its text as the file holds it, and whether the
/// file stored it as a number (an XLSX numeric cell: "1499.9999999999998", "1.5E3", a
/// date's serial "46326.67"). CSV cells are all text.
struct Cell {
    int column = 0;
    std::string text;
    bool number = false;
};

/// A row's cells in column order, each column at most once. A column with no cell is empty:
/// an XLSX row holds only the cells the file has, so `<c r="XFD7"/>` is one cell, not 16,384.
using Row = std::vector<Cell>;

/// How many columns the reader knows by name (mpesa_statement.cpp lists them).
inline constexpr std::size_t kKnownColumns = 10;

/// Each known column's 1-based column in the header row, when the header has it.
using ColumnIndex = std::array<std::optional<int>, kKnownColumns>;

/// Builds the statement from its rows: skips the title and summary rows until the header
/// (the first row whose first cell is `Receipt No.`), maps the columns by their names, then
/// reads each non-blank row as a line.
class StatementBuilder {
  public:
    /// `date1904`: a numeric completion time counts its days from 1904-01-01 (an XLSX
    /// workbook's `date1904`), not from 1899-12-30.
    StatementBuilder(const ledger::Currency& currency, const StatementLimits& limits,
                     bool date1904 = false);

    /// Takes the row at `line` (the file's 1-based line or row number); the error that
    /// refuses the file, if the row has one.
    std::optional<StatementError> add(const Row& row, int line);

    /// The header name of a 1-based column once the header is read, else "".
    std::string column_name(int column) const;

    /// The lines read, or `missing_header` when no row was the header.
    std::variant<std::vector<StatementLine>, StatementError> finish();

  private:
    const ledger::Currency& currency_;
    const StatementLimits& limits_;
    bool date1904_;
    std::optional<ColumnIndex> index_;
    std::vector<StatementLine> lines_;
};

/// Trims ASCII white space from both ends.
std::string_view trim(std::string_view text);

}  // namespace riziki::reports::statement_rows
