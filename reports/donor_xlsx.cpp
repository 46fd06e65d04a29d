// The donor report as an Excel workbook: a sheet per section, figures as numeric cells with
// the currency's number format, and hidden counts as the text every other rendering shows
// ("<5", "suppressed"). libxlsxwriter 1.1.4 writes only to a file, so the workbook goes to a
// temporary file that is read back and removed.

#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <variant>

#include "reports/display.hpp"
#include "reports/donor_report.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;

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

// What a cell shows.
struct MoneyCell {
    std::optional<Amount> amount;  ///< nullopt: "not shown" (suppressed or nothing to show)
    std::string currency;
};
struct PercentCell {
    std::string text;    ///< "12.34" from the report, "" when there is none
    std::string absent;  ///< what to show instead
};
using Cell = std::variant<std::string, MoneyCell, Count, PercentCell, ledger::Date>;

class Workbook {
  public:
    explicit Workbook(const std::string& path) : book_(workbook_new(path.c_str())) {
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
    ~Workbook() {
        if (book_ != nullptr)
            lxw_workbook_free(book_);  // not closed: an exception is on its way
    }
    Workbook(const Workbook&) = delete;
    Workbook& operator=(const Workbook&) = delete;

    void properties(const DonorReport& r) {
        std::string title =
            display::plain_text("Donor report " + r.fund + " " + ledger::format_date(r.from) +
                                " to " + ledger::format_date(r.to));
        std::string subject = display::plain_text(r.fund_name);
        std::string author = "Riziki";
        lxw_doc_properties properties{};
        properties.title = title.data();
        properties.subject = subject.data();
        properties.author = author.data();
        check(workbook_set_properties(book_, &properties));
    }

    lxw_worksheet* add_sheet(const char* name) {
        lxw_worksheet* sheet = workbook_add_worksheet(book_, name);
        if (sheet == nullptr)
            throw std::runtime_error(std::string("cannot add the XLSX sheet ") + name);
        return sheet;
    }

    /// A number format, made once per pattern.
    lxw_format* number_format(const std::string& pattern) {
        auto& format = formats_[pattern];
        if (format == nullptr) {
            format = workbook_add_format(book_);
            format_set_num_format(format, pattern.c_str());
        }
        return format;
    }

    lxw_format* bold() const { return bold_; }
    lxw_format* header() const { return header_; }
    lxw_format* wrap() const { return wrap_; }

    void close() {
        lxw_workbook* book = book_;
        book_ = nullptr;
        check(workbook_close(book));  // frees the workbook whatever it returns
    }

    static void check(lxw_error error) {
        if (error != LXW_NO_ERROR)
            throw std::runtime_error(std::string("XLSX writing failed: ") + lxw_strerror(error));
    }

  private:
    lxw_workbook* book_;
    lxw_format* bold_ = nullptr;
    lxw_format* header_ = nullptr;
    lxw_format* wrap_ = nullptr;
    std::map<std::string, lxw_format*> formats_;
};

/// `#,##0.00 "KES"`: grouped, with exactly the currency's minor-unit digits.
std::string money_pattern(const std::string& currency) {
    const int digits = ledger::find_currency(currency)->digits();
    return "#,##0" + (digits > 0 ? "." + std::string(static_cast<std::size_t>(digits), '0') : "") +
           " \"" + currency + "\"";
}

/// One sheet, filled a row at a time under a title row (fund and period) and a header row.
class Sheet {
  public:
    Sheet(Workbook& book, const DonorReport& r, const char* name,
          const std::vector<std::pair<std::string, double>>& columns)
        : book_(book), sheet_(book.add_sheet(name)) {
        text(0, 0,
             "Donor report · " + r.fund + " · " + ledger::format_date(r.from) + " to " +
                 ledger::format_date(r.to),
             book.bold());
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto col = static_cast<lxw_col_t>(i);
            Workbook::check(worksheet_set_column(sheet_, col, col, columns[i].second, nullptr));
            text(2, col, columns[i].first, book.header());
        }
        worksheet_freeze_panes(sheet_, 3, 0);
        row_ = 3;
    }

    void add_row(const std::vector<Cell>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i)
            write(static_cast<lxw_col_t>(i), cells[i]);
        ++row_;
    }

    lxw_worksheet* get() const { return sheet_; }
    lxw_row_t row() const { return row_; }

    /// A text cell, the only way text reaches a sheet. libxlsxwriter escapes & < >, but
    /// writes invalid UTF-8 as it comes, which no spreadsheet opens: plain_text takes it out
    /// first, with the control characters, as in every other rendering.
    void text(lxw_row_t at_row, lxw_col_t col, const std::string& value, lxw_format* format) {
        const std::string plain = display::plain_text(value);
        Workbook::check(worksheet_write_string(sheet_, at_row, col, plain.c_str(), format));
    }

  private:
    /// A decimal as a numeric cell when a double holds it faithfully, else as text.
    void number(lxw_col_t col, const std::string& decimal, const std::string& pattern) {
        if (const auto value = exact_number(decimal)) {
            Workbook::check(
                worksheet_write_number(sheet_, row_, col, *value, book_.number_format(pattern)));
        } else {
            text(row_, col, decimal, nullptr);
        }
    }

    void write(lxw_col_t col, const Cell& cell) {
        if (const auto* plain = std::get_if<std::string>(&cell)) {
            text(row_, col, *plain, nullptr);
        } else if (const auto* money = std::get_if<MoneyCell>(&cell)) {
            if (!money->amount) {
                text(row_, col, "not shown", nullptr);
                return;
            }
            const auto currency = *ledger::find_currency(money->currency);
            number(col, ledger::format_amount(*money->amount, currency),
                   money_pattern(money->currency));
        } else if (const auto* count = std::get_if<Count>(&cell)) {
            if (count->suppressed)
                text(row_, col, count->text(), nullptr);  // "<5" or "suppressed"
            else
                number(col, std::to_string(count->value), "#,##0");
        } else if (const auto* percent = std::get_if<PercentCell>(&cell)) {
            const auto point = percent->text.find('.');
            const auto decimals = point == std::string::npos ? 0 : percent->text.size() - point - 1;
            if (percent->text.empty())
                text(row_, col, percent->absent, nullptr);
            else
                number(col, percent->text,
                       (decimals > 0 ? "0." + std::string(decimals, '0') : "0") + "\" %\"");
        } else {
            const auto& date = std::get<ledger::Date>(cell);
            lxw_datetime value{static_cast<int>(date.year()),
                               static_cast<int>(static_cast<unsigned>(date.month())),
                               static_cast<int>(static_cast<unsigned>(date.day())),
                               0,
                               0,
                               0};
            Workbook::check(worksheet_write_datetime(sheet_, row_, col, &value,
                                                     book_.number_format("yyyy-mm-dd")));
        }
    }

    Workbook& book_;
    lxw_worksheet* sheet_;
    lxw_row_t row_ = 0;
};

/// A percentage statistic's cell: the number, kNotShown when hidden, else `absent`.
Cell percent_cell(const Statistic<std::string>& s, const std::string& absent) {
    if (s.hidden())
        return std::string(kNotShown);
    return PercentCell{s.value.value_or(""), absent};
}

/// A median's cell: the amount, kNotShown when hidden, else "not shown".
Cell median_cell(const Statistic<Amount>& s, const std::string& currency) {
    if (s.hidden())
        return std::string(kNotShown);
    if (currency.empty())
        return std::string("not shown");
    return MoneyCell{s.value, currency};
}

MoneyCell money_of(const Amount& amount, const std::string& currency) {
    return {amount, currency};
}

void statement_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    const auto& s = r.statement;
    Sheet sheet(book, r, "Statement", {{"Item", 44}, {"Amount", 22}});
    sheet.add_row({"Fund", r.fund});
    sheet.add_row({"Fund name", r.fund_name});
    sheet.add_row({"Donor", r.donor});
    sheet.add_row({"Currency", c});
    sheet.add_row({"From", r.from});
    sheet.add_row({"To", r.to});
    sheet.add_row({});
    // Outflows are negative, so that the rows from opening to other movements sum to the
    // closing cash.
    sheet.add_row({"Opening cash", money_of(s.opening_cash, c)});
    sheet.add_row({"Donor receipts", money_of(s.receipts, c)});
    sheet.add_row({"Grants paid", money_of(-s.grants_paid, c)});
    sheet.add_row({"Loans disbursed", money_of(-s.loans_disbursed, c)});
    sheet.add_row({"Transfer and M-Pesa fees", money_of(-s.fees, c)});
    sheet.add_row({"Loan principal repaid", money_of(s.principal_repaid, c)});
    sheet.add_row({"Loan interest received", money_of(s.interest_received, c)});
    sheet.add_row({"Overpayments received", money_of(s.overpayments_received, c)});
    sheet.add_row({"Recoveries on written-off loans", money_of(s.recoveries, c)});
    sheet.add_row({"Other cash movements", money_of(s.other_cash_movements, c)});
    sheet.add_row({"Closing cash", money_of(s.closing_cash, c)});
    sheet.add_row({"Grants given in kind (no cash)", money_of(s.grants_in_kind, c)});
    sheet.add_row({"Loans outstanding at period end", money_of(s.loans_outstanding, c)});
}

/// The commitment and its shares: amounts in the currency's format, shares as percentages
/// with two decimals (the 4-place share exactly: 0.6250 is 62.50 %).
void commitment_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    Sheet sheet(book, r, "Commitment",
                {{"Since the fund began, up to the period's end", 50},
                 {"Amount", 22},
                 {"Share of the commitment", 24}});
    for (const auto& line : display::commitment_lines(r.commitment)) {
        const Cell amount =
            line.amount ? Cell(money_of(*line.amount, c)) : Cell(std::string("not recorded"));
        if (line.has_share)
            sheet.add_row({line.label, amount, PercentCell{line.share, "-"}});
        else
            sheet.add_row({line.label, amount});
    }
}

void money_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    Sheet sheet(book, r, "Money by month", {{"Month", 12}, {"Money in", 20}, {"Money out", 20}});
    for (const auto& m : r.months)
        sheet.add_row({m.month, money_of(m.money_in, c), money_of(m.money_out, c)});
}

void reach_sheet(Workbook& book, const DonorReport& r) {
    Sheet sheet(book, r, "Reach", {{"Dimension", 14}, {"Group", 24}, {"Survivors", 12}});
    sheet.add_row({"all", "all", r.survivors_reached});
    for (const auto& b : r.reach) {
        const std::string dimension = b.dimension == "age_band" ? "age band" : b.dimension;
        for (const auto& [group, count] : b.cells)
            sheet.add_row({dimension, display::category(group), count});
    }
}

void awards_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    Sheet sheet(book, r, "Awards", {{"Metric", 44}, {"Value", 22}});
    sheet.add_row({"Awards approved in the period", r.awards_approved});
    sheet.add_row({"Amount approved", money_of(r.amount_approved, c)});
    sheet.add_row({"Amount disbursed", money_of(r.amount_disbursed, c)});
    sheet.add_row({"Median grant", median_cell(r.median_grant, c)});
}

/// The loan book at the period's end, then at each month's end (the PDF's loan chart).
void loan_sheets(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    Sheet loans(book, r, "Loans", {{"Metric", 50}, {"Value", 22}});
    loans.add_row({"Active loans at period end", r.active_loans});
    loans.add_row({"Outstanding principal", money_of(r.loans_outstanding, c)});
    loans.add_row({"Outstanding principal 30+ days late", money_of(r.par30_outstanding, c)});
    loans.add_row({"Portfolio at risk > 30 days (PAR30)", percent_cell(r.par30, "-")});
    loans.add_row({"On-time repayment (paid by due date / fallen due)",
                   percent_cell(r.on_time_repayment_rate, "-")});
    loans.add_row({"Loans written off in the period", r.loans_written_off});
    loans.add_row({"Amount written off", money_of(r.written_off, c)});
    Sheet trend(book, r, "Loans by month",
                {{"Month (at its end)", 18},
                 {"Loans outstanding", 20},
                 {"30+ days late", 20},
                 {"PAR30", 10}});
    for (const auto& p : r.loan_trend) {
        trend.add_row({p.month, money_of(p.outstanding, c), money_of(p.par30_outstanding, c),
                       PercentCell{percent_text(p.par30_outstanding, p.outstanding, 2), "-"}});
    }
}

void outcomes_and_notes_sheets(Workbook& book, const DonorReport& r) {
    Sheet outcomes(book, r, "Outcomes", {{"Metric", 50}, {"Value", 22}});
    for (const auto& [months, share, observed] :
         {std::tuple{"6", &r.operating_6_months, &r.observed_6_months},
          std::tuple{"12", &r.operating_12_months, &r.observed_12_months}}) {
        const std::string after = std::string(months) + " months after first disbursement";
        outcomes.add_row(
            {"Businesses operating " + after, percent_cell(*share, "not yet observed")});
        outcomes.add_row({"Businesses observed " + after, *observed});
    }
    const auto& pc = r.profit_currency;
    outcomes.add_row(
        {"Median monthly profit, first follow-up", median_cell(r.median_profit_first, pc)});
    outcomes.add_row(
        {"Median monthly profit, latest follow-up", median_cell(r.median_profit_latest, pc)});
    outcomes.add_row({"Jobs in the businesses (latest follow-up)", r.jobs_latest});
    Sheet notes(book, r, "Notes", {{"How to read this report", 110}});
    for (const auto& note : r.notes) {
        notes.text(notes.row(), 0, note, book.wrap());
        notes.add_row({});
    }
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

std::string donor_report_xlsx(const DonorReport& report) {
    TempFile file;
    Workbook book(file.path());
    book.properties(report);
    statement_sheet(book, report);
    commitment_sheet(book, report);
    money_sheet(book, report);
    reach_sheet(book, report);
    awards_sheet(book, report);
    loan_sheets(book, report);
    outcomes_and_notes_sheets(book, report);
    book.close();
    return read_all(file.path());
}

}  // namespace riziki::reports
