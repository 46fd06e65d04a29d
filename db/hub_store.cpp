#include "db/hub_store.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "db/bytes.hpp"
#include "db/pool_impl.hpp"

namespace riziki::db {

namespace {

constexpr const char* kInsertMember = R"(
INSERT INTO hub_members (org_code, name, token_sha256) VALUES (:o, :n, decode(:t, 'hex'))
ON CONFLICT DO NOTHING RETURNING id)";

constexpr const char* kRevokeMember = R"(
UPDATE hub_members SET removed_at = now() WHERE org_code = :o AND removed_at IS NULL
RETURNING id)";

constexpr const char* kDeleteMemberActivity = "DELETE FROM hub_activity WHERE member = :m";
// Matches go with the records (ON DELETE CASCADE).
constexpr const char* kDeleteMemberRecords = "DELETE FROM hub_records WHERE member = :m";

constexpr const char* kSelectLiveMember = R"(
SELECT id, org_code, name FROM hub_members
WHERE token_sha256 = decode(:t, 'hex') AND removed_at IS NULL)";

constexpr const char* kSelectRecords = R"(
SELECT r.id, r.member, r.ref, encode(r.id_token, 'hex'), encode(r.phone_token, 'hex'),
       encode(r.name_token, 'hex'), encode(r.year_token, 'hex'), encode(r.clk, 'hex'),
       to_char(r.month, 'YYYY-MM'), r.support
FROM hub_records r JOIN hub_members m ON m.id = r.member AND m.removed_at IS NULL
ORDER BY r.id)";

constexpr const char* kUpsertRecord = R"(
INSERT INTO hub_records (member, ref, id_token, phone_token, name_token, year_token, clk, month,
                         support)
VALUES (:m, :r, decode(:i, 'hex'), decode(:p, 'hex'), decode(:n, 'hex'), decode(:y, 'hex'),
        decode(:c, 'hex'), to_date(:mo, 'YYYY-MM'), :s)
ON CONFLICT (member, ref) DO UPDATE SET
    id_token = EXCLUDED.id_token, phone_token = EXCLUDED.phone_token,
    name_token = EXCLUDED.name_token, year_token = EXCLUDED.year_token, clk = EXCLUDED.clk,
    month = EXCLUDED.month, support = EXCLUDED.support
RETURNING id, (xmax = 0)::int AS inserted)";

// The record's matches with records that are no longer among its candidates.
constexpr const char* kDropStaleMatches = R"(
DELETE FROM hub_matches
WHERE (record_low = :r OR record_high = :r2)
  AND (CASE WHEN record_low = :r3 THEN record_high ELSE record_low END)
      <> ALL (CAST(:o AS bigint[])))";

// A pair keeps its id once made; its kind and score follow the records. Nothing is inserted
// when the other record is gone (its member was removed while the hub ran): those others are
// answered. One statement for all of a record's candidates.
constexpr const char* kUpsertMatches = R"(
WITH c AS (
    SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:others AS bigint[]),
                         CAST(:kinds AS text[]), CAST(:scores AS numeric[]))
        AS c(id, other, kind, score)),
kept AS (
    INSERT INTO hub_matches (id, record_low, record_high, kind, score)
    SELECT c.id, least(CAST(:r AS bigint), c.other), greatest(CAST(:r2 AS bigint), c.other),
           c.kind, c.score
    FROM c WHERE EXISTS (SELECT 1 FROM hub_records h WHERE h.id = c.other)
    ON CONFLICT (record_low, record_high)
        DO UPDATE SET kind = EXCLUDED.kind, score = EXCLUDED.score
    RETURNING record_low + record_high - CAST(:r3 AS bigint) AS other)
SELECT c.other FROM c WHERE c.other NOT IN (SELECT other FROM kept))";

// The matches of the member's records (or of one record), with the other side's member.
// The matches of records chosen by `own_filter` (own.member = :m for the member's, own.id = :r
// for one record), each side of a pair by its own index (record_low's unique, record_high's),
// so that one record's matches are a few index probes even on a registry of millions.
std::string matches_of(std::string_view own_filter) {
    return R"(
SELECT own.ref, m.id, mem.org_code, mem.name, to_char(other.month, 'YYYY-MM'), other.support,
       m.kind, CAST(m.score AS text)
FROM hub_records own
JOIN LATERAL (SELECT id, kind, score, record_high AS other FROM hub_matches
              WHERE record_low = own.id
              UNION ALL
              SELECT id, kind, score, record_low FROM hub_matches
              WHERE record_high = own.id) m ON true
JOIN hub_records other ON other.id = m.other
JOIN hub_members mem ON mem.id = other.member AND mem.removed_at IS NULL
WHERE )" + std::string(own_filter) +
           " ORDER BY own.ref, m.kind, m.score DESC, m.id";
}

constexpr const char* kDeleteRecord =
    "DELETE FROM hub_records WHERE member = :m AND ref = :r RETURNING id";

constexpr const char* kUnknownRefs = R"(
SELECT u.ref FROM unnest(CAST(:r AS text[])) AS u(ref)
WHERE NOT EXISTS (SELECT 1 FROM hub_records WHERE member = :m AND ref = u.ref)
ORDER BY u.ref)";

constexpr const char* kDeleteActivity =
    "DELETE FROM hub_activity WHERE member = :m AND month = to_date(:mo, 'YYYY-MM')";

constexpr const char* kInsertActivity = R"(
INSERT INTO hub_activity (member, month, record, support)
SELECT :m, to_date(:mo, 'YYYY-MM'), r.id, u.support
FROM unnest(CAST(:r AS text[]), CAST(:s AS text[])) AS u(ref, support)
JOIN hub_records r ON r.member = :m2 AND r.ref = u.ref)";

// The rows the consortium statistics count: members removed have no activity left.
constexpr const char* kSelectActivityBetween = R"(
SELECT to_char(a.month, 'YYYY-MM'), a.member, a.record, a.support, r.record_key,
       encode(r.id_token, 'hex'), encode(r.phone_token, 'hex'), encode(r.name_token, 'hex')
FROM hub_activity a
JOIN hub_records r ON r.id = a.record
JOIN hub_members m ON m.id = a.member AND m.removed_at IS NULL
WHERE a.month BETWEEN to_date(:f, 'YYYY-MM') AND to_date(:t, 'YYYY-MM')
ORDER BY a.month, a.member, a.record)";

constexpr const char* kInsertAudit = R"(
INSERT INTO hub_audit (member, action, records, matches, request_id)
VALUES (:m, :a, :r, :x, :q))";

std::string text_array(const std::vector<std::string>& values) {
    ArrayLiteral array;
    for (const auto& value : values)
        array.add(value);
    return std::move(array).finish();
}

/// A nullable token as hex for decode(:x, 'hex'), with its indicator.
struct TokenParameter {
    explicit TokenParameter(const std::optional<ledger::Hash>& token)
        : hex(token ? ledger::to_hex(*token) : ""), indicator(token ? soci::i_ok : soci::i_null) {}
    std::string hex;
    soci::indicator indicator;
};

std::optional<ledger::Hash> token_column(const soci::row& row, std::size_t column) {
    if (row.get_indicator(column) == soci::i_null)
        return std::nullopt;
    return ledger::hash_from_hex(row.get<std::string>(column));
}

HubRecord record_of(const soci::row& row) {
    HubRecord record;
    record.id = row.get<long long>(0);
    record.member = row.get<long long>(1);
    record.ref = row.get<std::string>(2);
    record.id_token = token_column(row, 3);
    record.phone_token = token_column(row, 4);
    record.name_token = token_column(row, 5);
    const auto year = token_column(row, 6);
    const std::string clk = bytes_of_bytea(row.get<std::string>(7));
    // The schema's CHECKs hold these; a row that breaks them is not our database.
    if (!year || clk.size() != record.clk.size())
        throw std::runtime_error("hub_records " + std::to_string(record.id) + " is malformed");
    record.year_token = *year;
    std::copy(clk.begin(), clk.end(), record.clk.begin());
    record.month = row.get<std::string>(8);
    record.support = row.get<std::string>(9);
    return record;
}

std::vector<HubMatch> select_matches(soci::session& sql, std::int64_t member, std::int64_t record) {
    static const std::string kOfMember = matches_of("own.member = :m");
    static const std::string kOfRecord = matches_of("own.id = :r");
    const long long key = record == 0 ? member : record;
    soci::rowset<soci::row> rows =
        (sql.prepare << (record == 0 ? kOfMember : kOfRecord), soci::use(key));
    std::vector<HubMatch> out;
    for (const auto& row : rows) {
        out.push_back({row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2),
                       row.get<std::string>(3), row.get<std::string>(4), row.get<std::string>(5),
                       row.get<std::string>(6), row.get<std::string>(7)});
    }
    return out;
}

void insert_audit(soci::session& sql, const HubAuditLine& line) {
    long long member = line.member.value_or(0);
    soci::indicator member_indicator = line.member ? soci::i_ok : soci::i_null;
    const long long records = line.records;
    const long long matches = line.matches;
    sql << kInsertAudit, soci::use(member, member_indicator), soci::use(line.action),
        soci::use(records), soci::use(matches), soci::use(line.request_id);
}

/// The record's id, and whether it is new (xmax is 0 for a row this statement inserted, not
/// updated): a new record has no matches yet, so nothing stale to drop.
std::pair<long long, bool> upsert_record(soci::session& sql, const HubRecord& record) {
    const long long member = record.member;
    TokenParameter id(record.id_token), phone(record.phone_token), name(record.name_token);
    const std::string year = ledger::to_hex(record.year_token);
    const std::string clk = hex_of(std::string(record.clk.begin(), record.clk.end()));
    long long stored = 0;
    int inserted = 0;
    sql << kUpsertRecord, soci::use(member), soci::use(record.ref), soci::use(id.hex, id.indicator),
        soci::use(phone.hex, phone.indicator), soci::use(name.hex, name.indicator), soci::use(year),
        soci::use(clk), soci::use(record.month), soci::use(record.support), soci::into(stored),
        soci::into(inserted);
    return {stored, inserted != 0};
}

/// Keeps exactly `candidates` as the matches of `record`; adds to `gone` those whose other
/// record no longer exists.
void settle_matches(soci::session& sql, long long record, bool fresh,
                    const std::vector<HubCandidate>& candidates, std::vector<std::int64_t>& gone) {
    if (!fresh) {
        ArrayLiteral others;
        for (const auto& candidate : candidates)
            others.add(static_cast<long long>(candidate.record));
        const std::string others_text = std::move(others).finish();
        sql << kDropStaleMatches, soci::use(record), soci::use(record), soci::use(record),
            soci::use(others_text);
    }
    if (candidates.empty())
        return;
    ArrayLiteral ids, others, kinds, scores;
    for (const auto& candidate : candidates) {
        ids.add(fresh_match_id());
        others.add(static_cast<long long>(candidate.record));
        kinds.add(candidate.kind);
        scores.add(candidate.score);
    }
    const std::string ids_text = std::move(ids).finish();
    const std::string others_text = std::move(others).finish();
    const std::string kinds_text = std::move(kinds).finish();
    const std::string scores_text = std::move(scores).finish();
    soci::rowset<long long> missing =
        (sql.prepare << kUpsertMatches, soci::use(ids_text), soci::use(others_text),
         soci::use(kinds_text), soci::use(scores_text), soci::use(record), soci::use(record),
         soci::use(record));
    for (const auto other : missing)
        gone.push_back(other);
}

}  // namespace

std::string fresh_match_id() {
    unsigned char bytes[8];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return "RM-" + hex_of(std::string(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

bool HubStore::add_member(const std::string& org_code, const std::string& name,
                          const ledger::Hash& token_sha256) {
    return pool_.impl().with_session(
        [&](soci::session& sql) {
            const std::string token = ledger::to_hex(token_sha256);
            soci::transaction tx(sql);
            long long id = 0;
            sql << kInsertMember, soci::use(org_code), soci::use(name), soci::use(token),
                soci::into(id);
            if (!sql.got_data())
                return false;
            insert_audit(sql, {id, "member_add", 0, 0, ""});
            tx.commit();
            return true;
        },
        false);
}

std::optional<RemovedMember> HubStore::remove_member(const std::string& org_code) {
    return pool_.impl().with_session(
        [&](soci::session& sql) -> std::optional<RemovedMember> {
            soci::transaction tx(sql);
            long long id = 0;
            sql << kRevokeMember, soci::use(org_code), soci::into(id);
            if (!sql.got_data())
                return std::nullopt;
            sql << kDeleteMemberActivity, soci::use(id);
            soci::statement records = (sql.prepare << kDeleteMemberRecords, soci::use(id));
            records.execute(true);
            const auto deleted = static_cast<std::int64_t>(records.get_affected_rows());
            insert_audit(sql, {id, "member_remove", deleted, 0, ""});
            tx.commit();
            return RemovedMember{id, deleted};
        },
        false);
}

std::optional<HubMember> HubStore::live_member(const ledger::Hash& token_sha256) {
    return pool_.impl().with_session([&](soci::session& sql) -> std::optional<HubMember> {
        const std::string token = ledger::to_hex(token_sha256);
        HubMember member;
        long long id = 0;
        sql << kSelectLiveMember, soci::use(token), soci::into(id), soci::into(member.org_code),
            soci::into(member.name);
        if (!sql.got_data())
            return std::nullopt;
        member.id = id;
        return member;
    });
}

std::vector<HubRecord> HubStore::records() {
    return pool_.impl().with_session([&](soci::session& sql) {
        soci::rowset<soci::row> rows = sql.prepare << kSelectRecords;
        std::vector<HubRecord> out;
        for (const auto& row : rows)
            out.push_back(record_of(row));
        return out;
    });
}

std::vector<std::vector<HubMatch>> HubStore::check(std::int64_t member,
                                                   std::vector<HubRecord>& records,
                                                   const HubFinder& find,
                                                   std::vector<std::int64_t>& gone,
                                                   HubAuditLine audit) {
    return pool_.impl().with_session(
        [&](soci::session& sql) {
            soci::transaction tx(sql);
            std::vector<std::vector<HubMatch>> out;
            for (auto& record : records) {
                record.member = member;
                const auto [id, fresh] = upsert_record(sql, record);
                record.id = id;
                const auto candidates = find(record);
                // A new record without candidates has no matches: nothing more to ask (a
                // sync's common case, one statement a record).
                if (fresh && candidates.empty()) {
                    out.emplace_back();
                    continue;
                }
                settle_matches(sql, record.id, fresh, candidates, gone);
                out.push_back(select_matches(sql, member, record.id));
                audit.matches += static_cast<std::int64_t>(out.back().size());
            }
            // The check's audit line commits with it: one commit a check.
            insert_audit(sql, audit);
            tx.commit();
            return out;
        },
        false);
}

std::vector<HubMatch> HubStore::matches(std::int64_t member) {
    return pool_.impl().with_session(
        [&](soci::session& sql) { return select_matches(sql, member, 0); });
}

std::optional<std::int64_t> HubStore::delete_record(std::int64_t member, const std::string& ref) {
    return pool_.impl().with_session(
        [&](soci::session& sql) -> std::optional<std::int64_t> {
            const long long m = member;
            long long id = 0;
            sql << kDeleteRecord, soci::use(m), soci::use(ref), soci::into(id);
            if (!sql.got_data())
                return std::nullopt;
            return id;
        },
        false);
}

std::vector<std::string> HubStore::replace_activity(std::int64_t member, const std::string& month,
                                                    const std::vector<HubActivity>& rows) {
    std::vector<std::string> refs;
    std::vector<std::string> supports;
    for (const auto& row : rows) {
        refs.push_back(row.ref);
        supports.push_back(row.support);
    }
    const std::string refs_text = text_array(refs);
    const std::string supports_text = text_array(supports);
    return pool_.impl().with_session(
        [&](soci::session& sql) {
            const long long m = member;
            soci::transaction tx(sql);
            std::vector<std::string> unknown;
            soci::rowset<std::string> missing =
                (sql.prepare << kUnknownRefs, soci::use(refs_text), soci::use(m));
            for (const auto& ref : missing)
                unknown.push_back(ref);
            if (!unknown.empty())
                return unknown;
            sql << kDeleteActivity, soci::use(m), soci::use(month);
            sql << kInsertActivity, soci::use(m), soci::use(month), soci::use(refs_text),
                soci::use(supports_text), soci::use(m);
            tx.commit();
            return unknown;
        },
        false);
}

std::vector<reports::ConsortiumActivity> HubStore::activity_between(const std::string& from,
                                                                    const std::string& to) {
    return pool_.impl().with_session([&](soci::session& sql) {
        soci::rowset<soci::row> rows =
            (sql.prepare << kSelectActivityBetween, soci::use(from), soci::use(to));
        std::vector<reports::ConsortiumActivity> out;
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), row.get<long long>(1), row.get<long long>(2),
                           row.get<std::string>(3), row.get<int>(4), token_column(row, 5),
                           token_column(row, 6), token_column(row, 7)});
        }
        return out;
    });
}

void HubStore::audit(const HubAuditLine& line) {
    pool_.impl().with_session([&](soci::session& sql) { insert_audit(sql, line); }, false);
}

}  // namespace riziki::db
