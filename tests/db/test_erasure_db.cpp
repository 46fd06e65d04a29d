// Erasing a survivor's identity against a real PostgreSQL (migration 0018): the app role
// erases only through erase_survivor_pii(), which deletes the vault and index rows, records
// the erasure and its audit line, and zeroes the enrolment's fingerprint in one transaction;
// no identity is stored again for an erased pseudonym, whoever tries.

#include <boost/test/unit_test.hpp>

#include "db/hash.hpp"
#include "tests/db/fixture.hpp"

using namespace riziki;
using namespace riziki::testing;
using ledger::Rejection;

namespace {

constexpr const char* kErased = "SV-ERASED00";
constexpr const char* kKept = "SV-KEPT0000";
const std::string kZeroHex(64, '0');

long long count_of(soci::session& sql, const std::string& query) {
    long long n = 0;
    sql << query, soci::into(n);
    return n;
}

std::string text_of(soci::session& sql, const std::string& query) {
    std::string text;
    sql << query, soci::into(text);
    return text;
}

/// Two survivors enrolled with sealed PII and two blind indexes each, each under an
/// Idempotency-Key whose kept answer is the pseudonymous record (as the API keeps it), and
/// an award of the first made under a key whose answer names that survivor too.
struct ErasureFixture : LedgerFixture {
    ErasureFixture() {
        BOOST_TEST_REQUIRE(programme.create_cohort(
                               {"C1", "Cohort", "Mombasa", day("2026-01-01")}) == Rejection::none);
        enrol(kErased, 'a');
        enrol(kKept, 'b');
        db::AwardRecord award;
        award.award.id = "AW-ERASED00";
        award.award.survivor = kErased;
        award.award.fund = "F-KES";
        award.award.currency = "KES";
        award.award.approved = minor(100000);
        award.award.approved_on = day("2026-02-01");
        award.purpose = "stock";
        award.business_sector = "food";
        award.recorded_by = "test";
        db::IdempotentCreate once{
            {"test", "award-key", db::sha256("award request")}, [] {
                return db::StoredResponse{201, R"({"id":"AW-ERASED00","survivor":"SV-ERASED00"})"};
            }};
        BOOST_TEST_REQUIRE(programme.create_award(award, &once) == Rejection::none);
    }

    void enrol(const std::string& code, char fill) {
        const std::vector<db::BlindIndex> indexes{
            {"phone", std::string(32, fill), "0123456789abcdef"},
            {"national_id", std::string(31, fill) + "x", "0123456789abcdef"}};
        db::IdempotentCreate once{
            {"test", "enrol-" + code, db::sha256("enrol " + code)}, [code] {
                return db::StoredResponse{
                    201, R"({"code":")" + code + R"(","enrolled_on":"2026-01-02"})"};
            }};
        BOOST_TEST_REQUIRE(programme.enrol_survivor(survivor_record(code), stand_in_pii(), indexes,
                                                    &once) == Rejection::none);
    }

    /// Counts of the survivor's rows: vault, indexes, erasures, audit lines of erasure.
    std::vector<long long> rows_of(const std::string& code) const {
        auto owner = this->owner();
        const std::string where = " WHERE survivor = '" + code + "'";
        return {count_of(*owner, "SELECT count(*) FROM survivor_pii" + where),
                count_of(*owner, "SELECT count(*) FROM survivor_blind_index" + where),
                count_of(*owner, "SELECT count(*) FROM survivor_erasures" + where),
                count_of(*owner,
                         "SELECT count(*) FROM audit_log WHERE action = 'survivor.erase' "
                         "AND subject = '" +
                             code + "'")};
    }

    std::string fingerprint(const std::string& key) const {
        return text_of(*owner(),
                       "SELECT encode(request_hash, 'hex') FROM idempotency_keys "
                       "WHERE key = '" +
                           key + "'");
    }
};

bool refused_with(const std::string& error, const std::string& part) {
    return error.find(part) != std::string::npos;
}

std::string insert_pii(const std::string& code) {
    return "INSERT INTO survivor_pii (survivor, key_id, nonce, ciphertext) VALUES ('" + code +
           "', '0123456789abcdef', decode(repeat('11', 24), 'hex'), "
           "decode(repeat('22', 40), 'hex'))";
}

std::string insert_index(const std::string& code) {
    return "INSERT INTO survivor_blind_index (kind, digest, survivor, key_id) VALUES ('phone', "
           "decode(repeat('33', 32), 'hex'), '" +
           code + "', '0123456789abcdef')";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(survivor_erasure_db)

BOOST_AUTO_TEST_CASE(erasure_deletes_the_identity_and_keeps_the_pseudonym_and_books) {
    ErasureFixture f;
    const auto award_fingerprint = f.fingerprint("award-key");
    const auto kept_fingerprint = f.fingerprint("enrol-SV-KEPT0000");
    BOOST_TEST((f.rows_of(kErased) == std::vector<long long>{1, 2, 0, 0}));

    db::PiiErasure erasure{kErased, "consent_withdrawn", "token:7"};
    BOOST_TEST(f.programme.erase_survivor_pii(erasure, "req-1") == Rejection::none);
    BOOST_TEST(erasure.erased_at_us > 0);
    BOOST_TEST((f.rows_of(kErased) == std::vector<long long>{0, 0, 1, 1}));
    const auto stored = f.programme.pii_erasure(kErased);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->reason == "consent_withdrawn");
    BOOST_TEST(stored->erased_by == "token:7");
    BOOST_TEST(stored->erased_at_us == erasure.erased_at_us);
    auto owner = f.owner();
    BOOST_TEST(text_of(*owner,
                       "SELECT actor || ' ' || request_id || ' ' || detail FROM audit_log "
                       "WHERE action = 'survivor.erase'") ==
               "token:7 req-1 reason=consent_withdrawn");
    // The enrolment's fingerprint is zeroed; the award's (no PII in its request) and the
    // other survivor's are not. Their kept answers stay as they were.
    BOOST_TEST(f.fingerprint("enrol-SV-ERASED00") == kZeroHex);
    BOOST_TEST(f.fingerprint("award-key") == award_fingerprint);
    BOOST_TEST(f.fingerprint("enrol-SV-KEPT0000") == kept_fingerprint);
    BOOST_TEST(count_of(*owner, "SELECT count(*) FROM idempotency_keys") == 3);
    // The other survivor, the pseudonym and the award stay.
    BOOST_TEST((f.rows_of(kKept) == std::vector<long long>{1, 2, 0, 0}));
    BOOST_TEST(f.programme.survivor(kErased).has_value());
    BOOST_TEST(f.programme.award("AW-ERASED00").has_value());
    BOOST_TEST(!f.programme.pii_erasure(kKept).has_value());

    // Again: pii_erased, and nothing changes (no second erasure row or audit line).
    db::PiiErasure again{kErased, "safety", "token:8"};
    BOOST_TEST(f.programme.erase_survivor_pii(again, "req-2") == Rejection::pii_erased);
    BOOST_TEST((f.rows_of(kErased) == std::vector<long long>{0, 0, 1, 1}));
    BOOST_TEST(f.programme.pii_erasure(kErased)->reason == "consent_withdrawn");
    db::PiiErasure nobody{"SV-NOBODY00", "safety", "token:8"};
    BOOST_TEST(f.programme.erase_survivor_pii(nobody, "req-3") == Rejection::survivor_not_found);
    BOOST_TEST(count_of(*owner, "SELECT count(*) FROM survivor_erasures") == 1);
}

// The app role may not delete from the vault, write erasures, or touch idempotency keys; it
// erases through the function, which a reason outside the list cannot get past.
BOOST_AUTO_TEST_CASE(the_app_role_erases_only_through_erase_survivor_pii) {
    ErasureFixture f;
    auto app = f.app();
    for (const auto& statement :
         {std::string("DELETE FROM survivor_pii WHERE survivor = 'SV-ERASED00'"),
          std::string("DELETE FROM survivor_blind_index WHERE survivor = 'SV-ERASED00'"),
          std::string("INSERT INTO survivor_erasures (survivor, reason, erased_by) VALUES "
                      "('SV-ERASED00', 'safety', 'intruder')"),
          std::string("UPDATE idempotency_keys SET request_hash = decode(repeat('00', 32), "
                      "'hex')")}) {
        BOOST_TEST_CONTEXT(statement) {
            BOOST_TEST(refused_with(try_sql(*app, {statement}), "permission denied"));
        }
    }
    BOOST_TEST((f.rows_of(kErased) == std::vector<long long>{1, 2, 0, 0}));
    BOOST_TEST(refused_with(
        try_sql(*app, {"SELECT erase_survivor_pii('SV-ERASED00', 'moved away', 'x', '')"}),
        "survivor_erasures_reason_check"));
    BOOST_TEST((f.rows_of(kErased) == std::vector<long long>{1, 2, 0, 0}));
    BOOST_TEST(text_of(*app, "SELECT erase_survivor_pii('SV-ERASED00', 'safety', 'x', '')") ==
               "none");
    BOOST_TEST((f.rows_of(kErased) == std::vector<long long>{0, 0, 1, 1}));
}

// After erasure no vault or index row may name the survivor again: not from the app role,
// not from the owner. The erasure itself is append-only, and idempotency keys stay
// append-only but for zeroing a fingerprint.
BOOST_AUTO_TEST_CASE(no_identity_is_stored_again_for_an_erased_survivor) {
    ErasureFixture f;
    db::PiiErasure erasure{kErased, "retention_ended", "cli"};
    BOOST_TEST_REQUIRE(f.programme.erase_survivor_pii(erasure, "") == Rejection::none);
    auto app = f.app();
    auto owner = f.owner();
    for (auto* sql : {app.get(), owner.get()}) {
        BOOST_TEST(refused_with(try_sql(*sql, {insert_pii(kErased)}), "riziki:pii_erased"));
        BOOST_TEST(refused_with(try_sql(*sql, {insert_index(kErased)}), "riziki:pii_erased"));
    }
    // Moving the other survivor's rows onto the erased pseudonym is refused too.
    BOOST_TEST(refused_with(try_sql(*owner, {"UPDATE survivor_pii SET survivor = 'SV-ERASED00'"}),
                            "riziki:pii_erased"));
    BOOST_TEST(
        refused_with(try_sql(*owner, {"UPDATE survivor_blind_index SET survivor = 'SV-ERASED00'"}),
                     "riziki:pii_erased"));
    BOOST_TEST((f.rows_of(kErased) == std::vector<long long>{0, 0, 1, 1}));
    // The survivor who was not erased can still be given rows (the trigger is per pseudonym).
    BOOST_TEST(try_sql(*app, {insert_index(kKept)}) == "");

    for (const auto& statement :
         {std::string("UPDATE survivor_erasures SET reason = 'safety'"),
          std::string("DELETE FROM survivor_erasures"), std::string("TRUNCATE survivor_erasures"),
          std::string("DELETE FROM idempotency_keys"),
          std::string("UPDATE idempotency_keys SET status = 200"),
          std::string("UPDATE idempotency_keys SET request_hash = sha256('other')"),
          std::string("UPDATE idempotency_keys SET request_hash = decode(repeat('00', 32), "
                      "'hex'), response = '{}'")}) {
        BOOST_TEST_CONTEXT(statement) {
            BOOST_TEST(refused_with(try_sql(*owner, {statement}), "riziki:append_only"));
        }
    }
    BOOST_TEST(try_sql(*owner, {"UPDATE idempotency_keys SET request_hash = "
                                "decode(repeat('00', 32), 'hex') WHERE key = 'award-key'"}) == "");
}

BOOST_AUTO_TEST_SUITE_END()
