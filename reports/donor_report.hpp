#pragma once
/// The donor report (SPEC §9): what a fund's money did in a period. Pure computation from
/// data db/ hands over in one query set (DonorReportInput, in reports/inputs.hpp); renderers
/// (JSON, CSV, HTML, PDF, XLSX) read the model.
///
/// Money figures cover every posting of the fund, so the statement reconciles to the
/// ledger. Counts of people (reach, awards, loans, outcomes) cover only survivors who
/// consented to donor reporting, and small counts are suppressed (see Suppressed).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/awards.hpp"
#include "reports/inputs.hpp"

namespace riziki::reports {

/// A count of people as published: a small count (1-4) shows as "<5"; a larger count
/// hidden so that a small one cannot be worked out from the total shows as "suppressed".
struct Count {
    long value = 0;
    bool suppressed = false;
    std::string text() const {
        return !suppressed ? std::to_string(value) : value < 5 ? "<5" : "suppressed";
    }
};

/// A share (0..1) as a percentage with one decimal, or hidden when its count is.
struct Share {
    long numerator = 0;
    long denominator = 0;
    bool suppressed = false;
    std::string text() const;  ///< "83.3" or "" (suppressed or no denominator)
};

struct Breakdown {
    std::string dimension;  ///< gender, age_band, county
    std::vector<std::pair<std::string, Count>> cells;
};

struct FundStatement {
    ledger::Amount opening_cash = 0;
    ledger::Amount receipts = 0;
    ledger::Amount grants_paid = 0;     ///< grants paid in cash
    ledger::Amount grants_in_kind = 0;  ///< goods handed over (no cash)
    ledger::Amount loans_disbursed = 0;
    ledger::Amount principal_repaid = 0;
    ledger::Amount interest_received = 0;
    ledger::Amount overpayments_received = 0;
    ledger::Amount recoveries = 0;
    ledger::Amount fees = 0;
    ledger::Amount other_cash_movements = 0;  ///< manual entries, transfers between funds
    ledger::Amount closing_cash = 0;
    ledger::Amount loans_outstanding = 0;
};

struct MonthFlow {
    std::string month;  ///< YYYY-MM
    ledger::Amount money_in = 0;
    ledger::Amount money_out = 0;
};

/// The loan book at a month's end.
struct LoanPoint {
    std::string month;  ///< YYYY-MM
    ledger::Amount outstanding = 0;
    ledger::Amount par30_outstanding = 0;
};

struct DonorReport {
    std::string fund;
    std::string fund_name;
    std::string donor;
    std::string currency;
    ledger::Date from;
    ledger::Date to;
    FundStatement statement;
    std::vector<MonthFlow> months;
    // Reach: survivors with a disbursement from this fund in the period.
    Count survivors_reached;
    std::vector<Breakdown> reach;
    // Awards approved in the period.
    Count awards_approved;
    ledger::Amount amount_approved = 0;
    ledger::Amount amount_disbursed = 0;
    std::optional<ledger::Amount> median_grant;  ///< absent when suppressed or no grants
    // Loans as at the period's end.
    Count active_loans;
    ledger::Amount loans_outstanding = 0;
    ledger::Amount par30_outstanding = 0;
    std::string par30;                   ///< percent with two decimals, "" without a portfolio
    std::string on_time_repayment_rate;  ///< percent, "" when nothing fell due
    std::vector<LoanPoint> loan_trend;   ///< at each month's end in the period
    Count loans_written_off;
    ledger::Amount written_off = 0;
    // Outcomes of the businesses this fund financed.
    Share operating_6_months;
    Share operating_12_months;
    std::optional<ledger::Amount> median_profit_first;
    std::optional<ledger::Amount> median_profit_latest;
    std::string profit_currency;
    Count jobs_latest;
    std::vector<std::string> notes;  ///< the suppression rule and the consent rule, stated
};

DonorReport build_donor_report(const DonorReportInput& input);

/// Hides small cells (1-4 -> "<5"), then the smallest shown cells, one at a time, until no
/// hidden cell's value is pinned down by the published total and what a reader knows (a
/// "<5" cell is 1-4, a "suppressed" one 5 or more); if even hiding every cell does not
/// achieve that, the total is hidden too. Exposed for tests.
void suppress(std::vector<std::pair<std::string, Count>>& cells, Count& total);

/// The age band a birth year falls in at the end of `on`'s year: under_18, 18-24, 25-34,
/// 35-44, 45+.
std::string age_band(int birth_year, const ledger::Date& on);

/// A count of people as published: hidden ("<5") when it is 1 to 4.
Count count_of(long value);

/// The fund statement's lines in report order, each with its name in the JSON and CSV.
std::vector<std::pair<const char*, ledger::Amount>> statement_lines(const FundStatement& s);

/// numerator / denominator as a percentage with `decimals` decimals, HALF_EVEN ("12.34");
/// "" when the denominator is not positive.
std::string percent_text(const ledger::Amount& numerator, const ledger::Amount& denominator,
                         int decimals);

std::string donor_report_json(const DonorReport& report);
/// A self-contained HTML page (inline CSS and SVG charts, print styles).
std::string donor_report_html(const DonorReport& report);
/// Tidy CSV: section,metric,dimension,value.
std::string donor_report_csv(const DonorReport& report);
/// An A4 PDF with the HTML page's sections and charts; the fund, the period and "page N of
/// M" in every page's footer. Throws std::runtime_error when cairo fails.
std::string donor_report_pdf(const DonorReport& report);
/// An XLSX workbook with a sheet per section; figures are numeric cells in the currency's
/// number format, hidden counts the text "<5" or "suppressed". Throws std::runtime_error when
/// the workbook cannot be written.
std::string donor_report_xlsx(const DonorReport& report);

}  // namespace riziki::reports
