#include "db/registry_store.hpp"

#include "db/pool_impl.hpp"
#include "db/sql.hpp"

namespace riziki::db {

namespace {

std::string text_array(const std::vector<std::string>& values) {
    ArrayLiteral array;
    for (const auto& value : values)
        array.add(value);
    return std::move(array).finish();
}

// A survivor's support is what their awards make them: a loan outweighs a grant.
constexpr const char* kSelectPending = R"(
WITH s AS (
    SELECT v.code, v.birth_year, to_char(v.enrolled_on, 'YYYY-MM') AS month,
           CASE WHEN EXISTS (SELECT 1 FROM awards a WHERE a.survivor = v.code AND a.kind = 'loan')
                    THEN 'loan'
                WHEN EXISTS (SELECT 1 FROM awards a WHERE a.survivor = v.code) THEN 'grant'
                ELSE 'none' END AS support,
           r.ref
    FROM survivors v
    LEFT JOIN registry_records r ON r.survivor = v.code AND r.consortium_key_id = :k
    WHERE v.code > :after AND (:only1 = '' OR v.code = :only2)
      AND NOT EXISTS (SELECT 1 FROM survivor_erasures e WHERE e.survivor = v.code))
SELECT code, birth_year, month, support, coalesce(ref, '') FROM s
WHERE ref IS NULL
   OR support IS DISTINCT FROM (SELECT x.support FROM registry_sends x WHERE x.ref = s.ref
                                ORDER BY x.id DESC LIMIT 1)
ORDER BY code LIMIT :n)";

constexpr const char* kCountWaiting = R"(
SELECT count(*) FROM survivors v
LEFT JOIN registry_records r ON r.survivor = v.code AND r.consortium_key_id = :k
WHERE NOT EXISTS (SELECT 1 FROM survivor_erasures e WHERE e.survivor = v.code)
  AND (r.ref IS NULL
       OR (CASE WHEN EXISTS (SELECT 1 FROM awards a WHERE a.survivor = v.code AND a.kind = 'loan')
                    THEN 'loan'
                WHEN EXISTS (SELECT 1 FROM awards a WHERE a.survivor = v.code) THEN 'grant'
                ELSE 'none' END)
          IS DISTINCT FROM (SELECT x.support FROM registry_sends x WHERE x.ref = r.ref
                            ORDER BY x.id DESC LIMIT 1)))";

constexpr const char* kSelectSent = R"(
SELECT count(*) FROM registry_records r JOIN registry_sends x ON x.ref = r.ref
WHERE r.survivor = :s AND r.consortium_key_id = :k)";

constexpr const char* kSelectSupported = R"(
SELECT r.ref, CASE WHEN bool_or(a.kind = 'loan') THEN 'loan' ELSE 'grant' END
FROM entries e
JOIN postings p ON p.entry_seq = e.seq AND p.award IS NOT NULL
JOIN awards a ON a.id = p.award
JOIN survivors v ON v.code = a.survivor AND v.consent_donor_reporting
JOIN registry_records r ON r.survivor = a.survivor AND r.consortium_key_id = :k
WHERE e.event = 'disbursement' AND e.effective_on BETWEEN CAST(:f AS date) AND CAST(:t AS date)
  AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses = e.seq)
GROUP BY r.ref ORDER BY r.ref)";

// The refs kept or now kept, in the order given.
constexpr const char* kRefs = R"(
WITH given AS (
    SELECT * FROM unnest(CAST(:s AS text[]), CAST(:f AS text[])) WITH ORDINALITY
        AS g(survivor, fresh, rank)),
kept AS (
    INSERT INTO registry_records (survivor, consortium_key_id, ref)
    SELECT survivor, :k, fresh FROM given
    ON CONFLICT (survivor, consortium_key_id) DO NOTHING RETURNING survivor, ref)
SELECT coalesce(k.ref, r.ref) FROM given g
LEFT JOIN kept k ON k.survivor = g.survivor
LEFT JOIN registry_records r ON r.survivor = g.survivor AND r.consortium_key_id = :k2
ORDER BY g.rank)";

constexpr const char* kInsertSends = R"(
INSERT INTO registry_sends (ref, support)
SELECT * FROM unnest(CAST(:r AS text[]), CAST(:s AS text[])))";

constexpr const char* kInsertMatch = R"(
WITH i AS (
    INSERT INTO registry_matches (survivor, match, organisation, organisation_name, since,
                                  support, kind, score)
    SELECT r.survivor, :m, :o, :on, :si, :su, :k, CAST(:sc AS numeric)
    FROM registry_records r WHERE r.ref = :r
    ON CONFLICT (survivor, match) DO NOTHING RETURNING survivor)
SELECT count(*) FROM i)";

constexpr const char* kSelectToWithdraw = R"(
SELECT r.ref FROM registry_records r
JOIN survivor_erasures e ON e.survivor = r.survivor
WHERE NOT EXISTS (SELECT 1 FROM registry_withdrawals w WHERE w.ref = r.ref)
ORDER BY r.ref LIMIT :n)";

constexpr const char* kInsertWithdrawal =
    "INSERT INTO registry_withdrawals (ref) VALUES (:r) ON CONFLICT (ref) DO NOTHING";

constexpr const char* kSelectMatches = R"(
SELECT m.match, m.organisation, m.organisation_name, m.since, m.support, m.kind,
       to_char(m.score, 'FM0.000'), (extract(epoch FROM m.found_at) * 1000000)::bigint,
       coalesce(a.acknowledged_by, ''),
       coalesce((extract(epoch FROM a.acknowledged_at) * 1000000)::bigint, 0)
FROM registry_matches m
LEFT JOIN registry_acknowledgements a ON a.survivor = m.survivor AND a.match = m.match
WHERE m.survivor = :s ORDER BY m.found_at, m.match)";

}  // namespace

std::vector<RegistryPending> RegistryStore::pending(const std::string& key_id,
                                                    const std::string& after, std::size_t limit,
                                                    const std::string& only) {
    return pool_->impl().with_session([&](soci::session& sql) {
        std::vector<RegistryPending> out;
        const long long n = static_cast<long long>(limit);
        soci::rowset<soci::row> rows =
            (sql.prepare << kSelectPending, soci::use(key_id), soci::use(after), soci::use(only),
             soci::use(only), soci::use(n));
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), row.get<int>(1), row.get<std::string>(2),
                           row.get<std::string>(3), row.get<std::string>(4)});
        }
        return out;
    });
}

std::int64_t RegistryStore::waiting(const std::string& key_id) {
    return pool_->impl().with_session([&](soci::session& sql) {
        long long count = 0;
        sql << kCountWaiting, soci::use(key_id), soci::into(count);
        return static_cast<std::int64_t>(count);
    });
}

bool RegistryStore::sent(const std::string& survivor, const std::string& key_id) {
    return pool_->impl().with_session([&](soci::session& sql) {
        long long count = 0;
        sql << kSelectSent, soci::use(survivor), soci::use(key_id), soci::into(count);
        return count > 0;
    });
}

std::vector<std::string> RegistryStore::refs(const std::vector<std::string>& survivors,
                                             const std::string& key_id,
                                             const std::vector<std::string>& fresh) {
    const std::string survivors_text = text_array(survivors);
    const std::string fresh_text = text_array(fresh);
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            std::vector<std::string> out;
            soci::rowset<std::string> rows =
                (sql.prepare << kRefs, soci::use(survivors_text), soci::use(fresh_text),
                 soci::use(key_id), soci::use(key_id));
            for (const auto& ref : rows)
                out.push_back(ref);
            return out;
        },
        false);
}

void RegistryStore::record(const std::vector<RegistrySent>& sent,
                           const std::vector<std::pair<std::string, RegistryMatchRow>>& matches) {
    pool_->impl().with_session(
        [&](soci::session& sql) {
            soci::transaction transaction(sql);
            std::vector<std::string> refs, supports;
            for (const auto& s : sent) {
                refs.push_back(s.ref);
                supports.push_back(s.support);
            }
            if (!sent.empty()) {
                const std::string refs_text = text_array(refs);
                const std::string supports_text = text_array(supports);
                sql << kInsertSends, soci::use(refs_text), soci::use(supports_text);
            }
            for (const auto& [ref, m] : matches) {
                long long inserted = 0;
                sql << kInsertMatch, soci::use(m.match), soci::use(m.organisation),
                    soci::use(m.organisation_name), soci::use(m.since), soci::use(m.support),
                    soci::use(m.kind), soci::use(m.score), soci::use(ref), soci::into(inserted);
            }
            transaction.commit();
            return 0;
        },
        false);
}

std::vector<RegistrySent> RegistryStore::supported(const std::string& key_id,
                                                   const std::string& from, const std::string& to) {
    return pool_->impl().with_session([&](soci::session& sql) {
        std::vector<RegistrySent> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << kSelectSupported, soci::use(key_id), soci::use(from), soci::use(to));
        for (const auto& row : rows)
            out.push_back({row.get<std::string>(0), row.get<std::string>(1)});
        return out;
    });
}

std::vector<std::string> RegistryStore::to_withdraw(std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        std::vector<std::string> out;
        const long long n = static_cast<long long>(limit);
        soci::rowset<std::string> rows = (sql.prepare << kSelectToWithdraw, soci::use(n));
        for (const auto& ref : rows)
            out.push_back(ref);
        return out;
    });
}

void RegistryStore::withdrawn(const std::string& ref) {
    pool_->impl().with_session(
        [&](soci::session& sql) {
            sql << kInsertWithdrawal, soci::use(ref);
            return 0;
        },
        false);
}

std::vector<RegistryMatchRow> RegistryStore::matches(const std::string& survivor) {
    return pool_->impl().with_session([&](soci::session& sql) {
        std::vector<RegistryMatchRow> out;
        soci::rowset<soci::row> rows = (sql.prepare << kSelectMatches, soci::use(survivor));
        for (const auto& row : rows) {
            RegistryMatchRow m;
            m.survivor = survivor;
            m.match = row.get<std::string>(0);
            m.organisation = row.get<std::string>(1);
            m.organisation_name = row.get<std::string>(2);
            m.since = row.get<std::string>(3);
            m.support = row.get<std::string>(4);
            m.kind = row.get<std::string>(5);
            m.score = row.get<std::string>(6);
            m.found_at_us = row.get<long long>(7);
            m.acknowledged_by = row.get<std::string>(8);
            m.acknowledged_at_us = row.get<long long>(9);
            out.push_back(std::move(m));
        }
        return out;
    });
}

}  // namespace riziki::db
