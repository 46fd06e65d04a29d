#pragma once
/// Internal to db/: SQL statements run from more than one file of db/.

namespace riziki::db {

/// The journal's head: its last seq and hash (seq 0 and the zero hash when empty).
inline constexpr const char* kSelectHead = "SELECT seq, encode(hash, 'hex') FROM journal_head";

/// A fund's currency; no row when there is no such fund.
inline constexpr const char* kSelectFundCurrency = "SELECT currency FROM funds WHERE code = :c";

/// Notices ("relation already exists, skipping") are not worth a line in the log.
inline constexpr const char* kQuietNotices = "SET client_min_messages = warning";

/// Starts a transaction's consistent, read-only view (a report's, or verify's).
inline constexpr const char* kReadOnlySnapshot =
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
/// Names the open transaction's snapshot, for other connections to join.
inline constexpr const char* kExportSnapshot = "SELECT pg_export_snapshot()";
/// Followed by the quoted name of an exported snapshot: joins it.
inline constexpr const char* kJoinSnapshot = "SET TRANSACTION SNAPSHOT ";

}  // namespace riziki::db
