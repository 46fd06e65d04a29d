// The consortium statistics as computed (reports/consortium_statistics.hpp): people joined
// across members by their tokens, counted per month and kind of support, and published with
// the donor report's cell key method (publish_count, counts_key), on plain rows with chosen
// record keys.

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include "ledger/program.hpp"
#include "reports/consortium_statistics.hpp"
#include "reports/perturbation.hpp"

using namespace riziki;
using reports::ConsortiumActivity;

namespace {

ledger::Hash token(unsigned char kind, int n) {
    ledger::Hash out{};
    out[0] = kind;
    out[1] = static_cast<unsigned char>(n);
    out[2] = static_cast<unsigned char>(n >> 8);
    return out;
}

/// A row of `member`'s activity: record `record` with the phone token of `phone` (0: none).
ConsortiumActivity row(std::int64_t member, std::int64_t record, int phone,
                       const std::string& support = "grant", const std::string& month = "2026-03") {
    ConsortiumActivity out;
    out.month = month;
    out.member = member;
    out.record = record;
    out.support = support;
    out.record_key = static_cast<int>((record * 7919) % ledger::kRecordKeyRange);
    if (phone != 0)
        out.phone_token = token('p', phone);
    return out;
}

/// Eight people at both members (the same phones), and two more at the second.
std::vector<ConsortiumActivity> shared_month() {
    std::vector<ConsortiumActivity> rows;
    for (int i = 1; i <= 8; ++i) {
        rows.push_back(row(1, i, i));
        rows.push_back(row(2, 100 + i, i));
    }
    rows.push_back(row(2, 201, 201, "loan"));
    rows.push_back(row(2, 202, 0, "loan"));
    return rows;
}

const reports::ConsortiumCell& cell(const reports::ConsortiumStatistics& s,
                                    const std::string& month, const std::string& support) {
    for (const auto& c : s.cells) {
        if (c.month == month && c.support == support)
            return c;
    }
    throw std::runtime_error("no cell " + month + " " + support);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(consortium_statistics)

BOOST_AUTO_TEST_CASE(whole_months_cross_the_year_and_an_inverted_range_has_none) {
    const auto months = reports::whole_months("2025-11", "2026-02");
    BOOST_TEST(months == (std::vector<std::string>{"2025-11", "2025-12", "2026-01", "2026-02"}),
               boost::test_tools::per_element());
    BOOST_TEST(reports::whole_months("2026-03", "2026-02").empty());
    BOOST_TEST(reports::whole_months("2023-01", "2025-12").size() == 36u);
}

BOOST_AUTO_TEST_CASE(a_person_at_two_members_is_reached_once_and_reported_twice) {
    const auto s = reports::count_consortium_statistics("2026-03", "2026-03", shared_month());
    BOOST_TEST_REQUIRE(s.cells.size() == 3u);
    BOOST_TEST(cell(s, "2026-03", "all").reach.value == 10);
    BOOST_TEST(cell(s, "2026-03", "all").reported_separately.value == 18);
    BOOST_TEST(cell(s, "2026-03", "grant").reach.value == 8);
    BOOST_TEST(cell(s, "2026-03", "grant").reported_separately.value == 16);
    // Two loans: hidden even before publication.
    BOOST_TEST(cell(s, "2026-03", "loan").reach.value == 2);
    BOOST_TEST(cell(s, "2026-03", "loan").reach.suppressed);
    // A person's key is their smallest record key; the cell key their sum.
    long expected = 0;
    for (int i = 1; i <= 8; ++i)
        expected += std::min(row(1, i, i).record_key, row(2, 100 + i, i).record_key);
    expected += row(2, 201, 201).record_key + row(2, 202, 0).record_key;
    BOOST_TEST(cell(s, "2026-03", "all").reach.cell_key == expected % ledger::kRecordKeyRange);
}

BOOST_AUTO_TEST_CASE(tokens_join_across_members_never_within_one) {
    // Two namesakes at one member (one name token, no other token in common) are two people;
    // a record of another member with that name token joins all three into one.
    auto namesake = [](std::int64_t member, std::int64_t record) {
        auto r = row(member, record, 0);
        r.name_token = token('n', 1);
        return r;
    };
    std::vector<ConsortiumActivity> rows{namesake(1, 1), namesake(1, 2)};
    for (int i = 3; i <= 8; ++i)
        rows.push_back(row(1, i, i));
    auto s = reports::count_consortium_statistics("2026-03", "2026-03", rows);
    BOOST_TEST(cell(s, "2026-03", "all").reach.value == 8);
    rows.push_back(namesake(2, 50));
    s = reports::count_consortium_statistics("2026-03", "2026-03", rows);
    BOOST_TEST(cell(s, "2026-03", "all").reach.value == 7);
    BOOST_TEST(cell(s, "2026-03", "all").reported_separately.value == 9);
    // An id token joins as a phone token does, and a chain joins through a middle record.
    auto by_id = row(3, 60, 0);
    by_id.id_token = token('i', 9);
    auto middle = row(2, 61, 3);
    middle.id_token = token('i', 9);
    rows.push_back(by_id);
    rows.push_back(middle);
    s = reports::count_consortium_statistics("2026-03", "2026-03", rows);
    BOOST_TEST(cell(s, "2026-03", "all").reach.value == 7);
}

BOOST_AUTO_TEST_CASE(published_counts_come_from_the_table_under_the_month_key) {
    std::vector<ConsortiumActivity> rows = shared_month();
    for (int i = 1; i <= 6; ++i)
        rows.push_back(row(1, 300 + i, 300 + i, "loan", "2026-04"));
    const auto truth = reports::count_consortium_statistics("2026-03", "2026-04", rows);
    const auto published = reports::build_consortium_statistics("2026-03", "2026-04", rows);
    BOOST_TEST_REQUIRE(published.cells.size() == 6u);
    for (std::size_t start = 0; start < 6; start += 3) {
        std::vector<reports::Count> month;
        for (std::size_t i = start; i < start + 3; ++i) {
            month.push_back(truth.cells[i].reach);
            month.push_back(truth.cells[i].reported_separately);
        }
        const int key = reports::counts_key(month);
        for (std::size_t i = start; i < start + 3; ++i) {
            const auto pairs = {std::pair{truth.cells[i].reach, published.cells[i].reach},
                                std::pair{truth.cells[i].reported_separately,
                                          published.cells[i].reported_separately}};
            for (const auto& [t, p] : pairs) {
                BOOST_TEST_CONTEXT(truth.cells[i].month << " " << truth.cells[i].support) {
                    const long expected =
                        reports::perturbed(t.value, (t.cell_key + key) % ledger::kRecordKeyRange);
                    const bool hidden =
                        t.value < reports::kSmallestShown || expected < reports::kSmallestShown;
                    BOOST_TEST(p.suppressed == hidden);
                    if (!hidden)
                        BOOST_TEST(p.value == expected);
                }
            }
        }
    }
    // The same people give the same bytes, and a month publishes the same in any range.
    const auto again = reports::build_consortium_statistics("2026-03", "2026-04", rows);
    BOOST_TEST(reports::consortium_statistics_json(again) ==
               reports::consortium_statistics_json(published));
    const auto april = reports::build_consortium_statistics("2026-04", "2026-04", rows);
    BOOST_TEST(april.cells[0].reach.text() == published.cells[3].reach.text());
}

BOOST_AUTO_TEST_CASE(one_person_more_does_not_publish_a_difference_of_one) {
    const auto before = reports::build_consortium_statistics("2026-03", "2026-03", shared_month());
    const long reach_before = cell(before, "2026-03", "grant").reach.value;
    std::set<long> differences;
    for (int extra = 0; extra < 20; ++extra) {
        auto rows = shared_month();
        rows.push_back(row(1, 500 + extra, 500 + extra));
        const auto after = reports::build_consortium_statistics("2026-03", "2026-03", rows);
        BOOST_TEST_REQUIRE(!cell(after, "2026-03", "grant").reach.suppressed);
        differences.insert(cell(after, "2026-03", "grant").reach.value - reach_before);
    }
    // The true difference is 1 each time; what a reader sees is drawn afresh.
    BOOST_TEST(differences.size() > 1u);
}

BOOST_AUTO_TEST_CASE(small_and_empty_cells_show_as_under_five_in_every_format) {
    std::vector<ConsortiumActivity> rows{row(1, 1, 1), row(2, 2, 2), row(2, 3, 3)};
    const auto s = reports::build_consortium_statistics("2026-03", "2026-03", rows);
    for (const auto& c : s.cells) {
        BOOST_TEST(c.reach.text() == "<5");
        BOOST_TEST(c.reported_separately.text() == "<5");
    }
    const auto json = nlohmann::json::parse(reports::consortium_statistics_json(s));
    BOOST_TEST(json.at("months").size() == 3u);
    BOOST_TEST(json.at("months").at(0).at("reach") == "<5");
    BOOST_TEST(json.at("months").at(2).at("support") == "loan");
    BOOST_TEST(json.at("months").at(2).at("reported_separately") == "<5");
    BOOST_TEST(json.at("note").get<std::string>().starts_with(reports::kPerturbationNote));
    const auto csv = reports::consortium_statistics_csv(s);
    BOOST_TEST(
        csv.starts_with("month,support,reach,reported_separately\r\n"
                        "2026-03,all,<5,<5\r\n"));
    BOOST_TEST(csv.find(reports::kPerturbationNote) != std::string::npos);
    const auto html = reports::consortium_statistics_html(s);
    BOOST_TEST(html.find("&lt;5") != std::string::npos);
    BOOST_TEST(html.find("<5") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
