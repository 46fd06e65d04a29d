// The writer's kept books alone, with no database: what they keep, how a written entry
// moves it, and when they forget it all.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>
#include <string>

#include "db/kept_books.hpp"

namespace db = riziki::db;
namespace ledger = riziki::ledger;

namespace {

ledger::Date day(unsigned d) {
    return ledger::Date{std::chrono::year(2026), std::chrono::month(3), std::chrono::day(d)};
}

ledger::Award grant(const std::string& id) {
    ledger::Award award;
    award.id = id;
    award.survivor = "SV-1";
    award.fund = "F-KES";
    award.currency = "KES";
    award.kind = ledger::AwardKind::grant;
    award.approved = 10'000;
    award.approved_on = day(1);
    return award;
}

/// A grant disbursement of `amount` from the bank account of F-KES.
ledger::EntryDraft disbursement(const std::string& award, ledger::Amount amount) {
    ledger::EntryDraft draft;
    draft.effective_on = day(5);
    draft.event = ledger::Event::disbursement;
    draft.postings = {{"5100", "F-KES", "KES", amount, "SV-1", award},
                      {"1010", "F-KES", "KES", -amount, "", ""}};
    return draft;
}

/// Kept books holding award AW-1 (nothing disbursed) and F-KES's cash of 50,000, as left
/// by a batch that ended at head 7.
db::KeptBooks kept_after_batch() {
    db::KeptBooks kept;
    kept.check_head(7, "aa");
    kept.keep(grant("AW-1"), {});
    kept.keep_cash("F-KES", 50'000);
    kept.committed(7, "aa");
    return kept;
}

struct Taken {
    ledger::Books books;
    db::AwardStatuses loaded;
    std::set<std::string> awards_left, funds_left;
};

Taken take(const db::KeptBooks& kept) {
    Taken taken;
    taken.awards_left = {"AW-1", "AW-2"};
    taken.funds_left = {"F-KES", "F-USD"};
    kept.take_awards(taken.awards_left, taken.books, taken.loaded);
    kept.take_cash(taken.funds_left, taken.books);
    return taken;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kept_books)

BOOST_AUTO_TEST_CASE(a_batch_at_the_same_head_takes_what_is_kept) {
    auto kept = kept_after_batch();
    kept.check_head(7, "aa");
    BOOST_TEST((kept.unkept({"AW-1", "AW-2"}) == std::set<std::string>{"AW-2"}));
    const auto taken = take(kept);
    BOOST_TEST((taken.awards_left == std::set<std::string>{"AW-2"}));
    BOOST_TEST((taken.funds_left == std::set<std::string>{"F-USD"}));
    BOOST_TEST(taken.books.awards.at("AW-1").award.id == "AW-1");
    BOOST_TEST(taken.books.awards.at("AW-1").figures.disbursed == 0);
    BOOST_TEST(taken.books.fund_cash.at("F-KES") == 50'000);
    BOOST_TEST((taken.loaded.at("AW-1") == ledger::AwardStatus::approved));
}

BOOST_AUTO_TEST_CASE(a_written_entry_moves_sums_cash_and_statuses_as_the_books_do) {
    auto kept = kept_after_batch();
    kept.check_head(7, "aa");
    auto batch = take(kept);
    const auto draft = disbursement("AW-1", 4'000);
    batch.books.apply(draft, ledger::Event::disbursement);
    kept.written(draft, ledger::Event::disbursement);
    kept.statuses(batch.books);
    kept.committed(8, "bb");

    kept.check_head(8, "bb");
    const auto next = take(kept);
    const auto& book = next.books.awards.at("AW-1");
    // Kept as posting sums and folded again: the figures a fresh read gives.
    BOOST_TEST(book.figures.disbursed == batch.books.awards.at("AW-1").figures.disbursed);
    BOOST_TEST(book.figures.disbursed == 4'000);
    BOOST_TEST((book.figures.first_disbursed_on == day(5)));
    BOOST_TEST((book.award.status == ledger::AwardStatus::active));
    BOOST_TEST((next.loaded.at("AW-1") == ledger::AwardStatus::active));
    BOOST_TEST(next.books.fund_cash.at("F-KES") == 46'000);
    BOOST_TEST(next.books.fund_cash.at("F-KES") == batch.books.fund_cash.at("F-KES"));
}

BOOST_AUTO_TEST_CASE(postings_of_what_is_not_kept_move_nothing) {
    auto kept = kept_after_batch();
    kept.check_head(7, "aa");
    auto draft = disbursement("AW-9", 1'000);
    draft.postings[0].fund = "F-USD";  // neither fund nor award kept
    draft.postings[1].fund = "F-USD";
    kept.written(draft, ledger::Event::disbursement);
    kept.committed(8, "bb");
    kept.check_head(8, "bb");
    const auto next = take(kept);
    BOOST_TEST(next.books.fund_cash.at("F-KES") == 50'000);
    BOOST_TEST(!next.books.fund_cash.contains("F-USD"));
    BOOST_TEST(kept.unkept({"AW-9"}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(another_head_forgets_everything) {
    for (const auto& [seq, hash] : {std::pair{8LL, "aa"}, std::pair{7LL, "ab"}}) {
        auto kept = kept_after_batch();
        kept.check_head(seq, hash);
        const auto taken = take(kept);
        BOOST_TEST(taken.books.awards.empty());
        BOOST_TEST(taken.books.fund_cash.empty());
        BOOST_TEST(taken.awards_left.size() == 2u);
        // Forgotten for good: even the head the last batch left no longer matches.
        kept.check_head(7, "aa");
        BOOST_TEST(take(kept).books.fund_cash.empty());
    }
}

BOOST_AUTO_TEST_CASE(nothing_is_kept_before_a_batch_committed) {
    db::KeptBooks kept;
    kept.keep(grant("AW-1"), {});
    kept.keep_cash("F-KES", 50'000);
    kept.check_head(0, "");
    BOOST_TEST(take(kept).books.awards.empty());
}

BOOST_AUTO_TEST_CASE(past_the_bound_a_commit_forgets_all_awards_and_cash) {
    for (const std::size_t count : {db::KeptBooks::kAwardsMax, db::KeptBooks::kAwardsMax + 1}) {
        db::KeptBooks kept;
        kept.check_head(7, "aa");
        for (std::size_t i = 0; i < count; ++i)
            kept.keep(grant("AW-" + std::to_string(i)), {});
        kept.keep_cash("F-KES", 50'000);
        kept.committed(8, "bb");
        kept.check_head(8, "bb");
        const bool kept_all = count <= db::KeptBooks::kAwardsMax;
        BOOST_TEST(kept.unkept({"AW-0"}).empty() == kept_all);
        BOOST_TEST(take(kept).books.fund_cash.contains("F-KES") == kept_all);
    }
}

BOOST_AUTO_TEST_SUITE_END()
