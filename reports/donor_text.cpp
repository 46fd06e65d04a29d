// The donor report as JSON and CSV: the machine-readable renderings, one value per metric.

#include <nlohmann/json.hpp>

#include "reports/count_json.hpp"
#include "reports/csv.hpp"
#include "reports/donor_report.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;

std::string money(const Amount& amount, const std::string& currency) {
    return ledger::format_amount(amount, *ledger::find_currency(currency));
}

/// A statistic as `name` (its value, or null when hidden or absent) and `name_hidden` (true
/// when it is over 1 to 4 contributors), added to `json`.
template <typename T, typename Show>
void statistic_json(nlohmann::json& json, const std::string& name, const Statistic<T>& s,
                    Show show) {
    json[name] = s.value ? nlohmann::json(show(*s.value)) : nlohmann::json(nullptr);
    json[name + "_hidden"] = s.hidden();
}

void percent_json(nlohmann::json& json, const std::string& name, const Statistic<std::string>& s) {
    statistic_json(json, name, s, [](const std::string& v) { return v; });
}

void money_json(nlohmann::json& json, const std::string& name, const Statistic<Amount>& s,
                const std::string& currency) {
    if (currency.empty()) {  // no follow-up yet: no currency to write a median in
        json[name] = nullptr;
        json[name + "_hidden"] = s.hidden();
        return;
    }
    statistic_json(json, name, s, [&](const Amount& v) { return money(v, currency); });
}

/// A statistic as a CSV value: the value, kNotShown, or "" when there is none.
std::string statistic_csv(const Statistic<std::string>& s) {
    return s.text([](const std::string& v) { return v; }, "");
}

std::string statistic_csv(const Statistic<Amount>& s, const std::string& currency) {
    if (currency.empty() && !s.hidden())
        return "";
    return s.text([&](const Amount& v) { return money(v, currency); }, "");
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

/// The commitment as GET /v1/funds names its figures; an amount not recorded and a share
/// without a commitment to be a share of are null.
nlohmann::json commitment_json(const DonorReport& r) {
    const auto& c = r.commitment;
    return {{"committed", c.committed ? nlohmann::json(money(*c.committed, r.currency))
                                      : nlohmann::json(nullptr)},
            {"received", money(c.received, r.currency)},
            {"disbursed", money(c.disbursed, r.currency)},
            {"spent", money(c.spent, r.currency)},
            {"received_share", text_or_null(c.received_share)},
            {"disbursed_share", text_or_null(c.disbursed_share)},
            {"spent_share", text_or_null(c.spent_share)}};
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
    nlohmann::json json = {{"active", count_json(r.active_loans)},
                           {"outstanding", money(r.loans_outstanding, c)},
                           {"par30_outstanding", money(r.par30_outstanding, c)},
                           {"written_off_count", count_json(r.loans_written_off)},
                           {"written_off", money(r.written_off, c)}};
    percent_json(json, "par30_percent", r.par30);
    percent_json(json, "on_time_repayment_percent", r.on_time_repayment_rate);
    return json;
}

nlohmann::json outcomes_json(const DonorReport& r) {
    const auto& pc = r.profit_currency;
    nlohmann::json json = {{"observed_6_months", count_json(r.observed_6_months)},
                           {"observed_12_months", count_json(r.observed_12_months)},
                           {"profit_currency", text_or_null(pc)},
                           {"jobs", count_json(r.jobs_latest)}};
    percent_json(json, "operating_6_months_percent", r.operating_6_months);
    percent_json(json, "operating_12_months_percent", r.operating_12_months);
    money_json(json, "median_monthly_profit_first", r.median_profit_first, pc);
    money_json(json, "median_monthly_profit_latest", r.median_profit_latest, pc);
    return json;
}

nlohmann::json awards_json(const DonorReport& r) {
    const auto& c = r.currency;
    nlohmann::json json = {{"approved", count_json(r.awards_approved)},
                           {"amount_approved", money(r.amount_approved, c)},
                           {"amount_disbursed", money(r.amount_disbursed, c)}};
    money_json(json, "median_grant", r.median_grant, c);
    return json;
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
                           {"commitment", commitment_json(r)},
                           {"fund_statement", statement_json(r)},
                           {"money_by_month", months_json(r)},
                           {"loan_trend", trend_json(r)},
                           {"reach", reach_json(r)},
                           {"awards", awards_json(r)},
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
    const auto& commitment = r.commitment;
    row("commitment", "committed", c,
        commitment.committed ? money(*commitment.committed, c) : std::string());
    row("commitment", "received", c, money(commitment.received, c));
    row("commitment", "disbursed", c, money(commitment.disbursed, c));
    row("commitment", "spent", c, money(commitment.spent, c));
    row("commitment", "received_share", "", commitment.received_share);
    row("commitment", "disbursed_share", "", commitment.disbursed_share);
    row("commitment", "spent_share", "", commitment.spent_share);
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
    row("awards", "median_grant", c, statistic_csv(r.median_grant, c));
    row("loans", "active", "", r.active_loans.text());
    row("loans", "outstanding", c, money(r.loans_outstanding, c));
    row("loans", "par30_percent", "", statistic_csv(r.par30));
    row("loans", "on_time_repayment_percent", "", statistic_csv(r.on_time_repayment_rate));
    row("loans", "written_off_count", "", r.loans_written_off.text());
    row("loans", "written_off", c, money(r.written_off, c));
    row("outcomes", "operating_6_months_percent", "", statistic_csv(r.operating_6_months));
    row("outcomes", "operating_12_months_percent", "", statistic_csv(r.operating_12_months));
    const auto& pc = r.profit_currency;
    row("outcomes", "median_monthly_profit_first", pc, statistic_csv(r.median_profit_first, pc));
    row("outcomes", "median_monthly_profit_latest", pc, statistic_csv(r.median_profit_latest, pc));
    row("outcomes", "jobs", "", r.jobs_latest.text());
    for (const auto& note : r.notes)
        row("notes", "note", "", note);
    return out;
}

}  // namespace riziki::reports
