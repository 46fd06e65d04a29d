#pragma once
/// The one XLSX writer of the reports (the donor report, the M-Pesa reconciliation), over
/// libxlsxwriter: sheets filled a row at a time under a title row and a header row, with
/// typed cells (text, money in the currency's format, exact numbers, dates). Internal to
/// reports/: the documents' own files say what goes in which cell, and this one how a cell
/// is written, so every workbook escapes text and stores figures the same way.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ledger/date.hpp"
#include "ledger/money.hpp"

// libxlsxwriter's own types, declared here so that only xlsx_book.cpp includes its header.
struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace riziki::reports::xlsx {

/// An amount as a numeric cell with the currency's number format (`#,##0.00 "KES"`), or
/// "not shown" when there is none (suppressed, or nothing to show).
struct Money {
    std::optional<ledger::Amount> amount;
    std::string currency;
};

/// An exact decimal ("1500", "83.3") as a numeric cell with the number format `pattern`
/// ("#,##0", "0.0\" %\""), or as text when a double cannot hold it faithfully.
struct Number {
    std::string decimal;
    std::string pattern;
};

/// What a cell shows: text (through display::plain_text), money, a number, or a day
/// (a date cell formatted yyyy-mm-dd). An empty string leaves the cell empty.
using Cell = std::variant<std::string, Money, Number, ledger::Date>;

/// A column: its heading and its width in characters.
struct Column {
    std::string heading;
    double width = 10;
};

class Workbook;

/// Writes a workbook that `fill` fills, and returns its bytes. libxlsxwriter 1.1.4 writes
/// only to a file, so the workbook goes to a temporary file that is read back and removed.
std::string write_workbook(const std::function<void(Workbook&)>& fill);

/// A workbook being written; made only by write_workbook, which closes it.
class Workbook {
  public:
    ~Workbook();
    Workbook(const Workbook&) = delete;
    Workbook& operator=(const Workbook&) = delete;

    /// The document's title and subject (as text cells are), and Riziki as its author.
    void properties(const std::string& title, const std::string& subject);

  private:
    friend class Sheet;
    friend std::string write_workbook(const std::function<void(Workbook&)>& fill);

    explicit Workbook(const std::string& path);
    void close();
    lxw_worksheet* add_sheet(const std::string& name);
    /// A number format, made once per pattern.
    lxw_format* number_format(const std::string& pattern);

    lxw_workbook* book_;
    lxw_format* bold_ = nullptr;
    lxw_format* header_ = nullptr;
    lxw_format* wrap_ = nullptr;
    std::map<std::string, lxw_format*> formats_;
};

/// One sheet, filled a row at a time under a title row (in bold), an empty row and a
/// header row of the columns' headings; the rows above the figures stay in view.
class Sheet {
  public:
    Sheet(Workbook& book, const std::string& title, const std::string& name,
          const std::vector<Column>& columns);
    // A copy would keep its own count of rows and write over the rows of the other.
    Sheet(const Sheet&) = delete;
    Sheet& operator=(const Sheet&) = delete;

    /// A row of cells from the first column; fewer cells than columns leave the rest empty.
    void add_row(const std::vector<Cell>& cells);
    /// A row of one text cell that wraps in its column (a paragraph of notes).
    void add_paragraph(const std::string& text);

  private:
    void text(std::uint32_t row, std::uint16_t col, const std::string& value, lxw_format* format);
    void number(std::uint16_t col, const std::string& decimal, const std::string& pattern);
    void write(std::uint16_t col, const Cell& cell);

    Workbook& book_;
    lxw_worksheet* sheet_;
    std::uint32_t row_ = 0;
};

}  // namespace riziki::reports::xlsx
