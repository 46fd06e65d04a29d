#include "db/writer_sql.hpp"

namespace riziki::db {

namespace {

// The journal head, the catalog version and the audit head, locked until the commit (in
// that order, the only order anything takes both), and the server's clock: an audit line
// must be dated within the transaction that inserts it (migration 0014).
constexpr const char* kLockHeads = R"(
SELECT h.seq, h.hash_hex, h.catalog, a.seq, a.hash_hex,
       CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS bigint)
FROM riziki_lock_head() h, riziki_lock_audit_head() a)";

// The writer's columns arrive as binary arrays (BinaryArray): text, integers and hashes as
// they are. Days and amounts travel as text elements cast per row, short and few, where a
// binary numeric would be base-10000 digits built by hand.
constexpr const char* kInsertEntries = R"(
INSERT INTO entries (seq, effective_on, memo, event, recorded_by, recorded_at, reverses,
                     posting_count, prev_hash, hash)
SELECT s, CAST(d AS date), m, ev, rb, timestamptz 'epoch' + us * interval '1 microsecond', r,
       pc, ph, h
FROM unnest(CAST($1 AS bigint[]), CAST($2 AS text[]), CAST($3 AS text[]),
            CAST($4 AS text[]), CAST($5 AS text[]), CAST($6 AS bigint[]),
            CAST($7 AS bigint[]), CAST($8 AS integer[]), CAST($9 AS bytea[]),
            CAST($10 AS bytea[]))
     WITH ORDINALITY AS u(s, d, m, ev, rb, us, r, pc, ph, h, n)
ORDER BY n)";

constexpr const char* kInsertPostings = R"(
INSERT INTO postings (entry_seq, line, account, fund, currency, amount_minor, survivor, award,
                      effective_on, counts_as)
SELECT s, l, a, f, c, CAST(amt AS numeric), sv, aw, CAST(d AS date), ca
FROM unnest(CAST($1 AS bigint[]), CAST($2 AS integer[]), CAST($3 AS text[]),
            CAST($4 AS text[]), CAST($5 AS text[]), CAST($6 AS text[]), CAST($7 AS text[]),
            CAST($8 AS text[]), CAST($9 AS text[]), CAST($10 AS text[]))
     AS u(s, l, a, f, c, amt, sv, aw, d, ca))";

constexpr const char* kInsertClaims = R"(
INSERT INTO idempotency_keys (actor, key, request_hash, status, response, entry_seq)
SELECT * FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS bytea[]),
                     CAST($4 AS integer[]), CAST($5 AS text[]), CAST($6 AS bigint[])))";

// LATERAL ... OFFSET 0 keeps this one primary-key probe per key: without OFFSET 0 the
// subquery is flattened into a join, and the generic plan may hash the whole (ever-growing)
// table, as it did while the table's statistics still said it was small.
constexpr const char* kSelectClaims = R"(
SELECT i.actor, i.key, encode(i.request_hash, 'hex'), i.status, i.response
FROM unnest(CAST($1 AS text[]), CAST($2 AS text[])) AS u(a, k)
CROSS JOIN LATERAL (SELECT * FROM idempotency_keys c
                    WHERE c.actor = u.a AND c.key = u.k OFFSET 0) i)";

constexpr const char* kSelectReversed = R"(
SELECT r.reverses FROM unnest(CAST($1 AS bigint[])) AS u(target)
CROSS JOIN LATERAL (SELECT x.reverses FROM entries x WHERE x.reverses = u.target OFFSET 0) r)";

// Each row found by a primary-key probe and updated by its tuple id: never a join the
// planner could turn into a scan of all awards. Every award a batch touched is sent with
// its status and list keys; an award's row is written only when its status changed, its
// keys' row (migration 0025) only when a key did. One statement, so the checks of
// migration 0025 (a due date only on an active loan) run once both are written.
constexpr const char* kUpdateAwards = R"(
WITH u AS MATERIALIZED (
    SELECT * FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]),
                         CAST(CAST($3 AS text[]) AS date[]), CAST(CAST($4 AS text[]) AS date[]))
                  AS u(status, id, unpaid, first)),
statuses AS (
    UPDATE awards a SET status = v.status
    FROM (SELECT y.tid, u.status FROM u
          CROSS JOIN LATERAL (SELECT x.ctid AS tid, x.status FROM awards x
                              WHERE x.id = u.id OFFSET 0) y
          WHERE y.status <> u.status) v
    WHERE a.ctid = v.tid)
UPDATE award_list_keys k SET oldest_unpaid_due_on = v.unpaid, first_disbursed_on = v.first
FROM (SELECT y.tid, u.unpaid, u.first FROM u
      CROSS JOIN LATERAL (SELECT x.ctid AS tid, x.oldest_unpaid_due_on, x.first_disbursed_on
                          FROM award_list_keys x WHERE x.award = u.id OFFSET 0) y
      WHERE (y.oldest_unpaid_due_on, y.first_disbursed_on) IS DISTINCT FROM (u.unpaid, u.first)) v
WHERE k.ctid = v.tid)";

// The writer chains its audit lines itself under the audit head's lock; PostgreSQL checks
// the chain once per INSERT (migration 0009).
constexpr const char* kInsertAudit = R"(
INSERT INTO audit_log (seq, at, actor, request_id, action, subject, detail, prev_hash, hash)
SELECT s, timestamptz 'epoch' + us * interval '1 microsecond', a, r, 'entry.write', sj, d, ph,
       h
FROM unnest(CAST($1 AS bigint[]), CAST($2 AS bigint[]), CAST($3 AS text[]), CAST($4 AS text[]),
            CAST($5 AS text[]), CAST($6 AS text[]), CAST($7 AS bytea[]), CAST($8 AS bytea[]))
     AS u(s, us, a, r, sj, d, ph, h))";

constexpr const char* kInsertReferences = R"(
INSERT INTO payment_references (channel, reference, entry_seq)
SELECT * FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS bigint[])))";

}  // namespace

const PreparedQuery kLockHeadsQuery("riziki_w_lock_heads", kLockHeads);
const PreparedQuery kInsertEntriesQuery("riziki_w_entries", kInsertEntries);
const PreparedQuery kInsertPostingsQuery("riziki_w_postings", kInsertPostings);
const PreparedQuery kInsertClaimsQuery("riziki_w_claims", kInsertClaims);
const PreparedQuery kSelectClaimsQuery("riziki_w_select_claims", kSelectClaims);
const PreparedQuery kSelectReversedQuery("riziki_w_reversed", kSelectReversed);
const PreparedQuery kUpdateAwardsQuery("riziki_w_awards", kUpdateAwards);
const PreparedQuery kInsertAuditQuery("riziki_w_audit", kInsertAudit);
const PreparedQuery kInsertReferencesQuery("riziki_w_references", kInsertReferences);

}  // namespace riziki::db
