// One rule for every statistic about people (reports::statistic_over): no median, rate or
// percentage over fewer than 5 contributors (survivors, or loans for the loan rates). Each
// statistic of the donor report is walked over 1, 3 and 4 contributors (hidden) and 5
// (shown), in JSON, CSV and HTML.

#include <boost/test/unit_test.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/donor_report.hpp"

using namespace riziki;

namespace {

ledger::Date on(const char* text) {
    return *ledger::parse_date(text);
}

/// `n` survivors with a grant and two follow-ups, and `n` with a loan they never repay, all
/// funded on 10 January 2025; the period runs to the end of January 2026.
reports::DonorReportInput fund_of(int n) {
    reports::DonorReportInput in;
    in.fund = "F";
    in.currency = "KES";
    in.from = on("2025-01-01");
    in.to = on("2026-01-31");
    for (int i = 0; i < n; ++i) {
        const auto id = std::to_string(i);
        const long long amount = 10'000 + 1'000 * i;
        reports::AwardFacts grant;
        grant.award = {"AW-G" + id,
                       "SV-G" + id,
                       "F",
                       "KES",
                       ledger::AwardKind::grant,
                       amount,
                       on("2025-01-10"),
                       std::nullopt,
                       ledger::AwardStatus::closed};
        grant.survivor = {"SV-G" + id, "female", 1990, "Busia", "C1", true, 977 * i};
        grant.postings = {{on("2025-01-10"), "5100", ledger::Event::disbursement, amount},
                          {on("2025-01-10"), "1020", ledger::Event::disbursement, -amount}};
        in.awards.push_back(grant);
        for (const char* seen : {"2025-07-10", "2026-01-10"})
            in.outcomes.push_back({"SV-G" + id, on(seen), "operating", 5'000 + 100 * i, "KES", 2});
        reports::AwardFacts loan;
        ledger::LoanTerms terms;
        terms.installments = 4;
        loan.award = {"AW-L" + id,
                      "SV-L" + id,
                      "F",
                      "KES",
                      ledger::AwardKind::loan,
                      40'000,
                      on("2025-01-10"),
                      terms,
                      ledger::AwardStatus::active};
        loan.survivor = {"SV-L" + id, "male", 1985, "Busia", "C1", true, 3'001 * i};
        loan.postings = {{on("2025-01-10"), "1100", ledger::Event::disbursement, 40'000},
                         {on("2025-01-10"), "1020", ledger::Event::disbursement, -40'000}};
        in.awards.push_back(loan);
    }
    return in;
}

/// Every statistic about people: its JSON section and field, and its CSV metric.
const std::vector<std::pair<std::string, std::string>> kStatistics{
    {"awards", "median_grant"},
    {"loans", "par30_percent"},
    {"loans", "on_time_repayment_percent"},
    {"outcomes", "operating_6_months_percent"},
    {"outcomes", "operating_12_months_percent"},
    {"outcomes", "median_monthly_profit_first"},
    {"outcomes", "median_monthly_profit_latest"},
};

/// The CSV's values by section and metric.
std::map<std::pair<std::string, std::string>, std::string> csv_values(const std::string& csv) {
    std::map<std::pair<std::string, std::string>, std::string> values;
    std::istringstream lines(csv);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        std::vector<std::string> fields;
        std::istringstream parts(line);
        for (std::string field; std::getline(parts, field, ',');)
            fields.push_back(field);
        if (!line.empty() && line.back() == ',')
            fields.emplace_back();  // getline drops a last empty field
        if (fields.size() == 4)
            values[{fields[0], fields[1]}] = fields[3];
    }
    return values;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(statistics_about_people)

BOOST_AUTO_TEST_CASE(every_statistic_is_hidden_under_five_contributors_and_shown_from_five) {
    for (const int n : {1, 3, 4, 5}) {
        const bool shown = n >= 5;
        const auto report = reports::build_donor_report(fund_of(n));
        const auto json = nlohmann::json::parse(reports::donor_report_json(report));
        const auto csv = csv_values(reports::donor_report_csv(report));
        for (const auto& [section, name] : kStatistics) {
            BOOST_TEST_CONTEXT(n << " contributors: " << section << "." << name) {
                const auto& value = json.at(section).at(name);
                BOOST_TEST(value.is_null() == !shown);
                BOOST_TEST(json.at(section).at(name + "_hidden").get<bool>() == !shown);
                const auto& text = csv.at({section, name});
                BOOST_TEST((text == reports::kNotShown) == !shown, text);
                BOOST_TEST(!text.empty());
                if (shown)
                    BOOST_TEST(text == value.get<std::string>());
            }
        }
        BOOST_TEST_CONTEXT(n << " contributors: jobs, a count of people") {
            const auto& jobs = json.at("outcomes").at("jobs");
            BOOST_TEST(jobs.is_number() == shown);
            if (!shown)
                BOOST_TEST((jobs == "<5" || jobs == "suppressed"), jobs.dump());
        }
        // The HTML page says it once per statistic (the survival chart shows both shares),
        // besides the note that explains it.
        std::size_t in_notes = 0;
        for (const auto& note : report.notes)
            in_notes += occurrences(note, reports::kNotShown);
        BOOST_TEST(in_notes == 1u);
        const auto html = reports::donor_report_html(report);
        BOOST_TEST(
            occurrences(html, reports::kNotShown) == (shown ? 0u : kStatistics.size()) + in_notes,
            n << " contributors");
    }
}

BOOST_AUTO_TEST_CASE(five_contributors_give_the_true_statistics) {
    const auto r = reports::build_donor_report(fund_of(5));
    BOOST_TEST(*r.median_grant.value == ledger::Amount(12'000));
    BOOST_TEST(*r.par30.value == "100.00");
    BOOST_TEST(*r.on_time_repayment_rate.value == "0.0");
    BOOST_TEST(*r.operating_6_months.value == "100.0");
    BOOST_TEST(*r.operating_12_months.value == "100.0");
    BOOST_TEST(*r.median_profit_first.value == ledger::Amount(5'200));
    BOOST_TEST(*r.median_profit_latest.value == ledger::Amount(5'200));
}

BOOST_AUTO_TEST_CASE(a_statistic_with_nothing_to_compute_is_absent_not_hidden) {
    const auto r = reports::build_donor_report(fund_of(0));
    BOOST_TEST(!r.par30.hidden());
    BOOST_TEST(!r.par30.value);
    const auto json = nlohmann::json::parse(reports::donor_report_json(r));
    BOOST_TEST(json.at("loans").at("par30_percent").is_null());
    BOOST_TEST(json.at("loans").at("par30_percent_hidden") == false);
    BOOST_TEST(csv_values(reports::donor_report_csv(r)).at({"loans", "par30_percent"}) == "");
}

BOOST_AUTO_TEST_SUITE_END()
