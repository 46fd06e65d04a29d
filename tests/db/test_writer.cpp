// The write path through the real database: commits, reads back, rejections, idempotency,
// reversals, periods.

#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

#include "db/hash.hpp"
#include "db/migrate.hpp"
#include "db/verify.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;
using ledger::Rejection;
using Kind = db::WriteOutcome::Kind;

BOOST_AUTO_TEST_SUITE(writer)

BOOST_AUTO_TEST_CASE(migrate_twice_applies_nothing_the_second_time) {
    const auto database = TestCluster::instance().fresh_database();
    BOOST_TEST(db::migrate(database.owner_conninfo).empty());
    BOOST_TEST(db::embedded_migrations().size() >= 1u);
    BOOST_TEST(db::embedded_migrations().front().name == "0001_journal.sql");
}

BOOST_AUTO_TEST_CASE(committed_entry_reads_back_identically_and_chains) {
    LedgerFixture f;
    const auto first = f.write(receipt("F-KES", "KES", 150000));
    BOOST_TEST_REQUIRE(static_cast<int>(first.kind) == static_cast<int>(Kind::committed));
    BOOST_TEST(first.entry.seq == 1);
    BOOST_TEST(first.entry.prev_hash == ledger::kGenesisHash);
    BOOST_TEST(first.entry.hash == db::entry_hash(first.entry));

    auto second_draft = receipt("F-USD", "USD", 2500);
    second_draft.memo = "Grant \"tranche\" 2 — naïve \\ test, {braces}";
    second_draft.postings[0].survivor = "SV-0001";
    second_draft.postings[1].award = "AW-0001";
    const auto second = f.write(second_draft);
    BOOST_TEST_REQUIRE(static_cast<int>(second.kind) == static_cast<int>(Kind::committed));
    BOOST_TEST(second.entry.seq == 2);
    BOOST_TEST(second.entry.prev_hash == first.entry.hash);

    const auto stored = f.journal.entry(2);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->draft == second_draft);
    BOOST_TEST(stored->recorded_at_us == second.entry.recorded_at_us);
    BOOST_TEST(stored->hash == second.entry.hash);
    BOOST_TEST(!f.journal.entry(3).has_value());

    const auto head = f.journal.head();
    BOOST_TEST(head.seq == 2);
    BOOST_TEST(head.hash == second.entry.hash);
    BOOST_TEST(f.journal.balance("1010", "F-KES", std::nullopt) == minor(150000));
    BOOST_TEST(f.journal.balance("4100", "F-USD", std::nullopt) == minor(-2500));
}

BOOST_AUTO_TEST_CASE(as_of_balances_follow_back_dated_entries) {
    LedgerFixture f;
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 1000, "2026-03-10")).entry.seq == 1);
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 200, "2026-03-20")).entry.seq == 2);
    // Back-dated between the two: later closings must shift.
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 30, "2026-03-15")).entry.seq == 3);
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 4, "2026-03-01")).entry.seq == 4);
    BOOST_TEST(f.journal.balance("1010", "F-KES", day("2026-02-28")) == minor(0));
    BOOST_TEST(f.journal.balance("1010", "F-KES", day("2026-03-01")) == minor(4));
    BOOST_TEST(f.journal.balance("1010", "F-KES", day("2026-03-14")) == minor(1004));
    BOOST_TEST(f.journal.balance("1010", "F-KES", day("2026-03-15")) == minor(1034));
    BOOST_TEST(f.journal.balance("1010", "F-KES", day("2026-03-31")) == minor(1234));
    BOOST_TEST(f.journal.balance("1010", "F-KES2", std::nullopt) == minor(0));
    const auto rows = f.journal.balances(day("2026-03-15"));
    BOOST_TEST_REQUIRE(rows.size() == 2u);
    BOOST_TEST(rows[0].account == "1010");
    BOOST_TEST(rows[0].balance == minor(1034));
    BOOST_TEST(rows[1].account == "4100");
    BOOST_TEST(rows[1].balance == minor(-1034));
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_CASE(core_rejections_write_nothing) {
    LedgerFixture f;
    auto unknown_fund = receipt("F-NONE", "KES", 100);
    auto mismatch = receipt("F-USD", "KES", 100);
    auto unbalanced = receipt("F-KES", "KES", 100);
    unbalanced.postings[1].amount = minor(-99);
    auto across_funds = receipt("F-KES", "KES", 100);
    across_funds.postings[1].fund = "F-KES2";
    const std::pair<ledger::EntryDraft, Rejection> cases[] = {
        {unknown_fund, Rejection::unknown_fund},
        {mismatch, Rejection::currency_mismatch},
        {unbalanced, Rejection::unbalanced_entry},
        {across_funds, Rejection::unbalanced_fund},
    };
    for (const auto& [draft, reason] : cases) {
        const auto outcome = f.write(draft);
        BOOST_TEST(static_cast<int>(outcome.kind) == static_cast<int>(Kind::rejected));
        BOOST_TEST(ledger::to_string(outcome.check.reason) == ledger::to_string(reason));
    }
    BOOST_TEST(f.journal.head().seq == 0);
    BOOST_TEST(f.writer->stats().rejected == 4u);
}

BOOST_AUTO_TEST_CASE(closed_period_refuses_entries_and_cannot_close_twice) {
    LedgerFixture f;
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 100, "2026-01-31")).entry.seq == 1);
    const auto january = *ledger::parse_period("2026-01");
    BOOST_TEST(f.journal.close_period(january, "admin", "") == Rejection::none);
    BOOST_TEST(f.journal.close_period(january, "admin", "") == Rejection::period_already_closed);
    const auto late = f.write(receipt("F-KES", "KES", 100, "2026-01-15"));
    BOOST_TEST(ledger::to_string(late.check.reason) == "period_closed");
    const auto next = f.write(receipt("F-KES", "KES", 100, "2026-02-01"));
    BOOST_TEST(next.entry.seq == 2);
}

BOOST_AUTO_TEST_CASE(fund_created_after_writer_started_is_seen) {
    LedgerFixture f;
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 1)).entry.seq == 1);
    BOOST_TEST(f.create_fund("F-EUR", "EUR", "Euro fund") == Rejection::none);
    BOOST_TEST(f.create_fund("F-EUR", "EUR", "again") == Rejection::already_exists);
    BOOST_TEST(f.write(receipt("F-EUR", "EUR", 5)).entry.seq == 2);
}

BOOST_AUTO_TEST_CASE(reversal_negates_and_cannot_repeat) {
    LedgerFixture f;
    const auto original = f.write(receipt("F-KES", "KES", 700));
    const auto draft = ledger::reversal_of(original.entry, day("2026-01-20"), "wrong fund", "fo");
    const auto reversal = f.write(draft);
    BOOST_TEST_REQUIRE(static_cast<int>(reversal.kind) == static_cast<int>(Kind::committed));
    BOOST_TEST(*reversal.entry.draft.reverses == 1);
    BOOST_TEST(f.journal.balance("1010", "F-KES", std::nullopt) == minor(0));
    const auto again = f.write(draft);
    BOOST_TEST(ledger::to_string(again.check.reason) == "already_reversed");
    // Two reversals of one entry in the same batch: the second is refused.
    const auto other = f.write(receipt("F-KES", "KES", 5));
    const auto twice = ledger::reversal_of(other.entry, day("2026-01-21"), "dup", "fo");
    auto a = f.writer->submit({twice, std::nullopt});
    auto b = f.writer->submit({twice, std::nullopt});
    const auto ra = a.get();
    const auto rb = b.get();
    const int committed = (ra.kind == Kind::committed) + (rb.kind == Kind::committed);
    BOOST_TEST(committed == 1);
    BOOST_TEST(f.journal.head().seq == 4);
}

db::IdempotencyClaim claim(const std::string& key, const std::string& body) {
    return {"finance-1", key, db::sha256(body)};
}

/// A writer that stores {"seq":N} for a claimed write, as the API stores the entry.
std::unique_ptr<db::JournalWriter> rendering_writer(const LedgerFixture& f) {
    db::WriterOptions options;
    options.render_response = [](const ledger::Entry& e, const ledger::Allocation&) {
        return db::StoredResponse{201, "{\"seq\":" + std::to_string(e.seq) + "}"};
    };
    return std::make_unique<db::JournalWriter>(f.database.app_conninfo, options);
}

BOOST_AUTO_TEST_CASE(idempotency_replays_and_refuses_reuse) {
    LedgerFixture f;
    f.writer = rendering_writer(f);
    const auto first = f.writer->write({receipt("F-KES", "KES", 10), claim("k-1", "body-a")});
    BOOST_TEST_REQUIRE(static_cast<int>(first.kind) == static_cast<int>(Kind::committed));
    BOOST_TEST(first.response.body == "{\"seq\":1}");
    const auto replay = f.writer->write({receipt("F-KES", "KES", 10), claim("k-1", "body-a")});
    BOOST_TEST(static_cast<int>(replay.kind) == static_cast<int>(Kind::replayed));
    BOOST_TEST(replay.response.status == 201);
    BOOST_TEST(replay.response.body == "{\"seq\":1}");
    const auto reused = f.writer->write({receipt("F-KES", "KES", 11), claim("k-1", "body-b")});
    BOOST_TEST(ledger::to_string(reused.check.reason) == "idempotency_key_reused");
    BOOST_TEST(f.journal.head().seq == 1);
}

BOOST_AUTO_TEST_CASE(concurrent_identical_requests_write_once) {
    LedgerFixture f;
    f.writer = rendering_writer(f);
    constexpr int kRequests = 40;
    std::vector<std::future<db::WriteOutcome>> futures;
    for (int i = 0; i < kRequests; ++i) {
        futures.push_back(f.writer->submit({receipt("F-KES", "KES", 10), claim("same", "x")}));
    }
    int committed = 0, replayed = 0;
    for (auto& future : futures) {
        const auto outcome = future.get();
        committed += outcome.kind == Kind::committed;
        replayed += outcome.kind == Kind::replayed;
        BOOST_TEST(outcome.response.body == "{\"seq\":1}");
    }
    BOOST_TEST(committed == 1);
    BOOST_TEST(replayed == kRequests - 1);
    BOOST_TEST(f.journal.head().seq == 1);
}

BOOST_AUTO_TEST_CASE(one_commit_per_entry_mode_behaves_the_same) {
    LedgerFixture f;
    f.writer = std::make_unique<db::JournalWriter>(f.database.app_conninfo, db::WriterOptions{1});
    for (int i = 0; i < 20; ++i)
        f.writer->submit({receipt("F-USD", "USD", 1 + i), std::nullopt});
    BOOST_TEST(f.write(receipt("F-USD", "USD", 1)).entry.seq == 21);
    BOOST_TEST(f.writer->stats().batch_size_max == 1u);
    BOOST_TEST(f.writer->stats().batches == 21u);
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_SUITE_END()
