// Differencing: a donor compares the reports of two periods to learn about the one survivor
// funded in one and not the other. The cell key method (reports/perturbation.hpp) must stop
// that, and the same report asked twice must give the same bytes.
//
// "Pins down", precisely: the attacker knows the perturbation table and the rules, but no
// record key, so for each published cell they know only the true counts it could come from:
// a number v is a true count of 5 or more within 2 of v; "<5" is 0 to 6 (under 5, or 5 or 6
// perturbed under 5); "suppressed" is 5 or more; a county without its own row is 0 to 6
// (it is on the other_counties row). For a pair of periods whose true reach differs by
// exactly one survivor, the true differences consistent with a cell's two published values
// are {b - a}. The pair must not pin the survivor down:
//  - no cell's difference is known exactly (its consistent set holds more than one value);
//  - in each of gender, age band and county, at least two categories could have gained the
//    survivor (their consistent sets hold 1), so neither the survivor's category nor the
//    one that changed can be read off. Before the report key (each cell perturbed by its
//    own people only), the one cell whose people changed was the one whose number changed.

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

constexpr const char* kCounties[] = {"Mombasa", "Kilifi", "Kwale"};

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

/// The true counts consistent with what a cell shows (nullopt: no row of its own).
std::set<long> consistent_counts(const std::optional<Count>& shown, long cap) {
    std::set<long> out;
    const auto range = [&](long low, long high) {
        for (long n = std::max(0L, low); n <= std::min(cap, high); ++n)
            out.insert(n);
    };
    if (!shown || (shown->suppressed && shown->text() == "<5"))
        range(0, reports::kSmallestShown + 1);
    else if (shown->suppressed)
        range(reports::kSmallestShown, cap);
    else if (shown->value == 0)
        range(0, 0);
    else
        range(std::max(reports::kSmallestShown, shown->value - 2), shown->value + 2);
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

/// Every published count of people by name ("survivors", "county=Kilifi", ...): the totals
/// and every category a reader could ask about, nullopt where it has no row of its own.
std::map<std::string, std::optional<Count>> every_cell(const reports::DonorReport& r) {
    std::map<std::string, std::optional<Count>> out{{"survivors", r.survivors_reached},
                                                    {"awards approved", r.awards_approved}};
    for (const auto gender : ledger::kGenders)
        out["gender=" + std::string(gender)];
    for (const char* band : reports::kAgeBands)
        out["age_band=" + std::string(band)];
    for (const char* county : kCounties)
        out["county=" + std::string(county)];
    out["county=" + std::string(reports::kOtherCounties)];
    for (const auto& b : r.reach) {
        for (const auto& [key, count] : b.cells)
            out.at(b.dimension + "=" + key) = count;
    }
    return out;
}

/// The cells a survivor counts in.
std::set<std::string> cells_of(const Person& p, const ledger::Date& to) {
    return {"survivors", "awards approved", "gender=" + p.gender,
            "age_band=" + reports::age_band(p.birth_year, to), "county=" + p.county};
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
            const auto before = every_cell(small.report);
            const auto after = every_cell(large.report);
            const auto own = cells_of(person, large.to);
            std::map<std::string, int> could_have_gained;  // per dimension
            for (const auto& [cell, shown] : after) {
                BOOST_TEST_CONTEXT(ledger::format_date(small.from)
                                   << ".." << ledger::format_date(small.to) << " vs "
                                   << ledger::format_date(large.from) << ".."
                                   << ledger::format_date(large.to) << ", " << cell) {
                    const auto differences = consistent_differences(before.at(cell), shown, cap);
                    // The reader's model is right (the other counties' row gains or loses
                    // whole counties as they cross 5, so its true difference is not 0 or 1).
                    if (cell != "county=" + std::string(reports::kOtherCounties))
                        BOOST_TEST(differences.contains(own.contains(cell) ? 1 : 0));
                    BOOST_TEST(differences.size() > 1u);  // and no difference known exactly
                    if (differences.contains(1))
                        ++could_have_gained[cell.substr(0, cell.find('='))];
                    if (before.at(cell) && shown && !before.at(cell)->suppressed &&
                        !shown->suppressed && before.at(cell)->value > 0) {
                        ++shown_both_times;
                    }
                    if (shown && !shown->suppressed && shown->value != 0)
                        BOOST_TEST(shown->value >= reports::kSmallestShown);
                }
            }
            for (const char* dimension : {"gender", "age_band", "county"})
                BOOST_TEST(could_have_gained[dimension] >= 2, dimension);
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

BOOST_AUTO_TEST_CASE(perturbations_average_zero_and_move_a_count_by_two_at_most) {
    for (long count = 0; count <= 40; ++count) {
        BOOST_TEST_CONTEXT("count " << count) {
            long long sum = 0;
            int widest = 0;
            for (int key = 0; key < ledger::kRecordKeyRange; ++key) {
                const int moved = reports::perturbation(count, key);
                sum += moved;
                widest = std::max(widest, std::abs(moved));
            }
            BOOST_TEST(sum == 0);
            BOOST_TEST(widest == (count < reports::kSmallestShown ? 0 : 2));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
