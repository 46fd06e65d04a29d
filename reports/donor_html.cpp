// The donor report as one self-contained HTML page: no scripts, no external resources,
// inline SVG charts, and print styles for A4.

#include <algorithm>
#include <sstream>

#include "reports/display.hpp"
#include "reports/donor_report.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;

using display::money;
using display::outflow;
using display::scaled;

std::string rect(long x, long y, long w, long h, const char* css_class, const std::string& title) {
    std::ostringstream out;
    out << "<rect class=\"" << css_class << "\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << w
        << "\" height=\"" << h << "\"><title>" << display::markup_escape(title)
        << "</title></rect>";
    return out.str();
}

std::string text(long x, long y, const std::string& content, const char* anchor = "start") {
    std::ostringstream out;
    out << "<text x=\"" << x << "\" y=\"" << y << "\" text-anchor=\"" << anchor << "\">"
        << display::markup_escape(content) << "</text>";
    return out.str();
}

/// Money in and out by month: paired bars.
std::string money_chart(const DonorReport& r) {
    if (std::none_of(r.months.begin(), r.months.end(),
                     [](const MonthFlow& m) { return m.money_in > 0 || m.money_out > 0; }))
        return "<p class=\"empty\">No cash moved in this period.</p>";
    Amount max = 1;
    for (const auto& m : r.months)
        max = std::max({max, m.money_in, m.money_out});
    const long step = 36, height = 160, top = 20;
    const long width = 60 + step * static_cast<long>(r.months.size());
    std::ostringstream svg;
    svg << "<svg role=\"img\" aria-label=\"Money in and out by month\" viewBox=\"0 0 " << width
        << " " << (height + 64) << "\" width=\"100%\">";
    svg << text(0, 12, "max " + money(max, r.currency) + " " + r.currency);
    long x = 50;
    for (const auto& m : r.months) {
        const long in = scaled(m.money_in, max, height);
        const long out = scaled(m.money_out, max, height);
        svg << rect(x, top + height - in, 14, in, "in",
                    m.month + " in " + money(m.money_in, r.currency));
        svg << rect(x + 15, top + height - out, 14, out, "out",
                    m.month + " out " + money(m.money_out, r.currency));
        svg << "<text class=\"tick\" x=\"" << (x + 14) << "\" y=\"" << (top + height + 14)
            << "\" text-anchor=\"middle\">" << display::markup_escape(m.month.substr(2))
            << "</text>";
        x += step;
    }
    svg << "<line x1=\"45\" x2=\"" << x << "\" y1=\"" << (top + height) << "\" y2=\""
        << (top + height) << "\" class=\"axis\"/>";
    svg << rect(50, top + height + 30, 12, 12, "in", "money in")
        << text(66, top + height + 41, "in")
        << rect(100, top + height + 30, 12, 12, "out", "money out")
        << text(116, top + height + 41, "out") << "</svg>";
    return svg.str();
}

/// Horizontal bars of a breakdown; hidden cells get a label and no bar.
std::string breakdown_chart(const Breakdown& b, const char* label) {
    if (b.cells.empty())
        return "<p class=\"empty\">No survivors reached in this period.</p>";
    long max = 1;
    for (const auto& [key, c] : b.cells)
        max = std::max(max, c.suppressed ? 0L : c.value);
    const long row = 22;
    const long height = row * static_cast<long>(b.cells.size()) + 10;
    std::ostringstream svg;
    svg << "<svg role=\"img\" aria-label=\"" << label << "\" viewBox=\"0 0 520 " << height
        << "\" width=\"520\" style=\"max-width:100%\">";
    long y = 4;
    for (const auto& [key, c] : b.cells) {
        svg << text(0, y + 14, display::category(key));
        if (c.suppressed) {
            svg << text(130, y + 14, c.text());
        } else {
            const long w = max > 0 ? c.value * 320 / max : 0;
            svg << rect(130, y + 2, std::max(w, 1L), 16, "bar", key + ": " + c.text())
                << text(136 + w, y + 14, c.text());
        }
        y += row;
    }
    svg << "</svg>";
    return svg.str();
}

/// Outstanding loans and PAR30 at each month's end: bars and a line of PAR30 %.
std::string loan_chart(const DonorReport& r) {
    if (std::none_of(r.loan_trend.begin(), r.loan_trend.end(),
                     [](const LoanPoint& p) { return p.outstanding > 0; })) {
        return "<p class=\"empty\">This fund had no loans outstanding in the period.</p>";
    }
    Amount max = 1;
    for (const auto& p : r.loan_trend)
        max = std::max(max, p.outstanding);
    const long step = 36, height = 160, top = 20;
    const long width = 60 + step * static_cast<long>(r.loan_trend.size());
    std::ostringstream svg, line;
    svg << "<svg role=\"img\" aria-label=\"Loans outstanding and PAR30\" viewBox=\"0 0 " << width
        << " " << (height + 64) << "\" width=\"100%\">";
    svg << text(0, 12, "max " + money(max, r.currency) + " " + r.currency);
    long x = 50;
    for (const auto& p : r.loan_trend) {
        const long all = scaled(p.outstanding, max, height);
        const long late = scaled(p.par30_outstanding, max, height);
        svg << rect(x, top + height - all, 28, all, "bar",
                    p.month + " outstanding " + money(p.outstanding, r.currency));
        svg << rect(x, top + height - late, 28, late, "late",
                    p.month + " 30+ days late " + money(p.par30_outstanding, r.currency));
        const long par = p.outstanding > 0 ? scaled(p.par30_outstanding, p.outstanding, height) : 0;
        line << (line.tellp() > 0 ? " " : "") << (x + 14) << "," << (top + height - par);
        svg << "<text class=\"tick\" x=\"" << (x + 14) << "\" y=\"" << (top + height + 14)
            << "\" text-anchor=\"middle\">" << display::markup_escape(p.month.substr(2))
            << "</text>";
        x += step;
    }
    svg << "<polyline class=\"par\" points=\"" << line.str() << "\"/>";
    svg << rect(50, top + height + 30, 12, 12, "bar", "outstanding")
        << text(66, top + height + 41, "outstanding")
        << rect(160, top + height + 30, 12, 12, "late", "30+ days late")
        << text(176, top + height + 41, "30+ days late (PAR30 line: 0-100 %)") << "</svg>";
    return svg.str();
}

/// A row of a share chart at `y`: the label, a 0-100 % track, the share's bar (a share over
/// 100 % fills the track) and its value ("62.50"); `absent` instead when there is none.
void share_row(std::ostringstream& svg, long y, const std::string& label,
               const std::string& percent, const std::string& absent, const char* css_class) {
    svg << text(0, y + 14, label);
    if (percent.empty()) {
        svg << text(130, y + 14, absent);
        return;
    }
    const long w = std::min(320L, display::percent_extent(percent, 320));
    svg << rect(130, y + 2, 320, 16, "track", "100 %")
        << rect(130, y + 2, w, 16, css_class, label + ": " + percent + " %")
        << text(456, y + 14, percent + " %");
}

/// Share of businesses operating 6 and 12 months after the first disbursement.
std::string survival_chart(const DonorReport& r) {
    std::ostringstream svg;
    svg << "<svg role=\"img\" aria-label=\"Business survival\" viewBox=\"0 0 520 70\" "
           "width=\"520\" style=\"max-width:100%\">";
    long y = 4;
    for (const auto& [label, share] : {std::pair{"6 months", r.operating_6_months},
                                       std::pair{"12 months", r.operating_12_months}}) {
        share_row(svg, y, label, share.value.value_or(""),
                  share.hidden() ? kNotShown : "not yet observed", "bar");
        y += 28;
    }
    svg << "</svg>";
    return svg.str();
}

/// What came in and what went out as shares of the commitment: a progress bar each.
std::string commitment_chart(const DonorReport& r) {
    const auto received = display::share_percent(r.commitment.received_share);
    const auto spent = display::share_percent(r.commitment.spent_share);
    if (received.empty())  // no commitment to be a share of
        return "<p class=\"empty\">No commitment is recorded for this fund (or it is zero): "
               "there is no share of it to show.</p>";
    std::ostringstream svg;
    svg << "<svg role=\"img\" aria-label=\"Shares of the commitment received and spent\" "
           "viewBox=\"0 0 520 70\" width=\"520\" style=\"max-width:100%\">";
    share_row(svg, 4, "received", received, "", "in");
    share_row(svg, 32, "spent", spent, "", "out");
    svg << "</svg>";
    return svg.str();
}

std::string row(const std::string& label, const std::string& value, const char* css = "") {
    return "<tr" + std::string(*css ? " class=\"" + std::string(css) + "\"" : "") + "><th>" +
           display::markup_escape(label) + "</th><td>" + display::markup_escape(value) +
           "</td></tr>";
}

/// The money chart's figures: a row per month.
std::string month_table(const DonorReport& r) {
    std::ostringstream html;
    html << "<table class=\"months\"><thead><tr><th>Month</th><th class=\"n\">Money in</th>"
         << "<th class=\"n\">Money out</th></tr></thead><tbody>";
    for (const auto& m : r.months) {
        html << "<tr><th>" << display::markup_escape(m.month) << "</th><td>"
             << money(m.money_in, r.currency) << "</td><td>" << outflow(m.money_out, r.currency)
             << "</td></tr>";
    }
    html << "</tbody></table>";
    return html.str();
}

constexpr const char* kStyle = R"(
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#1d2733;max-width:960px;margin:2em auto;padding:0 1em;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:2px solid #1f6f5c;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#4a5a6a}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #dde3ea}td{text-align:right;font-variant-numeric:tabular-nums}
tr.total th,tr.total td{font-weight:bold;border-top:2px solid #1d2733}
table.months th{font-weight:normal}table.months thead th{font-weight:bold}th.n{text-align:right}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}
svg text{font-size:11px;fill:#1d2733}svg .tick{font-size:9px}.axis{stroke:#8896a5}
rect.in{fill:#1f6f5c}rect.out{fill:#c8553d}rect.bar{fill:#3a7ca5}rect.late{fill:#c8553d}rect.track{fill:#e6ecf1}
polyline.par{fill:none;stroke:#1d2733;stroke-width:2}
.notes{font-size:.85em;color:#4a5a6a}.empty{color:#4a5a6a;font-style:italic}
@page{size:A4;margin:16mm}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}.chart,table{break-inside:avoid}.grid{display:block}}
)";

void heading_and_statement(std::ostringstream& html, const DonorReport& r) {
    const auto& c = r.currency;
    const auto& s = r.statement;
    const std::string period = ledger::format_date(r.from) + " to " + ledger::format_date(r.to);
    html << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         << "<title>Donor report " << display::markup_escape(r.fund) << " "
         << display::markup_escape(period) << "</title><style>" << kStyle
         << "</style></head><body>";
    html << "<h1>" << display::markup_escape(r.fund_name.empty() ? r.fund : r.fund_name) << "</h1>"
         << "<p class=\"meta\">Fund " << display::markup_escape(r.fund)
         << (r.donor.empty() ? "" : " &middot; donor " + display::markup_escape(r.donor))
         << " &middot; " << display::markup_escape(period) << " &middot; amounts in "
         << display::markup_escape(c) << "</p>";
    html << "<h2>Commitment</h2><p class=\"meta\">Since the fund began, up to "
         << ledger::format_date(r.to) << "; shares are of the commitment.</p><table>";
    for (const auto& line : display::commitment_lines(r.commitment))
        html << row(line.label, line.text(c));
    html << "</table><div class=\"chart\">" << commitment_chart(r) << "</div>";
    html << "<h2>Fund statement</h2><table>" << row("Opening cash", money(s.opening_cash, c))
         << row("Donor receipts", money(s.receipts, c))
         << row("Grants paid", outflow(s.grants_paid, c))
         << row("Loans disbursed", outflow(s.loans_disbursed, c))
         << row("Transfer and M-Pesa fees", outflow(s.fees, c))
         << row("Loan principal repaid", money(s.principal_repaid, c))
         << row("Loan interest received", money(s.interest_received, c))
         << row("Overpayments received", money(s.overpayments_received, c))
         << row("Recoveries on written-off loans", money(s.recoveries, c))
         << row("Other cash movements", money(s.other_cash_movements, c))
         << row("Closing cash", money(s.closing_cash, c), "total")
         << row("Grants given in kind (no cash)", money(s.grants_in_kind, c))
         << row("Loans outstanding at period end", money(s.loans_outstanding, c)) << "</table>";
    html << "<div class=\"chart\"><h3>Money in and out by month</h3>" << money_chart(r) << "</div>"
         << month_table(r);
}

void reach_and_awards(std::ostringstream& html, const DonorReport& r) {
    const auto& c = r.currency;
    html << "<h2>Reach</h2><p>Survivors who received money from this fund in the period: <b>"
         << display::markup_escape(r.survivors_reached.text()) << "</b></p><div class=\"grid\">";
    for (const auto& b : r.reach) {
        html << "<div class=\"chart\"><h3>By "
             << display::markup_escape(b.dimension == "age_band" ? "age band" : b.dimension)
             << "</h3>" << breakdown_chart(b, b.dimension.c_str()) << "</div>";
    }
    html << "</div>";

    html << "<h2>Awards</h2><table>"
         << row("Awards approved in the period", r.awards_approved.text())
         << row("Amount approved", money(r.amount_approved, c))
         << row("Amount disbursed", money(r.amount_disbursed, c))
         << row("Median grant", display::median(r.median_grant, c)) << "</table>";
}

void loans_outcomes_notes(std::ostringstream& html, const DonorReport& r) {
    const auto& c = r.currency;
    html << "<h2>Loans</h2><table>" << row("Active loans at period end", r.active_loans.text())
         << row("Outstanding principal", money(r.loans_outstanding, c))
         << row("Portfolio at risk > 30 days (PAR30)", display::percent(r.par30))
         << row("On-time repayment (paid by due date / fallen due)",
                display::percent(r.on_time_repayment_rate))
         << row("Loans written off in the period", r.loans_written_off.text())
         << row("Amount written off", money(r.written_off, c)) << "</table>";
    html << "<div class=\"chart\"><h3>Loans outstanding and PAR30 by month</h3>" << loan_chart(r)
         << "</div>";

    html << "<h2>Outcomes</h2><div class=\"chart\"><h3>Businesses operating</h3>"
         << survival_chart(r) << "</div><table>";
    const auto& pc = r.profit_currency;
    html << row("Median monthly profit, first follow-up",
                display::median(r.median_profit_first, pc, " " + pc))
         << row("Median monthly profit, latest follow-up",
                display::median(r.median_profit_latest, pc, " " + pc))
         << row("Jobs in the businesses (latest follow-up)", r.jobs_latest.text()) << "</table>";

    html << "<h2>How to read this report</h2><ul class=\"notes\">";
    for (const auto& note : r.notes)
        html << "<li>" << display::markup_escape(note) << "</li>";
    html << "</ul></body></html>\n";
}

}  // namespace

std::string donor_report_html(const DonorReport& r) {
    std::ostringstream html;
    heading_and_statement(html, r);
    reach_and_awards(html, r);
    loans_outcomes_notes(html, r);
    return html.str();
}

}  // namespace riziki::reports
