#include "reports/display.hpp"

#include <utility>

namespace riziki::reports::display {

std::string money(const ledger::Amount& amount, const std::string& currency) {
    const std::string plain = ledger::format_amount(amount, *ledger::find_currency(currency));
    const bool negative = !plain.empty() && plain[0] == '-';
    const auto point = plain.find('.');
    const std::string whole =
        plain.substr(negative ? 1 : 0,
                     point == std::string::npos ? std::string::npos : point - (negative ? 1 : 0));
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0)
            grouped += ',';
        grouped += whole[i];
    }
    return (negative ? "-" : "") + grouped +
           (point == std::string::npos ? "" : plain.substr(point));
}

std::string outflow(const ledger::Amount& amount, const std::string& currency) {
    return amount == 0 ? money(amount, currency) : "-" + money(amount, currency);
}

long scaled(const ledger::Amount& value, const ledger::Amount& max, long extent) {
    if (max <= 0 || value <= 0)
        return 0;
    return static_cast<long>(ledger::divide_half_even(value * extent, max));
}

long percent_extent(const std::string& percent, long extent) {
    std::string digits;
    std::size_t decimals = 0;
    bool after_point = false;
    for (const char c : percent) {
        if (c == '.') {
            after_point = true;
        } else {
            digits += c;
            decimals += after_point ? 1 : 0;
        }
    }
    ledger::Amount full = 100;
    for (std::size_t i = 0; i < decimals; ++i)
        full *= 10;
    // Decimal digits, leading zeros and all ("0.9" is "09"): never a literal that would read
    // "09" as octal.
    const auto value = ledger::from_decimal_string(digits);
    return value ? scaled(*value, full, extent) : 0;
}

std::string share_percent(const std::string& share) {
    if (share.empty())
        return "";
    std::string digits;  // the share in ten-thousandths: "0.6250" -> "06250"
    for (const char c : share) {
        if (c != '.')
            digits += c;
    }
    // Exact: a share has 4 decimals, so a hundredth of it has 2.
    return ratio_text(ledger::from_decimal_string(digits).value(), 100, 2);
}

std::string CommitmentLine::text(const std::string& currency) const {
    if (!amount)
        return "not recorded";
    return money(*amount, currency) + (share.empty() ? "" : " (" + share + " %)");
}

std::vector<CommitmentLine> commitment_lines(const Commitment& c) {
    return {{"Committed by the donor", c.committed, false, ""},
            {"Received from the donor", c.received, true, share_percent(c.received_share)},
            {"Disbursed to survivors (grants, in kind, loans)", c.disbursed, true,
             share_percent(c.disbursed_share)},
            {"Spent (disbursed and transfer fees)", c.spent, true, share_percent(c.spent_share)}};
}

std::string percent(const Statistic<std::string>& statistic) {
    return statistic.text([](const std::string& value) { return value + " %"; }, "-");
}

std::string median(const Statistic<ledger::Amount>& statistic, const std::string& currency,
                   const std::string& suffix) {
    if (currency.empty() && !statistic.hidden())
        return "not shown";
    return statistic.text(
        [&](const ledger::Amount& value) { return money(value, currency) + suffix; }, "not shown");
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// The length of the valid UTF-8 sequence at the start of `text` and the code point it
/// encodes; length 0 when it is not one (overlong, a surrogate, beyond U+10FFFF, cut short).
std::pair<std::size_t, char32_t> decode(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80)
        return {1, lead};
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || text.size() < length)
        return {0, 0};
    char32_t point = lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80)
            return {0, 0};
        point = point << 6 | (byte(i) & 0x3F);
    }
    constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (point < kSmallest[length] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
        return {0, 0};
    return {length, point};
}

/// Whether a document may show `point` as it is.
bool allowed(char32_t point) {
    if (point == '\t' || point == '\n' || point == '\r')
        return true;
    if (point < 0x20 || (point >= 0x7F && point <= 0x9F))
        return false;
    return point != 0xFFFE && point != 0xFFFF;
}

}  // namespace

std::string plain_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto [length, point] = decode(text);
        if (length == 0) {
            out += kReplacement;
            text.remove_prefix(1);
            continue;
        }
        if (allowed(point))
            out += text.substr(0, length);
        else
            out += kReplacement;
        text.remove_prefix(length);
    }
    return out;
}

std::string markup_escape(std::string_view text) {
    const std::string plain = plain_text(text);
    std::string out;
    out.reserve(plain.size());
    for (char c : plain) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string category(const std::string& key) {
    if (key == kOtherCounties)
        return "other counties";
    if (key == kAgeBands.front())
        return "under 18";
    return key;
}

}  // namespace riziki::reports::display
