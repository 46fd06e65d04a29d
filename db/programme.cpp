// Program records: donors, funds, cohorts, survivors and their vault rows, awards, outcomes.

#include <functional>
#include <stdexcept>

#include "db/awards_sql.hpp"
#include "db/bytes.hpp"
#include "db/common_sql.hpp"
#include "db/pool_impl.hpp"
#include "db/programme.hpp"
#include "db/record_claims.hpp"
#include "db/record_rows.hpp"
#include "ledger/assert.hpp"
#include "ledger/program.hpp"

namespace riziki::db {

namespace {

using ledger::Rejection;

// Each create inserts with ON CONFLICT DO NOTHING and counts the rows inserted: 0 means
// the key was taken (already_exists), with no error to roll the transaction back.
constexpr const char* kInsertDonor = R"(
WITH i AS (INSERT INTO donors (code, name) VALUES (:c, :n)
           ON CONFLICT (code) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

constexpr const char* kCountDonors = "SELECT count(*) FROM donors WHERE code = :c";

// Optional values come as '' and are stored as NULL.
constexpr const char* kInsertFund = R"(
WITH i AS (INSERT INTO funds (code, currency, name, donor, restricted, starts_on, ends_on,
                              committed_minor)
           VALUES (:c, :cur, :n, NULLIF(:d, ''), :r <> 0, CAST(NULLIF(:s, '') AS date),
                   CAST(NULLIF(:e, '') AS date), CAST(NULLIF(:m, '') AS numeric))
           ON CONFLICT (code) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

const std::string kSelectFund =
    std::string("SELECT ") + kFundColumns + " FROM funds f WHERE f.code = :c";

constexpr const char* kInsertCohort = R"(
WITH i AS (INSERT INTO cohorts (code, name, county, starts_on)
           VALUES (:c, :n, :k, CAST(:s AS date)) ON CONFLICT (code) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

constexpr const char* kCountCohorts = "SELECT count(*) FROM cohorts WHERE code = :c";

// A match of the survivor is acknowledged once (the first acknowledgement is kept); an id
// that is not one of the survivor's matches inserts nothing.
constexpr const char* kInsertAcknowledgement = R"(
WITH i AS (
    INSERT INTO registry_acknowledgements (survivor, match, acknowledged_by, request_id)
    SELECT survivor, match, :a, :q FROM registry_matches WHERE survivor = :s AND match = :m
    ON CONFLICT (survivor, match) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

constexpr const char* kCountUnacknowledged = R"(
SELECT count(*) FROM registry_matches m
WHERE m.survivor = :s
  AND NOT EXISTS (SELECT 1 FROM registry_acknowledgements a
                  WHERE a.survivor = m.survivor AND a.match = m.match))";

constexpr const char* kCountBlindIndex = R"(
SELECT count(*) FROM survivor_blind_index WHERE kind = :k AND digest = decode(:d, 'hex'))";

constexpr const char* kInsertSurvivor = R"(
WITH i AS (INSERT INTO survivors (code, cohort, gender, birth_year, county, enrolled_on,
                                  consent_donor_reporting, consent_follow_up, recorded_by,
                                  record_key)
           VALUES (:c, :co, :g, :y, :k, CAST(:e AS date), :r <> 0, :f <> 0, :b, :rk)
           ON CONFLICT (code) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

constexpr const char* kInsertPii = R"(
INSERT INTO survivor_pii (survivor, key_id, nonce, ciphertext)
VALUES (:s, :k, decode(:n, 'hex'), decode(:c, 'hex')))";

constexpr const char* kInsertBlindIndex = R"(
INSERT INTO survivor_blind_index (kind, digest, survivor, key_id)
VALUES (:k, decode(:d, 'hex'), :s, :i))";

constexpr const char* kSelectEnrolledOn = "SELECT enrolled_on::text FROM survivors WHERE code = :c";

constexpr const char* kSelectOutcomeFacts = R"(
SELECT enrolled_on::text, CASE WHEN consent_follow_up THEN 1 ELSE 0 END
FROM survivors WHERE code = :c)";

const std::string kSelectSurvivor = std::string("SELECT ") + kSurvivorColumns +
                                    ", s.recorded_by FROM survivors s WHERE s.code = :c";

constexpr const char* kSelectPiis = R"(
SELECT survivor, key_id, encode(nonce, 'hex'), encode(ciphertext, 'hex')
FROM survivor_pii WHERE survivor = ANY(CAST(:c AS text[])))";

constexpr const char* kSelectPii = R"(
SELECT key_id, encode(nonce, 'hex'), encode(ciphertext, 'hex')
FROM survivor_pii WHERE survivor = :c)";

constexpr const char* kSelectVaultKeyIds = "SELECT DISTINCT key_id FROM survivor_pii ORDER BY 1";

// A loan's terms come as '' for grants and are stored as NULL.
constexpr const char* kInsertAward = R"(
WITH i AS (INSERT INTO awards (id, survivor, fund, currency, kind, approved_minor, approved_on,
                               purpose, business_sector, interest_rate, interest_period,
                               interest_method, amortization, installments, repayment_every,
                               repayment_unit, first_due_on, grace_on_principal,
                               grace_on_interest, installment_multiple_minor,
                               currency_multiple_minor, recorded_by)
           VALUES (:id, :sv, :f, :cur, :k, CAST(:a AS numeric), CAST(:on AS date), :p, :bs,
                   CAST(NULLIF(:r, '') AS numeric), NULLIF(:ip, ''), NULLIF(:im, ''),
                   NULLIF(:am, ''), CAST(NULLIF(:n, '') AS integer),
                   CAST(NULLIF(:ev, '') AS integer), NULLIF(:u, ''),
                   CAST(NULLIF(:fd, '') AS date), CAST(NULLIF(:gp, '') AS integer),
                   CAST(NULLIF(:gi, '') AS integer), CAST(NULLIF(:imu, '') AS numeric),
                   CAST(NULLIF(:cmu, '') AS numeric), :by)
           ON CONFLICT (id) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

// What an award record holds beside the award itself (select_awards reads that).
constexpr const char* kSelectAwardNotes =
    "SELECT purpose, business_sector, recorded_by FROM awards WHERE id = :i";

constexpr const char* kSelectAwardPlace = "SELECT fund, currency FROM awards WHERE id = :i";

constexpr const char* kInsertOutcome = R"(
INSERT INTO outcomes (survivor, observed_on, business_status, currency, monthly_revenue_minor,
                      monthly_profit_minor, household_income_minor, savings_minor, jobs,
                      recorded_by)
VALUES (:s, CAST(:o AS date), :b, :c, CAST(:r AS numeric), CAST(:p AS numeric),
        CAST(:h AS numeric), CAST(:v AS numeric), :j, :by)
RETURNING id)";

// Inserted without a seq, the row is chained by the database (trigger audit_log_link).
constexpr const char* kInsertAudit = R"(
INSERT INTO audit_log (actor, request_id, action, subject, detail)
VALUES (:a, :r, :x, :s, :d))";

// Optional filters come as ''; the dates bound a UTC day range, `to` inclusive.
constexpr const char* kSelectAuditLog = R"(
SELECT seq, (extract(epoch FROM at) * 1000000)::bigint, actor, request_id, action, subject,
       detail, encode(prev_hash, 'hex'), encode(hash, 'hex')
FROM audit_log
WHERE seq > :after
  AND (:f = '' OR at >= CAST(NULLIF(:f, '') AS date))
  AND (:t = '' OR at < CAST(NULLIF(:t, '') AS date) + 1)
  AND (:a = '' OR actor = :a) AND (:x = '' OR action = :x)
ORDER BY seq LIMIT :lim)";

std::string optional_date(const std::optional<ledger::Date>& date) {
    return date ? ledger::format_date(*date) : "";
}

bool exists(soci::session& sql, const char* query, const std::string& key) {
    int found = 0;
    sql << query, soci::use(key), soci::into(found);
    return found > 0;
}

/// Inserts with ON CONFLICT DO NOTHING: none, or already_exists.
Rejection inserted_or_exists(int inserted) {
    return inserted == 1 ? Rejection::none : Rejection::already_exists;
}

Rejection enrol(soci::session& sql, const SurvivorRecord& s, const SealedPii& pii,
                const std::vector<BlindIndex>& indexes);

/// The survivor's enrolment date, or nullopt when there is no such survivor.
std::optional<ledger::Date> enrolled_on(soci::session& sql, const std::string& survivor) {
    std::string enrolled;
    soci::indicator found = soci::i_null;
    sql << kSelectEnrolledOn, soci::use(survivor), soci::into(enrolled, found);
    if (!sql.got_data() || found != soci::i_ok)
        return std::nullopt;
    return ledger::parse_date(enrolled);
}

/// What the survivor a new outcome names says about it (ledger::check_outcome).
ledger::OutcomeRecords outcome_records(soci::session& sql, const std::string& survivor) {
    ledger::OutcomeRecords facts;
    std::string enrolled;
    int consented = 0;
    sql << kSelectOutcomeFacts, soci::use(survivor), soci::into(enrolled), soci::into(consented);
    if (sql.got_data()) {
        facts.enrolled_on = ledger::parse_date(enrolled);
        facts.follow_up_consented = consented != 0;
    }
    return facts;
}

/// What the survivor and fund a new award names say about it (ledger::check_award).
ledger::AwardRecords award_records(soci::session& sql, const ledger::Award& award) {
    ledger::AwardRecords facts;
    facts.enrolled_on = enrolled_on(sql, award.survivor);
    std::string currency;
    sql << kSelectFundCurrency, soci::use(award.fund), soci::into(currency);
    if (sql.got_data())
        facts.fund_currency = currency;
    long long open = 0;
    sql << kCountUnacknowledged, soci::use(award.survivor), soci::into(open);
    facts.unacknowledged_matches = open;
    return facts;
}

/// Runs `create` (a create_once), answering a rule our triggers raised, or a unique key the
/// core checks first, as its rejection: a concurrent request can get past the core's check.
Rejection rejecting_raced(soci::session& sql, const std::function<Rejection()>& create) {
    try {
        return create();
    } catch (const soci::soci_error& error) {
        if (sql.is_connected()) {
            if (auto rule = rejection_from_error(error))
                return *rule;
        }
        throw;
    }
}

}  // namespace

Rejection Programme::create_donor(const DonorRecord& donor, IdempotentCreate* once) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            return create_once(sql, once, [&] {
                int inserted = 0;
                sql << kInsertDonor, soci::use(donor.code), soci::use(donor.name),
                    soci::into(inserted);
                return inserted_or_exists(inserted);
            });
        },
        false);
}

Rejection Programme::create_fund(const FundRecord& fund, IdempotentCreate* once) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            return create_once(sql, once, [&] {
                if (!fund.donor.empty() && !exists(sql, kCountDonors, fund.donor)) {
                    return Rejection::donor_not_found;
                }
                const std::string starts = optional_date(fund.starts_on);
                const std::string ends = optional_date(fund.ends_on);
                const std::string committed =
                    fund.committed ? ledger::to_decimal_string(*fund.committed) : "";
                const int restricted = fund.restricted ? 1 : 0;
                int inserted = 0;
                sql << kInsertFund, soci::use(fund.code), soci::use(fund.currency),
                    soci::use(fund.name), soci::use(fund.donor), soci::use(restricted),
                    soci::use(starts), soci::use(ends), soci::use(committed), soci::into(inserted);
                return inserted_or_exists(inserted);
            });
        },
        false);
}

std::optional<FundRecord> Programme::fund(const std::string& code) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<FundRecord> {
        soci::rowset<soci::row> rows = (sql.prepare << kSelectFund, soci::use(code));
        for (const auto& row : rows)
            return fund_from_row(row);
        return std::nullopt;
    });
}

ledger::FundFigures Programme::fund_figures(const std::string& code,
                                            const std::optional<ledger::Date>& as_of) {
    return pool_->impl().with_session(
        [&](soci::session& sql) { return select_fund_figures(sql, code, as_of); });
}

Rejection Programme::create_cohort(const CohortRecord& cohort, IdempotentCreate* once) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            return create_once(sql, once, [&] {
                const std::string starts = ledger::format_date(cohort.starts_on);
                int inserted = 0;
                sql << kInsertCohort, soci::use(cohort.code), soci::use(cohort.name),
                    soci::use(cohort.county), soci::use(starts), soci::into(inserted);
                return inserted_or_exists(inserted);
            });
        },
        false);
}

Rejection Programme::enrol_survivor(const SurvivorRecord& s, const SealedPii& pii,
                                    const std::vector<BlindIndex>& indexes,
                                    IdempotentCreate* once) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            // Two enrolments of one person at once: the blind index key stops the second.
            return rejecting_raced(sql, [&] {
                return create_once(sql, once, [&] { return enrol(sql, s, pii, indexes); });
            });
        },
        false);
}

namespace {

Rejection enrol(soci::session& sql, const SurvivorRecord& s, const SealedPii& pii,
                const std::vector<BlindIndex>& indexes) {
    if (!exists(sql, kCountCohorts, s.cohort))
        return Rejection::cohort_not_found;
    for (const auto& index : indexes) {
        int found = 0;
        const std::string digest = hex_of(index.digest);
        sql << kCountBlindIndex, soci::use(index.kind), soci::use(digest), soci::into(found);
        if (found > 0)
            return Rejection::survivor_already_enrolled;
    }
    // The API draws it (api::random_record_key); a record without one is a bug, not input.
    RIZIKI_ASSERT(ledger::valid_record_key(s.record_key));
    const std::string enrolled = ledger::format_date(s.enrolled_on);
    const int reporting = s.consent_donor_reporting ? 1 : 0;
    const int follow_up = s.consent_follow_up ? 1 : 0;
    int inserted = 0;
    sql << kInsertSurvivor, soci::use(s.code), soci::use(s.cohort), soci::use(s.gender),
        soci::use(s.birth_year), soci::use(s.county), soci::use(enrolled), soci::use(reporting),
        soci::use(follow_up), soci::use(s.recorded_by), soci::use(s.record_key),
        soci::into(inserted);
    if (inserted != 1)
        return Rejection::already_exists;
    const std::string nonce = hex_of(pii.nonce);
    const std::string cipher = hex_of(pii.ciphertext);
    sql << kInsertPii, soci::use(s.code), soci::use(pii.key_id), soci::use(nonce),
        soci::use(cipher);
    for (const auto& index : indexes) {
        const std::string digest = hex_of(index.digest);
        sql << kInsertBlindIndex, soci::use(index.kind), soci::use(digest), soci::use(s.code),
            soci::use(index.key_id);
    }
    return Rejection::none;
}

}  // namespace

std::optional<SurvivorRecord> Programme::survivor(const std::string& code) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<SurvivorRecord> {
        soci::rowset<soci::row> rows = (sql.prepare << kSelectSurvivor, soci::use(code));
        for (const auto& row : rows) {
            auto s = survivor_from_row(row);
            s.recorded_by = row.get<std::string>(8);
            return s;
        }
        return std::nullopt;
    });
}

std::optional<SealedPii> Programme::survivor_pii(const std::string& code) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<SealedPii> {
        soci::rowset<soci::row> rows = (sql.prepare << kSelectPii, soci::use(code));
        for (const auto& row : rows) {
            return SealedPii{row.get<std::string>(0), bytes_of_bytea(row.get<std::string>(1)),
                             bytes_of_bytea(row.get<std::string>(2))};
        }
        return std::nullopt;
    });
}

std::map<std::string, SealedPii> Programme::survivor_pii(const std::vector<std::string>& codes) {
    ArrayLiteral array;
    for (const auto& code : codes)
        array.add(code);
    const std::string codes_text = std::move(array).finish();
    return pool_->impl().with_session([&](soci::session& sql) {
        std::map<std::string, SealedPii> out;
        soci::rowset<soci::row> rows = (sql.prepare << kSelectPiis, soci::use(codes_text));
        for (const auto& row : rows) {
            out.emplace(row.get<std::string>(0),
                        SealedPii{row.get<std::string>(1), bytes_of_bytea(row.get<std::string>(2)),
                                  bytes_of_bytea(row.get<std::string>(3))});
        }
        return out;
    });
}

std::vector<std::string> Programme::vault_key_ids() {
    return pool_->impl().with_session([](soci::session& sql) {
        std::vector<std::string> ids;
        soci::rowset<std::string> rows = (sql.prepare << kSelectVaultKeyIds);
        for (const auto& id : rows)
            ids.push_back(id);
        return ids;
    });
}

namespace {

/// Inserts an award checked against its survivor and fund (ledger::check_award).
/// Keeps the acknowledgements of the award's request, those not kept before each with its
/// audit line (rolled back with the award if it is refused).
void acknowledge_matches(soci::session& sql, const AwardRecord& record,
                         const MatchAcknowledgement& acknowledged) {
    const auto& a = record.award;
    const std::string action = "registry.acknowledge";
    for (const auto& match : acknowledged.matches) {
        long long inserted = 0;
        sql << kInsertAcknowledgement, soci::use(record.recorded_by),
            soci::use(acknowledged.request_id), soci::use(a.survivor), soci::use(match),
            soci::into(inserted);
        if (inserted == 0)
            continue;
        const std::string detail = "award=" + a.id + " match=" + match;
        sql << kInsertAudit, soci::use(record.recorded_by), soci::use(acknowledged.request_id),
            soci::use(action), soci::use(a.survivor), soci::use(detail);
    }
}

Rejection insert_award(soci::session& sql, const AwardRecord& record,
                       const MatchAcknowledgement& acknowledged) {
    const auto& a = record.award;
    acknowledge_matches(sql, record, acknowledged);
    if (auto check = ledger::check_award(a, award_records(sql, a)); !check.ok())
        return check.reason;
    const auto& t = a.terms;
    const std::string approved = ledger::to_decimal_string(a.approved);
    const std::string approved_on = ledger::format_date(a.approved_on);
    const std::string kind(ledger::to_string(a.kind));
    const std::string rate = t ? ledger::format_rate(t->interest_rate) : "";
    const std::string period = t ? std::string(to_string(t->interest_period)) : "";
    const std::string method = t ? std::string(to_string(t->interest_method)) : "";
    const std::string amortization = t ? std::string(to_string(t->amortization)) : "";
    const std::string unit = t ? std::string(to_string(t->repayment_unit)) : "";
    const std::string first_due = t ? optional_date(t->first_due_on) : "";
    const std::string installments = t ? std::to_string(t->installments) : "";
    const std::string every = t ? std::to_string(t->repayment_every) : "";
    const std::string grace_p = t ? std::to_string(t->grace_on_principal) : "";
    const std::string grace_i = t ? std::to_string(t->grace_on_interest) : "";
    const std::string inst_multiple =
        t && t->installment_multiple ? ledger::to_decimal_string(*t->installment_multiple) : "";
    const std::string cur_multiple =
        t && t->currency_multiple ? ledger::to_decimal_string(*t->currency_multiple) : "";
    int inserted = 0;
    sql << kInsertAward, soci::use(a.id), soci::use(a.survivor), soci::use(a.fund),
        soci::use(a.currency), soci::use(kind), soci::use(approved), soci::use(approved_on),
        soci::use(record.purpose), soci::use(record.business_sector), soci::use(rate),
        soci::use(period), soci::use(method), soci::use(amortization), soci::use(installments),
        soci::use(every), soci::use(unit), soci::use(first_due), soci::use(grace_p),
        soci::use(grace_i), soci::use(inst_multiple), soci::use(cur_multiple),
        soci::use(record.recorded_by), soci::into(inserted);
    return inserted_or_exists(inserted);
}

}  // namespace

Rejection Programme::create_award(const AwardRecord& record, IdempotentCreate* once,
                                  const MatchAcknowledgement& acknowledged) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            // A registry match kept while this award was checked: the trigger refuses it.
            return rejecting_raced(sql, [&] {
                return create_once(sql, once,
                                   [&] { return insert_award(sql, record, acknowledged); });
            });
        },
        false);
}

std::optional<AwardRecord> Programme::award(const std::string& id) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<AwardRecord> {
        auto awards = select_awards(sql, {id});
        if (awards.empty())
            return std::nullopt;
        AwardRecord record;
        record.award = std::move(awards.begin()->second);
        sql << kSelectAwardNotes, soci::use(id), soci::into(record.purpose),
            soci::into(record.business_sector), soci::into(record.recorded_by);
        return record;
    });
}

std::optional<AwardPlace> Programme::award_place(const std::string& id) {
    return pool_->impl().award_places.get(id, [&] {
        return pool_->impl().with_session([&](soci::session& sql) -> std::optional<AwardPlace> {
            AwardPlace place;
            sql << kSelectAwardPlace, soci::use(id), soci::into(place.fund),
                soci::into(place.currency);
            if (!sql.got_data())
                return std::nullopt;
            return place;
        });
    });
}

ledger::AwardFigures Programme::award_figures(const std::string& id,
                                              const std::optional<ledger::Date>& as_of) {
    return pool_->impl().with_session(
        [&](soci::session& sql) { return select_award_figures(sql, {id}, as_of)[id]; });
}

namespace {

/// Inserts an outcome checked against its survivor (ledger::check_outcome) and sets its id.
Rejection insert_outcome(soci::session& sql, OutcomeRecord& o) {
    if (auto check = ledger::check_outcome(o.observed_on, outcome_records(sql, o.survivor));
        !check.ok()) {
        return check.reason;
    }
    const std::string observed = ledger::format_date(o.observed_on);
    const std::string revenue = ledger::to_decimal_string(o.monthly_revenue);
    const std::string profit = ledger::to_decimal_string(o.monthly_profit);
    const std::string household = ledger::to_decimal_string(o.household_income);
    const std::string savings = ledger::to_decimal_string(o.savings);
    long long id = 0;
    sql << kInsertOutcome, soci::use(o.survivor), soci::use(observed), soci::use(o.business_status),
        soci::use(o.currency), soci::use(revenue), soci::use(profit), soci::use(household),
        soci::use(savings), soci::use(o.jobs), soci::use(o.recorded_by), soci::into(id);
    o.id = id;
    return Rejection::none;
}

}  // namespace

Rejection Programme::record_outcome(OutcomeRecord& o, IdempotentCreate* once) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            return create_once(sql, once, [&] { return insert_outcome(sql, o); });
        },
        false);
}

void Programme::audit(const AuditEvent& e) {
    pool_->impl().with_session(
        [&](soci::session& sql) {
            sql << kInsertAudit, soci::use(e.actor), soci::use(e.request_id), soci::use(e.action),
                soci::use(e.subject), soci::use(e.detail);
            return 0;
        },
        false);
}

std::vector<AuditRecord> Programme::audit_log(const AuditFilter& filter, std::int64_t after_seq,
                                              std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const std::string from = optional_date(filter.from);
        const std::string to = optional_date(filter.to);
        const long long after = after_seq;
        const long long max = static_cast<long long>(limit);
        soci::rowset<soci::row> rows =
            (sql.prepare << kSelectAuditLog, soci::use(after), soci::use(from), soci::use(from),
             soci::use(to), soci::use(to), soci::use(filter.actor), soci::use(filter.actor),
             soci::use(filter.action), soci::use(filter.action), soci::use(max));
        std::vector<AuditRecord> out;
        for (const auto& row : rows) {
            AuditRecord r;
            r.seq = row.get<long long>(0);
            r.at_us = row.get<long long>(1);
            r.event = {row.get<std::string>(2), row.get<std::string>(3), row.get<std::string>(4),
                       row.get<std::string>(5), row.get<std::string>(6)};
            r.prev_hash = row.get<std::string>(7);
            r.hash = row.get<std::string>(8);
            out.push_back(std::move(r));
        }
        return out;
    });
}

}  // namespace riziki::db
