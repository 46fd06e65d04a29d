#pragma once
/// Internal to db/: what a batch of the journal writer writes, gathered as column arrays
/// (BinaryArray), so each table gets one multi-row statement whatever the batch's size.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "db/journal_writer.hpp"
#include "db/kept_books.hpp"
#include "db/prepared.hpp"
#include "db/sql.hpp"

namespace riziki::db {

/// Adds `query` with `columns`, each finished into its binary array, as its parameters.
void add_columns(Pipeline& writes, const PreparedQuery& query,
                 std::initializer_list<BinaryArray*> columns);

/// The audit log's head, locked with the journal head until the commit.
struct AuditHead {
    std::int64_t seq = 0;
    ledger::Hash hash{};
    /// The server's clock when the head was locked (microseconds since the epoch): the date
    /// of the batch's audit lines, which PostgreSQL accepts only from within the transaction.
    std::int64_t at_us = 0;
};

/// An audit line for a written entry that answers an API request.
struct AuditEntry {
    std::string actor, request_id, subject, detail;
};

/// The batch's rows for every table it writes, in the order its entries are chained.
class BatchColumns {
  public:
    /// `counts_as`: the event the entry's postings count under (ledger::counts_as).
    void add_entry(const ledger::Entry& entry, ledger::Event counts_as);
    /// The payment reference a written command used.
    void add_reference(const std::pair<ledger::Channel, std::string>& reference,
                       std::int64_t entry_seq);
    void add_audit(AuditEntry line) { audit_.push_back(std::move(line)); }
    void add_claim(const IdempotencyClaim& claim, const StoredResponse& response,
                   std::int64_t entry_seq);

    /// Writes the entries and postings: one INSERT per table, whatever the number.
    void insert(Pipeline& writes);
    /// Writes the statuses and list keys (migration 0023) of the awards `books` holds where
    /// they changed, the audit lines chained onto `audit_head` (and dated by it), and the
    /// payment references.
    void insert_side_writes(Pipeline& writes, const ledger::Books& books,
                            const AuditHead& audit_head);
    /// Writes the idempotency records, in one INSERT.
    void insert_claims(Pipeline& writes);

  private:
    using Of = BinaryArray::Of;
    void insert_audit(Pipeline& writes, const AuditHead& audit_head) const;

    BinaryArray seq_{Of::int8}, effective_on_{Of::text}, memo_{Of::text}, event_{Of::text},
        recorded_by_{Of::text}, recorded_at_{Of::int8}, reverses_{Of::int8}, count_{Of::int4},
        prev_hash_{Of::bytea}, hash_{Of::bytea};
    BinaryArray p_seq_{Of::int8}, p_line_{Of::int4}, p_account_{Of::text}, p_fund_{Of::text},
        p_currency_{Of::text}, p_amount_{Of::text}, p_survivor_{Of::text}, p_award_{Of::text},
        p_effective_on_{Of::text}, p_counts_as_{Of::text};
    BinaryArray c_actor_{Of::text}, c_key_{Of::text}, c_hash_{Of::bytea}, c_status_{Of::int4},
        c_response_{Of::text}, c_seq_{Of::int8};
    BinaryArray ref_channel_{Of::text}, ref_text_{Of::text}, ref_seq_{Of::int8};
    std::vector<AuditEntry> audit_;
};

}  // namespace riziki::db
