// The donor report as an Excel workbook: a sheet per section, figures as numeric cells with
// the currency's number format, and hidden counts as the text every other rendering shows
// ("<5", "suppressed"). The workbook itself is written by reports/xlsx_book.hpp.

#include <string>
#include <tuple>
#include <vector>

#include "reports/display.hpp"
#include "reports/donor_report.hpp"
#include "reports/xlsx_book.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;
using xlsx::Cell;
using xlsx::Workbook;

/// A count of people: the number, or the text a hidden count shows ("<5" or "suppressed").
Cell count_cell(const Count& count) {
    if (count.suppressed)
        return count.text();
    return xlsx::Number{std::to_string(count.value), "#,##0"};
}

/// A percentage from the report ("12.34") with as many decimals as it has, or `absent`
/// when there is none.
Cell percent_of(const std::string& text, const std::string& absent) {
    if (text.empty())
        return absent;
    const auto point = text.find('.');
    const auto decimals = point == std::string::npos ? 0 : text.size() - point - 1;
    return xlsx::Number{text, (decimals > 0 ? "0." + std::string(decimals, '0') : "0") + "\" %\""};
}

/// A percentage statistic's cell: the number, kNotShown when hidden, else `absent`.
Cell percent_cell(const Statistic<std::string>& s, const std::string& absent) {
    if (s.hidden())
        return std::string(kNotShown);
    return percent_of(s.value.value_or(""), absent);
}

/// A median's cell: the amount, kNotShown when hidden, else "not shown".
Cell median_cell(const Statistic<Amount>& s, const std::string& currency) {
    if (s.hidden())
        return std::string(kNotShown);
    if (currency.empty())
        return std::string("not shown");
    return xlsx::Money{s.value, currency};
}

xlsx::Money money_of(const Amount& amount, const std::string& currency) {
    return {amount, currency};
}

/// A sheet of the report, under its title row (fund and period).
xlsx::Sheet sheet_of(Workbook& book, const DonorReport& r, const char* name,
                     const std::vector<xlsx::Column>& columns) {
    return xlsx::Sheet(book,
                       "Donor report · " + r.fund + " · " + ledger::format_date(r.from) + " to " +
                           ledger::format_date(r.to),
                       name, columns);
}

void statement_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    const auto& s = r.statement;
    auto sheet = sheet_of(book, r, "Statement", {{"Item", 44}, {"Amount", 22}});
    sheet.add_row({"Fund", r.fund});
    sheet.add_row({"Fund name", r.fund_name});
    sheet.add_row({"Donor", r.donor});
    sheet.add_row({"Currency", c});
    sheet.add_row({"From", r.from});
    sheet.add_row({"To", r.to});
    sheet.add_row({});
    // Outflows are negative, so that the rows from opening to other movements sum to the
    // closing cash.
    sheet.add_row({"Opening cash", money_of(s.opening_cash, c)});
    sheet.add_row({"Donor receipts", money_of(s.receipts, c)});
    sheet.add_row({"Grants paid", money_of(-s.grants_paid, c)});
    sheet.add_row({"Loans disbursed", money_of(-s.loans_disbursed, c)});
    sheet.add_row({"Transfer and M-Pesa fees", money_of(-s.fees, c)});
    sheet.add_row({"Loan principal repaid", money_of(s.principal_repaid, c)});
    sheet.add_row({"Loan interest received", money_of(s.interest_received, c)});
    sheet.add_row({"Overpayments received", money_of(s.overpayments_received, c)});
    sheet.add_row({"Recoveries on written-off loans", money_of(s.recoveries, c)});
    sheet.add_row({"Other cash movements", money_of(s.other_cash_movements, c)});
    sheet.add_row({"Closing cash", money_of(s.closing_cash, c)});
    sheet.add_row({"Grants given in kind (no cash)", money_of(s.grants_in_kind, c)});
    sheet.add_row({"Loans outstanding at period end", money_of(s.loans_outstanding, c)});
}

/// The commitment and its shares: amounts in the currency's format, shares as percentages
/// with two decimals (the 4-place share exactly: 0.6250 is 62.50 %).
void commitment_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    auto sheet = sheet_of(book, r, "Commitment",
                          {{"Since the fund began, up to the period's end", 50},
                           {"Amount", 22},
                           {"Share of the commitment", 24}});
    for (const auto& line : display::commitment_lines(r.commitment)) {
        const Cell amount =
            line.amount ? Cell(money_of(*line.amount, c)) : Cell(std::string("not recorded"));
        if (line.has_share)
            sheet.add_row({line.label, amount, percent_of(line.share, "-")});
        else
            sheet.add_row({line.label, amount});
    }
}

void money_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    auto sheet =
        sheet_of(book, r, "Money by month", {{"Month", 12}, {"Money in", 20}, {"Money out", 20}});
    for (const auto& m : r.months)
        sheet.add_row({m.month, money_of(m.money_in, c), money_of(m.money_out, c)});
}

void reach_sheet(Workbook& book, const DonorReport& r) {
    auto sheet = sheet_of(book, r, "Reach", {{"Dimension", 14}, {"Group", 24}, {"Survivors", 12}});
    sheet.add_row({"all", "all", count_cell(r.survivors_reached)});
    for (const auto& b : r.reach) {
        const std::string dimension = b.dimension == "age_band" ? "age band" : b.dimension;
        for (const auto& [group, count] : b.cells)
            sheet.add_row({dimension, display::category(group), count_cell(count)});
    }
}

void awards_sheet(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    auto sheet = sheet_of(book, r, "Awards", {{"Metric", 44}, {"Value", 22}});
    sheet.add_row({"Awards approved in the period", count_cell(r.awards_approved)});
    sheet.add_row({"Amount approved", money_of(r.amount_approved, c)});
    sheet.add_row({"Amount disbursed", money_of(r.amount_disbursed, c)});
    sheet.add_row({"Median grant", median_cell(r.median_grant, c)});
}

/// The loan book at the period's end, then at each month's end (the PDF's loan chart).
void loan_sheets(Workbook& book, const DonorReport& r) {
    const auto& c = r.currency;
    auto loans = sheet_of(book, r, "Loans", {{"Metric", 50}, {"Value", 22}});
    loans.add_row({"Active loans at period end", count_cell(r.active_loans)});
    loans.add_row({"Outstanding principal", money_of(r.loans_outstanding, c)});
    loans.add_row({"Outstanding principal 30+ days late", money_of(r.par30_outstanding, c)});
    loans.add_row({"Portfolio at risk > 30 days (PAR30)", percent_cell(r.par30, "-")});
    loans.add_row({"On-time repayment (paid by due date / fallen due)",
                   percent_cell(r.on_time_repayment_rate, "-")});
    loans.add_row({"Loans written off in the period", count_cell(r.loans_written_off)});
    loans.add_row({"Amount written off", money_of(r.written_off, c)});
    auto trend = sheet_of(book, r, "Loans by month",
                          {{"Month (at its end)", 18},
                           {"Loans outstanding", 20},
                           {"30+ days late", 20},
                           {"PAR30", 10}});
    for (const auto& p : r.loan_trend) {
        trend.add_row({p.month, money_of(p.outstanding, c), money_of(p.par30_outstanding, c),
                       percent_of(percent_text(p.par30_outstanding, p.outstanding, 2), "-")});
    }
}

void outcomes_and_notes_sheets(Workbook& book, const DonorReport& r) {
    auto outcomes = sheet_of(book, r, "Outcomes", {{"Metric", 50}, {"Value", 22}});
    for (const auto& [months, share, observed] :
         {std::tuple{"6", &r.operating_6_months, &r.observed_6_months},
          std::tuple{"12", &r.operating_12_months, &r.observed_12_months}}) {
        const std::string after = std::string(months) + " months after first disbursement";
        outcomes.add_row(
            {"Businesses operating " + after, percent_cell(*share, "not yet observed")});
        outcomes.add_row({"Businesses observed " + after, count_cell(*observed)});
    }
    const auto& pc = r.profit_currency;
    outcomes.add_row(
        {"Median monthly profit, first follow-up", median_cell(r.median_profit_first, pc)});
    outcomes.add_row(
        {"Median monthly profit, latest follow-up", median_cell(r.median_profit_latest, pc)});
    outcomes.add_row({"Jobs in the businesses (latest follow-up)", count_cell(r.jobs_latest)});
    auto notes = sheet_of(book, r, "Notes", {{"How to read this report", 110}});
    for (const auto& note : r.notes)
        notes.add_paragraph(note);
}

}  // namespace

std::string donor_report_xlsx(const DonorReport& report) {
    return xlsx::write_workbook([&](Workbook& book) {
        book.properties("Donor report " + report.fund + " " + ledger::format_date(report.from) +
                            " to " + ledger::format_date(report.to),
                        report.fund_name);
        statement_sheet(book, report);
        commitment_sheet(book, report);
        money_sheet(book, report);
        reach_sheet(book, report);
        awards_sheet(book, report);
        loan_sheets(book, report);
        outcomes_and_notes_sheets(book, report);
    });
}

}  // namespace riziki::reports
