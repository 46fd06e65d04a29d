// PostgreSQL enforces the journal's invariants on its own: raw SQL that bypasses the C++
// core is refused, whoever sends it, and verify() catches what a superuser forces through.

#include <boost/test/unit_test.hpp>

#include "db/verify.hpp"

#include <map>
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;

namespace {

/// An INSERT of the next entry, linked correctly to the head, with `count` postings.
std::string next_entry(int count) {
    return "INSERT INTO entries (seq, effective_on, memo, event, recorded_by, recorded_at, "
           "posting_count, prev_hash, hash) SELECT seq + 1, DATE '2026-01-15', 'raw', 'manual', "
           "'intruder', now(), " +
           std::to_string(count) + ", hash, sha256(hash) FROM journal_head";
}

/// A posting of the head entry, carrying the head entry's day and event.
std::string posting_sql(int line, const char* account, const char* fund, const char* amount) {
    return std::string(
               "INSERT INTO postings (entry_seq, line, account, fund, currency, "
               "amount_minor, effective_on, counts_as) SELECT h.seq, ") +
           std::to_string(line) + ", '" + account + "', '" + fund + "', 'KES', " + amount +
           ", e.effective_on, e.event FROM journal_head h JOIN entries e ON e.seq = h.seq";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_guards)

// Migration 0012: the checks' probes stay index probes whatever the statistics say.
BOOST_AUTO_TEST_CASE(the_checks_never_plan_sequential_scans) {
    LedgerFixture f;
    auto owner = f.owner();
    std::string name, config;
    soci::indicator found = soci::i_null;
    soci::statement st = (owner->prepare << "SELECT p.proname, array_to_string(p.proconfig, ',') "
                                            "FROM pg_proc p WHERE p.proname = ANY(ARRAY["
                                            "'riziki_entries_link', 'riziki_entries_balanced', "
                                            "'riziki_postings_after', 'riziki_references_after', "
                                            "'riziki_idempotency_after', 'riziki_audit_chained'])",
                          soci::into(name), soci::into(config, found));
    st.execute();
    int checked = 0;
    while (st.fetch()) {
        ++checked;
        BOOST_TEST(contains(config, "enable_seqscan=off"), name << ": " << config);
        BOOST_TEST(contains(config, "search_path=pg_catalog, public, pg_temp"),
                   name << ": " << config);
    }
    BOOST_TEST(checked == 6);
}

BOOST_AUTO_TEST_CASE(balanced_raw_entry_commits_so_the_guards_are_not_vacuous) {
    LedgerFixture f;
    auto app = f.app();
    BOOST_TEST(try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-KES", "500"),
                              posting_sql(1, "4100", "F-KES", "-500")}) == "");
    BOOST_TEST(f.journal.head().seq == 1);
    BOOST_TEST(f.journal.balance("1010", "F-KES", std::nullopt) == minor(500));
}

BOOST_AUTO_TEST_CASE(unbalanced_entry_is_refused_at_commit) {
    LedgerFixture f;
    auto app = f.app();
    const auto error = try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-KES", "500"),
                                      posting_sql(1, "4100", "F-KES", "-499")});
    BOOST_TEST(contains(error, "riziki:unbalanced_entry"));
    BOOST_TEST(f.journal.head().seq == 0);
}

BOOST_AUTO_TEST_CASE(entry_unbalanced_per_fund_is_refused) {
    LedgerFixture f;
    auto owner = f.owner();  // even the superuser
    const auto error = try_sql(*owner, {next_entry(2), posting_sql(0, "1010", "F-KES", "500"),
                                        posting_sql(1, "4100", "F-KES2", "-500")});
    BOOST_TEST(contains(error, "riziki:unbalanced_fund"));
}

BOOST_AUTO_TEST_CASE(partial_entry_and_extra_postings_are_refused) {
    LedgerFixture f;
    auto app = f.app();
    BOOST_TEST(contains(try_sql(*app, {next_entry(3), posting_sql(0, "1010", "F-KES", "5"),
                                       posting_sql(1, "4100", "F-KES", "-5")}),
                        "riziki:partial_entry"));
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 5)).entry.seq == 1);
    // A committed entry has no free line: a third posting cannot be attached later.
    BOOST_TEST(contains(try_sql(*app, {posting_sql(2, "1010", "F-KES", "5")}),
                        "riziki:posting_line_out_of_range"));
    BOOST_TEST(contains(try_sql(*app, {posting_sql(1, "1010", "F-KES", "5")}), "duplicate key"));
}

BOOST_AUTO_TEST_CASE(every_entry_of_a_transaction_is_checked_not_only_the_last) {
    // The balance check runs once per move of the journal head (migration 0010): an entry
    // left partial behind a balanced one in the same transaction is still refused.
    LedgerFixture f;
    auto app = f.app();
    BOOST_TEST(contains(try_sql(*app, {next_entry(3), posting_sql(0, "1010", "F-KES", "5"),
                                       posting_sql(1, "4100", "F-KES", "-5"), next_entry(2),
                                       posting_sql(0, "1010", "F-KES", "7"),
                                       posting_sql(1, "4100", "F-KES", "-7")}),
                        "riziki:partial_entry entry 1"));
    BOOST_TEST(contains(try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-KES", "5"),
                                       posting_sql(1, "4100", "F-KES", "-4"), next_entry(2),
                                       posting_sql(0, "1010", "F-KES", "7"),
                                       posting_sql(1, "4100", "F-KES", "-7")}),
                        "riziki:unbalanced_entry entry 1"));
    BOOST_TEST(f.journal.head().seq == 0);
}

BOOST_AUTO_TEST_CASE(zero_posting_and_currency_mismatch_are_refused) {
    LedgerFixture f;
    auto app = f.app();
    BOOST_TEST(contains(try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-KES", "0"),
                                       posting_sql(1, "4100", "F-KES", "0")}),
                        "postings_amount_minor_check"));
    BOOST_TEST(contains(try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-USD", "5"),
                                       posting_sql(1, "4100", "F-USD", "-5")}),
                        "riziki:currency_mismatch"));
}

BOOST_AUTO_TEST_CASE(postings_must_name_a_real_entry_account_and_fund) {
    LedgerFixture f;
    auto app = f.app();
    BOOST_TEST(contains(try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-KES", "5"),
                                       posting_sql(1, "9999", "F-KES", "-5")}),
                        "riziki:unknown_account"));
    BOOST_TEST(contains(try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-NONE", "5"),
                                       posting_sql(1, "4100", "F-NONE", "-5")}),
                        "riziki:unknown_fund"));
    BOOST_TEST(contains(try_sql(*app, {"INSERT INTO postings (entry_seq, line, account, fund, "
                                       "currency, amount_minor, effective_on, counts_as) "
                                       "VALUES (77, 0, '1010', 'F-KES', 'KES', 5, "
                                       "DATE '2026-01-15', 'manual')"}),
                        "riziki:unknown_entry"));
    auto owner = f.owner();
    BOOST_TEST(contains(try_sql(*owner, {"DELETE FROM funds WHERE code = 'F-KES'"}),
                        "riziki:append_only"));
    BOOST_TEST(contains(try_sql(*owner, {"UPDATE funds SET currency = 'USD' WHERE code = 'F-KES'"}),
                        "riziki:append_only"));
}

BOOST_AUTO_TEST_CASE(postings_must_carry_their_entrys_day_and_event) {
    LedgerFixture f;
    auto app = f.app();
    // A posting of the head entry carrying `day` and `event` (SQL expressions).
    const auto carrying = [](int line, const char* account, const char* amount,
                             const std::string& day, const std::string& event) {
        return std::string(
                   "INSERT INTO postings (entry_seq, line, account, fund, currency, "
                   "amount_minor, effective_on, counts_as) SELECT seq, ") +
               std::to_string(line) + ", '" + account + "', 'F-KES', 'KES', " + amount + ", " +
               day + ", " + event + " FROM journal_head";
    };
    const std::string right_day = "DATE '2026-01-15'";
    BOOST_TEST(contains(
        try_sql(*app, {next_entry(2), carrying(0, "1010", "5", "DATE '2026-01-16'", "'manual'"),
                       carrying(1, "4100", "-5", right_day, "'manual'")}),
        "riziki:posting_entry_mismatch entry 1 line 0"));
    BOOST_TEST(
        contains(try_sql(*app, {next_entry(2), carrying(0, "1010", "5", right_day, "'manual'"),
                                carrying(1, "4100", "-5", right_day, "'receipt'")}),
                 "riziki:posting_entry_mismatch entry 1 line 1"));
    BOOST_TEST(f.journal.head().seq == 0);

    // A reversal's postings carry the event of the entry it reverses, not "reversal".
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 5)).entry.seq == 1);
    const std::string reversal =
        "INSERT INTO entries (seq, effective_on, memo, event, recorded_by, recorded_at, "
        "reverses, posting_count, prev_hash, hash) SELECT seq + 1, DATE '2026-01-15', 'raw', "
        "'reversal', 'intruder', now(), 1, 2, hash, sha256(hash) FROM journal_head";
    BOOST_TEST(contains(try_sql(*app, {reversal, carrying(0, "1010", "-5", right_day, "'reversal'"),
                                       carrying(1, "4100", "5", right_day, "'reversal'")}),
                        "riziki:posting_entry_mismatch entry 2 line 0"));
    BOOST_TEST(try_sql(*app, {reversal, carrying(0, "1010", "-5", right_day, "'receipt'"),
                              carrying(1, "4100", "5", right_day, "'receipt'")}) == "");
    BOOST_TEST(f.journal.head().seq == 2);
}

BOOST_AUTO_TEST_CASE(chain_and_sequence_cannot_be_forged) {
    LedgerFixture f;
    auto app = f.app();
    const std::string gap =
        "INSERT INTO entries (seq, effective_on, memo, event, recorded_by, recorded_at, "
        "posting_count, prev_hash, hash) SELECT seq + 2, DATE '2026-01-15', 'x', 'manual', 'x', "
        "now(), 2, hash, sha256(hash) FROM journal_head";
    BOOST_TEST(contains(try_sql(*app, {gap}), "riziki:sequence_gap"));
    const std::string unlinked =
        "INSERT INTO entries (seq, effective_on, memo, event, recorded_by, recorded_at, "
        "posting_count, prev_hash, hash) SELECT seq + 1, DATE '2026-01-15', 'x', 'manual', 'x', "
        "now(), 2, sha256(hash), sha256(hash) FROM journal_head";
    BOOST_TEST(contains(try_sql(*app, {unlinked}), "riziki:chain_broken"));
}

BOOST_AUTO_TEST_CASE(app_role_cannot_update_delete_or_touch_balances) {
    LedgerFixture f;
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 5)).entry.seq == 1);
    auto app = f.app();
    for (const char* statement :
         {"UPDATE postings SET amount_minor = 6 WHERE line = 0", "DELETE FROM postings",
          "UPDATE entries SET memo = 'edited'", "DELETE FROM entries", "TRUNCATE postings",
          "UPDATE daily_balances SET closing_minor = 0", "UPDATE journal_head SET seq = 0",
          "INSERT INTO daily_balances VALUES ('1010', 'F-KES', 'KES', DATE '2026-01-01', 1, 1)",
          "DELETE FROM idempotency_keys", "DELETE FROM periods"}) {
        BOOST_TEST_CONTEXT(statement) {
            BOOST_TEST(contains(try_sql(*app, {statement}), "permission denied"));
        }
    }
    BOOST_TEST(f.journal.balance("1010", "F-KES", std::nullopt) == minor(5));
}

BOOST_AUTO_TEST_CASE(owner_cannot_update_or_delete_either) {
    LedgerFixture f;
    BOOST_TEST_REQUIRE(f.write(receipt("F-KES", "KES", 5)).entry.seq == 1);
    auto owner = f.owner();
    for (const char* statement :
         {"UPDATE postings SET amount_minor = 6 WHERE line = 0", "DELETE FROM postings",
          "UPDATE entries SET memo = 'edited'", "DELETE FROM entries", "TRUNCATE postings",
          "TRUNCATE entries CASCADE"}) {
        BOOST_TEST_CONTEXT(statement) {
            BOOST_TEST(contains(try_sql(*owner, {statement}), "riziki:append_only"));
        }
    }
}

BOOST_AUTO_TEST_CASE(closed_period_is_enforced_by_the_database_too) {
    LedgerFixture f;
    auto app = f.app();
    BOOST_TEST(try_sql(*app, {"INSERT INTO periods (period, closed_by, closed_after_seq) "
                              "VALUES ('2026-01', 'admin', 0)"}) == "");
    BOOST_TEST(contains(try_sql(*app, {next_entry(2), posting_sql(0, "1010", "F-KES", "5"),
                                       posting_sql(1, "4100", "F-KES", "-5")}),
                        "riziki:period_closed"));
}

BOOST_AUTO_TEST_CASE(verify_names_the_entry_a_superuser_edited) {
    LedgerFixture f;
    for (int i = 1; i <= 5; ++i)
        f.write(receipt("F-KES", "KES", 100 * i));
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
    auto owner = f.owner();
    BOOST_TEST(try_sql(*owner, {"ALTER TABLE postings DISABLE TRIGGER USER",
                                "UPDATE postings SET amount_minor = amount_minor * 2 "
                                "WHERE entry_seq = 3",
                                "ALTER TABLE postings ENABLE TRIGGER USER"}) == "");
    const auto report = db::verify_journal(f.database.app_conninfo);
    BOOST_TEST(!report.ok);
    for (const auto& check : report.checks) {
        BOOST_TEST_CONTEXT(check.name) {
            if (check.name == "hash_chain" || check.name == "stored_balances" ||
                check.name == "fund_sums") {
                BOOST_TEST(!check.ok);
            } else {
                BOOST_TEST(check.ok);
            }
            if (check.name == "hash_chain")
                BOOST_TEST(*check.first_entry == 3);
        }
    }
}

namespace {

/// Five receipts dated 2026-01-15 (January then closed), then `statements` run by the
/// superuser with every trigger off; returns what verify makes of it.
db::VerifyReport tampered(LedgerFixture& f, const std::vector<std::string>& statements) {
    for (int i = 1; i <= 5; ++i)
        f.write(receipt("F-KES", "KES", 100 * i));
    BOOST_TEST_REQUIRE(f.journal.close_period(*ledger::parse_period("2026-01"), "admin", "") ==
                       ledger::Rejection::none);
    BOOST_TEST_REQUIRE(db::verify_journal(f.database.app_conninfo).ok);
    std::vector<std::string> all{"SET session_replication_role = replica"};
    all.insert(all.end(), statements.begin(), statements.end());
    auto owner = f.owner();
    BOOST_TEST_REQUIRE(try_sql(*owner, all) == "");
    return db::verify_journal(f.database.app_conninfo);
}

}  // namespace

BOOST_AUTO_TEST_CASE(verify_names_a_deleted_posting) {
    LedgerFixture f;
    const auto report = tampered(f, {"DELETE FROM postings WHERE entry_seq = 3 AND line = 1"});
    BOOST_TEST(!report.ok);
    const auto failed = failures(report);
    BOOST_TEST(failed.at("entries_balance") == 3);
    BOOST_TEST(failed.at("hash_chain") == 3);
    BOOST_TEST(failed.contains("stored_balances"));
}

// fund_sums (migration 0022) is what GET /v1/funds and the dashboards show; an edit of it
// behind the trigger must not pass for the books.
BOOST_AUTO_TEST_CASE(verify_names_an_edited_fund_sum) {
    LedgerFixture f;
    const auto report = tampered(f, {"UPDATE fund_sums SET amount_minor = amount_minor + 1 "
                                     "WHERE fund = 'F-KES' AND account = '4100'"});
    BOOST_TEST(!report.ok);
    for (const auto& check : report.checks) {
        BOOST_TEST_CONTEXT(check.name) {
            BOOST_TEST(check.ok == (check.name != "fund_sums"));
            if (check.name == "fund_sums")
                BOOST_TEST(check.detail ==
                           "fund sum F-KES/4100/receipt differs from the sum "
                           "of its postings");
        }
    }
    LedgerFixture g;
    const auto removed = tampered(g, {"DELETE FROM fund_sums WHERE fund = 'F-KES' AND "
                                      "account = '4100'"});
    BOOST_TEST(failures(removed).contains("fund_sums"));
}

BOOST_AUTO_TEST_CASE(verify_names_a_posting_that_carries_another_day_or_event) {
    for (const std::string change : {"counts_as = 'manual'", "effective_on = DATE '2026-01-16'"}) {
        BOOST_TEST_CONTEXT(change) {
            LedgerFixture f;
            const auto report = tampered(
                f, {"UPDATE postings SET " + change + " WHERE entry_seq = 2 AND line = 1"});
            const auto failed = failures(report);
            BOOST_TEST(failed.at("postings_carry_entry") == 2);
            // The hash covers the entry, not what its postings repeat of it: only this
            // check can see the change.
            BOOST_TEST(failed.size() == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(verify_names_a_rewritten_hash) {
    LedgerFixture f;
    const auto report = tampered(f, {"UPDATE entries SET hash = sha256(hash) WHERE seq = 4"});
    const auto failed = failures(report);
    BOOST_TEST(failed.size() == 1u);
    BOOST_TEST(failed.at("hash_chain") == 4);
}

BOOST_AUTO_TEST_CASE(verify_names_an_entry_slipped_into_a_closed_month) {
    LedgerFixture f;
    const auto report = tampered(
        f, {"INSERT INTO entries (seq, effective_on, memo, event, recorded_by, recorded_at, "
            "posting_count, prev_hash, hash) SELECT 6, DATE '2026-01-10', 'late', 'manual', "
            "'x', now(), 2, hash, sha256(hash) FROM journal_head",
            "INSERT INTO postings VALUES (6, 0, '1010', 'F-KES', 'KES', 1, NULL, NULL, "
            "DATE '2026-01-10', 'manual')",
            "INSERT INTO postings VALUES (6, 1, '4100', 'F-KES', 'KES', -1, NULL, NULL, "
            "DATE '2026-01-10', 'manual')",
            "UPDATE journal_head SET seq = 6, hash = (SELECT hash FROM entries WHERE seq = 6)"});
    const auto failed = failures(report);
    BOOST_TEST(failed.at("closed_periods_untouched") == 6);
    BOOST_TEST(failed.at("hash_chain") == 6);
    BOOST_TEST(!failed.contains("entries_balance"));
    BOOST_TEST(!failed.contains("sequence_gap_free"));
}

BOOST_AUTO_TEST_CASE(an_untouched_ledger_passes_every_check) {
    LedgerFixture f;
    const auto report = tampered(f, {"SELECT 1"});
    BOOST_TEST(report.ok);
    BOOST_TEST(report.entries_checked == 5);
    BOOST_TEST(report.checks.size() == 12u);
}

BOOST_AUTO_TEST_SUITE_END()
