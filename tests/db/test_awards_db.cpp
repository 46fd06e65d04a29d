// Money events through the writer against a real PostgreSQL: commands are planned against
// the books inside each batch, the database re-checks the award rules on its own, and
// verify re-derives the award sub-ledger from the postings.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <map>
#include <thread>

#include "db/award_keys.hpp"
#include "db/verify.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;
using Kind = db::WriteOutcome::Kind;

namespace {

/// A cohort, a survivor (with a stand-in vault row) and awards of F-KES.
struct ProgramFixture : LedgerFixture {
    ProgramFixture() {
        BOOST_TEST_REQUIRE(programme.create_cohort({"C1", "Cohort", "Mombasa",
                                                    day("2026-01-01")}) == ledger::Rejection::none);
        BOOST_TEST_REQUIRE(programme.enrol_survivor(survivor_record("SV-AAAAAAAA"), stand_in_pii(),
                                                    {}) == ledger::Rejection::none);
    }

    std::string award(const char* id, ledger::AwardKind kind, long long amount) {
        db::AwardRecord r;
        r.award = {id,
                   "SV-AAAAAAAA",
                   "F-KES",
                   "KES",
                   kind,
                   minor(amount),
                   day("2026-01-10"),
                   std::nullopt,
                   ledger::AwardStatus::approved};
        if (kind == ledger::AwardKind::loan) {
            ledger::LoanTerms t;
            t.installments = 2;
            r.award.terms = t;
        }
        r.purpose = "kiosk";
        r.business_sector = "retail";
        r.recorded_by = "test";
        BOOST_TEST_REQUIRE(programme.create_award(r) == ledger::Rejection::none);
        return id;
    }

    db::WriteOutcome run(ledger::Command command) {
        db::WriteRequest request;
        request.draft.recorded_by = "test";
        request.command = std::move(command);
        return writer->write(std::move(request));
    }

    std::future<db::WriteOutcome> queue(ledger::Command command) {
        db::WriteRequest request;
        request.draft.recorded_by = "test";
        request.command = std::move(command);
        return writer->submit(std::move(request));
    }

    std::string status(const std::string& id) {
        return std::string(to_string(programme.award(id)->award.status));
    }
};

/// Returns once some backend waits on a lock (the writer, behind a held journal head).
/// Polls the server's own view of its backends, bounded; no timing is asserted.
void wait_for_lock_waiter(soci::session& sql) {
    for (int i = 0; i < 10'000; ++i) {
        int waiting = 0;
        sql << "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
            soci::into(waiting);
        if (waiting > 0)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    BOOST_FAIL("no backend came to wait on the journal head");
}

ledger::Disbursement pay(const std::string& award, long long amount, const std::string& ref) {
    return {award, minor(amount), day("2026-01-20"), ledger::Channel::mpesa, ref, minor(0)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(award_commands)

BOOST_AUTO_TEST_CASE(an_awards_place_is_its_fund_and_currency_and_an_absent_one_is_not_cached) {
    ProgramFixture f;
    BOOST_TEST(!f.programme.award_place("AW-PLACE001"));  // not yet approved
    f.award("AW-PLACE001", ledger::AwardKind::grant, 1'000);
    const auto place = f.programme.award_place("AW-PLACE001");
    BOOST_TEST_REQUIRE(place.has_value());
    BOOST_TEST(place->fund == "F-KES");
    BOOST_TEST(place->currency == "KES");
    BOOST_TEST(f.programme.award_place("AW-PLACE001")->currency == "KES");  // asked again
    BOOST_TEST(!f.programme.award_place("AW-NOSUCH01"));
}

BOOST_AUTO_TEST_CASE(a_batch_of_disbursements_cannot_overdraw_the_fund) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 10'000));
    for (int i = 0; i < 16; ++i)
        f.award(("AW-A000000" + std::string(1, static_cast<char>('A' + i))).c_str(),
                ledger::AwardKind::grant, 1'000);
    // All queued at once: they land in one or a few batches and share the fund's cash.
    std::vector<std::future<db::WriteOutcome>> futures;
    for (int i = 0; i < 16; ++i) {
        futures.push_back(f.queue(pay("AW-A000000" + std::string(1, static_cast<char>('A' + i)),
                                      1'000, "R" + std::to_string(i))));
    }
    int committed = 0, refused = 0;
    for (auto& future : futures) {
        const auto outcome = future.get();
        committed += outcome.kind == Kind::committed;
        if (outcome.kind == Kind::rejected) {
            ++refused;
            BOOST_TEST(to_string(outcome.check.reason) == "insufficient_fund_balance");
            BOOST_TEST(outcome.field == "amount");
        }
    }
    BOOST_TEST(committed == 10);
    BOOST_TEST(refused == 6);
    BOOST_TEST(f.programme.fund_figures("F-KES", std::nullopt).cash == minor(0));
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_CASE(statuses_follow_the_ledger_and_references_pay_once) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 100'000));
    const auto loan = f.award("AW-L0000000", ledger::AwardKind::loan, 2'000);
    BOOST_TEST(f.status(loan) == "approved");
    BOOST_TEST(f.run(pay(loan, 2'000, "QK1")).kind == Kind::committed);
    BOOST_TEST(f.status(loan) == "active");
    const auto again = f.run(pay(loan, 1, "QK1"));
    BOOST_TEST(to_string(again.check.reason) == "exceeds_award");  // fully disbursed
    const auto grant = f.award("AW-G0000000", ledger::AwardKind::grant, 500);
    BOOST_TEST(to_string(f.run(pay(grant, 100, "QK1")).check.reason) == "duplicate_reference");
    BOOST_TEST(f.run(ledger::Repayment{loan, minor(2'000), day("2026-02-20"),
                                       ledger::Channel::mpesa, "QR1"})
                   .kind == Kind::committed);
    BOOST_TEST(f.status(loan) == "repaid");
    // Reversing the repayment (a bounced payment) makes the loan active again.
    const auto last = f.journal.head().seq;
    const auto reversal =
        ledger::reversal_of(*f.journal.entry(last), day("2026-02-21"), "bounced", "t");
    BOOST_TEST(f.write(reversal).kind == Kind::committed);
    BOOST_TEST(f.status(loan) == "active");
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_CASE(a_writer_plans_against_what_another_writer_wrote_meanwhile) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 100'000));
    const auto loan = f.award("AW-L0000000", ledger::AwardKind::loan, 1'000);
    const auto repay = [&](long long amount, const char* reference) {
        return ledger::Repayment{loan, minor(amount), day("2026-02-20"), ledger::Channel::mpesa,
                                 reference};
    };
    // The fixture's writer books the loan twice, so it holds the loan's books from here.
    BOOST_TEST_REQUIRE(f.run(pay(loan, 1'000, "QK1")).kind == Kind::committed);
    BOOST_TEST_REQUIRE(f.run(repay(400, "QR1")).kind == Kind::committed);
    // Another writer (another process, say) takes the rest of the loan.
    db::JournalWriter other(f.database.app_conninfo);
    db::WriteRequest rest;
    rest.draft.recorded_by = "test";
    rest.command = repay(600, "QR2");
    BOOST_TEST_REQUIRE(other.write(std::move(rest)).kind == Kind::committed);
    BOOST_TEST(f.status(loan) == "repaid");
    // Planned against books kept from before, this would be booked as principal and take
    // the loan below zero; the database has no rule against that.
    const auto late = f.run(repay(100, "QR3"));
    BOOST_TEST(to_string(late.check.reason) == "award_not_active");
    BOOST_TEST(f.journal.balance("1100", "F-KES", std::nullopt) == minor(0));
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_CASE(a_reversed_payment_gives_its_reference_back) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 10'000));
    const auto wrong = f.award("AW-G0000000", ledger::AwardKind::grant, 500);
    const auto right = f.award("AW-G0000001", ledger::AwardKind::grant, 500);
    BOOST_TEST_REQUIRE(f.run(pay(wrong, 500, "QK7")).kind == Kind::committed);
    const auto booked = f.journal.head().seq;
    BOOST_TEST(to_string(f.run(pay(right, 500, "QK7")).check.reason) == "duplicate_reference");
    BOOST_TEST(f.write(ledger::reversal_of(*f.journal.entry(booked), day("2026-01-21"),
                                           "wrong award", "t"))
                   .kind == Kind::committed);
    BOOST_TEST(f.run(pay(right, 500, "QK7")).kind == Kind::committed);
    // In use again: neither the writer nor the database lets it pay twice.
    BOOST_TEST(to_string(f.run(pay(wrong, 500, "QK7")).check.reason) == "duplicate_reference");
    auto app = f.app();
    BOOST_TEST(try_sql(*app, {"INSERT INTO payment_references VALUES ('mpesa', 'QK7', 1)"})
                   .find("riziki:duplicate_reference") != std::string::npos);
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

BOOST_AUTO_TEST_CASE(references_and_idempotency_records_are_checked_per_statement) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 10'000));  // seq 1
    f.write(receipt("F-KES", "KES", 10'000));  // seq 2
    auto app = f.app();
    const auto refused = [&](const std::string& statement, const std::string& code) {
        return try_sql(*app, {statement}).find("riziki:" + code) != std::string::npos;
    };
    // Two rows of one INSERT with the same unused reference: the second is a duplicate.
    BOOST_TEST(
        refused("INSERT INTO payment_references VALUES ('mpesa', 'QZ1', 1), "
                "('mpesa', 'QZ1', 2)",
                "duplicate_reference"));
    // A reference or an idempotency record must name an entry that exists.
    BOOST_TEST(
        refused("INSERT INTO payment_references VALUES ('mpesa', 'QZ2', 99)", "unknown_entry"));
    BOOST_TEST(
        refused("INSERT INTO idempotency_keys (actor, key, request_hash, status, response, "
                "entry_seq) VALUES ('token:1', 'k1', sha256(''), 201, '{}', 99)",
                "unknown_entry"));
    // The same rows naming real entries are taken, so the checks are not vacuous.
    BOOST_TEST(try_sql(*app, {"INSERT INTO payment_references VALUES ('mpesa', 'QZ1', 1), "
                              "('mpesa', 'QZ2', 2)",
                              "INSERT INTO idempotency_keys (actor, key, request_hash, status, "
                              "response, entry_seq) VALUES ('token:1', 'k1', sha256(''), 201, "
                              "'{}', 2), ('token:1', 'k2', sha256(''), 200, '{}', NULL)"}) == "");
}

BOOST_AUTO_TEST_CASE(the_database_refuses_what_the_core_would_have) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 1'000));
    const auto grant = f.award("AW-G0000000", ledger::AwardKind::grant, 500);
    auto app = f.app();
    const auto entry = [](int seq, const char* event) {
        return "INSERT INTO entries (seq, effective_on, memo, event, recorded_by, recorded_at, "
               "posting_count, prev_hash, hash) SELECT " +
               std::to_string(seq) + ", DATE '2026-01-20', 'raw', '" + event +
               "', 'x', now(), 2, hash, sha256(hash) FROM journal_head";
    };
    const auto line = [](int seq, int n, const char* account, long long amount, const char* award) {
        return "INSERT INTO postings VALUES (" + std::to_string(seq) + ", " + std::to_string(n) +
               ", '" + account + "', 'F-KES', 'KES', " + std::to_string(amount) + ", " +
               (award ? "'SV-AAAAAAAA', '" + std::string(award) + "'" : "NULL, NULL") +
               ", DATE '2026-01-20', 'disbursement')";
    };
    // Beyond the award.
    BOOST_TEST(try_sql(*app, {entry(2, "disbursement"), line(2, 0, "5100", 600, grant.c_str()),
                              line(2, 1, "1020", -600, grant.c_str())})
                   .find("riziki:exceeds_award") != std::string::npos);
    // Beyond the fund's cash.
    const auto big = f.award("AW-G0000001", ledger::AwardKind::grant, 5'000);
    BOOST_TEST(try_sql(*app, {entry(2, "disbursement"), line(2, 0, "5100", 2'000, big.c_str()),
                              line(2, 1, "1020", -2'000, big.c_str())})
                   .find("riziki:insufficient_fund_balance") != std::string::npos);
    // An award event naming no award.
    BOOST_TEST(try_sql(*app, {entry(2, "disbursement"), line(2, 0, "5100", 10, "AW-NOPE0000"),
                              line(2, 1, "1020", -10, "AW-NOPE0000")})
                   .find("riziki:award_not_found") != std::string::npos);
    // A fault of the posting itself is reported before an award's, even on a later line.
    BOOST_TEST(try_sql(*app, {entry(2, "disbursement"), line(2, 0, "5100", 10, "AW-NOPE0000") +
                                                            ", (2, 1, '9999', 'F-KES', 'KES', "
                                                            "-10, NULL, NULL, DATE '2026-01-20', "
                                                            "'disbursement')"})
                   .find("riziki:unknown_account entry 2 line 1") != std::string::npos);
    // Awards change only their status, and only along the lifecycle.
    BOOST_TEST(try_sql(*app, {"UPDATE awards SET approved_minor = 1 WHERE id = '" + grant + "'"})
                   .find("permission denied") != std::string::npos);
    BOOST_TEST(try_sql(*app, {"UPDATE awards SET status = 'repaid' WHERE id = '" + grant + "'"})
                   .find("riziki:award_not_active") != std::string::npos);
    // The trigger holds even for the owner, whom no grant stops: any column but the status,
    // alone or beside a status change, is refused; a lawful status change alone passes.
    auto owner = f.owner();
    for (const std::string set : {"approved_minor = 1", "purpose = 'other', status = 'closed'",
                                  "survivor = survivor || '', approved_on = approved_on + 1"}) {
        BOOST_TEST(try_sql(*owner, {"UPDATE awards SET " + set + " WHERE id = '" + grant + "'"})
                           .find("riziki:append_only") != std::string::npos,
                   set);
    }
    BOOST_TEST(try_sql(*owner, {"UPDATE awards SET status = 'closed' WHERE id = '" + grant + "'",
                                "ROLLBACK"}) == "");
    // A payment reference used twice.
    BOOST_TEST(f.run(pay(grant, 100, "QK9")).kind == Kind::committed);
    BOOST_TEST(try_sql(*app, {"INSERT INTO payment_references VALUES ('mpesa', 'QK9', 1)"})
                   .find("riziki:duplicate_reference") != std::string::npos);
    // A reversal of an award event (it counts as that event) naming no award: refused since
    // migration 0011, which reads the event a posting counts as instead of its entry's.
    const auto reversal_line = [](int n, const char* account, long long amount) {
        return "INSERT INTO postings VALUES (3, " + std::to_string(n) + ", '" + account +
               "', 'F-KES', 'KES', " + std::to_string(amount) +
               ", 'SV-AAAAAAAA', 'AW-NOPE0000', DATE '2026-01-20', 'disbursement')";
    };
    BOOST_TEST(try_sql(*app, {"INSERT INTO entries (seq, effective_on, memo, event, recorded_by, "
                              "recorded_at, reverses, posting_count, prev_hash, hash) SELECT 3, "
                              "DATE '2026-01-20', 'raw', 'reversal', 'x', now(), 2, 2, hash, "
                              "sha256(hash) FROM journal_head",
                              reversal_line(0, "5100", -100), reversal_line(1, "1020", 100)})
                   .find("riziki:award_not_found") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_rederives_the_award_subledger) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 100'000));
    const auto grant = f.award("AW-G0000000", ledger::AwardKind::grant, 500);
    BOOST_TEST(f.run(pay(grant, 500, "QK1")).kind == Kind::committed);  // seq 2
    f.write(receipt("F-KES", "KES", 1));                                // seq 3
    BOOST_TEST_REQUIRE(db::verify_journal(f.database.app_conninfo).ok);
    auto owner = f.owner();
    // A superuser doubles the disbursement behind the writer's back.
    BOOST_TEST_REQUIRE(try_sql(*owner, {"SET session_replication_role = replica",
                                        "UPDATE postings SET amount_minor = amount_minor * 2 "
                                        "WHERE entry_seq = 2"}) == "");
    auto failed = failures(db::verify_journal(f.database.app_conninfo));
    BOOST_TEST(failed.at("disbursements_within_awards") == 2);
    BOOST_TEST(failed.at("hash_chain") == 2);
    // ... and marks another award repaid.
    const auto other = f.award("AW-G0000001", ledger::AwardKind::grant, 500);
    BOOST_TEST_REQUIRE(
        try_sql(*owner, {"SET session_replication_role = replica",
                         "UPDATE awards SET status = 'closed' WHERE id = '" + other + "'"}) == "");
    failed = failures(db::verify_journal(f.database.app_conninfo));
    BOOST_TEST(failed.contains("award_statuses"));
    // ... and books loans receivable without a loan award.
    f.write(ledger::EntryDraft{
        day("2026-01-20"),
        "stray",
        ledger::Event::manual,
        "test",
        std::nullopt,
        {posting("1100", "F-KES", "KES", 5), posting("1010", "F-KES", "KES", -5)}});
    failed = failures(db::verify_journal(f.database.app_conninfo));
    BOOST_TEST(failed.at("loan_subledger") == f.journal.head().seq);
}

/// An award's stored list keys (migration 0025) as "oldest unpaid due | first disbursed".
std::string list_keys(soci::session& sql, const std::string& id) {
    std::string keys;
    sql << "SELECT COALESCE(oldest_unpaid_due_on::text, '-') || ' | ' || "
           "COALESCE(first_disbursed_on::text, '-') FROM award_list_keys WHERE award = :id",
        soci::use(id), soci::into(keys);
    return keys;
}

BOOST_AUTO_TEST_CASE(the_writer_keeps_the_list_keys_and_migrating_fills_them) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 100'000));
    const auto loan = f.award("AW-K0000000", ledger::AwardKind::loan, 2'000);
    const auto grant = f.award("AW-K1111111", ledger::AwardKind::grant, 500);
    const auto owner = f.owner();
    BOOST_TEST(list_keys(*owner, loan) == "- | -");
    // Disbursed on 2026-01-20: two installments of 1,000 due 02-20 and 03-20.
    BOOST_TEST(f.run(pay(loan, 2'000, "LK1")).kind == Kind::committed);
    BOOST_TEST(f.run(pay(grant, 500, "LK2")).kind == Kind::committed);
    BOOST_TEST(list_keys(*owner, loan) == "2026-02-20 | 2026-01-20");
    BOOST_TEST(list_keys(*owner, grant) == "- | 2026-01-20");
    const auto repay = [&](long long amount, const char* ref) {
        return f.run(
            ledger::Repayment{loan, minor(amount), day("2026-02-20"), ledger::Channel::mpesa, ref});
    };
    BOOST_TEST(repay(1'000, "LR1").kind == Kind::committed);
    BOOST_TEST(list_keys(*owner, loan) == "2026-03-20 | 2026-01-20");
    // Migration 0025 fills the keys of books that predate it, from the postings.
    *owner << "UPDATE award_list_keys SET oldest_unpaid_due_on = NULL, first_disbursed_on = NULL";
    BOOST_TEST(!db::verify_journal(f.database.app_conninfo).ok);
    {
        soci::transaction tx(*owner);
        BOOST_TEST(db::store_award_list_keys(*owner) == 2U);
        tx.commit();
    }
    BOOST_TEST(list_keys(*owner, loan) == "2026-03-20 | 2026-01-20");
    BOOST_TEST(list_keys(*owner, grant) == "- | 2026-01-20");
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
    // Repaid: no installment is unpaid.
    BOOST_TEST(repay(1'000, "LR2").kind == Kind::committed);
    BOOST_TEST(list_keys(*owner, loan) == "- | 2026-01-20");
    // The database keeps a date off an award that is not an active loan, from either side.
    const std::string refused = "is not an active loan";
    BOOST_TEST(try_sql(*owner, {"UPDATE award_list_keys SET oldest_unpaid_due_on = '2026-03-20' "
                                "WHERE award = '" +
                                loan + "'"})
                   .find(refused) != std::string::npos);
    BOOST_TEST(try_sql(*owner, {"UPDATE award_list_keys SET oldest_unpaid_due_on = '2026-03-20' "
                                "WHERE award = '" +
                                grant + "'"})
                   .find(refused) != std::string::npos);
    const auto other = f.award("AW-K2222222", ledger::AwardKind::loan, 2'000);
    BOOST_TEST(f.run(pay(other, 2'000, "LK3")).kind == Kind::committed);
    BOOST_TEST(list_keys(*owner, other) == "2026-02-20 | 2026-01-20");
    BOOST_TEST(
        try_sql(*owner, {"UPDATE awards SET status = 'written_off' WHERE id = '" + other + "'"})
            .find(refused) != std::string::npos);
    // Its row is the award's for good: no other award or fund, never deleted.
    BOOST_TEST(try_sql(*owner, {"UPDATE award_list_keys SET fund = 'F-OTHER' WHERE award = '" +
                                other + "'"})
                   .find("append_only") != std::string::npos);
    BOOST_TEST(try_sql(*owner, {"DELETE FROM award_list_keys WHERE award = '" + other + "'"})
                   .find("append_only") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_audit_log_is_append_only_and_chained) {
    ProgramFixture f;
    for (int i = 0; i < 3; ++i)
        f.programme.audit({"token:1", "req-" + std::to_string(i), "survivor.pii_read",
                           "SV-AAAAAAAA", "Ünïcode détail"});
    BOOST_TEST_REQUIRE(db::verify_journal(f.database.app_conninfo).ok);
    const auto lines = f.programme.audit_log({}, 0, 10);
    BOOST_TEST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(lines[1].prev_hash == lines[0].hash);
    BOOST_TEST(lines[2].event.request_id == "req-2");
    auto app = f.app();
    BOOST_TEST(try_sql(*app, {"UPDATE audit_log SET detail = 'x'"}).find("permission denied") !=
               std::string::npos);
    BOOST_TEST(try_sql(*app, {"DELETE FROM audit_log"}).find("permission denied") !=
               std::string::npos);
    // A line may come chained (the writer's are), but only onto the chain: a gap, a wrong
    // previous hash or a hash that is not of its contents is refused. (It is dated now: see
    // app_role/the_app_role_cannot_choose_an_audit_lines_seq_or_time for other dates.)
    const auto line = [](int seq, const std::string& prev, const std::string& hash) {
        return "INSERT INTO audit_log (seq, at, actor, request_id, action, subject, detail, "
               "prev_hash, hash) SELECT " +
               std::to_string(seq) + ", now(), 'x', '', 'a', '', '', " + prev + ", " + hash +
               " FROM audit_log WHERE seq = 3";
    };
    const std::string right_hash =
        "sha256(hash || riziki_audit_bytes(ROW(4, now(), 'x', '', 'a', '', '', hash, "
        "hash)::audit_log))";
    for (const auto& forged : {line(5, "hash", right_hash), line(4, "sha256(hash)", right_hash),
                               line(4, "hash", "sha256(hash)")}) {
        BOOST_TEST_CONTEXT(forged) {
            BOOST_TEST(try_sql(*app, {forged}).find("riziki:audit_chain_broken") !=
                       std::string::npos);
        }
    }
    BOOST_TEST_REQUIRE(try_sql(*app, {line(4, "hash", right_hash)}) == "");
    f.programme.audit(
        {"token:1", "req-4", "survivor.pii_read", "SV-AAAAAAAA", ""});  // chained here
    BOOST_TEST(f.programme.audit_log({}, 0, 10).size() == 5u);
    BOOST_TEST_REQUIRE(db::verify_journal(f.database.app_conninfo).ok);
    auto owner = f.owner();
    BOOST_TEST(try_sql(*owner, {"UPDATE audit_log SET detail = 'x'"}).find("riziki:append_only") !=
               std::string::npos);
    BOOST_TEST_REQUIRE(
        try_sql(*owner, {"SET session_replication_role = replica",
                         "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"}) == "");
    const auto failed = failures(db::verify_journal(f.database.app_conninfo));
    BOOST_TEST(failed.size() == 1u);
    BOOST_TEST(failed.at("audit_log_chain") == 2);
}

// Regression: the awards trigger allowed single lifecycle steps only, so a batch holding a
// disbursement and its full repayment (approved to repaid in one status write) failed
// whole, and the writer retried its entries one by one. Both now commit in one batch.
BOOST_AUTO_TEST_CASE(a_disbursement_and_its_full_repayment_commit_in_one_batch) {
    ProgramFixture f;
    f.write(receipt("F-KES", "KES", 100'000));
    const auto loan = f.award("AW-L0000000", ledger::AwardKind::loan, 2'000);
    const auto written_off = f.award("AW-W0000000", ledger::AwardKind::loan, 3'000);
    const auto before = f.writer->stats();
    // Hold the journal head so the writer's next batch waits for it, and queue behind it.
    auto owner = f.owner();
    soci::transaction hold(*owner);
    *owner << "SELECT seq FROM journal_head FOR UPDATE";
    auto first = f.writer->submit({receipt("F-KES", "KES", 1'000), std::nullopt});
    wait_for_lock_waiter(*f.owner());
    std::vector<std::future<db::WriteOutcome>> batch;
    batch.push_back(f.queue(pay(loan, 2'000, "QB1")));
    batch.push_back(f.queue(
        ledger::Repayment{loan, minor(2'000), day("2026-02-20"), ledger::Channel::mpesa, "QB2"}));
    batch.push_back(f.queue(pay(written_off, 3'000, "QB3")));
    batch.push_back(f.queue(
        ledger::Closure{ledger::Closure::Kind::write_off, written_off, day("2026-03-01"), "gone"}));
    hold.commit();
    BOOST_TEST((first.get().kind == Kind::committed));
    for (auto& outcome : batch)
        BOOST_TEST((outcome.get().kind == Kind::committed));
    BOOST_TEST(f.status(loan) == "repaid");
    BOOST_TEST(f.status(written_off) == "written_off");
    const auto after = f.writer->stats();
    BOOST_TEST(after.split == before.split);
    BOOST_TEST(after.entries - before.entries == 5u);
    BOOST_TEST(after.batches - before.batches == 2u);  // the receipt, then the four queued
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
}

// The awards trigger allows exactly the status changes ledger::status_change_allowed does,
// for every kind and every pair of statuses.
BOOST_AUTO_TEST_CASE(the_trigger_allows_the_lifecycle_the_core_defines) {
    ProgramFixture f;
    const auto grant = f.award("AW-G0000000", ledger::AwardKind::grant, 500);
    const auto loan = f.award("AW-L0000000", ledger::AwardKind::loan, 500);
    auto owner = f.owner();
    for (const auto& [id, kind] :
         {std::pair{grant, ledger::AwardKind::grant}, std::pair{loan, ledger::AwardKind::loan}}) {
        for (int a = 0; a < 6; ++a) {
            for (int b = 0; b < 6; ++b) {
                const auto from = static_cast<ledger::AwardStatus>(a);
                const auto to = static_cast<ledger::AwardStatus>(b);
                const std::string from_name(to_string(from)), to_name(to_string(to));
                BOOST_TEST_CONTEXT(to_string(kind) << ": " << from_name << " -> " << to_name) {
                    // Put the award in `from` with the trigger off, then try the change.
                    *owner << "ALTER TABLE awards DISABLE TRIGGER awards_status";
                    *owner << "UPDATE awards SET status = '" + from_name + "' WHERE id = '" + id +
                                  "'";
                    *owner << "ALTER TABLE awards ENABLE TRIGGER awards_status";
                    const auto error = try_sql(*owner, {"UPDATE awards SET status = '" + to_name +
                                                        "' WHERE id = '" + id + "'"});
                    BOOST_TEST(error.empty() == ledger::status_change_allowed(kind, from, to));
                    if (!error.empty())
                        BOOST_TEST(error.find("riziki:award_not_active") != std::string::npos);
                }
            }
        }
    }
}

// The accounts migration 0001 seeds are the core's chart, row for row.
BOOST_AUTO_TEST_CASE(the_seeded_chart_is_the_cores) {
    ProgramFixture f;
    auto app = f.app();
    soci::rowset<soci::row> rows = app->prepare
                                   << "SELECT code, name, type FROM accounts ORDER BY code";
    std::size_t i = 0;
    for (const auto& row : rows) {
        BOOST_TEST_REQUIRE(i < ledger::kDefaultChart.size());
        const auto& account = ledger::kDefaultChart[i++];
        BOOST_TEST(row.get<std::string>(0) == account.code);
        BOOST_TEST(row.get<std::string>(1) == account.name);
        BOOST_TEST(row.get<std::string>(2) == ledger::to_string(account.type));
    }
    BOOST_TEST(i == ledger::kDefaultChart.size());
}

BOOST_AUTO_TEST_SUITE_END()
