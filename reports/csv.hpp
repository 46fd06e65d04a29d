#pragma once
/// CSV (RFC 4180) helpers shared by every CSV Riziki writes.

#include <string>
#include <string_view>

namespace riziki::reports {

/// A field, quoted when it holds a comma, a quote or a line break.
inline std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace riziki::reports
