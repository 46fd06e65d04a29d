#include "reports/mpesa_statement.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace riziki::reports {

namespace {

using Row = std::vector<std::string>;

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

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

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
                row.push_back(std::move(cell));
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
                row.push_back(std::move(cell));
                cell.clear();
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && at_ < text_.size() && text_[at_] == '\n')
                    ++at_;
                ++next_line_;
                row.push_back(std::move(cell));
                return true;
            } else {
                cell += c;
            }
        }
    }

    int line() const { return line_; }

  private:
    std::string_view text_;
    StatementLimits limits_;
    std::size_t at_ = 0;
    int line_ = 0;
    int next_line_ = 1;
};

bool blank(const Row& row) {
    return std::all_of(row.begin(), row.end(),
                       [](const std::string& c) { return trim(c).empty(); });
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

/// An amount cell: empty is zero; a sign is allowed (`magnitude` drops it).
std::optional<ledger::Amount> read_amount(std::string_view cell, const ledger::Currency& currency,
                                          bool magnitude) {
    cell = trim(cell);
    if (cell.empty())
        return ledger::Amount{0};
    const bool negative = cell.starts_with('-');
    if (negative)
        cell.remove_prefix(1);
    const auto plain = without_grouping(cell);
    if (!plain || plain->starts_with('-'))
        return std::nullopt;
    const auto parsed = ledger::parse_amount(*plain, currency);
    if (!parsed.ok())
        return std::nullopt;
    return negative && !magnitude ? ledger::Amount{-parsed.minor} : parsed.minor;
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

/// Each read column's index in the header row, or the error naming a missing one.
std::variant<std::array<std::optional<std::size_t>, kColumns>, StatementError> map_header(
    const Row& header, int line) {
    std::array<std::optional<std::size_t>, kColumns> index{};
    for (std::size_t c = 0; c < header.size(); ++c) {
        for (std::size_t k = 0; k < kColumns; ++k) {
            if (same_name(header[c], kColumnNames[k].name)) {
                if (index[k])
                    return StatementError{line, static_cast<int>(c) + 1,
                                          std::string(kColumnNames[k].name), "duplicate_column"};
                index[k] = c;
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
    const std::array<std::optional<std::size_t>, kColumns>& index;
    int line;
    std::optional<StatementError> error;

    std::string_view cell(Column k) const {
        return index[k] && *index[k] < row.size() ? trim(row[*index[k]]) : std::string_view{};
    }
    void fail(Column k, const char* reason) {
        if (!error)
            error = StatementError{line, index[k] ? static_cast<int>(*index[k]) + 1 : 0,
                                   std::string(kColumnNames[k].name), reason};
    }
    ledger::Amount amount(Column k, const ledger::Currency& currency, bool magnitude) {
        const auto value = read_amount(cell(k), currency, magnitude);
        if (!value)
            fail(k, "invalid_amount");
        return value.value_or(0);
    }
};

std::variant<StatementLine, StatementError> read_line(
    const Row& row, const std::array<std::optional<std::size_t>, kColumns>& index, int line,
    const ledger::Currency& currency) {
    RowReader r{row, index, line, std::nullopt};
    StatementLine out;
    out.line = line;
    out.receipt = std::string(r.cell(receipt));
    if (out.receipt.empty() || out.receipt.size() > 64)
        r.fail(receipt, "invalid_receipt");
    const auto when = parse_statement_time(r.cell(completion_time));
    if (!when)
        r.fail(completion_time, "invalid_time");
    out.completed = when.value_or(StatementTime{});
    out.details = std::string(r.cell(details));
    out.status = std::string(r.cell(transaction_status));
    if (out.status.empty())
        r.fail(transaction_status, "required");
    out.paid_in = r.amount(paid_in, currency, false);
    out.withdrawn = r.amount(withdrawn, currency, true);
    if (out.paid_in < 0)
        r.fail(paid_in, "invalid_amount");
    if (!r.cell(balance).empty())
        out.balance = r.amount(balance, currency, false);
    out.reason_type = std::string(r.cell(reason_type));
    out.linked_transaction = std::string(r.cell(linked_transaction));
    out.account_number = std::string(r.cell(account_number));
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

std::variant<std::vector<StatementLine>, StatementError> read_statement_csv(
    std::string_view text, const ledger::Currency& currency, const StatementLimits& limits) {
    if (text.size() > limits.bytes_max)
        return StatementError{0, 0, "", "file_too_large"};
    CsvReader reader(text, limits);
    Row row;
    std::optional<StatementError> error;
    std::optional<std::array<std::optional<std::size_t>, kColumns>> index;
    std::vector<StatementLine> lines;
    while (reader.next(row, error)) {
        if (error)
            return *error;
        if (!index) {
            // Title and summary rows come first; the header is the row that names the receipt.
            if (row.empty() || !same_name(row[0], kColumnNames[receipt].name))
                continue;
            auto mapped = map_header(row, reader.line());
            if (auto* bad = std::get_if<StatementError>(&mapped))
                return *bad;
            index = std::get<0>(mapped);
            continue;
        }
        if (blank(row))
            continue;
        if (lines.size() >= limits.lines_max)
            return StatementError{reader.line(), 0, "", "too_many_lines"};
        auto line = read_line(row, *index, reader.line(), currency);
        if (auto* bad = std::get_if<StatementError>(&line))
            return *bad;
        lines.push_back(std::move(std::get<StatementLine>(line)));
    }
    if (!index)
        return StatementError{0, 0, "Receipt No.", "missing_header"};
    return lines;
}

}  // namespace riziki::reports
