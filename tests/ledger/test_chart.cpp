// Events, accounts, the classification table, the rejection table and the award lifecycle:
// each rule is defined once in the core, and these tests hold the tables to it.

#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>

#include "ledger/awards.hpp"
#include "ledger/chart.hpp"
#include "ledger/rejection.hpp"
#include "tests/support/print.hpp"

using namespace riziki::ledger;

namespace {

Date day(int y, unsigned m, unsigned d) {
    return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

bool in_chart(std::string_view code) {
    for (const auto& a : kDefaultChart) {
        if (a.code == code)
            return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chart_and_tables)

BOOST_AUTO_TEST_CASE(the_chart_is_defined_once_in_code_order) {
    const auto& accounts = default_chart();
    BOOST_TEST_REQUIRE(accounts.size() == kDefaultChart.size());
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        BOOST_TEST(accounts[i].code == kDefaultChart[i].code);
        BOOST_TEST(accounts[i].name == kDefaultChart[i].name);
        BOOST_TEST(accounts[i].type == kDefaultChart[i].type);
        if (i > 0)
            BOOST_TEST(kDefaultChart[i - 1].code < kDefaultChart[i].code);
    }
    for (const auto cash : kCashAccounts) {
        BOOST_TEST(in_chart(cash));
        BOOST_TEST(is_cash_account(cash));
    }
    BOOST_TEST(!is_cash_account(chart::loans_receivable));
    BOOST_TEST(!is_cash_account(""));
}

BOOST_AUTO_TEST_CASE(every_figure_is_fed_by_exactly_one_event_and_account) {
    std::map<Figure, int> rows_per_figure;
    std::set<std::pair<Event, std::string_view>> keys;
    for (const auto& row : kClassification) {
        BOOST_TEST_CONTEXT(to_string(row.event) << " " << row.account) {
            BOOST_TEST(in_chart(row.account));
            BOOST_TEST((row.sign == 1 || row.sign == -1));
            BOOST_TEST(keys.insert({row.event, row.account}).second);
            BOOST_TEST(classify(row.event, row.account) == &row);
            ++rows_per_figure[row.figure];
        }
    }
    BOOST_TEST(rows_per_figure.size() == static_cast<std::size_t>(Figure::recovered) + 1);
    for (const auto& [figure, rows] : rows_per_figure)
        BOOST_TEST(rows == 1);
    // Events that move no figure of their own: a reversal counts under the reversed event,
    // and manual entries, transfers and opening balances are no award or donor event.
    for (const auto event :
         {Event::manual, Event::reversal, Event::transfer, Event::opening_balance}) {
        for (const auto& account : kDefaultChart)
            BOOST_TEST(classify(event, account.code) == nullptr);
    }
    BOOST_TEST(classify(Event::repayment, chart::mpesa) == nullptr);  // the cash side
}

BOOST_AUTO_TEST_CASE(what_is_disbursed) {
    std::set<Figure> disbursed;
    for (const auto& row : kClassification) {
        if (is_disbursed(row.figure))
            disbursed.insert(row.figure);
    }
    BOOST_TEST((disbursed == std::set<Figure>{Figure::grants_paid, Figure::grants_in_kind,
                                              Figure::loans_disbursed}));
}

BOOST_AUTO_TEST_CASE(every_rejection_has_one_row) {
    std::set<std::string_view> codes;
    std::size_t found = 0;
    for (int n = 0; n < 256; ++n) {
        const auto reason = static_cast<Rejection>(n);
        if (to_string(reason) == "unknown_rejection")
            continue;
        ++found;
        const auto& row = info(reason);
        BOOST_TEST_CONTEXT("rejection " << row.code) {
            BOOST_TEST(row.reason == reason);
            BOOST_TEST(codes.insert(row.code).second);
            BOOST_TEST((row.http_status == 404 || row.http_status == 409 ||
                        row.http_status == 410 || row.http_status == 422));
            // 410 is for a survivor's erased identity only: gone for good, not just absent.
            BOOST_TEST((row.http_status == 410) == (reason == Rejection::pii_erased));
            if (reason != Rejection::none)
                BOOST_TEST((parse_rejection(row.code) == std::optional(reason)));
        }
    }
    BOOST_TEST(found == std::size(kRejections));
    BOOST_TEST(!parse_rejection("none").has_value());
    BOOST_TEST(!parse_rejection("unknown_rejection").has_value());
    // The rules validate_entry checks per posting, and no other, name a posting.
    const std::set<Rejection> per_posting{Rejection::invalid_reference, Rejection::invalid_text,
                                          Rejection::zero_posting,      Rejection::invalid_amount,
                                          Rejection::unknown_account,   Rejection::unknown_fund,
                                          Rejection::currency_mismatch};
    for (const auto& row : kRejections)
        BOOST_TEST((row.scope == Scope::posting) == per_posting.contains(row.reason));
}

BOOST_AUTO_TEST_CASE(a_batch_moves_an_award_only_among_its_kinds_statuses) {
    const std::set<AwardStatus> grant{AwardStatus::approved, AwardStatus::active,
                                      AwardStatus::closed};
    const std::set<AwardStatus> loan{AwardStatus::approved, AwardStatus::active,
                                     AwardStatus::repaid, AwardStatus::written_off,
                                     AwardStatus::forgiven};
    for (int f = 0; f < 6; ++f) {
        for (int t = 0; t < 6; ++t) {
            const auto from = static_cast<AwardStatus>(f), to = static_cast<AwardStatus>(t);
            BOOST_TEST_CONTEXT(to_string(from) << " -> " << to_string(to)) {
                BOOST_TEST(status_change_allowed(AwardKind::grant, from, to) ==
                           (from == to || (grant.contains(from) && grant.contains(to))));
                BOOST_TEST(status_change_allowed(AwardKind::loan, from, to) ==
                           (from == to || (loan.contains(from) && loan.contains(to))));
            }
        }
    }
}

// Random money events and reversals (each entry reversed at most once, a reversal counting
// under the event of the entry it reverses) on four loans and four grants: every status
// derive_status gives is one of the award's kind, so every change a batch can make is one
// the trigger allows; and the walk makes most of those changes in a single entry.
BOOST_AUTO_TEST_CASE(every_entry_keeps_an_award_among_its_kinds_statuses) {
    LedgerContext context;
    for (const auto& a : default_chart())
        context.accounts.insert(a.code);
    context.fund_currency = {{"F", "KES"}};
    LoanTerms terms;
    terms.installments = 2;
    Books books;
    books.fund_cash["F"] = 1'000'000'000;
    std::vector<std::string> ids;
    for (int n = 0; n < 8; ++n) {
        const bool is_loan = n % 2 == 0;
        const std::string id = (is_loan ? "L" : "G") + std::to_string(n);
        books.awards[id] = {
            {id, "SV", "F", "KES", is_loan ? AwardKind::loan : AwardKind::grant, 10'000,
             day(2026, 1, 1), is_loan ? std::optional(terms) : std::nullopt, AwardStatus::approved},
            {}};
        ids.push_back(id);
    }
    std::mt19937 rng(20261203);
    struct Booked {
        EntryDraft draft;
        Event counts_as;
        bool reversed = false;
    };
    std::vector<Booked> booked;
    std::set<std::tuple<AwardKind, AwardStatus, AwardStatus>> seen;
    for (int i = 0; i < 20000; ++i) {
        const Date on = day(2026, 2, 1);
        // Halves and wholes of the approved 10,000, so awards get fully paid out and back.
        const Amount amount = rng() % 2 ? 5'000 : 10'000;
        const std::string award = ids[rng() % ids.size()];
        std::optional<std::pair<EntryDraft, Event>> entry;
        switch (rng() % 5) {
            case 0: {
                auto p = plan(Disbursement{award, amount, on, Channel::mpesa, "", 0}, books,
                              context, "t");
                if (p.check.ok())
                    entry = {p.draft, Event::disbursement};
                break;
            }
            case 1: {
                auto p =
                    plan(Repayment{award, amount, on, Channel::mpesa, ""}, books, context, "t");
                if (p.check.ok())
                    entry = {p.draft, p.draft.event};
                break;
            }
            case 2: {
                const auto kind = rng() % 2 ? Closure::Kind::write_off : Closure::Kind::forgiveness;
                auto p = plan(Closure{kind, award, on, ""}, books, context, "t");
                if (p.check.ok())
                    entry = {p.draft, p.draft.event};
                break;
            }
            default:
                if (!booked.empty()) {
                    auto& original = booked[rng() % booked.size()];
                    if (original.reversed)
                        break;
                    original.reversed = true;
                    EntryDraft draft = original.draft;
                    for (auto& p : draft.postings)
                        p.amount = -p.amount;
                    entry = {draft, original.draft.event};
                    entry->first.event = Event::reversal;
                }
        }
        if (!entry)
            continue;
        std::map<std::string, AwardStatus> before_entry;
        for (const auto& id : ids)
            before_entry[id] = books.awards[id].award.status;
        books.apply(entry->first, entry->second);
        booked.push_back({entry->first, entry->second});
        for (const auto& [id, before] : before_entry) {
            const auto& book = books.awards[id];
            const auto after = book.award.status;
            if (after == before)
                continue;
            seen.insert({book.award.kind, before, after});
            BOOST_TEST_CONTEXT(id << ": " << to_string(before) << " -> " << to_string(after)) {
                BOOST_TEST(status_change_allowed(book.award.kind, before, after));
            }
        }
    }
    // The walk makes 20 of the 26 changes the kinds allow (6 for grants, 20 for loans) in
    // one entry each: the lifecycle is no chain but moves among the kind's statuses.
    BOOST_TEST(seen.size() == 20u);
}

BOOST_AUTO_TEST_SUITE_END()
