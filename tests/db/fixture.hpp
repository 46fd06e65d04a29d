#pragma once
/// A fresh database with three funds, a writer and a store, for one test.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "db/credentials.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/programme.hpp"
#include "db/report_reads.hpp"
#include "db/verify.hpp"
#include "tests/support/print.hpp"
#include "tests/support/test_database.hpp"

namespace riziki::db {
inline std::ostream& boost_test_print_type(std::ostream& out, const WriteOutcome::Kind& kind) {
    switch (kind) {
        case WriteOutcome::Kind::committed:
            return out << "committed";
        case WriteOutcome::Kind::replayed:
            return out << "replayed";
        case WriteOutcome::Kind::rejected:
            return out << "rejected";
    }
    return out << "Kind(" << static_cast<int>(kind) << ")";
}
}  // namespace riziki::db

namespace riziki::testing {

inline ledger::Date day(const char* text) {
    return *ledger::parse_date(text);
}

inline ledger::Amount minor(long long value) {
    return ledger::Amount(value);
}

inline ledger::Posting posting(const char* account, const char* fund, const char* currency,
                               long long amount) {
    return {account, fund, currency, minor(amount), "", ""};
}

/// Cash received into a fund: Dr 1010 Bank, Cr 4100 Grant revenue.
inline ledger::EntryDraft receipt(const char* fund, const char* currency, long long amount,
                                  const char* date = "2026-01-15") {
    ledger::EntryDraft draft;
    draft.effective_on = day(date);
    draft.memo = "donor receipt";
    draft.event = ledger::Event::receipt;
    draft.recorded_by = "test";
    draft.postings = {posting("1010", fund, currency, amount),
                      posting("4100", fund, currency, -amount)};
    return draft;
}

/// A survivor of cohort C1, born 1999, enrolled in Mombasa on 2 January 2026 with no
/// consent to follow-up, recorded by "test".
inline db::SurvivorRecord survivor_record(const std::string& code) {
    db::SurvivorRecord s;
    s.code = code;
    s.cohort = "C1";
    s.gender = "female";
    s.birth_year = 1999;
    s.county = "Mombasa";
    s.enrolled_on = day("2026-01-02");
    s.recorded_by = "test";
    s.record_key = 4242;
    return s;
}

/// A stand-in for a sealed vault row: the db tests hold no key.
inline db::SealedPii stand_in_pii() {
    return {"0123456789abcdef", std::string(24, 'n'), std::string(40, 'c')};
}

/// Runs `statements` in one transaction; returns the error text, or "" if it committed.
inline std::string try_sql(soci::session& sql, const std::vector<std::string>& statements) {
    try {
        soci::transaction tx(sql);
        for (const auto& statement : statements)
            sql << statement;
        tx.commit();
        return "";
    } catch (const soci::soci_error& error) {
        return error.what();
    }
}

/// The verify checks that failed, each with its first offending entry (-1 when none).
inline std::map<std::string, std::int64_t> failures(const db::VerifyReport& report) {
    std::map<std::string, std::int64_t> out;
    for (const auto& check : report.checks) {
        if (!check.ok)
            out[check.name] = check.first_entry.value_or(-1);
    }
    return out;
}

struct LedgerFixture {
    TestDatabase database = TestCluster::instance().fresh_database();
    db::Pool pool{database.app_conninfo, 2};
    db::JournalReads journal{pool};
    db::Credentials credentials{pool};
    db::Programme programme{pool};
    db::ReportReads report_reads{pool};
    std::unique_ptr<db::JournalWriter> writer =
        std::make_unique<db::JournalWriter>(database.app_conninfo);

    LedgerFixture() {
        for (const auto& [code, currency, name] : {std::tuple{"F-KES", "KES", "Livelihoods KES"},
                                                   std::tuple{"F-KES2", "KES", "Second KES fund"},
                                                   std::tuple{"F-USD", "USD", "Livelihoods USD"}}) {
            BOOST_TEST_REQUIRE(create_fund(code, currency, name) == ledger::Rejection::none);
        }
    }

    /// A fund with no donor (restricted, undated): none, or already_exists.
    ledger::Rejection create_fund(const std::string& code, const std::string& currency,
                                  const std::string& name) {
        return programme.create_fund(
            {code, "", name, currency, true, std::nullopt, std::nullopt, std::nullopt});
    }

    db::WriteOutcome write(ledger::EntryDraft draft) {
        return writer->write(db::WriteRequest{std::move(draft), std::nullopt});
    }

    /// A session as the schema owner (superuser), for raw SQL.
    std::unique_ptr<soci::session> owner() const {
        return std::make_unique<soci::session>(*soci::factory_postgresql(),
                                               database.owner_conninfo);
    }
    std::unique_ptr<soci::session> app() const {
        return std::make_unique<soci::session>(*soci::factory_postgresql(), database.app_conninfo);
    }
};

}  // namespace riziki::testing
