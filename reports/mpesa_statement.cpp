#include "reports/mpesa_statement.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "ledger/journal.hpp"
#include "reports/mpesa_statement_rows.hpp"

namespace riziki::reports {

namespace statement_rows {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

}  // namespace statement_rows

namespace {

using statement_rows::Cell;
using statement_rows::ColumnIndex;
using statement_rows::Row;
using statement_rows::trim;

/// A status or reason type longer than this is not one the portal prints.
constexpr std::size_t kStatusBytesMax = 200;
/// Details and `A/C No.`: the portal's own text, or what a payer typed.
constexpr std::size_t kTextBytesMax = 1000;

/// A receipt number as M-Pesa prints them: ASCII letters and digits, at most 64.
bool receipt_text(std::string_view text) {
    return text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
           });
}

enum Column : std::size_t {
    receipt,
    completion_time,
    details,
    transaction_status,
    paid_in,
    withdrawn,
    balance,
    reason_type,
    linked_transaction,
    account_number,
    kColumns
};
static_assert(kColumns == statement_rows::kKnownColumns);

struct ColumnName {
    std::string_view name;
    bool required;
};

/// The columns read, by their header names (`Other Party Info` is deliberately not here).
constexpr std::array<ColumnName, kColumns> kColumnNames{{
    {"Receipt No.", true},
    {"Completion Time", true},
    {"Details", false},
    {"Transaction Status", true},
    {"Paid In", true},
    {"Withdrawn", true},
    {"Balance", false},
    {"Reason Type", false},
    {"Linked Transaction ID", false},
    {"A/C No.", false},
}};

bool same_name(std::string_view a, std::string_view b) {
    a = trim(a);
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Reads CSV records (RFC 4180: quotes, doubled quotes, CRLF or LF) one at a time.
class CsvReader {
  public:
    CsvReader(std::string_view text, const StatementLimits& limits) : text_(text), limits_(limits) {
        if (text_.starts_with("\xEF\xBB\xBF"))
            text_.remove_prefix(3);  // the byte-order mark spreadsheets write
    }

    /// The next record into `row`; false at the end. Sets `error` on a malformed record.
    bool next(Row& row, std::optional<StatementError>& error) {
        row.clear();
        if (at_ >= text_.size())
            return false;
        line_ = next_line_;
        const std::size_t start = at_;
        std::string cell;
        bool quoted = false;
        for (;;) {
            if (at_ - start > limits_.line_bytes_max) {
                error =
                    StatementError{line_, static_cast<int>(row.size()) + 1, "", "line_too_long"};
                return true;
            }
            if (at_ >= text_.size()) {
                if (quoted) {
                    error = StatementError{line_, static_cast<int>(row.size()) + 1, "",
                                           "unterminated_quote"};
                    return true;
                }
                push(row, cell);
                return true;
            }
            const char c = text_[at_++];
            if (quoted) {
                if (c == '"' && at_ < text_.size() && text_[at_] == '"') {
                    cell += '"';
                    ++at_;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    next_line_ += c == '\n' ? 1 : 0;
                    cell += c;
                }
            } else if (c == '"' && trim(cell).empty()) {
                cell.clear();
                quoted = true;
            } else if (c == ',') {
                push(row, cell);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && at_ < text_.size() && text_[at_] == '\n')
                    ++at_;
                ++next_line_;
                push(row, cell);
                return true;
            } else {
                cell += c;
            }
        }
    }

    int line() const { return line_; }

  private:
    /// Every CSV cell is present: the n-th is column n.
    static void push(Row& row, std::string& cell) {
        row.push_back(Cell{static_cast<int>(row.size()) + 1, std::move(cell)});
        cell.clear();
    }

    std::string_view text_;
    StatementLimits limits_;
    std::size_t at_ = 0;
    int line_ = 0;
    int next_line_ = 1;
};

bool blank(const Row& row) {
    return std::all_of(row.begin(), row.end(), [](const Cell& c) { return trim(c.text).empty(); });
}

/// "1,500.00" → "1500.00": commas only as thousands separators of the whole part.
std::optional<std::string> without_grouping(std::string_view text) {
    const auto point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    if (whole.find(',') == std::string_view::npos)
        return std::string(text);
    std::string out;
    std::size_t group = 0;
    bool first = true;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        const char c = whole[i];
        if (c == ',') {
            if ((first && (group == 0 || group > 3)) || (!first && group != 3))
                return std::nullopt;
            first = false;
            group = 0;
            continue;
        }
        out += c;
        ++group;
    }
    if (group != 3)
        return std::nullopt;
    if (point != std::string_view::npos)
        out += text.substr(point);
    return out;
}

std::optional<int> number(std::string_view text, std::size_t digits_min, std::size_t digits_max) {
    // Digits only: from_chars would take a sign ("-1" hours).
    if (text.size() < digits_min || text.size() > digits_max ||
        !std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return std::nullopt;
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

/// A number as a spreadsheet stores it ("1499.9999999999998", "1.5E3", ".5"): its
/// significant digits and a power of ten, value = digits × 10^exponent. No sign.
struct Significand {
    std::string digits;  ///< no leading or trailing zeros; "" is zero
    long exponent = 0;
};

/// Rounds HALF_EVEN to 15 significant digits, what Excel keeps of the double it wrote with
/// up to 17 (1499.9999999999998 is 1500), and drops trailing zeros.
void round_to_excel_precision(Significand& n) {
    constexpr std::size_t kExcelDigits = 15;
    if (n.digits.size() > kExcelDigits) {
        const char first_dropped = n.digits[kExcelDigits];
        const bool rest = n.digits.find_first_not_of('0', kExcelDigits + 1) != std::string::npos;
        n.exponent += static_cast<long>(n.digits.size() - kExcelDigits);
        n.digits.resize(kExcelDigits);
        const bool odd = (n.digits.back() - '0') % 2 == 1;
        if (first_dropped > '5' || (first_dropped == '5' && (rest || odd))) {
            std::size_t i = n.digits.size();
            while (i > 0 && n.digits[i - 1] == '9')
                n.digits[--i] = '0';
            if (i == 0)
                n.digits.insert(n.digits.begin(), '1');  // 999… → 1000…: zeros dropped below
            else
                ++n.digits[i - 1];
        }
    }
    while (!n.digits.empty() && n.digits.back() == '0') {
        n.digits.pop_back();
        ++n.exponent;
    }
}

/// Reads an unsigned number cell (xsd:double without sign, INF or NaN), rounded to Excel's
/// precision.
std::optional<Significand> read_number(std::string_view text) {
    Significand out;
    bool digit = false;
    bool point = false;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (!std::isdigit(static_cast<unsigned char>(c)))
            break;
        digit = true;
        out.exponent -= point ? 1 : 0;
        if (!out.digits.empty() || c != '0')
            out.digits += c;
    }
    if (!digit)
        return std::nullopt;
    if (i < text.size()) {
        if (text[i] != 'e' && text[i] != 'E')
            return std::nullopt;
        std::string_view power = text.substr(i + 1);
        const bool down = power.starts_with('-');
        if (down || power.starts_with('+'))
            power.remove_prefix(1);
        const auto value = number(power, 1, 4);  // doubles stop at 10^308
        if (!value)
            return std::nullopt;
        out.exponent += down ? -*value : *value;
    }
    round_to_excel_precision(out);
    return out;
}

/// A number cell as plain decimal text ("1.5E3" → "1500", "1E-2" → "0.01"), for the
/// currency's own parser to check its digits and range; nullopt far beyond either.
std::optional<std::string> plain_decimal(std::string_view text) {
    const auto n = read_number(text);
    if (!n)
        return std::nullopt;
    if (n->digits.empty())
        return std::string("0");
    const long whole = static_cast<long>(n->digits.size()) + n->exponent;  // digits before '.'
    if (whole > 40 || n->exponent < -40)
        return std::nullopt;  // far past the amount limit, or far more decimals than any currency
    if (n->exponent >= 0)
        return n->digits + std::string(static_cast<std::size_t>(n->exponent), '0');
    if (whole > 0) {
        const auto split = static_cast<std::size_t>(whole);
        return n->digits.substr(0, split) + "." + n->digits.substr(split);
    }
    return "0." + std::string(static_cast<std::size_t>(-whole), '0') + n->digits;
}

/// An amount cell: empty is zero; a sign is allowed (`magnitude` drops it). Text may group
/// thousands; a number cell is read exactly at Excel's precision.
std::optional<ledger::Amount> read_amount(const Cell& cell, const ledger::Currency& currency,
                                          bool magnitude) {
    std::string_view text = trim(cell.text);
    if (text.empty())
        return ledger::Amount{0};
    const bool negative = text.starts_with('-');
    if (negative)
        text.remove_prefix(1);
    const auto plain = cell.number ? plain_decimal(text) : without_grouping(text);
    if (!plain || plain->starts_with('-'))
        return std::nullopt;
    const auto parsed = ledger::parse_amount(*plain, currency);
    if (!parsed.ok())
        return std::nullopt;
    return negative && !magnitude ? ledger::Amount{-parsed.minor} : parsed.minor;
}

/// "14:22:05", "14:22", "02:22 PM" → seconds since midnight.
std::optional<int> parse_clock(std::string_view text) {
    int shift = -1;  // -1: a 24-hour clock
    if (text.ends_with(" AM") || text.ends_with(" am") || text.ends_with(" PM") ||
        text.ends_with(" pm")) {
        shift = text[text.size() - 2] == 'P' || text[text.size() - 2] == 'p' ? 12 : 0;
        text.remove_suffix(3);
    }
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const auto second_colon = text.find(':', colon + 1);
    const auto hours = number(text.substr(0, colon), 1, 2);
    const auto minutes = number(text.substr(colon + 1, second_colon - colon - 1), 2, 2);
    const auto seconds =
        second_colon == std::string_view::npos ? 0 : number(text.substr(second_colon + 1), 2, 2);
    if (!hours || !minutes || !seconds || *minutes > 59 || *seconds > 59)
        return std::nullopt;
    int h = *hours;
    if (shift >= 0) {
        if (h < 1 || h > 12)
            return std::nullopt;
        h = h % 12 + shift;
    } else if (h > 23) {
        return std::nullopt;
    }
    return h * 3600 + *minutes * 60 + *seconds;
}

/// "2026-10-03", "03/10/2026", "03-10-2026" (day first).
std::optional<ledger::Date> parse_day(std::string_view text) {
    if (text.size() == 10 && text[4] == '-')
        return ledger::parse_date(text);
    if (text.size() != 10 || (text[2] != '/' && text[2] != '-') || text[5] != text[2])
        return std::nullopt;
    const auto day = number(text.substr(0, 2), 2, 2);
    const auto month = number(text.substr(3, 2), 2, 2);
    const auto year = number(text.substr(6, 4), 4, 4);
    if (!day || !month || !year)
        return std::nullopt;
    std::string iso = std::string(text.substr(6, 4)) + "-" + std::string(text.substr(3, 2)) + "-" +
                      std::string(text.substr(0, 2));
    return ledger::parse_date(iso);
}

/// An Excel serial date-time: whole days since 1899-12-30 (the 1900 system: serials below
/// 60 count from 1899-12-31, as Excel keeps Lotus's 29 February 1900, which is refused) or
/// since 1904-01-01 (`date1904`); the fraction is the time of day, to the nearest second.
std::optional<StatementTime> serial_time(std::string_view text, bool date1904) {
    const auto n = read_number(text);
    if (!n)
        return std::nullopt;
    constexpr long kLastSerial = 2'958'465;  // 9999-12-31 in the 1900 system
    // digits × 10^exponent = days + fraction / scale, read exactly.
    long days = 0;
    ledger::Amount fraction = 0;
    ledger::Amount scale = 1;
    const long whole = static_cast<long>(n->digits.size()) + std::min(n->exponent, 0L);
    if (whole + std::max(n->exponent, 0L) > 7)
        return std::nullopt;
    const auto split = static_cast<std::size_t>(std::max(whole, 0L));
    for (std::size_t i = 0; i < split; ++i)
        days = days * 10 + (n->digits[i] - '0');
    for (long i = 0; i < n->exponent; ++i)
        days *= 10;
    if (n->exponent < 0 && n->exponent >= -30) {  // below 10^-16 of a day there is no second
        for (std::size_t i = split; i < n->digits.size(); ++i)
            fraction = fraction * 10 + (n->digits[i] - '0');
        for (long i = 0; i < -n->exponent; ++i)
            scale *= 10;
    }
    auto seconds = ledger::divide_half_even(fraction * 86'400, scale).convert_to<int>();
    if (seconds == 86'400) {
        ++days;
        seconds = 0;
    }
    using std::chrono::day;
    using std::chrono::month;
    using std::chrono::year;
    long epoch = 0;
    if (date1904)
        epoch = ledger::days_since_epoch(ledger::Date{year{1904}, month{1}, day{1}});
    else if (days > 60)
        epoch = ledger::days_since_epoch(ledger::Date{year{1899}, month{12}, day{30}});
    else if (days >= 1 && days < 60)
        epoch = ledger::days_since_epoch(ledger::Date{year{1899}, month{12}, day{31}});
    else
        return std::nullopt;  // 0 is "1900-01-00"; 60 the 29 February 1900 that never was
    if (days > kLastSerial)
        return std::nullopt;
    const auto date = ledger::date_from_days(epoch + days);
    if (date.year() > year{9999})
        return std::nullopt;
    return StatementTime{date, seconds};
}

/// A completion time: text in the three formats, or a number cell's serial date-time.
std::optional<StatementTime> read_time(const Cell& cell, bool date1904) {
    return cell.number ? serial_time(trim(cell.text), date1904) : parse_statement_time(cell.text);
}

/// Each read column's index in the header row, or the error naming a missing one.
std::variant<ColumnIndex, StatementError> map_header(const Row& header, int line) {
    ColumnIndex index{};
    for (const auto& cell : header) {
        for (std::size_t k = 0; k < kColumns; ++k) {
            if (same_name(cell.text, kColumnNames[k].name)) {
                if (index[k])
                    return StatementError{line, cell.column, std::string(kColumnNames[k].name),
                                          "duplicate_column"};
                index[k] = cell.column;
            }
        }
    }
    for (std::size_t k = 0; k < kColumns; ++k) {
        if (kColumnNames[k].required && !index[k])
            return StatementError{line, 0, std::string(kColumnNames[k].name), "missing_column"};
    }
    return index;
}

struct RowReader {
    const Row& row;
    const ColumnIndex& index;
    int line;
    std::optional<StatementError> error;

    const Cell& raw(Column k) const {
        static const Cell kEmpty;
        if (!index[k])
            return kEmpty;
        const auto at =
            std::lower_bound(row.begin(), row.end(), *index[k],
                             [](const Cell& c, int column) { return c.column < column; });
        return at != row.end() && at->column == *index[k] ? *at : kEmpty;
    }
    std::string_view cell(Column k) const { return trim(raw(k).text); }
    void fail(Column k, const char* reason) {
        if (!error)
            error = StatementError{line, index[k].value_or(0), std::string(kColumnNames[k].name),
                                   reason};
    }
    /// The cell's text: well-formed UTF-8 (invalid_text) of at most `max` bytes (too_long).
    std::string text(Column k, std::size_t max) {
        const auto value = cell(k);
        if (!ledger::valid_text(value))
            fail(k, "invalid_text");
        else if (value.size() > max)
            fail(k, "too_long");
        return std::string(value);
    }
    ledger::Amount amount(Column k, const ledger::Currency& currency, bool magnitude) {
        const auto value = read_amount(raw(k), currency, magnitude);
        if (!value)
            fail(k, "invalid_amount");
        return value.value_or(0);
    }
};

std::variant<StatementLine, StatementError> read_line(const Row& row, const ColumnIndex& index,
                                                      int line, const ledger::Currency& currency,
                                                      bool date1904) {
    RowReader r{row, index, line, std::nullopt};
    StatementLine out;
    out.line = line;
    out.receipt = std::string(r.cell(receipt));
    if (out.receipt.empty() || !receipt_text(out.receipt))
        r.fail(receipt, "invalid_receipt");
    const auto when = read_time(r.raw(completion_time), date1904);
    if (!when)
        r.fail(completion_time, "invalid_time");
    out.completed = when.value_or(StatementTime{});
    out.details = r.text(details, kTextBytesMax);
    out.status = r.text(transaction_status, kStatusBytesMax);
    if (out.status.empty())
        r.fail(transaction_status, "required");
    out.paid_in = r.amount(paid_in, currency, false);
    out.withdrawn = r.amount(withdrawn, currency, true);
    if (out.paid_in < 0)
        r.fail(paid_in, "invalid_amount");
    if (!r.cell(balance).empty())
        out.balance = r.amount(balance, currency, false);
    out.reason_type = r.text(reason_type, kStatusBytesMax);
    out.linked_transaction = std::string(r.cell(linked_transaction));
    if (!receipt_text(out.linked_transaction))
        r.fail(linked_transaction, "invalid_receipt");
    out.account_number = r.text(account_number, kTextBytesMax);
    if (r.error)
        return *r.error;
    return out;
}

}  // namespace

std::optional<StatementTime> parse_statement_time(std::string_view text) {
    text = trim(text);
    const auto space = text.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    const auto day = parse_day(text.substr(0, space));
    const auto seconds = parse_clock(trim(text.substr(space + 1)));
    if (!day || !seconds)
        return std::nullopt;
    return StatementTime{*day, *seconds};
}

namespace statement_rows {

StatementBuilder::StatementBuilder(const ledger::Currency& currency, const StatementLimits& limits,
                                   bool date1904)
    : currency_(currency), limits_(limits), date1904_(date1904) {}

std::optional<StatementError> StatementBuilder::add(const Row& row, int line) {
    if (!index_) {
        // Title and summary rows come first; the header is the row that names the receipt.
        if (row.empty() || row[0].column != 1 ||
            !same_name(row[0].text, kColumnNames[receipt].name))
            return std::nullopt;
        auto mapped = map_header(row, line);
        if (auto* bad = std::get_if<StatementError>(&mapped))
            return *bad;
        index_ = std::get<0>(mapped);
        return std::nullopt;
    }
    if (blank(row))
        return std::nullopt;
    if (lines_.size() >= limits_.lines_max)
        return StatementError{line, 0, "", "too_many_lines"};
    auto read = read_line(row, *index_, line, currency_, date1904_);
    if (auto* bad = std::get_if<StatementError>(&read))
        return *bad;
    lines_.push_back(std::move(std::get<StatementLine>(read)));
    return std::nullopt;
}

std::string StatementBuilder::column_name(int column) const {
    for (std::size_t k = 0; index_ && k < kColumns; ++k) {
        if ((*index_)[k] == column)
            return std::string(kColumnNames[k].name);
    }
    return "";
}

std::variant<std::vector<StatementLine>, StatementError> StatementBuilder::finish() {
    if (!index_)
        return StatementError{0, 0, "Receipt No.", "missing_header"};
    return std::move(lines_);
}

}  // namespace statement_rows

std::variant<std::vector<StatementLine>, StatementError> read_statement_csv(
    std::string_view text, const ledger::Currency& currency, const StatementLimits& limits) {
    if (text.size() > limits.bytes_max)
        return StatementError{0, 0, "", "file_too_large"};
    CsvReader reader(text, limits);
    Row row;
    std::optional<StatementError> error;
    statement_rows::StatementBuilder statement(currency, limits);
    while (reader.next(row, error)) {
        if (error)
            return *error;
        if (auto bad = statement.add(row, reader.line()))
            return *bad;
    }
    return statement.finish();
}

}  // namespace riziki::reports
