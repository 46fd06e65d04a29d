#pragma once
/// The journal's write path. Producers submit entries from any thread; one writer thread
/// drains the queue and commits them in batches, so many concurrent writers share one
/// commit (and one fsync). Each producer is answered only after its batch is durable.
/// Sequence numbers and the hash chain are assigned inside the batch's transaction, under
/// the journal head's row lock, so they stay gap-free across processes too.

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "ledger/awards.hpp"
#include "ledger/journal.hpp"

namespace riziki::db {

/// A response kept with an idempotency key, returned verbatim to a replay.
struct StoredResponse {
    int status = 0;
    std::string body;
};

/// An idempotency key claimed by a write: recorded in the same transaction as the entry,
/// with the response WriterOptions::render_response gives for it.
struct IdempotencyClaim {
    std::string actor;
    std::string key;
    ledger::Hash request_hash{};
};

/// Renders the response an idempotency key keeps, given the entry as it will be committed
/// (with its seq and hash) and, for a repayment, how it was allocated.
using ResponseRenderer =
    std::function<StoredResponse(const ledger::Entry&, const ledger::Allocation&)>;

/// Either a ready entry (`draft`) or a money event (`command`) whose entry depends on the
/// books as they stand when it is written: an award's remaining amount, a fund's cash, the
/// references used. A command is planned inside its batch's transaction, after the entries
/// queued before it, so concurrent disbursements cannot overdraw a fund. For a command,
/// `draft.recorded_by` names who records it and the rest of `draft` is filled in.
struct WriteRequest {
    ledger::EntryDraft draft;
    std::optional<IdempotencyClaim> idempotency;
    std::optional<ledger::Command> command = std::nullopt;
    /// The API request that asked for it; with an idempotency claim, the committed entry is
    /// recorded in the audit log (actor, request id, entry) in the same transaction.
    std::string request_id = {};
};

struct WriteOutcome {
    enum class Kind : std::uint8_t { committed, replayed, rejected };
    Kind kind = Kind::rejected;
    ledger::Entry entry;            ///< committed: the entry with its seq and hash
    ledger::EntryCheck check;       ///< rejected: the first rule broken
    StoredResponse response;        ///< committed with a claim, or replayed
    std::string field;              ///< rejected command: the request field at fault, if any
    ledger::Allocation allocation;  ///< committed repayment: how it was applied
};

struct WriterOptions {
    std::size_t batch_max = 256;   ///< entries per commit; 1 gives one commit per entry
    std::size_t queue_max = 8192;  ///< producers wait while the queue is this long
    /// Renders the stored response of every write with an idempotency claim (required for
    /// those: the API passes its own rendering). The writer stores the bytes it returns in
    /// the entry's transaction, so a replay answers with them verbatim.
    ResponseRenderer render_response = nullptr;
};

struct WriterStats {
    std::uint64_t batches = 0;
    std::uint64_t entries = 0;
    std::uint64_t rejected = 0;
    std::uint64_t batch_size_max = 0;
    /// Batches taken while the batch before was committing, their first round trip sent
    /// behind its COMMIT; and those of them put back in the queue because it failed.
    std::uint64_t taken_early = 0;
    std::uint64_t put_back = 0;
    /// Batches the database refused as a whole, whose entries were then retried one by one.
    std::uint64_t split = 0;
};

class JournalWriter {
  public:
    explicit JournalWriter(std::string conninfo, WriterOptions options = {});
    ~JournalWriter();  ///< answers everything queued, then stops
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;

    /// Queues a write (one with an idempotency claim needs options.render_response). The
    /// future holds the outcome once its batch committed (or was refused), or
    /// DatabaseUnavailable when the connection was lost (nothing was written, or the writer
    /// could not yet tell: retry with the same idempotency key).
    std::future<WriteOutcome> submit(WriteRequest request);
    WriteOutcome write(WriteRequest request) { return submit(std::move(request)).get(); }

    WriterStats stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace riziki::db
