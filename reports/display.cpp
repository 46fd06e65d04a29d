#include "reports/display.hpp"

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

std::string markup_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
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

}  // namespace riziki::reports::display
