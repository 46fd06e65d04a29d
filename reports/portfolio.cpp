#include "reports/portfolio.hpp"

#include <nlohmann/json.hpp>

#include <map>

#include "reports/csv.hpp"
#include "reports/donor_report.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;

constexpr std::pair<long, const char*> kBuckets[] = {
    {30, "1-30"}, {60, "31-60"}, {90, "61-90"}, {180, "91-180"}, {-1, ">180"}};

PortfolioGroup empty_group(const std::string& currency, const std::string& cohort) {
    PortfolioGroup g{currency, cohort, 0, 0, 0, 0, 0, {}, 0, 0};
    for (const auto& label : aging_labels())
        g.aging.push_back({label, 0, 0});
    return g;
}

void add_loan(PortfolioGroup& g, const ledger::AwardFigures& f, long days_late) {
    g.disbursed += f.disbursed;
    g.written_off += f.written_off;
    if (f.outstanding <= 0)
        return;
    ++g.loans_outstanding;
    g.gross += f.outstanding;
    if (days_late < 1)
        return;
    g.par1 += f.outstanding;
    if (days_late >= 30)
        g.par30 += f.outstanding;
    if (days_late >= 90)
        g.par90 += f.outstanding;
    const auto bucket = *aging_bucket(days_late);
    ++g.aging[bucket].loans;
    g.aging[bucket].outstanding += f.outstanding;
}

std::string money(const Amount& amount, const std::string& currency) {
    return ledger::format_amount(amount, *ledger::find_currency(currency));
}

nlohmann::json group_json(const PortfolioGroup& g) {
    const auto& c = g.currency;
    nlohmann::json aging = nlohmann::json::array();
    for (const auto& b : g.aging) {
        aging.push_back({{"days", b.days},
                         {"loans", b.loans},
                         {"outstanding", money(b.outstanding, c)},
                         {"percent", percent_text(b.outstanding, g.gross, 2)}});
    }
    nlohmann::json json = {
        {"currency", c},
        {"loans_outstanding", g.loans_outstanding},
        {"gross_portfolio", money(g.gross, c)},
        {"par1_percent", percent_text(g.par1, g.gross, 2)},
        {"par30_percent", percent_text(g.par30, g.gross, 2)},
        {"par90_percent", percent_text(g.par90, g.gross, 2)},
        {"par1_outstanding", money(g.par1, c)},
        {"par30_outstanding", money(g.par30, c)},
        {"par90_outstanding", money(g.par90, c)},
        {"aging", aging},
        {"disbursed", money(g.disbursed, c)},
        {"written_off", money(g.written_off, c)},
        {"write_off_ratio_percent", percent_text(g.written_off, g.disbursed, 2)}};
    if (!g.cohort.empty())
        json["cohort"] = g.cohort;
    return json;
}

}  // namespace

const std::vector<std::string>& aging_labels() {
    static const std::vector<std::string> labels = [] {
        std::vector<std::string> out;
        for (const auto& [limit, label] : kBuckets)
            out.emplace_back(label);
        return out;
    }();
    return labels;
}

std::optional<std::size_t> aging_bucket(long days_late) {
    if (days_late < 1)
        return std::nullopt;
    std::size_t i = 0;
    while (kBuckets[i].first >= 0 && days_late > kBuckets[i].first)
        ++i;
    return i;
}

PortfolioReport build_portfolio(const PortfolioInput& in) {
    std::map<std::string, PortfolioGroup> books;
    std::map<std::pair<std::string, std::string>, PortfolioGroup> cohorts;
    ledger::ScheduleMemo schedules;
    for (const auto& loan : in.loans) {
        ledger::AwardFigures f;
        for (const auto& p : loan.postings) {
            if (p.day <= in.as_of)
                ledger::add_posting(f, p.account, p.event, p.amount, p.day);
        }
        long days_late = 0;
        if (ledger::derive_status(loan.award, f) == ledger::AwardStatus::active) {
            const auto schedule = ledger::award_schedule(loan.award, f, schedules);
            if (schedule.ok())
                days_late = ledger::arrears_as_of(schedule.schedule, f, in.as_of).days;
        }
        const auto& currency = loan.award.currency;
        auto book = books.try_emplace(currency, empty_group(currency, "")).first;
        add_loan(book->second, f, days_late);
        const std::pair key{currency, loan.survivor.cohort};
        auto cohort = cohorts.try_emplace(key, empty_group(currency, loan.survivor.cohort)).first;
        add_loan(cohort->second, f, days_late);
    }
    PortfolioReport report{in.as_of, {}, {}};
    for (auto& [currency, g] : books)
        report.books.push_back(std::move(g));
    for (auto& [key, g] : cohorts)
        report.cohorts.push_back(std::move(g));
    return report;
}

std::string portfolio_json(const PortfolioReport& r) {
    nlohmann::json books = nlohmann::json::array(), cohorts = nlohmann::json::array();
    for (const auto& g : r.books)
        books.push_back(group_json(g));
    for (const auto& g : r.cohorts)
        cohorts.push_back(group_json(g));
    return nlohmann::json{{"as_of", ledger::format_date(r.as_of)},
                          {"books", books},
                          {"cohorts", cohorts},
                          {"definitions",
                           {{"par",
                             "Outstanding principal of loans with an installment at least N "
                             "days late, over the gross portfolio (outstanding principal)."},
                            {"write_off_ratio",
                             "Principal written off over principal disbursed, "
                             "all time to as_of."}}}}
        .dump();
}

std::string portfolio_csv(const PortfolioReport& r) {
    std::string out = "currency,cohort,metric,value\r\n";
    const auto emit = [&](const PortfolioGroup& g) {
        const auto row = [&](const std::string& metric, const std::string& value) {
            out += g.currency + "," + csv_field(g.cohort) + "," + metric + "," + value + "\r\n";
        };
        row("loans_outstanding", std::to_string(g.loans_outstanding));
        row("gross_portfolio", money(g.gross, g.currency));
        row("par1_percent", percent_text(g.par1, g.gross, 2));
        row("par30_percent", percent_text(g.par30, g.gross, 2));
        row("par90_percent", percent_text(g.par90, g.gross, 2));
        for (const auto& b : g.aging)
            row("aging_" + b.days + "_outstanding", money(b.outstanding, g.currency));
        row("write_off_ratio_percent", percent_text(g.written_off, g.disbursed, 2));
    };
    for (const auto& g : r.books)
        emit(g);
    for (const auto& g : r.cohorts)
        emit(g);
    return out;
}

}  // namespace riziki::reports
