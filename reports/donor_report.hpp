#pragma once
/// The donor report (SPEC §9): what a fund's money did in a period. Pure computation from
/// data db/ hands over in one query set (DonorReportInput, in reports/inputs.hpp); renderers
/// (JSON, CSV, HTML, PDF, XLSX) read the model.
///
/// Money figures cover every posting of the fund, so the statement reconciles to the
/// ledger, and are exact. Counts of people (reach, awards, loans, outcomes) cover only
/// survivors who consented to donor reporting, are perturbed by the cell key method
/// (reports/perturbation.hpp), and small counts are suppressed (see Count). Every median,
/// rate and percentage about people goes through one rule (statistic_over).

#include <array>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "ledger/awards.hpp"
#include "reports/inputs.hpp"
#include "reports/perturbation.hpp"

namespace riziki::reports {

/// A count of people as published: a small count (1-4) shows as "<5"; a larger count
/// hidden so that a small one cannot be worked out from the total shows as "suppressed". A
/// count shown is the perturbed one (the cell key method); a hidden one's value is only
/// used to choose between the two words.
struct Count {
    long value = 0;
    bool suppressed = false;
    /// The cell key of the people counted (reports/perturbation.hpp); used while the report
    /// is built, never published.
    int cell_key = 0;
    std::string text() const {
        return !suppressed ? std::to_string(value) : value < 5 ? "<5" : "suppressed";
    }
};

/// What a statistic about people hidden by statistic_over shows, in every format but JSON
/// (where it is null beside `<name>_hidden: true`).
inline constexpr const char* kNotShown = "not shown (fewer than 5)";

/// A statistic about people (a median, rate or percentage) and how many survivors, or
/// loans, it is over. Made only by statistic_over.
template <typename T>
struct Statistic {
    std::optional<T> value;  ///< absent when hidden, or when there is nothing to compute
    long contributors = 0;
    /// Over 1 to 4 contributors: not shown.
    bool hidden() const { return contributors > 0 && contributors < kSmallestShown; }
    /// The value as `show` writes it, kNotShown when hidden, else `absent`.
    template <typename Show>
    std::string text(Show show, const std::string& absent) const {
        return hidden() ? std::string(kNotShown) : value ? show(*value) : absent;
    }
};

/// The one rule for every statistic about people: a median, average, rate or percentage
/// over fewer than kSmallestShown contributors (survivors, or loans for loan rates) is not
/// computed, and shows as kNotShown. `compute` returns the value as an optional (empty when
/// there is nothing to compute, e.g. no money fell due).
template <typename Compute>
auto statistic_over(long contributors, Compute compute)
    -> Statistic<typename std::invoke_result_t<Compute>::value_type> {
    Statistic<typename std::invoke_result_t<Compute>::value_type> s;
    s.contributors = contributors;
    if (contributors >= kSmallestShown)
        s.value = compute();
    return s;
}

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

/// The fund's commitment and what of it came in and went out, from the fund's first posting
/// to the report's `to` (not the period alone): the figures GET /v1/funds/{code}?as_of=<to>
/// gives, with its list's shares. A share is `part / committed` with 4 decimals, HALF_EVEN
/// (ratio_text), "" when nothing (or zero) is committed.
struct Commitment {
    std::optional<ledger::Amount> committed;  ///< none recorded: nullopt
    ledger::Amount received = 0;              ///< donor receipts: credits to 4100
    /// Paid out to survivors under awards: grants in money and in kind, loan principal.
    ledger::Amount disbursed = 0;
    ledger::Amount spent = 0;  ///< disbursed and the fees on disbursements (5300)
    std::string received_share;
    std::string disbursed_share;
    std::string spent_share;
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
    Commitment commitment;
    /// Every calendar month of the period, in order, a month without cash moved at zero.
    std::vector<MonthFlow> months;
    // Reach: survivors with a disbursement from this fund in the period.
    Count survivors_reached;
    std::vector<Breakdown> reach;
    // Awards approved in the period.
    Count awards_approved;
    ledger::Amount amount_approved = 0;
    ledger::Amount amount_disbursed = 0;
    Statistic<ledger::Amount> median_grant;  ///< over the grants approved (each a survivor)
    // Loans as at the period's end.
    Count active_loans;
    ledger::Amount loans_outstanding = 0;
    ledger::Amount par30_outstanding = 0;
    Statistic<std::string> par30;  ///< percent, two decimals, over the loans outstanding
    /// Percent, one decimal, over the loans with an installment due in the period.
    Statistic<std::string> on_time_repayment_rate;
    std::vector<LoanPoint> loan_trend;  ///< at each month's end in the period
    Count loans_written_off;
    ledger::Amount written_off = 0;
    // Outcomes of the businesses this fund financed.
    // Percent with one decimal of the businesses observed (each a survivor) that operate.
    Statistic<std::string> operating_6_months;
    Statistic<std::string> operating_12_months;
    Count observed_6_months;  ///< survivors with a follow-up near 6 months
    Count observed_12_months;
    /// Over the survivors with a follow-up (in profit_currency).
    Statistic<ledger::Amount> median_profit_first;
    Statistic<ledger::Amount> median_profit_latest;
    std::string profit_currency;
    /// Jobs in the businesses at the latest follow-up: a count of people, perturbed; hidden
    /// ("suppressed" or "<5") when fewer than 5 survivors' follow-ups add up to it.
    Count jobs_latest;
    std::vector<std::string> notes;  ///< the suppression rule and the consent rule, stated
};

/// The report as published: count_donor_report, then publish_counts.
DonorReport build_donor_report(const DonorReportInput& input);
/// The report with its counts of people true (each with its cell key), every category
/// listed, nothing perturbed or hidden but counts of 1-4 and statistics over fewer than 5:
/// what publish_counts starts from. For tests; never published.
DonorReport count_donor_report(const DonorReportInput& input);

/// Hides small cells (under 5, 0 included, -> "<5"; a cell already hidden stays so), then
/// the smallest shown cells, one at a time, until no hidden cell's value is pinned down by
/// the published total and what a reader knows (a "<5" cell is under 5, a "suppressed" one 5
/// or more); if even hiding every cell does not achieve that, the total is hidden too. Runs
/// on the published (perturbed) values, as a reader sees them. Exposed for tests.
void suppress(std::vector<std::pair<std::string, Count>>& cells, Count& total);

/// The row a breakdown by county gives every county not shown on its own row: their people
/// together, so that a county's first survivor, or its last, changes no row's presence.
inline constexpr const char* kOtherCounties = "other_counties";

/// The report's key: a digest of every true count of people in `r` with its cell key, in a
/// fixed order. Added to each count's cell key before the perturbation is looked up, so that
/// a report whose people differ from another's in any count draws every count's perturbation
/// afresh: which cell the one more survivor went into does not show as the one cell that
/// changed. The same people always give the same key, hence the same bytes.
int report_key(const DonorReport& r);

/// Publishes `r`'s counts of people, built with their true values and cell keys: each is
/// perturbed (reports/perturbation.hpp) under its cell key plus report_key(r), and hidden
/// ("<5") when its true or its perturbed value is under 5; a breakdown by county keeps a row
/// for each county shown and one row (kOtherCounties) for the rest; then `suppress` runs on
/// each breakdown against the published total.
void publish_counts(DonorReport& r);

/// Publishes one count of people, built with its true value and cell key: a count shown is
/// perturbed (reports/perturbation.hpp) under its cell key plus `key`, and hidden ("<5") when
/// the perturbed value is under 5; a count already hidden, or 0, is left as it is.
/// publish_counts does this to every count; the consortium statistics too
/// (reports/consortium_statistics.hpp).
void publish_count(Count& c, int key);

/// A digest of `counts`' true values with their cell keys, in order, modulo
/// ledger::kRecordKeyRange: as report_key, for a table that is not a donor report.
int counts_key(const std::vector<Count>& counts);

/// The age bands, youngest first; the donor report lists every one, even when empty.
inline constexpr std::array<const char*, 5> kAgeBands{"under_18", "18-24", "25-34", "35-44", "45+"};

/// The age band (kAgeBands) a birth year falls in at the end of `on`'s year.
std::string age_band(int birth_year, const ledger::Date& on);

/// A count of people, true, with its contributors' cell key: hidden ("<5") when it is 1 to
/// 4; publish_counts perturbs it.
Count count_of(const Contributors& people);

/// A count when `value` (e.g. jobs) is not the number of its contributors: hidden when
/// `value` is 1 to 4 or fewer than 5 people contribute; publish_counts perturbs it.
Count count_over(long value, const Contributors& people);

/// The sentence every format carries about perturbed counts.
inline constexpr const char* kPerturbationNote =
    "Counts of people are slightly perturbed, so that reports cannot be compared to single "
    "out a person; they may differ by a little between reports and need not add up to their "
    "totals.";

/// The fund statement's lines in report order, each with its name in the JSON and CSV.
std::vector<std::pair<const char*, ledger::Amount>> statement_lines(const FundStatement& s);

/// Outcomes follow a survivor's business up this many months after their first
/// disbursement; an observation counts for a follow-up when it is at most
/// kFollowUpWindowDays from its target day (the nearest one counts). The field dashboard
/// lists follow-ups whose window is open.
inline constexpr int kFollowUpMonths[] = {6, 12};
inline constexpr long kFollowUpWindowDays = 45;

/// numerator / denominator with `decimals` decimals, HALF_EVEN ("0.4250" with 4); "" when
/// the denominator is not positive.
std::string ratio_text(const ledger::Amount& numerator, const ledger::Amount& denominator,
                       int decimals);

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
