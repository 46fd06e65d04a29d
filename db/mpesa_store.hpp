#pragma once
/// What the M-Pesa statement import and reconciliation read and keep (SPEC §15,
/// migration 0026), on a borrowed db::Pool: the ledger as the matching needs it, the
/// imports kept, and the ledger's side of a statement. Fills the plain structs of
/// reports/mpesa_inputs.hpp; the matching and the reconciliation themselves are pure
/// (reports/mpesa_match.hpp, reports/mpesa_reconcile.hpp).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/program.hpp"
#include "db/read_limits.hpp"
#include "reports/mpesa_inputs.hpp"

namespace riziki::db {

/// An import to keep: the statement as stored, with its lines' outcomes, and the audit
/// line written in the same transaction.
struct MpesaImport {
    reports::StoredStatement statement;  ///< id and imported_at are set by the store
    std::string request_id;
    std::string request_key_sha256;  ///< hex: SHA-256 of the request's Idempotency-Key
    AuditEvent audit;                ///< action `mpesa.import`; its subject is set to the new id
};

/// A kept import in a list: the statement without its lines.
struct MpesaStatementRow {
    reports::StoredStatement statement;  ///< lines left empty
    int line_count = 0;
};

class MpesaStore {
  public:
    /// A statement that runs past `limits` throws QueryTimeout (db/errors.hpp).
    explicit MpesaStore(Pool& pool, ReadLimits limits = {}) : pool_(&pool), limits_(limits) {}

    /// What matching a statement of `fund` needs, read in one snapshot: the M-Pesa
    /// references among `receipts` (those of the fund's entries as LedgerReferences, every
    /// one in use in the books' references), the fund's awards whose id is in `award_ids`
    /// or whose survivor is in `survivors` with their figures, the fund's cash and the
    /// ledger context. `window_days` and `recorded_by` are set by the caller.
    reports::MatchSnapshot match_snapshot(const std::string& fund,
                                          const std::set<std::string>& receipts,
                                          const std::set<std::string>& award_ids,
                                          const std::set<std::string>& survivors);

    /// Keeps an import, its lines and its audit line in one transaction; returns its id.
    std::int64_t keep(MpesaImport& import);

    /// A kept import with its lines, or nullopt when there is none with this id.
    std::optional<reports::StoredStatement> statement(std::int64_t id);

    /// The import `actor` kept under the Idempotency-Key whose SHA-256 is
    /// `request_key_sha256` (hex), without its lines; nullopt when there is none.
    std::optional<reports::StoredStatement> statement_by_key(const std::string& actor,
                                                             const std::string& request_key_sha256);

    /// The fund's kept imports, newest first, at most `limit`, with ids below `before`
    /// (0: from the newest).
    std::vector<MpesaStatementRow> statements(const std::string& fund, std::int64_t before,
                                              std::size_t limit);

    /// The ledger's side of the fund's `account` from `from` to `to` (days, both included).
    reports::LedgerCash ledger_cash(const std::string& fund, const std::string& account,
                                    const ledger::Date& from, const ledger::Date& to);

  private:
    Pool* pool_;
    ReadLimits limits_;
};

}  // namespace riziki::db
