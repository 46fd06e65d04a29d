// The donor report: small-cell suppression that a reader cannot undo, figures computed
// from constructed inputs, and, on the seeded demo programme, a fund statement that agrees
// with the ledger and golden JSON and CSV.

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "api/demo.hpp"
#include "api/pii_vault.hpp"
#include "reports/donor_report.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;
using reports::Count;

namespace {

using Cells = std::vector<std::pair<std::string, Count>>;

/// Every value a reader could assign to hidden cell `index`, knowing the total, the shown
/// cells, and that "<5" is 1-4 and "suppressed" is 5 or more: found by enumeration.
std::set<long> possible_values(const Cells& cells, long total, std::size_t index) {
    long hidden_sum = total;
    std::vector<std::pair<long, long>> domains;  // of hidden cells, in order
    std::size_t position = 0, target = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto& c = cells[i].second;
        if (!c.suppressed) {
            hidden_sum -= c.value;
            continue;
        }
        if (i == index)
            target = position;
        domains.push_back(c.text() == "<5" ? std::pair(1L, 4L) : std::pair(5L, total));
        ++position;
    }
    std::set<long> seen;
    std::vector<long> chosen(domains.size());
    std::function<void(std::size_t, long)> walk = [&](std::size_t i, long left) {
        if (i == domains.size()) {
            if (left == 0)
                seen.insert(chosen[target]);
            return;
        }
        for (long v = domains[i].first; v <= std::min(domains[i].second, left); ++v) {
            chosen[i] = v;
            walk(i + 1, left - v);
        }
    };
    walk(0, hidden_sum);
    return seen;
}

reports::AwardFacts grant_of(const std::string& id, const std::string& survivor, bool consent,
                             long long amount, const char* paid_on, const char* county) {
    reports::AwardFacts a;
    a.award = {id,
               survivor,
               "F",
               "KES",
               ledger::AwardKind::grant,
               amount,
               day(paid_on),
               std::nullopt,
               ledger::AwardStatus::closed};
    a.survivor = {survivor, "female", 1995, county, "C1", consent};
    a.postings = {{day(paid_on), "5100", ledger::Event::disbursement, amount},
                  {day(paid_on), "1020", ledger::Event::disbursement, -amount}};
    return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(suppression)

BOOST_AUTO_TEST_CASE(small_cells_show_as_under_five_and_totals_cannot_give_them_back) {
    Cells cells{{"Mombasa", {3, false}}, {"Kilifi", {20, false}}, {"Kwale", {9, false}}};
    Count total{32, false};
    reports::suppress(cells, total);
    BOOST_TEST(cells[0].second.text() == "<5");
    // Kwale (the smallest other cell) is hidden too, or Mombasa = 32 - 20 - 9.
    BOOST_TEST(cells[2].second.text() == "suppressed");
    BOOST_TEST(cells[1].second.text() == "20");
    BOOST_TEST(total.text() == "32");
    BOOST_TEST(possible_values(cells, 32, 0).size() > 1u);
}

BOOST_AUTO_TEST_CASE(a_small_total_hides_every_cell) {
    Cells cells{{"female", {3, false}}, {"male", {1, false}}, {"other", {0, false}}};
    Count total{4, false};
    reports::suppress(cells, total);
    BOOST_TEST(total.text() == "<5");
    BOOST_TEST(cells[0].second.text() == "<5");
    BOOST_TEST(cells[1].second.text() == "<5");
    BOOST_TEST(cells[2].second.text() == "0");
}

BOOST_AUTO_TEST_CASE(no_hidden_cell_is_ever_recoverable) {
    // Random breakdowns; for each, a reader enumerates every assignment consistent with
    // what is published and must find more than one value for every hidden cell.
    std::mt19937 random(7);
    std::uniform_int_distribution<int> cell_count(2, 5), value(0, 14), small(0, 3);
    int hidden_seen = 0;
    for (int round = 0; round < 400; ++round) {
        Cells cells;
        long total_value = 0;
        const int n = cell_count(random);
        for (int i = 0; i < n; ++i) {
            const long v = small(random) == 0 ? value(random) % 5 : value(random);
            cells.push_back({"c" + std::to_string(i), {v, false}});
            total_value += v;
        }
        Count total{total_value, false};
        reports::suppress(cells, total);
        if (total.suppressed)
            continue;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (!cells[i].second.suppressed)
                continue;
            ++hidden_seen;
            BOOST_TEST_CONTEXT("round " << round << " cell " << i) {
                BOOST_TEST(possible_values(cells, total_value, i).size() > 1u);
            }
        }
        for (const auto& [key, c] : cells) {
            if (c.value > 0 && c.value < 5)
                BOOST_TEST(c.suppressed);  // every small cell is hidden
        }
    }
    BOOST_TEST(hidden_seen > 100);  // the property was exercised
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(donor_report_model)

BOOST_AUTO_TEST_CASE(statement_reach_and_consent_from_constructed_postings) {
    reports::DonorReportInput in;
    in.fund = "F";
    in.currency = "KES";
    in.from = day("2026-01-01");
    in.to = day("2026-03-31");
    in.fund_sums = {
        {day("2025-12-01"), "1010", ledger::Event::receipt, 1'000'000},
        {day("2025-12-01"), "4100", ledger::Event::receipt, -1'000'000},
        {day("2026-01-05"), "1010", ledger::Event::receipt, 500'000},
        {day("2026-01-05"), "4100", ledger::Event::receipt, -500'000},
        {day("2026-01-10"), "5100", ledger::Event::disbursement, 60'000},
        {day("2026-01-10"), "1020", ledger::Event::disbursement, -63'300},
        {day("2026-01-10"), "5300", ledger::Event::disbursement, 3'300},
        {day("2026-02-01"), "1010", ledger::Event::manual, -7'000},
        {day("2026-02-01"), "5100", ledger::Event::manual, 7'000},
        {day("2026-04-02"), "1010", ledger::Event::receipt, 99'999},  // after the period
        {day("2026-04-02"), "4100", ledger::Event::receipt, -99'999},
    };
    for (int i = 0; i < 6; ++i) {
        in.awards.push_back(grant_of("AW-" + std::to_string(i), "SV-" + std::to_string(i), i != 5,
                                     10'000, "2026-01-10", i < 4 ? "Mombasa" : "Kilifi"));
    }
    const auto r = reports::build_donor_report(in);
    const auto& s = r.statement;
    BOOST_TEST(s.opening_cash == ledger::Amount(1'000'000));
    BOOST_TEST(s.receipts == ledger::Amount(500'000));
    BOOST_TEST(s.grants_paid == ledger::Amount(60'000));
    BOOST_TEST(s.fees == ledger::Amount(3'300));
    BOOST_TEST(s.other_cash_movements == ledger::Amount(-7'000));
    BOOST_TEST(s.closing_cash == ledger::Amount(1'000'000 + 500'000 - 63'300 - 7'000));
    // The survivor without consent is in the money, not in the counts.
    BOOST_TEST(r.survivors_reached.text() == "5");
    BOOST_TEST(r.awards_approved.text() == "5");
    BOOST_TEST(r.amount_approved == ledger::Amount(60'000));
    BOOST_TEST(*r.median_grant.value == ledger::Amount(10'000));
    // Kilifi has one consenting survivor: hidden, and Mombasa with it (5 - 4 = 1).
    const auto& county = r.reach.at(2);
    BOOST_TEST(county.dimension == "county");
    BOOST_TEST(county.cells.at(0).second.text() == "<5");
    BOOST_TEST(county.cells.at(1).second.text() == "<5");
    const auto csv = reports::donor_report_csv(r);
    BOOST_TEST(csv.find("fund_statement,closing_cash,KES,14297.00\r\n") != std::string::npos);
    BOOST_TEST(csv.find("reach,survivors,county=Kilifi,<5\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_total_its_breakdown_must_hide_is_hidden_where_it_is_published) {
    // Six survivors: five in Mombasa, one in Kilifi. Kilifi is <5, Mombasa then hidden, and
    // still a reader would know Kilifi is 6 - (5 or more) = 1: the total must go too.
    reports::DonorReportInput in;
    in.fund = "F";
    in.currency = "KES";
    in.from = day("2026-01-01");
    in.to = day("2026-03-31");
    for (int i = 0; i < 6; ++i) {
        in.awards.push_back(grant_of("AW-" + std::to_string(i), "SV-" + std::to_string(i), true,
                                     10'000, "2026-01-10", i < 5 ? "Mombasa" : "Kilifi"));
    }
    const auto r = reports::build_donor_report(in);
    BOOST_TEST(r.reach.at(2).cells.at(0).second.text() == "<5");          // Kilifi
    BOOST_TEST(r.reach.at(2).cells.at(1).second.text() == "suppressed");  // Mombasa
    BOOST_TEST(r.survivors_reached.text() == "suppressed");
}

BOOST_AUTO_TEST_CASE(loans_par30_and_on_time_rate) {
    reports::DonorReportInput in;
    in.fund = "F";
    in.currency = "KES";
    in.from = day("2026-01-01");
    in.to = day("2026-06-30");
    const auto loan = [&](const std::string& id, std::vector<reports::AwardPosting> repaid) {
        reports::AwardFacts a;
        ledger::LoanTerms t;
        t.installments = 4;  // 0 %, monthly: 4 x 250.00 due 10 Feb .. 10 May
        a.award = {id,
                   "SV-" + id,
                   "F",
                   "KES",
                   ledger::AwardKind::loan,
                   100'000,
                   day("2026-01-10"),
                   t,
                   ledger::AwardStatus::active};
        a.survivor = {"SV-" + id, "female", 1990, "Busia", "C", true};
        a.postings = {{day("2026-01-10"), "1100", ledger::Event::disbursement, 100'000},
                      {day("2026-01-10"), "1020", ledger::Event::disbursement, -100'000}};
        for (auto& p : repaid)
            a.postings.push_back(p);
        return a;
    };
    const auto paid = [](const char* on, long long amount) {
        return reports::AwardPosting{day(on), "1100", ledger::Event::repayment, -amount};
    };
    // A pays every installment on time; B pays the first two late and stops.
    in.awards.push_back(loan("A", {paid("2026-02-10", 25'000), paid("2026-03-10", 25'000),
                                   paid("2026-04-10", 25'000), paid("2026-05-10", 25'000)}));
    in.awards.push_back(loan("B", {paid("2026-02-20", 25'000), paid("2026-03-20", 25'000)}));
    const auto r = reports::build_donor_report(in);
    BOOST_TEST(r.loans_outstanding == ledger::Amount(50'000));
    BOOST_TEST(r.par30_outstanding == ledger::Amount(50'000));  // B: 10 April unpaid
    // Over one loan outstanding and two falling due: neither rate is shown.
    BOOST_TEST(r.par30.hidden());
    BOOST_TEST(r.par30.contributors == 1);
    BOOST_TEST(!r.par30.value);
    BOOST_TEST(r.on_time_repayment_rate.hidden());
    BOOST_TEST(r.on_time_repayment_rate.contributors == 2);
    BOOST_TEST(r.active_loans.text() == "<5");
    // Four more loans like B: five outstanding, all 30 days late, and six falling due.
    for (const char* id : {"C", "D", "E", "F"})
        in.awards.push_back(loan(id, {paid("2026-02-20", 25'000), paid("2026-03-20", 25'000)}));
    const auto five = reports::build_donor_report(in);
    BOOST_TEST(*five.par30.value == "100.00");
    BOOST_TEST(five.par30.contributors == 5);
    // Due in the period: 6 x 4 x 250.00; paid by the due date: A's four.
    BOOST_TEST(*five.on_time_repayment_rate.value == "16.7");
    BOOST_TEST(five.on_time_repayment_rate.contributors == 6);
}

BOOST_AUTO_TEST_CASE(a_period_no_route_allows_stops_the_report_before_its_month_walk) {
    reports::DonorReportInput in;
    in.fund = "F";
    in.currency = "KES";
    in.from = day("1900-01-01");
    in.to = day("9999-12-31");
    // Every route refuses this period first (ledger::check_report_period); a report built
    // over it anyway is a bug, stopped by RIZIKI_ASSERT before it walks 97,200 months.
    const pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGABRT, SIG_DFL);                    // not the test framework's handler
        const int quiet = ::open("/dev/null", O_WRONLY);  // the expected assertion message
        ::dup2(quiet, 2);
        const rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        (void)reports::build_donor_report(in);
        ::_exit(0);
    }
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
    BOOST_TEST(WIFSIGNALED(status));
    BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT));
    // Ten years, the longest period a route allows, is built: a point for each month.
    in.from = day("2016-06-15");
    in.to = day("2026-06-15");
    BOOST_TEST(reports::build_donor_report(in).loan_trend.size() == 121u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(donor_report_on_the_demo)

BOOST_AUTO_TEST_CASE(statement_agrees_with_the_ledger_and_matches_the_golden_files) {
    LedgerFixture f;
    const auto home =
        std::filesystem::temp_directory_path() / ("riziki-report-" + std::to_string(::getpid()));
    std::filesystem::create_directories(home);
    const auto vault = api::PiiVault::open(home / "pii.key");
    db::Pool pool(f.database.app_conninfo, 2);
    db::JournalReads journal(pool);
    db::ReportReads report_reads(pool);
    const auto seeded = api::seed_demo(pool, *f.writer, vault, 2026);
    BOOST_TEST_REQUIRE(seeded.entries > 1000);
    BOOST_TEST(seeded.refused == 0);
    const auto to = day("2026-10-31");
    for (const char* fund :
         {"HAART-KES-2026", "CTIP-USD-2026", "TRUST-KES-LOANS", "CTIP-KES-LOANS"}) {
        BOOST_TEST_CONTEXT(fund) {
            const auto report = reports::build_donor_report(
                *report_reads.donor_report_input(fund, day("2025-01-01"), to));
            ledger::Amount cash = 0, loans = 0;
            for (const auto& row : journal.balances(to, fund)) {
                if (ledger::is_cash_account(row.account))
                    cash += row.balance;
                if (row.account == "1100")
                    loans += row.balance;
            }
            BOOST_TEST(report.statement.closing_cash == cash);
            BOOST_TEST(report.statement.loans_outstanding == loans);
            BOOST_TEST(report.loans_outstanding == loans);  // the sub-ledger agrees
            BOOST_TEST(report.statement.other_cash_movements == ledger::Amount(0));
            const auto golden = std::filesystem::path(RIZIKI_GOLDEN_DIR) /
                                (std::string("donor-") + fund + "-2025-01-01-2026-10-31");
            for (const auto& [suffix, text] :
                 {std::pair{".json", reports::donor_report_json(report)},
                  std::pair{".csv", reports::donor_report_csv(report)}}) {
                const auto path = golden.string() + suffix;
                if (std::getenv("RIZIKI_UPDATE_GOLDEN") != nullptr)
                    std::ofstream(path, std::ios::binary) << text;
                std::ifstream in(path, std::ios::binary);
                std::stringstream expected;
                expected << in.rdbuf();
                BOOST_TEST(text == expected.str(),
                           path << " differs (RIZIKI_UPDATE_GOLDEN=1 to accept)");
            }
        }
    }
    std::filesystem::remove_all(home);
}

BOOST_AUTO_TEST_SUITE_END()
