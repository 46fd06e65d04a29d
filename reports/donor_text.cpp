// The donor report as JSON and CSV: the machine-readable renderings, one value per metric.

#include <nlohmann/json.hpp>

#include "reports/csv.hpp"
#include "reports/donor_report.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;

std::string money(const Amount& amount, const std::string& currency) {
    return ledger::format_amount(amount, *ledger::find_currency(currency));
}

nlohmann::json count_json(const Count& c) {
    return c.suppressed ? nlohmann::json(c.text()) : nlohmann::json(c.value);
}

nlohmann::json optional_money(const std::optional<Amount>& a, const std::string& currency) {
    return a ? nlohmann::json(money(*a, currency)) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json statement_json(const DonorReport& r) {
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [name, amount] : statement_lines(r.statement))
        json[name] = money(amount, r.currency);
    return json;
}

nlohmann::json months_json(const DonorReport& r) {
    nlohmann::json months = nlohmann::json::array();
    for (const auto& m : r.months) {
        months.push_back({{"month", m.month},
                          {"in", money(m.money_in, r.currency)},
                          {"out", money(m.money_out, r.currency)}});
    }
    return months;
}

nlohmann::json trend_json(const DonorReport& r) {
    nlohmann::json trend = nlohmann::json::array();
    for (const auto& p : r.loan_trend) {
        trend.push_back({{"month", p.month},
                         {"outstanding", money(p.outstanding, r.currency)},
                         {"par30_outstanding", money(p.par30_outstanding, r.currency)}});
    }
    return trend;
}

nlohmann::json reach_json(const DonorReport& r) {
    nlohmann::json by = nlohmann::json::object();
    for (const auto& b : r.reach) {
        nlohmann::json cells = nlohmann::json::object();
        for (const auto& [key, count] : b.cells)
            cells[key] = count_json(count);
        by[b.dimension] = cells;
    }
    return {{"survivors", count_json(r.survivors_reached)}, {"by", by}};
}

nlohmann::json loans_json(const DonorReport& r) {
    const auto& c = r.currency;
    return {{"active", count_json(r.active_loans)},
            {"outstanding", money(r.loans_outstanding, c)},
            {"par30_outstanding", money(r.par30_outstanding, c)},
            {"par30_percent", text_or_null(r.par30)},
            {"on_time_repayment_percent", text_or_null(r.on_time_repayment_rate)},
            {"written_off_count", count_json(r.loans_written_off)},
            {"written_off", money(r.written_off, c)}};
}

nlohmann::json outcomes_json(const DonorReport& r) {
    const auto profit = [&](const std::optional<Amount>& median) {
        return r.profit_currency.empty() ? nlohmann::json(nullptr)
                                         : optional_money(median, r.profit_currency);
    };
    return {{"operating_6_months_percent", text_or_null(r.operating_6_months.text())},
            {"observed_6_months", count_json(count_of(r.operating_6_months.denominator))},
            {"operating_12_months_percent", text_or_null(r.operating_12_months.text())},
            {"observed_12_months", count_json(count_of(r.operating_12_months.denominator))},
            {"median_monthly_profit_first", profit(r.median_profit_first)},
            {"median_monthly_profit_latest", profit(r.median_profit_latest)},
            {"profit_currency", text_or_null(r.profit_currency)},
            {"jobs", count_json(r.jobs_latest)}};
}

}  // namespace

std::string donor_report_json(const DonorReport& r) {
    const auto& c = r.currency;
    nlohmann::json json = {{"fund", r.fund},
                           {"fund_name", r.fund_name},
                           {"donor", text_or_null(r.donor)},
                           {"currency", c},
                           {"from", ledger::format_date(r.from)},
                           {"to", ledger::format_date(r.to)},
                           {"fund_statement", statement_json(r)},
                           {"money_by_month", months_json(r)},
                           {"loan_trend", trend_json(r)},
                           {"reach", reach_json(r)},
                           {"awards",
                            {{"approved", count_json(r.awards_approved)},
                             {"amount_approved", money(r.amount_approved, c)},
                             {"amount_disbursed", money(r.amount_disbursed, c)},
                             {"median_grant", optional_money(r.median_grant, c)}}},
                           {"loans", loans_json(r)},
                           {"outcomes", outcomes_json(r)},
                           {"notes", r.notes}};
    return json.dump();
}

std::string donor_report_csv(const DonorReport& r) {
    std::string out = "section,metric,dimension,value\r\n";
    const auto row = [&](const std::string& section, const std::string& metric,
                         const std::string& dimension, const std::string& value) {
        out += csv_field(section) + "," + csv_field(metric) + "," + csv_field(dimension) + "," +
               csv_field(value) + "\r\n";
    };
    const auto& c = r.currency;
    for (const auto& [metric, amount] : statement_lines(r.statement))
        row("fund_statement", metric, c, money(amount, c));
    for (const auto& m : r.months) {
        row("money_by_month", "in", m.month, money(m.money_in, c));
        row("money_by_month", "out", m.month, money(m.money_out, c));
    }
    row("reach", "survivors", "", r.survivors_reached.text());
    for (const auto& b : r.reach) {
        for (const auto& [key, count] : b.cells)
            row("reach", "survivors", b.dimension + "=" + key, count.text());
    }
    row("awards", "approved", "", r.awards_approved.text());
    row("awards", "amount_approved", c, money(r.amount_approved, c));
    row("awards", "amount_disbursed", c, money(r.amount_disbursed, c));
    row("awards", "median_grant", c, r.median_grant ? money(*r.median_grant, c) : "");
    row("loans", "active", "", r.active_loans.text());
    row("loans", "outstanding", c, money(r.loans_outstanding, c));
    row("loans", "par30_percent", "", r.par30);
    row("loans", "on_time_repayment_percent", "", r.on_time_repayment_rate);
    row("loans", "written_off_count", "", r.loans_written_off.text());
    row("loans", "written_off", c, money(r.written_off, c));
    row("outcomes", "operating_6_months_percent", "", r.operating_6_months.text());
    row("outcomes", "operating_12_months_percent", "", r.operating_12_months.text());
    const auto& pc = r.profit_currency;
    row("outcomes", "median_monthly_profit_first", pc,
        r.median_profit_first && !pc.empty() ? money(*r.median_profit_first, pc) : "");
    row("outcomes", "median_monthly_profit_latest", pc,
        r.median_profit_latest && !pc.empty() ? money(*r.median_profit_latest, pc) : "");
    row("outcomes", "jobs", "", r.jobs_latest.text());
    return out;
}

}  // namespace riziki::reports
