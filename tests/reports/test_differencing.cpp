// Differencing: a donor compares the reports of two periods to learn about the one survivor
// funded in one and not the other. The cell key method (reports/perturbation.hpp) must stop
// that, and the same report asked twice must give the same bytes.
//
// "Pins down", precisely: the attacker knows the perturbation table and the rules (a cell
// absent or 0 is nobody, "<5" is 1-4, "suppressed" is 5 or more, a number v is any true count
// n that the table can take to v), but no record key. For a pair of periods whose true
// reach differs by exactly one survivor, take each published cell that survivor counts in
// (their gender, age band and county, and the totals): the true differences consistent with
// the two published values are {b - a : a consistent with the first, b with the second}.
// The pair pins the survivor down if, for one of those cells, that set holds a single value
// (then the attacker knows exactly that the survivor is in the cell). It must always hold
// more than one. Before the cell key method, a cell shown as 9 and then as 10 gave {1}.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "ledger/date_bounds.hpp"
#include "ledger/program.hpp"
#include "reports/donor_report.hpp"
#include "reports/perturbation.hpp"

using namespace riziki;
using reports::Count;

namespace {

ledger::Date date(int year, unsigned month, unsigned day) {
    return ledger::Date(std::chrono::year(year), std::chrono::month(month), std::chrono::day(day));
}

struct Person {
    std::string code;
    std::string gender;
    int birth_year = 0;
    std::string county;
    int record_key = 0;
    ledger::Date funded_on;
};

/// A grant fund's year: survivors enrolled and funded month by month, three months with a
/// single survivor, with random record keys as enrolment draws them.
std::vector<Person> people_of_the_year() {
    std::mt19937 random(17);
    std::uniform_int_distribution<int> key(0, ledger::kRecordKeyRange - 1);
    constexpr int kPerMonth[12] = {6, 5, 1, 4, 6, 3, 1, 5, 4, 1, 3, 5};
    constexpr const char* kCounties[] = {"Mombasa", "Kilifi", "Kwale"};
    std::vector<Person> people;
    for (unsigned month = 1; month <= 12; ++month) {
        for (int i = 0; i < kPerMonth[month - 1]; ++i) {
            const auto n = static_cast<int>(people.size());
            people.push_back({"SV-" + std::to_string(10'000 + n), n % 4 == 3 ? "male" : "female",
                              1975 + (n * 7) % 30, kCounties[n % 3], key(random),
                              date(2025, month, 3 + static_cast<unsigned>(i))});
        }
    }
    return people;
}

/// What db::ReportReads hands over for a period: the awards approved by its end.
reports::DonorReportInput input_for(const std::vector<Person>& people, const ledger::Date& from,
                                    const ledger::Date& to) {
    reports::DonorReportInput in;
    in.fund = "F";
    in.currency = "KES";
    in.from = from;
    in.to = to;
    for (const auto& p : people) {
        if (p.funded_on > to)
            continue;
        reports::AwardFacts a;
        const long long amount = 20'000;
        a.award = {"AW" + p.code.substr(2),    p.code, "F",         "KES",
                   ledger::AwardKind::grant,   amount, p.funded_on, std::nullopt,
                   ledger::AwardStatus::closed};
        a.survivor = {p.code, p.gender, p.birth_year, p.county, "C1", true, p.record_key};
        a.postings = {{p.funded_on, "5100", ledger::Event::disbursement, amount},
                      {p.funded_on, "1020", ledger::Event::disbursement, -amount}};
        in.awards.push_back(std::move(a));
    }
    return in;
}

/// The perturbations the table can give a true count: what reports::perturbation gives it
/// over every cell key.
const std::set<int>& possible_perturbations(long count) {
    static std::map<long, std::set<int>> known;
    auto& out = known[count];
    if (out.empty()) {
        for (int key = 0; key < ledger::kRecordKeyRange; ++key)
            out.insert(reports::perturbation(count, key));
    }
    return out;
}

/// The true counts consistent with what a cell shows (nullopt: the cell is absent).
std::set<long> consistent_counts(const std::optional<Count>& shown, long cap) {
    std::set<long> out;
    if (!shown) {
        out.insert(0);
    } else if (shown->suppressed) {
        const bool small = shown->text() == "<5";
        for (long n = small ? 1 : 5; n <= (small ? 4 : cap); ++n)
            out.insert(n);
    } else {
        for (long n = 0; n <= shown->value + 10; ++n) {
            if (possible_perturbations(n).contains(static_cast<int>(shown->value - n)))
                out.insert(n);
        }
    }
    return out;
}

std::set<long> consistent_differences(const std::optional<Count>& before,
                                      const std::optional<Count>& after, long cap) {
    std::set<long> out;
    for (const long a : consistent_counts(before, cap)) {
        for (const long b : consistent_counts(after, cap))
            out.insert(b - a);
    }
    return out;
}

/// Every published count of people a survivor counts in, by name: the totals and their
/// gender, age band and county cells.
std::map<std::string, std::optional<Count>> cells_of(const reports::DonorReport& r,
                                                     const Person& p) {
    std::map<std::string, std::optional<Count>> out{{"survivors", r.survivors_reached},
                                                    {"awards approved", r.awards_approved}};
    const std::map<std::string, std::string> keys{
        {"gender", p.gender},
        {"age_band", reports::age_band(p.birth_year, r.to)},
        {"county", p.county}};
    for (const auto& b : r.reach) {
        auto& cell = out[b.dimension + "=" + keys.at(b.dimension)];
        for (const auto& [key, count] : b.cells) {
            if (key == keys.at(b.dimension))
                cell = count;
        }
    }
    return out;
}

struct Period {
    ledger::Date from;
    ledger::Date to;
    std::set<std::string> reached;
    reports::DonorReport report;
};

/// Every period of whole months a donor may ask for in the year.
std::vector<Period> every_period(const std::vector<Person>& people) {
    std::vector<Period> periods;
    for (unsigned first = 1; first <= 12; ++first) {
        for (unsigned last = first; last <= 12; ++last) {
            const auto from = date(2025, first, 1);
            const auto to = ledger::end_of_month(date(2025, last, 1));
            Period p{from, to, {}, reports::build_donor_report(input_for(people, from, to))};
            for (const auto& person : people) {
                if (from <= person.funded_on && person.funded_on <= to)
                    p.reached.insert(person.code);
            }
            periods.push_back(std::move(p));
        }
    }
    return periods;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(differencing)

BOOST_AUTO_TEST_CASE(no_pair_of_periods_pins_down_the_one_survivor_between_them) {
    const auto people = people_of_the_year();
    const auto periods = every_period(people);
    BOOST_TEST_REQUIRE(periods.size() == 78u);
    const long cap = static_cast<long>(people.size());
    int pairs = 0, shown_both_times = 0;
    for (const auto& small : periods) {
        for (const auto& large : periods) {
            std::vector<std::string> added;
            std::set_difference(large.reached.begin(), large.reached.end(), small.reached.begin(),
                                small.reached.end(), std::back_inserter(added));
            const bool nested = std::includes(large.reached.begin(), large.reached.end(),
                                              small.reached.begin(), small.reached.end());
            if (!nested || added.size() != 1)
                continue;
            ++pairs;
            const auto& person = *std::find_if(people.begin(), people.end(),
                                               [&](const Person& p) { return p.code == added[0]; });
            const auto before = cells_of(small.report, person);
            const auto after = cells_of(large.report, person);
            for (const auto& [cell, shown] : after) {
                BOOST_TEST_CONTEXT(ledger::format_date(small.from)
                                   << ".." << ledger::format_date(small.to) << " vs "
                                   << ledger::format_date(large.from) << ".."
                                   << ledger::format_date(large.to) << ", " << cell) {
                    const auto differences = consistent_differences(before.at(cell), shown, cap);
                    BOOST_TEST(differences.contains(1));  // the reader's model is right
                    BOOST_TEST(differences.size() > 1u);  // and cannot tell it is exactly 1
                    if (before.at(cell) && shown && !before.at(cell)->suppressed &&
                        !shown->suppressed && before.at(cell)->value > 0) {
                        ++shown_both_times;
                    }
                }
            }
        }
    }
    // The property was exercised, on cells shown as numbers in both reports too.
    BOOST_TEST(pairs >= 10);
    BOOST_TEST(shown_both_times >= 40);
}

BOOST_AUTO_TEST_CASE(the_same_report_asked_twice_gives_the_same_bytes) {
    const auto people = people_of_the_year();
    const auto from = date(2025, 1, 1);
    const auto to = date(2025, 12, 31);
    auto in = input_for(people, from, to);
    const auto first = reports::build_donor_report(in);
    // The database hands awards over in no particular order: the cell keys are sums.
    std::mt19937 random(3);
    std::shuffle(in.awards.begin(), in.awards.end(), random);
    const auto again = reports::build_donor_report(in);
    BOOST_TEST(reports::donor_report_json(again) == reports::donor_report_json(first));
    BOOST_TEST(reports::donor_report_csv(again) == reports::donor_report_csv(first));
    // And counts are perturbed: of the year-to-date reports at each month's end, some
    // publish a number of survivors reached other than the true one.
    int moved = 0;
    for (unsigned month = 1; month <= 12; ++month) {
        const auto end = ledger::end_of_month(date(2025, month, 1));
        const auto r = reports::build_donor_report(input_for(people, from, end));
        const auto reached = std::count_if(people.begin(), people.end(),
                                           [&](const Person& p) { return p.funded_on <= end; });
        moved += !r.survivors_reached.suppressed && r.survivors_reached.value != reached;
    }
    BOOST_TEST(moved > 0);
}

BOOST_AUTO_TEST_CASE(perturbations_never_show_a_count_below_five_and_average_zero) {
    for (long count = 0; count <= 40; ++count) {
        BOOST_TEST_CONTEXT("count " << count) {
            long long sum = 0;
            long lowest = count;
            for (int key = 0; key < ledger::kRecordKeyRange; ++key) {
                const long shown = reports::perturbed(count, key);
                sum += shown - count;
                lowest = std::min(lowest, shown);
            }
            BOOST_TEST(sum == 0);
            if (count >= reports::kSmallestShown)
                BOOST_TEST(lowest >= reports::kSmallestShown);
            BOOST_TEST(lowest >= 0);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
