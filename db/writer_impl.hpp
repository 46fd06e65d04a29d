#pragma once
/// Internal to db/: the journal writer's state, shared by its parts. A newcomer reads them
/// in this order:
///  - writer_loop.cpp: the queue, batches, taking the next batch early and putting it
///    back, retrying a refused batch one by one, and a connection lost during COMMIT;
///  - writer_first_round.cpp: a batch's first round trip (BEGIN, the locks, the reads that
///    depend only on its requests) and its answers, read into FirstRoundAnswers;
///  - writer_commit.cpp: one batch from those answers to its COMMIT: the books, the
///    screening of each request, the chain, the writes;
///  - writer_columns.hpp, kept_books.hpp, writer_sql.hpp: what it writes, what it keeps
///    from one batch to the next, and its SQL.

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "db/journal_writer.hpp"
#include "db/kept_books.hpp"
#include "db/prepared.hpp"
#include "db/writer_columns.hpp"
#include "ledger/assert.hpp"

namespace riziki::db {

struct Pending {
    WriteRequest request;
    std::promise<WriteOutcome> promise;
};

/// Pointers to the batch's items, in queue order.
std::vector<Pending*> pointers_to(std::vector<Pending>& batch);

/// The outcome of a request refused for `reason`.
WriteOutcome rejected(ledger::Rejection reason, std::optional<std::size_t> posting = {},
                      std::string field = "");

using ClaimKey = std::pair<std::string, std::string>;  // actor, key

struct StoredClaim {
    ledger::Hash request_hash{};
    StoredResponse response;
};

/// The awards, funds and reversal targets a batch's items name.
struct Touched {
    std::set<std::string> awards, funds;
    std::set<std::int64_t> reversed;
};

/// The heads a batch locks until its commit.
struct Heads {
    long long seq = 0;  ///< the journal's
    std::string hash_hex;
    long long catalog_version = 0;  ///< moves when accounts, funds or periods change
    AuditHead audit;
};

/// What a batch's first round trip may carry, in the order it sends them.
enum class FirstRead : std::uint8_t {
    begin,
    heads,
    claims,
    reversed,
    references,
    awards,
    award_sums
};

/// A batch's first round trip, sent: BEGIN, the head locks, and the reads its items call
/// for. Each is recorded as it is added, so its answer is read as what it is.
struct FirstRound {
    Touched touched;  ///< what its items name
    std::unique_ptr<Pipeline> pipeline;
    std::set<std::string> award_ids;  ///< the awards read: those the writer did not keep
    std::array<FirstRead, 7> sent{};  ///< what each answer is, in order
    std::size_t sent_count = 0;

    void added(FirstRead read) {
        RIZIKI_ASSERT(sent_count < sent.size());
        sent[sent_count++] = read;
    }
};

/// A batch's first round trip's answers, each read into its type. What its items did not
/// call for stays empty.
struct FirstRoundAnswers {
    std::optional<Heads> heads;
    std::map<ClaimKey, StoredClaim> claims;  ///< the batch's idempotency keys already stored
    std::set<std::int64_t> reversed;         ///< its reversal targets already reversed
    std::set<std::pair<ledger::Channel, std::string>> used_references;
    /// The awards it names that the writer did not keep, and what was found of them.
    std::set<std::string> award_ids;
    std::map<std::string, ledger::Award> awards;
    std::map<std::string, ledger::PostingSums> award_sums;
};

/// Runs `round`'s pipeline and reads its answers.
FirstRoundAnswers read_first_round(FirstRound round);

/// The books a batch is planned against.
struct BatchBooks {
    ledger::Books books;
    AwardStatuses loaded_status;                            ///< to write only those changed
    std::map<std::int64_t, ledger::Event> reversed_events;  ///< reversed seq -> its event

    /// The event an entry counts under, in the books and on its postings.
    ledger::Event counts_as(const ledger::EntryDraft& draft) const;
};

constexpr std::size_t kNoLeader = static_cast<std::size_t>(-1);

/// A batch between its screening and its COMMIT.
struct Screening {
    explicit Screening(std::size_t items) : out(items), followers(items, kNoLeader) {}
    /// Per item: decided (replayed, refused, or an accepted command with its allocation),
    /// or empty for an entry to write.
    std::vector<std::optional<WriteOutcome>> out;
    /// Per item: the earlier item of the batch that claims the same idempotency key, or
    /// kNoLeader. Such an item is answered from its leader after the commit.
    std::vector<std::size_t> followers;
    BatchBooks batch;
};

/// The journal's head as a batch moves it: its last entry's seq and hash.
struct ChainLink {
    std::int64_t seq = 0;
    ledger::Hash hash{};
};

struct JournalWriter::Impl {
    std::string conninfo;
    WriterOptions options;

    std::mutex mutex;
    std::condition_variable ready;
    std::condition_variable space;
    std::deque<Pending> queue;
    bool stopping = false;
    WriterStats stats;

    // Owned by the writer thread alone.
    /// The committed batch's answers, not yet given (see process()).
    std::vector<std::pair<std::promise<WriteOutcome>, WriteOutcome>> unanswered;
    soci::session sql;
    bool connected = false;
    ledger::LedgerContext context;
    long long context_version = -1;
    KeptBooks kept;

    // The batch whose COMMIT was sent but not answered, to check after a lost connection.
    bool in_doubt = false;
    std::int64_t in_doubt_seq = 0;
    ledger::Hash in_doubt_hash{};
    std::vector<WriteOutcome> in_doubt_outcomes;

    // The next batch, taken while this one's COMMIT was on its way, and its first round
    // trip, sent behind that COMMIT (take_next()).
    std::vector<Pending> next_batch;
    std::optional<FirstRound> next_round;
    std::size_t answered_last = 0;  ///< how many requests the last answer_unanswered() answered
    int wake_fd = -1;               ///< written by submit() once the queue holds wake_at
    std::size_t wake_at = 0;        ///< guarded by mutex; 0: no one waits

    std::thread thread;

    // writer_loop.cpp
    void run();
    /// Moves up to batch_max queued requests into `batch`; the caller holds `mutex`.
    void take_queued(std::vector<Pending>& batch);
    void take_next(Pipeline& writes);
    void put_back_next();
    void process(std::vector<Pending>& batch, bool take_next_early);
    void record(const std::vector<WriteOutcome>& outcomes);
    void answer_unanswered();
    void fail_all(std::vector<Pending*>& items, const std::exception& error);
    std::optional<std::vector<WriteOutcome>> confirm_in_doubt();
    void ensure_connected();

    // writer_first_round.cpp
    FirstRound send_first_round(const std::vector<Pending*>& items);

    // writer_commit.cpp
    std::vector<WriteOutcome> commit(const std::vector<Pending*>& items, bool take_next_early);
    BatchBooks load_books(Touched touched, FirstRoundAnswers& first);
    void screen(const std::vector<Pending*>& items, Screening& screening, FirstRoundAnswers& first);
    ChainLink chain(const std::vector<Pending*>& items, Screening& screening, BatchColumns& columns,
                    const Heads& heads);
    void send_writes(Pipeline& writes, const std::vector<Pending*>& items, Screening& screening,
                     BatchColumns& columns, const AuditHead& audit_head);
};

}  // namespace riziki::db
