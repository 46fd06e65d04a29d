#pragma once
/// How the donor report's renderers (HTML, PDF) show amounts to a reader and size chart
/// marks from them, so every rendering prints the same figures.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/money.hpp"
#include "reports/donor_report.hpp"

namespace riziki::reports::display {

/// An amount with thousands separators for reading: "1,234,567.00" (the currency's digits).
std::string money(const ledger::Amount& amount, const std::string& currency);

/// Text as a document may hold it, for every writer (HTML, the IATI XML, PDF, XLSX): valid
/// UTF-8, and no control character but tab, line feed and carriage return. Each byte of an
/// invalid UTF-8 sequence, each other C0 control, DEL, each C1 control and the
/// non-characters U+FFFE and U+FFFF become U+FFFD, so the reader sees that something was
/// there. XML 1.0 forbids the C0 controls even written as character references, HTML
/// counts them and C1 as parse errors, and a spreadsheet refuses a workbook holding them.
std::string plain_text(std::string_view text);

/// The one escaping of XML and HTML (the HTML page, its SVG charts, the IATI file): text
/// through plain_text, then & < > " ' as references, safe in text and in attribute values
/// (so `]]>` comes out as `]]&gt;`).
std::string markup_escape(std::string_view text);

/// A breakdown's category as a reader sees it: "other counties" for kOtherCounties,
/// "under 18" for the youngest age band, anything else (a county's name, "female", "25-34")
/// as it is. The JSON and CSV keep the codes.
std::string category(const std::string& key);

/// An outflow: shown with a minus sign unless it is zero.
std::string outflow(const ledger::Amount& amount, const std::string& currency);

/// A value scaled to 0..extent (pixels or points), from minor units, HALF_EVEN; no floating
/// point near money. 0 when the value or the maximum is not positive.
long scaled(const ledger::Amount& value, const ledger::Amount& max, long extent);

/// A percentage ("83.3") scaled to 0..extent for a bar, as scaled() does.
long percent_extent(const std::string& percent, long extent);

/// A share of the commitment ("0.6250", reports::Commitment) as a percentage with two
/// decimals ("62.50"), exactly; "" when there is none.
std::string share_percent(const std::string& share);

/// A line of the commitment block (HTML, PDF, XLSX).
struct CommitmentLine {
    std::string label;
    std::optional<ledger::Amount> amount;  ///< nullopt: no commitment recorded
    bool has_share = false;                ///< a part of the commitment (not the commitment)
    std::string share;                     ///< share_percent of it; "" when none
    /// The amount for reading, and its share after it: "1,250.00 (62.50 %)"; "not recorded"
    /// for a commitment that is not.
    std::string text(const std::string& currency) const;
};

/// The commitment block's lines: committed, received, disbursed, spent.
std::vector<CommitmentLine> commitment_lines(const Commitment& c);

/// A percentage statistic as the HTML page and the PDF show it: "83.3 %", kNotShown when it
/// is hidden, "-" when there is none.
std::string percent(const Statistic<std::string>& statistic);

/// A median of money as the HTML page and the PDF show it: "12,500.00" followed by
/// `suffix`, kNotShown when it is hidden, "not shown" when there is none.
std::string median(const Statistic<ledger::Amount>& statistic, const std::string& currency,
                   const std::string& suffix = "");

}  // namespace riziki::reports::display
