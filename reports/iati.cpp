#include "reports/iati.hpp"

#include "reports/display.hpp"

#include <map>

namespace riziki::reports {

namespace {

std::string narrative(const std::string& text) {
    return "<narrative>" + display::markup_escape(text) + "</narrative>";
}

/// The IATI transaction type a figure feeds, or 0: money in from donors (1), grants and
/// loans paid out (3), interest (5) and principal (6) repaid by borrowers.
int transaction_type(ledger::Figure figure) {
    if (figure == ledger::Figure::received)
        return 1;
    if (ledger::is_disbursed(figure))
        return 3;
    if (figure == ledger::Figure::interest_paid)
        return 5;
    if (figure == ledger::Figure::principal_repaid)
        return 6;
    return 0;
}

const char* type_name(int type) {
    switch (type) {
        case 1:
            return "Donor funds received";
        case 3:
            return "Grants and loans disbursed to survivors' businesses";
        case 5:
            return "Loan interest received";
        default:
            return "Loan principal repaid";
    }
}

}  // namespace

std::string iati_activities_xml(const IatiInput& in) {
    // Month end (or the period's end) x type -> amount, positive.
    std::map<std::pair<std::string, int>, ledger::Amount> totals;
    for (const auto& d : in.fund_sums) {
        if (d.day < in.from || d.day > in.to)
            continue;
        const auto* row = ledger::classify(d.event, d.account);
        const int type = row ? transaction_type(row->figure) : 0;
        if (type == 0)
            continue;
        const auto end =
            std::min(in.to, ledger::Date(std::chrono::year_month_day_last(
                                d.day.year(), std::chrono::month_day_last(d.day.month()))));
        totals[{ledger::format_date(end), type}] += row->sign * d.amount;
    }
    const auto currency = *ledger::find_currency(in.currency);
    const std::string identifier = in.reporting_org_ref + "-" + in.fund;
    const auto today = in.to;
    std::string status = "2";  // implementation
    if (in.ends_on && *in.ends_on < today)
        status = "3";  // finalisation
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<iati-activities version=\"2.03\" generated-datetime=\"" + in.generated_at + "\">\n";
    x += " <iati-activity last-updated-datetime=\"" + in.generated_at +
         "\" xml:lang=\"en\" "
         "default-currency=\"" +
         in.currency + "\">\n";
    x += "  <iati-identifier>" + display::markup_escape(identifier) + "</iati-identifier>\n";
    x += "  <reporting-org ref=\"" + display::markup_escape(in.reporting_org_ref) +
         "\" type=\"22\">" + narrative(in.reporting_org_name) + "</reporting-org>\n";
    x += "  <title>" + narrative(in.fund_name.empty() ? in.fund : in.fund_name) + "</title>\n";
    x += "  <description type=\"1\">" +
         narrative(
             "Start-up grants and small loans to survivors of trafficking in Kenya for "
             "microenterprises, from fund " +
             in.fund + ". Monthly totals only; no individual is identifiable.") +
         "</description>\n";
    if (!in.donor.empty()) {
        x += "  <participating-org ref=\"" + display::markup_escape(in.donor) + "\" role=\"1\">" +
             narrative(in.donor_name.empty() ? in.donor : in.donor_name) + "</participating-org>\n";
    }
    x += "  <participating-org ref=\"" + display::markup_escape(in.reporting_org_ref) +
         "\" role=\"4\">" + narrative(in.reporting_org_name) + "</participating-org>\n";
    x += "  <activity-status code=\"" + status + "\"/>\n";
    x += "  <activity-date type=\"1\" iso-date=\"" +
         ledger::format_date(in.starts_on.value_or(in.from)) + "\"/>\n";
    if (in.ends_on)
        x +=
            "  <activity-date type=\"3\" iso-date=\"" + ledger::format_date(*in.ends_on) + "\"/>\n";
    x += "  <recipient-country code=\"KE\"/>\n";
    for (const auto& [key, amount] : totals) {
        if (amount == 0)
            continue;
        const auto& [date, type] = key;
        x += "  <transaction>\n   <transaction-type code=\"" + std::to_string(type) + "\"/>\n";
        x += "   <transaction-date iso-date=\"" + date + "\"/>\n";
        x += "   <value currency=\"" + in.currency + "\" value-date=\"" + date + "\">" +
             ledger::format_amount(amount, currency) + "</value>\n";
        x += "   <description>" + narrative(std::string(type_name(type)) + ", month to " + date) +
             "</description>\n  </transaction>\n";
    }
    x += " </iati-activity>\n</iati-activities>\n";
    return x;
}

}  // namespace riziki::reports
