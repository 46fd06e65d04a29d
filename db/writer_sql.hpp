#pragma once
/// Internal to db/: the journal writer's SQL. Every batch sends these, prepared once per
/// connection and then run by name (db/prepared.hpp); their columns travel as binary
/// arrays (BinaryArray), which the server copies element by element.

#include "db/prepared.hpp"

namespace riziki::db {

/// Locks the journal head, the catalog version and the audit head, in that order, until
/// the commit: seq, hash_hex, catalog, audit seq, audit hash, and the server's clock then
/// (microseconds since the epoch), which dates the batch's audit lines.
extern const PreparedQuery kLockHeadsQuery;
/// The stored idempotency keys among ($1 actors, $2 keys): actor, key, request hash (hex),
/// status, response.
extern const PreparedQuery kSelectClaimsQuery;
/// Which of ($1 seqs) some entry reverses already.
extern const PreparedQuery kSelectReversedQuery;

/// One multi-row INSERT per table, each from the batch's columns (db/writer_columns.hpp).
extern const PreparedQuery kInsertEntriesQuery;
extern const PreparedQuery kInsertPostingsQuery;
extern const PreparedQuery kInsertClaimsQuery;
extern const PreparedQuery kInsertAuditQuery;
extern const PreparedQuery kInsertReferencesQuery;
/// Sets ($1 statuses) on ($2 award ids).
extern const PreparedQuery kUpdateAwardsQuery;

}  // namespace riziki::db
