#include "reports/xlsx_book.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "reports/display.hpp"

namespace riziki::reports::xlsx {

namespace {

/// A temporary file, removed when this goes out of scope.
class TempFile {
  public:
    TempFile() {
        path_ = (std::filesystem::temp_directory_path() / "riziki-xlsx-XXXXXX").string();
        const int fd = ::mkstemp(path_.data());
        if (fd < 0)
            throw std::runtime_error("cannot create a temporary file for the XLSX: " +
                                     std::string(std::strerror(errno)));
        ::close(fd);
    }
    ~TempFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

void check(lxw_error error) {
    if (error != LXW_NO_ERROR)
        throw std::runtime_error(std::string("XLSX writing failed: ") + lxw_strerror(error));
}

/// The double an XLSX numeric cell holds for the exact decimal `text` ("1500.00", "83.3"),
/// or nullopt when it cannot hold it faithfully. A cell stores a binary double, so this is
/// the one place a figure becomes floating point, and nothing is computed with it after.
/// from_chars gives the double nearest to the decimal and, unlike strtod, ignores the
/// locale. A decimal of at most 15 significant digits (DBL_DIG) reads back unchanged; a
/// longer one is written as text rather than rounded silently.
std::optional<double> exact_number(const std::string& text) {
    std::size_t significant = 0;
    bool leading = true;
    for (char c : text) {
        if (c < '0' || c > '9')
            continue;
        leading = leading && c == '0';
        if (!leading)
            ++significant;
    }
    if (significant > 15)
        return std::nullopt;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

/// `#,##0.00 "KES"`: grouped, with exactly the currency's minor-unit digits.
std::string money_pattern(const std::string& currency) {
    const int digits = ledger::find_currency(currency)->digits();
    return "#,##0" + (digits > 0 ? "." + std::string(static_cast<std::size_t>(digits), '0') : "") +
           " \"" + currency + "\"";
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in)
        throw std::runtime_error("cannot read back the XLSX from " + path);
    return bytes.str();
}

}  // namespace

std::string write_workbook(const std::function<void(Workbook&)>& fill) {
    TempFile file;
    Workbook book(file.path());
    fill(book);
    book.close();
    return read_all(file.path());
}

Workbook::Workbook(const std::string& path) : book_(workbook_new(path.c_str())) {
    if (book_ == nullptr)
        throw std::runtime_error("cannot start an XLSX workbook at " + path);
    bold_ = workbook_add_format(book_);
    format_set_bold(bold_);
    header_ = workbook_add_format(book_);
    format_set_bold(header_);
    format_set_bottom(header_, LXW_BORDER_THIN);
    wrap_ = workbook_add_format(book_);
    format_set_text_wrap(wrap_);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
}

Workbook::~Workbook() {
    if (book_ != nullptr)
        lxw_workbook_free(book_);  // not closed: an exception is on its way
}

void Workbook::properties(const std::string& title, const std::string& subject) {
    std::string plain_title = display::plain_text(title);
    std::string plain_subject = display::plain_text(subject);
    std::string author = "Riziki";
    lxw_doc_properties properties{};
    properties.title = plain_title.data();
    properties.subject = plain_subject.data();
    properties.author = author.data();
    check(workbook_set_properties(book_, &properties));
}

void Workbook::close() {
    lxw_workbook* book = book_;
    book_ = nullptr;
    check(workbook_close(book));  // frees the workbook whatever it returns
}

lxw_worksheet* Workbook::add_sheet(const std::string& name) {
    lxw_worksheet* sheet = workbook_add_worksheet(book_, name.c_str());
    if (sheet == nullptr)
        throw std::runtime_error("cannot add the XLSX sheet " + name);
    return sheet;
}

lxw_format* Workbook::number_format(const std::string& pattern) {
    auto& format = formats_[pattern];
    if (format == nullptr) {
        format = workbook_add_format(book_);
        format_set_num_format(format, pattern.c_str());
    }
    return format;
}

Sheet::Sheet(Workbook& book, const std::string& title, const std::string& name,
             const std::vector<Column>& columns)
    : book_(book), sheet_(book.add_sheet(name)) {
    text(0, 0, title, book.bold_);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto col = static_cast<lxw_col_t>(i);
        check(worksheet_set_column(sheet_, col, col, columns[i].width, nullptr));
        text(2, col, columns[i].heading, book.header_);
    }
    worksheet_freeze_panes(sheet_, 3, 0);
    row_ = 3;
}

void Sheet::add_row(const std::vector<Cell>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
        write(static_cast<lxw_col_t>(i), cells[i]);
    ++row_;
}

void Sheet::add_paragraph(const std::string& value) {
    text(row_, 0, value, book_.wrap_);
    ++row_;
}

/// A text cell, the only way text reaches a sheet. libxlsxwriter escapes & < >, but writes
/// invalid UTF-8 as it comes, which no spreadsheet opens: plain_text takes it out first,
/// with the control characters, as in every other rendering.
void Sheet::text(lxw_row_t row, lxw_col_t col, const std::string& value, lxw_format* format) {
    const std::string plain = display::plain_text(value);
    check(worksheet_write_string(sheet_, row, col, plain.c_str(), format));
}

/// A decimal as a numeric cell when a double holds it faithfully, else as text.
void Sheet::number(lxw_col_t col, const std::string& decimal, const std::string& pattern) {
    if (const auto value = exact_number(decimal))
        check(worksheet_write_number(sheet_, row_, col, *value, book_.number_format(pattern)));
    else
        text(row_, col, decimal, nullptr);
}

void Sheet::write(lxw_col_t col, const Cell& cell) {
    if (const auto* plain = std::get_if<std::string>(&cell)) {
        text(row_, col, *plain, nullptr);
    } else if (const auto* money = std::get_if<Money>(&cell)) {
        if (!money->amount) {
            text(row_, col, "not shown", nullptr);
            return;
        }
        const auto currency = *ledger::find_currency(money->currency);
        number(col, ledger::format_amount(*money->amount, currency),
               money_pattern(money->currency));
    } else if (const auto* decimal = std::get_if<Number>(&cell)) {
        number(col, decimal->decimal, decimal->pattern);
    } else {
        const auto& date = std::get<ledger::Date>(cell);
        lxw_datetime value{static_cast<int>(date.year()),
                           static_cast<int>(static_cast<unsigned>(date.month())),
                           static_cast<int>(static_cast<unsigned>(date.day())),
                           0,
                           0,
                           0};
        check(
            worksheet_write_datetime(sheet_, row_, col, &value, book_.number_format("yyyy-mm-dd")));
    }
}

}  // namespace riziki::reports::xlsx
