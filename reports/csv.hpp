#pragma once
/// CSV (RFC 4180) helpers shared by every CSV Riziki writes.

#include <algorithm>
#include <string>
#include <string_view>

namespace riziki::reports {

/// Whether `text` is a plain decimal number ("-7000.00", "+254700000001", "12"), which a
/// spreadsheet reads as a number and never as a formula.
inline bool csv_plain_number(std::string_view text) {
    if (!text.empty() && (text.front() == '-' || text.front() == '+'))
        text.remove_prefix(1);
    const auto point = text.find('.');
    const auto digits = [](std::string_view part) {
        return !part.empty() &&
               std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (point == std::string_view::npos)
        return digits(text);
    return digits(text.substr(0, point)) && digits(text.substr(point + 1));
}

/// A field, quoted when it holds a comma, a quote or a line break. A field a spreadsheet
/// would run as a formula (starting with = + - @, a tab or a carriage return, and not a
/// plain number) is neutralised with a leading apostrophe, as OWASP advises: a memo or a
/// reason typed by one person must not run in the auditor's spreadsheet.
inline std::string csv_field(std::string_view text) {
    const bool formula =
        !text.empty() &&
        std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos &&
        !csv_plain_number(text);
    if (!formula && text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = formula ? "\"'" : "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace riziki::reports
