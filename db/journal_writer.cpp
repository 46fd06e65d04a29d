#include "db/journal_writer.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "db/awards_sql.hpp"
#include "db/errors.hpp"
#include "db/prepared.hpp"
#include "db/sql.hpp"
#include "ledger/assert.hpp"

namespace riziki::db {

namespace {

struct Pending {
    WriteRequest request;
    std::promise<WriteOutcome> promise;
};

using ClaimKey = std::pair<std::string, std::string>;  // actor, key

struct StoredClaim {
    ledger::Hash request_hash{};
    StoredResponse response;
};

// The journal head, the catalog version and the audit head, locked until the commit (in
// that order, the only order anything takes both).
constexpr const char* kLockHeads = R"(
SELECT h.seq, h.hash_hex, h.catalog, a.seq, a.hash_hex
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

std::int64_t now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

WriteOutcome rejected(ledger::Rejection reason, std::optional<std::size_t> posting = {},
                      std::string field = "") {
    WriteOutcome outcome;
    outcome.kind = WriteOutcome::Kind::rejected;
    outcome.check = {reason, posting};
    outcome.field = std::move(field);
    return outcome;
}

// Each row found by a primary-key probe and updated by its tuple id: never a join the
// planner could turn into a scan of all awards.
constexpr const char* kUpdateStatuses = R"(
UPDATE awards a SET status = v.status
FROM (SELECT y.tid, u.status
      FROM unnest(CAST($1 AS text[]), CAST($2 AS text[])) AS u(status, id)
      CROSS JOIN LATERAL (SELECT x.ctid AS tid FROM awards x WHERE x.id = u.id OFFSET 0) y) v
WHERE a.ctid = v.tid)";

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

// Every batch sends these: prepared once per connection (see db/prepared.hpp).
const PreparedQuery kLockHeadsQuery("riziki_w_lock_heads", kLockHeads);
const PreparedQuery kInsertEntriesQuery("riziki_w_entries", kInsertEntries);
const PreparedQuery kInsertPostingsQuery("riziki_w_postings", kInsertPostings);
const PreparedQuery kInsertClaimsQuery("riziki_w_claims", kInsertClaims);
const PreparedQuery kSelectClaimsQuery("riziki_w_select_claims", kSelectClaims);
const PreparedQuery kSelectReversedQuery("riziki_w_reversed", kSelectReversed);
const PreparedQuery kUpdateStatusesQuery("riziki_w_statuses", kUpdateStatuses);
const PreparedQuery kInsertAuditQuery("riziki_w_audit", kInsertAudit);
const PreparedQuery kInsertReferencesQuery("riziki_w_references", kInsertReferences);

/// Adds `query` with `columns`, each finished into its binary array, as its parameters.
void add_columns(Pipeline& writes, const PreparedQuery& query,
                 std::initializer_list<BinaryArray*> columns) {
    std::vector<std::string> arrays;
    arrays.reserve(columns.size());
    for (auto* column : columns)
        arrays.push_back(std::move(*column).finish());
    writes.add_binary(query, arrays);
}

using Of = BinaryArray::Of;

/// The books a batch is planned against, and what it changes beside the journal.
struct BatchBooks {
    ledger::Books books;
    std::map<std::string, ledger::AwardStatus> loaded_status;
    std::map<std::int64_t, ledger::Event> reversed_events;  ///< reversed seq -> its event
    BinaryArray ref_channel{Of::text}, ref_text{Of::text}, ref_seq{Of::int8};
    /// An audit line per written entry that answers an API request.
    struct AuditEntry {
        std::string actor, request_id, subject, detail;
    };
    std::vector<AuditEntry> audit;
    std::int64_t audit_head_seq = 0;  ///< the audit head, locked with the journal head
    ledger::Hash audit_head_hash{};

    /// The event an entry counts under, in the books and on its postings.
    ledger::Event counts_as(const ledger::EntryDraft& draft) const {
        std::optional<ledger::Event> reversed;
        if (draft.reverses) {
            if (auto it = reversed_events.find(*draft.reverses); it != reversed_events.end())
                reversed = it->second;
        }
        // A reversal of an entry not found was refused before it was written.
        const auto event = ledger::counts_as(draft, reversed);
        RIZIKI_ASSERT(event.has_value());
        return *event;
    }

    /// Chains the audit lines onto the audit head, locked until the commit, and inserts
    /// them in one statement.
    void write_audit(Pipeline& writes) const {
        std::int64_t seq = audit_head_seq;
        ledger::Hash prev = audit_head_hash;
        const std::int64_t at = now_us();
        BinaryArray seqs(Of::int8), ats(Of::int8), actors(Of::text), requests(Of::text),
            subjects(Of::text), details(Of::text), prevs(Of::bytea), hashes(Of::bytea);
        for (const auto& line : audit) {
            const AuditLine fields{++seq,         at,           line.actor, line.request_id,
                                   "entry.write", line.subject, line.detail};
            const auto hash = audit_hash(prev, fields);
            seqs.add(static_cast<long long>(seq));
            ats.add(static_cast<long long>(at));
            actors.add(line.actor);
            requests.add(line.request_id);
            subjects.add(line.subject);
            details.add(line.detail);
            prevs.add(prev);
            hashes.add(hash);
            prev = hash;
        }
        add_columns(writes, kInsertAuditQuery,
                    {&seqs, &ats, &actors, &requests, &subjects, &details, &prevs, &hashes});
    }

    /// Adds the batch's status, audit and reference writes to `writes`.
    void write(Pipeline& writes) && {
        BinaryArray ids(Of::text), statuses(Of::text);
        for (const auto& [id, book] : books.awards) {
            if (book.award.status == loaded_status.at(id))
                continue;
            ids.add(id);
            statuses.add(ledger::to_string(book.award.status));
        }
        if (!ids.empty()) {
            add_columns(writes, kUpdateStatusesQuery, {&statuses, &ids});
        }
        if (!audit.empty())
            write_audit(writes);
        if (!ref_channel.empty()) {
            add_columns(writes, kInsertReferencesQuery, {&ref_channel, &ref_text, &ref_seq});
        }
    }
};

/// Column arrays for one multi-row INSERT per table.
struct BatchColumns {
    BinaryArray seq{Of::int8}, effective_on{Of::text}, memo{Of::text}, event{Of::text},
        recorded_by{Of::text}, recorded_at{Of::int8}, reverses{Of::int8}, count{Of::int4},
        prev_hash{Of::bytea}, hash{Of::bytea};
    BinaryArray p_seq{Of::int8}, p_line{Of::int4}, p_account{Of::text}, p_fund{Of::text},
        p_currency{Of::text}, p_amount{Of::text}, p_survivor{Of::text}, p_award{Of::text},
        p_effective_on{Of::text}, p_counts_as{Of::text};
    BinaryArray c_actor{Of::text}, c_key{Of::text}, c_hash{Of::bytea}, c_status{Of::int4},
        c_response{Of::text}, c_seq{Of::int8};

    /// `counts_as`: the event the entry's postings count under (ledger::counts_as).
    void add_entry(const ledger::Entry& entry, ledger::Event counts_as);
    /// Writes the batch's entries and postings: one INSERT per table, whatever the number.
    void insert(Pipeline& writes);
    /// Writes the idempotency records added since, in one INSERT.
    void insert_claims(Pipeline& writes) &&;
    void add_claim(const IdempotencyClaim& claim, const StoredResponse& response,
                   std::int64_t entry_seq);
};

void add_optional(BinaryArray& column, const std::string& text) {
    if (text.empty()) {
        column.add_null();
    } else {
        column.add(text);
    }
}

void BatchColumns::add_entry(const ledger::Entry& entry, ledger::Event counts_as) {
    const auto& d = entry.draft;
    const std::string day = ledger::format_date(d.effective_on);
    seq.add(entry.seq);
    effective_on.add(day);
    memo.add(d.memo);
    event.add(ledger::to_string(d.event));
    recorded_by.add(d.recorded_by);
    recorded_at.add(entry.recorded_at_us);
    if (d.reverses) {
        reverses.add(*d.reverses);
    } else {
        reverses.add_null();
    }
    count.add(static_cast<long long>(d.postings.size()));
    prev_hash.add(entry.prev_hash);
    hash.add(entry.hash);
    for (std::size_t line = 0; line < d.postings.size(); ++line) {
        const auto& p = d.postings[line];
        p_seq.add(entry.seq);
        p_line.add(static_cast<long long>(line));
        p_account.add(p.account);
        p_fund.add(p.fund);
        p_currency.add(p.currency);
        p_amount.add(ledger::to_decimal_string(p.amount));
        add_optional(p_survivor, p.survivor);
        add_optional(p_award, p.award);
        p_effective_on.add(day);
        p_counts_as.add(ledger::to_string(counts_as));
    }
}

void BatchColumns::add_claim(const IdempotencyClaim& claim, const StoredResponse& response,
                             std::int64_t entry_seq) {
    c_actor.add(claim.actor);
    c_key.add(claim.key);
    c_hash.add(claim.request_hash);
    c_status.add(static_cast<long long>(response.status));
    c_response.add(response.body);
    c_seq.add(entry_seq);
}

void BatchColumns::insert(Pipeline& writes) {
    if (seq.empty())
        return;
    add_columns(writes, kInsertEntriesQuery,
                {&seq, &effective_on, &memo, &event, &recorded_by, &recorded_at, &reverses, &count,
                 &prev_hash, &hash});
    add_columns(writes, kInsertPostingsQuery,
                {&p_seq, &p_line, &p_account, &p_fund, &p_currency, &p_amount, &p_survivor,
                 &p_award, &p_effective_on, &p_counts_as});
}

void BatchColumns::insert_claims(Pipeline& writes) && {
    if (!c_actor.empty()) {
        add_columns(writes, kInsertClaimsQuery,
                    {&c_actor, &c_key, &c_hash, &c_status, &c_response, &c_seq});
    }
}

constexpr std::size_t kNoLeader = static_cast<std::size_t>(-1);

std::vector<Pending*> pointers_to(std::vector<Pending>& batch) {
    std::vector<Pending*> items;
    items.reserve(batch.size());
    for (auto& pending : batch)
        items.push_back(&pending);
    return items;
}

/// The answer for an item whose idempotency key an earlier item of the same batch claimed:
/// a replay of the leader's response when the requests match, else the key is reused.
WriteOutcome follow(const Pending& item, const Pending& leader, const WriteOutcome& led) {
    if (item.request.idempotency->request_hash != leader.request.idempotency->request_hash) {
        return rejected(ledger::Rejection::idempotency_key_reused);
    }
    if (led.kind != WriteOutcome::Kind::committed)
        return led;
    WriteOutcome replay;
    replay.kind = WriteOutcome::Kind::replayed;
    replay.response = led.response;
    return replay;
}

/// What the books were after the writer's last batch, kept for the next one: valid only
/// while the journal head is still the one that batch left (no one else wrote entries,
/// the only way fund cash, award figures or award statuses change). Award figures are kept
/// as posting sums and folded as a fresh read folds them (ledger::figures_of), so a kept
/// award plans exactly as a reloaded one would.
class KeptBooks {
  public:
    /// Forgets everything unless the locked head is the one the last batch left.
    void check_head(long long seq, const std::string& hash_hex) {
        if (!head_ || head_->first != seq || head_->second != hash_hex)
            clear();
    }
    void clear() {
        head_.reset();
        awards_.clear();
        sums_.clear();
        cash_.clear();
    }

    /// Fills `batch` with the kept awards among `ids` (removing them from `ids`).
    void take_awards(std::set<std::string>& ids, BatchBooks& batch) const {
        for (auto it = ids.begin(); it != ids.end();) {
            const auto kept = awards_.find(*it);
            if (kept == awards_.end()) {
                ++it;
                continue;
            }
            batch.loaded_status[*it] = kept->second.status;
            batch.books.awards[*it] = {kept->second, ledger::figures_of(sums_.at(*it))};
            it = ids.erase(it);
        }
    }
    /// Those of `ids` not kept.
    std::set<std::string> unkept(const std::set<std::string>& ids) const {
        std::set<std::string> out;
        for (const auto& id : ids) {
            if (!awards_.contains(id))
                out.insert(id);
        }
        return out;
    }
    /// Fills `batch` with the kept cash of `funds` (removing them from `funds`).
    void take_cash(std::set<std::string>& funds, BatchBooks& batch) const {
        for (auto it = funds.begin(); it != funds.end();) {
            if (const auto kept = cash_.find(*it); kept != cash_.end()) {
                batch.books.fund_cash[*it] = kept->second;
                it = funds.erase(it);
            } else {
                ++it;
            }
        }
    }
    /// Keeps what was read from the database, as of the head the batch holds.
    void keep(const ledger::Award& award, const ledger::PostingSums& sums) {
        awards_[award.id] = award;
        sums_[award.id] = sums;
    }
    void keep_cash(const std::string& fund, const ledger::Amount& cash) { cash_[fund] = cash; }

    /// Moves what is kept by an entry the batch writes (`counts_as`: the event it counts
    /// under). Called before the commit: a batch that fails clears everything.
    void written(const ledger::EntryDraft& draft, ledger::Event counts_as) {
        for (const auto& p : draft.postings) {
            if (auto it = sums_.find(p.award); it != sums_.end())
                it->second[{draft.effective_on, p.account, counts_as}] += p.amount;
            if (auto it = cash_.find(p.fund);
                it != cash_.end() && ledger::is_cash_account(p.account))
                it->second += p.amount;
        }
    }
    /// Takes the award statuses the batch writes (those of its books).
    void statuses(const BatchBooks& batch) {
        for (const auto& [id, book] : batch.books.awards) {
            if (auto it = awards_.find(id); it != awards_.end())
                it->second.status = book.award.status;
        }
    }
    /// After the commit: the head the batch left, which the next batch must find.
    void committed(long long seq, const std::string& hash_hex) {
        if (awards_.size() > kMaxAwards)
            clear();
        head_.emplace(seq, hash_hex);
    }

  private:
    // Forgotten all at once past this many (what a batch then needs is read again with its
    // locks). A programme's active awards fit; measured with bench_api, keeping every
    // award seen (up to 200,000, about 3.7 KB each) made the process slower per request
    // as the maps grew: its CPU per entry rose from 91 to 111 µs over 9,600 awards and six
    // rounds, and stayed at 92-98 µs with this bound.
    static constexpr std::size_t kMaxAwards = 4'096;
    std::optional<std::pair<long long, std::string>> head_;
    std::map<std::string, ledger::Award> awards_;
    std::map<std::string, ledger::PostingSums> sums_;
    std::map<std::string, ledger::Amount, std::less<>> cash_;
};

/// What a batch reads before planning that depends on its items alone, sent with BEGIN
/// and the locks in one round trip.
struct FirstReads {
    std::map<ClaimKey, StoredClaim> claims;  ///< the batch's idempotency keys already stored
    std::set<std::int64_t> reversed;         ///< its reversal targets already reversed
    std::set<std::pair<ledger::Channel, std::string>> used_references;
    /// The awards it names that the writer did not keep, and what was found of them.
    std::set<std::string> award_ids;
    std::map<std::string, ledger::Award> awards;
    std::map<std::string, ledger::PostingSums> award_sums;
};

/// The awards, funds and reversal targets a batch's items name.
struct Touched {
    std::set<std::string> awards, funds;
    std::set<std::int64_t> reversed;
};

/// A batch's first round trip, sent: BEGIN, the head locks, and the reads of FirstReads
/// that its items call for, answered in that order.
struct FirstRound {
    Touched touched;  ///< what its items name
    std::unique_ptr<Pipeline> pipeline;
    bool claims = false, reversed = false, references = false, awards = false;
    std::set<std::string> award_ids;  ///< the awards read: those the writer did not keep
};

/// The batch's transaction, begun in the first pipeline and committed in the last: rolled
/// back if the batch ends any other way (soci::transaction would send BEGIN and COMMIT as
/// round trips of their own).
class OpenTransaction {
  public:
    explicit OpenTransaction(soci::session& sql) : sql_(sql) {}
    OpenTransaction(const OpenTransaction&) = delete;
    OpenTransaction& operator=(const OpenTransaction&) = delete;
    ~OpenTransaction() {
        if (open_) {
            try {
                sql_ << "ROLLBACK";
            } catch (const soci::soci_error&) {
                // the connection is gone, and the transaction with it
            }
        }
    }
    void committed() { open_ = false; }

  private:
    soci::session& sql_;
    bool open_ = true;
};

}  // namespace

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

    void run();
    /// Moves up to batch_max queued requests into `batch`; the caller holds `mutex`.
    void take_queued(std::vector<Pending>& batch);
    void take_next(Pipeline& writes);
    void put_back_next();
    FirstRound send_first_round(const std::vector<Pending*>& items);
    void process(std::vector<Pending>& batch, bool take_next_early);
    void record(const std::vector<WriteOutcome>& outcomes);
    void answer_unanswered();
    void fail_all(std::vector<Pending*>& items, const std::exception& error);
    std::optional<std::vector<WriteOutcome>> confirm_in_doubt();
    std::vector<WriteOutcome> commit(const std::vector<Pending*>& items, bool take_next_early);
    void ensure_connected();
    BatchBooks load_books(Touched touched, FirstReads& first);
    void screen(const std::vector<Pending*>& items, std::vector<std::optional<WriteOutcome>>& out,
                std::vector<std::size_t>& followers, BatchBooks& books, FirstReads& first);
};

JournalWriter::JournalWriter(std::string conninfo, WriterOptions options)
    : impl_(std::make_unique<Impl>()) {
    impl_->conninfo = std::move(conninfo);
    impl_->options = options;
    if (impl_->options.batch_max == 0)
        impl_->options.batch_max = 1;
    impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl_->wake_fd < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd");
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

JournalWriter::~JournalWriter() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->ready.notify_all();
    impl_->thread.join();
    ::close(impl_->wake_fd);
}

std::future<WriteOutcome> JournalWriter::submit(WriteRequest request) {
    Pending pending{std::move(request), {}};
    auto future = pending.promise.get_future();
    bool wake = false;
    {
        std::unique_lock lock(impl_->mutex);
        impl_->space.wait(lock, [&] { return impl_->queue.size() < impl_->options.queue_max; });
        impl_->queue.push_back(std::move(pending));
        wake = impl_->wake_at != 0 && impl_->queue.size() == impl_->wake_at;
    }
    impl_->ready.notify_one();
    if (wake) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(impl_->wake_fd, &one, sizeof one);
    }
    return future;
}

WriterStats JournalWriter::stats() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->stats;
}

void JournalWriter::Impl::run() {
    for (;;) {
        std::vector<Pending> batch;
        if (!next_batch.empty()) {
            batch = std::move(next_batch);
            next_batch.clear();
            process(batch, true);
            continue;
        }
        {
            std::unique_lock lock(mutex);
            if (queue.empty() && !unanswered.empty()) {
                lock.unlock();
                answer_unanswered();  // no next batch to overlap with
                lock.lock();
            }
            ready.wait(lock, [&] { return stopping || !queue.empty(); });
            if (queue.empty())
                return;  // stopping with nothing left to answer
            take_queued(batch);
        }
        space.notify_all();
        process(batch, true);
    }
}

void JournalWriter::Impl::take_queued(std::vector<Pending>& batch) {
    const std::size_t take = std::min(queue.size(), options.batch_max);
    for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
    }
}

void JournalWriter::Impl::ensure_connected() {
    if (connected)
        return;
    sql.close();  // drops a dead backend, if any, so the session can open again
    open_session(sql, conninfo);
    // Every read of the writer is a probe by key: never a sequential scan, even when the
    // statistics were taken while the tables were nearly empty (see migration 0012).
    sql << "SET enable_seqscan = off";
    connected = true;
    context_version = -1;
    kept.clear();
}

void JournalWriter::Impl::process(std::vector<Pending>& batch, bool take_next_early) {
    auto items = pointers_to(batch);
    std::vector<WriteOutcome> outcomes;
    try {
        ensure_connected();
        outcomes = commit(items, take_next_early);
    } catch (const std::exception& error) {
        answer_unanswered();  // the batch before committed, whatever becomes of this one
        kept.clear();         // what the batch read or changed may not have landed
        if (!connected || !sql.is_connected()) {
            // The connection is gone. If it went during COMMIT the batch may have landed:
            // look before answering, so an entry is never written twice nor lost silently.
            auto confirmed = confirm_in_doubt();
            if (!confirmed) {
                fail_all(items, error);
                return;
            }
            outcomes = std::move(*confirmed);
        } else if (items.size() > 1) {
            // One bad entry (or a race another process won) fails the whole batch: retry
            // its entries one by one so it costs only itself.
            {
                std::lock_guard lock(mutex);
                ++stats.split;
            }
            for (auto* item : items) {
                std::vector<Pending> single;
                single.push_back(std::move(*item));
                process(single, false);
            }
            return;
        } else if (const auto* sql_error = dynamic_cast<const soci::soci_error*>(&error);
                   sql_error != nullptr && rejection_from_error(*sql_error)) {
            outcomes.push_back(rejected(*rejection_from_error(*sql_error)));
        } else {
            items[0]->promise.set_exception(std::current_exception());
            return;
        }
    }
    record(outcomes);
    // Answered once the next batch's writes and COMMIT are on their way (or when the queue
    // is empty): waking the waiting handlers then overlaps PostgreSQL's longest stretch of
    // work, and leaves the writer and PostgreSQL the two cores while they read the head
    // and screen the batch.
    for (std::size_t i = 0; i < items.size(); ++i)
        unanswered.emplace_back(std::move(items[i]->promise), std::move(outcomes[i]));
}

void JournalWriter::Impl::answer_unanswered() {
    for (auto& [promise, outcome] : unanswered)
        promise.set_value(std::move(outcome));
    answered_last = unanswered.size();
    unanswered.clear();
}

void JournalWriter::Impl::record(const std::vector<WriteOutcome>& outcomes) {
    std::lock_guard lock(mutex);
    std::uint64_t committed = 0;
    for (const auto& outcome : outcomes) {
        committed += outcome.kind == WriteOutcome::Kind::committed ? 1 : 0;
        stats.rejected += outcome.kind == WriteOutcome::Kind::rejected ? 1 : 0;
    }
    stats.batches += committed > 0 ? 1 : 0;
    stats.entries += committed;
    stats.batch_size_max = std::max(stats.batch_size_max, committed);
}

void JournalWriter::Impl::fail_all(std::vector<Pending*>& items, const std::exception& error) {
    const auto failure = std::make_exception_ptr(DatabaseUnavailable(error.what()));
    for (auto* item : items)
        item->promise.set_exception(failure);
}

std::optional<std::vector<WriteOutcome>> JournalWriter::Impl::confirm_in_doubt() {
    connected = false;
    if (!in_doubt)
        return std::nullopt;  // failed before COMMIT: the server rolled it back
    in_doubt = false;
    try {
        ensure_connected();
        std::string stored;
        soci::indicator found = soci::i_null;
        const long long seq = in_doubt_seq;
        sql << "SELECT encode(hash, 'hex') FROM entries WHERE seq = :s", soci::use(seq),
            soci::into(stored, found);
        if (sql.got_data() && found == soci::i_ok && stored == ledger::to_hex(in_doubt_hash)) {
            return std::move(in_doubt_outcomes);
        }
    } catch (const std::exception&) {
        connected = false;  // still unreachable: the caller reports the database unavailable
    }
    return std::nullopt;
}

namespace {

/// Adds the lookup of the batch's idempotency keys to `pipeline`; false when it has none.
bool add_claims(Pipeline& pipeline, const std::vector<Pending*>& items) {
    BinaryArray actors(Of::text), keys(Of::text);
    bool any = false;
    for (const auto* item : items) {
        if (!item->request.idempotency)
            continue;
        actors.add(item->request.idempotency->actor);
        keys.add(item->request.idempotency->key);
        any = true;
    }
    if (any)
        add_columns(pipeline, kSelectClaimsQuery, {&actors, &keys});
    return any;
}

std::map<ClaimKey, StoredClaim> claims_from(const TextRows& rows) {
    std::map<ClaimKey, StoredClaim> found;
    for (int i = 0; i < rows.size(); ++i) {
        StoredClaim claim{hash_from_bytea(rows.text(i, 2)),
                          {static_cast<int>(rows.integer(i, 3)), rows.string(i, 4)}};
        found.emplace(ClaimKey{rows.string(i, 0), rows.string(i, 1)}, std::move(claim));
    }
    return found;
}

/// Adds the lookup of which of the batch's reversal targets are reversed already; false
/// when it reverses nothing.
bool add_reversed(Pipeline& pipeline, const std::vector<Pending*>& items) {
    BinaryArray targets(Of::int8);
    bool any = false;
    for (const auto* item : items) {
        if (!item->request.draft.reverses)
            continue;
        targets.add(static_cast<long long>(*item->request.draft.reverses));
        any = true;
    }
    if (any)
        add_columns(pipeline, kSelectReversedQuery, {&targets});
    return any;
}

std::set<std::int64_t> reversed_from(const TextRows& rows) {
    std::set<std::int64_t> reversed;
    for (int i = 0; i < rows.size(); ++i)
        reversed.insert(rows.integer(i, 0));
    return reversed;
}

/// The payment references the batch's commands would use.
std::set<std::pair<ledger::Channel, std::string>> references_of(
    const std::vector<Pending*>& items) {
    std::set<std::pair<ledger::Channel, std::string>> references;
    for (const auto* item : items) {
        if (item->request.command) {
            if (auto reference = ledger::command_reference(*item->request.command))
                references.insert(*reference);
        }
    }
    return references;
}

/// The awards, funds and reversal targets a batch's items name.
Touched touched_by(const std::vector<Pending*>& items) {
    Touched touched;
    for (const auto* item : items) {
        const auto& request = item->request;
        if (request.command) {
            if (auto award = ledger::command_award(*request.command); !award.empty())
                touched.awards.insert(award);
            if (auto fund = ledger::command_fund(*request.command); !fund.empty())
                touched.funds.insert(fund);
            continue;
        }
        for (const auto& p : request.draft.postings) {
            if (!p.award.empty())
                touched.awards.insert(p.award);
        }
        if (request.draft.reverses)
            touched.reversed.insert(*request.draft.reverses);
    }
    return touched;
}

}  // namespace

/// Loads what the batch's commands are planned against, and the awards its entries touch.
BatchBooks JournalWriter::Impl::load_books(Touched touched, FirstReads& first) {
    BatchBooks batch;
    auto& awards = touched.awards;
    auto& funds = touched.funds;
    // Every reversal's postings carry the event of the entry it reverses.
    batch.reversed_events = select_events(sql, touched.reversed);
    batch.books.references = std::move(first.used_references);
    if (awards.empty() && funds.empty())
        return batch;  // plain entries touching no award: nothing more to load
    kept.take_awards(awards, batch);
    const auto take_loaded = [&](std::map<std::string, ledger::Award>& loaded,
                                 std::map<std::string, ledger::PostingSums>& sums) {
        for (auto& [id, award] : loaded) {
            kept.keep(award, sums[id]);
            batch.loaded_status[id] = award.status;
            batch.books.awards[id] = {std::move(award), ledger::figures_of(sums[id])};
        }
    };
    for (const auto& id : first.award_ids)  // read with the locks, found or not
        awards.erase(id);
    take_loaded(first.awards, first.award_sums);
    if (!awards.empty()) {    // kept when the batch began, but the head had moved since
        Pipeline reads(sql);  // one round trip for both
        add_awards(reads, awards);
        add_award_sums(reads, awards);
        const auto answers = reads.run();
        auto loaded = awards_from(answers.at(0));
        auto sums = award_sums_from(answers.at(1), awards);
        take_loaded(loaded, sums);
    }
    for (const auto& [id, book] : batch.books.awards)
        funds.insert(book.award.fund);
    kept.take_cash(funds, batch);
    for (auto& [fund, cash] : select_fund_cash(sql, funds)) {
        kept.keep_cash(fund, cash);
        batch.books.fund_cash[fund] = cash;
    }
    return batch;
}

/// Decides, before anything is written, which items replay a stored response or reuse a
/// key, which repeat a key another item of this batch claims (`followers`, answered from
/// that item after the commit), and which are refused (core rules, double reversals, the
/// checks of a money event against the books as the items before it left them).
void JournalWriter::Impl::screen(const std::vector<Pending*>& items,
                                 std::vector<std::optional<WriteOutcome>>& out,
                                 std::vector<std::size_t>& followers, BatchBooks& batch,
                                 FirstReads& first) {
    const auto& stored = first.claims;
    auto& reversed = first.reversed;
    std::map<ClaimKey, std::size_t> claimed_here;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto& request = items[i]->request;
        // Keys first: a replay answers with what was stored even if the world has moved
        // on since (its month closed), and a reused key is reported as that.
        if (request.idempotency) {
            const ClaimKey key{request.idempotency->actor, request.idempotency->key};
            if (auto it = stored.find(key); it != stored.end()) {
                if (it->second.request_hash != request.idempotency->request_hash) {
                    out[i] = rejected(ledger::Rejection::idempotency_key_reused);
                } else {
                    out[i] = WriteOutcome{};
                    out[i]->kind = WriteOutcome::Kind::replayed;
                    out[i]->response = it->second.response;
                }
                continue;
            }
            if (auto [it, fresh] = claimed_here.try_emplace(key, i); !fresh) {
                followers[i] = it->second;
                continue;
            }
        }
        if (request.command) {
            auto planned =
                ledger::plan(*request.command, batch.books, context, request.draft.recorded_by);
            if (!planned.check.ok()) {
                out[i] = rejected(planned.check.reason, planned.check.posting, planned.field);
                continue;
            }
            request.draft = std::move(planned.draft);
            out[i] = WriteOutcome{};  // accepted: completed by commit()
            out[i]->kind = WriteOutcome::Kind::committed;
            out[i]->allocation = std::move(planned.allocation);
            if (auto reference = ledger::command_reference(*request.command))
                batch.books.references.insert(*reference);
        } else {
            const auto check = ledger::validate_entry(request.draft, context);
            if (!check.ok()) {
                out[i] = rejected(check.reason, check.posting);
                continue;
            }
            if (request.draft.reverses && !reversed.insert(*request.draft.reverses).second) {
                out[i] = rejected(ledger::Rejection::already_reversed);
                continue;
            }
        }
        batch.books.apply(request.draft, batch.counts_as(request.draft));
    }
}

void JournalWriter::Impl::take_next(Pipeline& writes) {
    // The requests just answered come back within a fraction of the COMMIT's time: once
    // as many are queued, they are the next batch, and its first round trip goes behind
    // the COMMIT, so PostgreSQL starts on it with no round trip in between. The writer
    // waits for them or for the COMMIT's answer, whichever comes first; after the answer,
    // the next batch is taken as before, from all that is queued by then.
    const std::size_t want = answered_last;
    if (want == 0)
        return;
    bool wait = false;
    {
        std::lock_guard lock(mutex);
        wait = queue.size() < want;
        if (wait)
            wake_at = want;
    }
    if (wait) {
        pollfd fds[] = {{writes.socket(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
        ::poll(fds, 2, 10);  // ms; the COMMIT answers well before
    }
    // Emptied whatever woke it: a late wake-up left over only cuts a later wait short.
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(wake_fd, &count, sizeof count);
    {
        std::lock_guard lock(mutex);
        wake_at = 0;
        if (queue.size() < want)
            return;
        take_queued(next_batch);
        ++stats.taken_early;
    }
    space.notify_all();
    try {
        next_round = send_first_round(pointers_to(next_batch));
    } catch (const std::exception&) {
        // Half sent, on a connection that refused it: what comes back can no longer be
        // told apart from the COMMIT's answer. The caller finds out on a new connection
        // whether the batch landed (confirm_in_doubt).
        connected = false;
        put_back_next();
        throw;
    }
    writes.followed();
}

void JournalWriter::Impl::put_back_next() {
    if (next_round) {
        try {
            next_round->pipeline->run();  // drained: the caller's ROLLBACK ends its transaction
        } catch (const std::exception&) {
            // read and discarded; the batch runs again from the queue
        }
        next_round.reset();
    }
    if (next_batch.empty())
        return;
    {
        std::lock_guard lock(mutex);
        for (auto it = next_batch.rbegin(); it != next_batch.rend(); ++it)
            queue.push_front(std::move(*it));
        ++stats.put_back;
    }
    next_batch.clear();
}

FirstRound JournalWriter::Impl::send_first_round(const std::vector<Pending*>& items) {
    FirstRound round;
    round.touched = touched_by(items);
    round.pipeline = std::make_unique<Pipeline>(sql);
    auto& begin = *round.pipeline;
    begin.add("BEGIN");
    begin.add(kLockHeadsQuery, {});
    round.claims = add_claims(begin, items);
    round.reversed = add_reversed(begin, items);
    round.references = add_used_references(begin, references_of(items));
    round.award_ids = kept.unkept(round.touched.awards);
    round.awards = add_awards(begin, round.award_ids);
    add_award_sums(begin, round.award_ids);
    begin.send();
    return round;
}

std::vector<WriteOutcome> JournalWriter::Impl::commit(const std::vector<Pending*>& items,
                                                      bool take_next_early) {
    // BEGIN and the locks go in one round trip, the writes and COMMIT in another.
    OpenTransaction tx(sql);
    long long head_seq = 0;
    std::string head_hash;
    long long version = 0;
    std::int64_t audit_seq = 0;
    ledger::Hash audit_hash{};
    FirstReads first;
    Touched touched;
    {
        // Sent behind the last batch's COMMIT, or now.
        FirstRound round = next_round ? std::move(*next_round) : send_first_round(items);
        next_round.reset();
        touched = std::move(round.touched);
        const auto answers = round.pipeline->run();
        first.award_ids = std::move(round.award_ids);
        const bool claims = round.claims, reversed = round.reversed, references = round.references,
                   awards = round.awards;
        const auto& head = answers.at(1);
        head_seq = head.integer(0, 0);
        head_hash = head.string(0, 1);
        version = head.integer(0, 2);
        audit_seq = head.integer(0, 3);
        audit_hash = hash_from_bytea(head.text(0, 4));
        std::size_t next = 2;
        if (claims)
            first.claims = claims_from(answers.at(next++));
        if (reversed)
            first.reversed = reversed_from(answers.at(next++));
        if (references)
            first.used_references = used_references(answers.at(next++));
        if (awards) {
            first.awards = awards_from(answers.at(next++));
            first.award_sums = award_sums_from(answers.at(next++), first.award_ids);
        }
    }
    if (version != context_version) {
        context = load_context(sql);
        context_version = version;
    }
    kept.check_head(head_seq, head_hash);
    std::vector<std::optional<WriteOutcome>> out(items.size());
    std::vector<std::size_t> followers(items.size(), kNoLeader);
    auto batch = load_books(std::move(touched), first);
    batch.audit_head_seq = audit_seq;
    batch.audit_head_hash = audit_hash;
    screen(items, out, followers, batch, first);

    // Chain what was accepted, in queue order, onto the head we hold locked.
    const long long first_seq = head_seq + 1;
    BatchColumns columns;
    ledger::Hash prev = hash_from_bytea(head_hash);
    const std::int64_t recorded_at = now_us();
    for (std::size_t i = 0; i < items.size(); ++i) {
        const bool accepted_command =
            out[i] && items[i]->request.command && out[i]->kind == WriteOutcome::Kind::committed;
        if ((out[i] && !accepted_command) || followers[i] != kNoLeader)
            continue;
        const auto& request = items[i]->request;
        WriteOutcome outcome;
        outcome.kind = WriteOutcome::Kind::committed;
        if (out[i])
            outcome.allocation = std::move(out[i]->allocation);
        outcome.entry = ledger::Entry{++head_seq, recorded_at, request.draft, prev, {}};
        outcome.entry.hash = entry_hash(outcome.entry);
        prev = outcome.entry.hash;
        const auto counts_as = batch.counts_as(request.draft);
        columns.add_entry(outcome.entry, counts_as);
        kept.written(request.draft, counts_as);
        if (request.idempotency) {
            batch.audit.push_back({request.idempotency->actor, request.request_id,
                                   "entry:" + std::to_string(outcome.entry.seq),
                                   std::string(ledger::to_string(request.draft.event))});
        }
        if (request.command) {
            if (auto reference = ledger::command_reference(*request.command)) {
                batch.ref_channel.add(ledger::to_string(reference->first));
                batch.ref_text.add(reference->second);
                batch.ref_seq.add(static_cast<long long>(outcome.entry.seq));
            }
        }
        out[i] = std::move(outcome);
    }
    kept.statuses(batch);
    // The journal's rows go first; the stored responses are rendered while PostgreSQL
    // inserts them.
    Pipeline writes(sql);
    columns.insert(writes);
    writes.flush();  // PostgreSQL inserts the entries while the audit lines are chained
    std::move(batch).write(writes);
    writes.flush();
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& idempotency = items[i]->request.idempotency;
        if (followers[i] != kNoLeader || !idempotency ||
            out[i]->kind != WriteOutcome::Kind::committed)
            continue;
        auto& outcome = *out[i];
        outcome.response = idempotency->render(outcome.entry, outcome.allocation);
        columns.add_claim(*idempotency, outcome.response, outcome.entry.seq);
    }
    std::move(columns).insert_claims(writes);
    std::vector<WriteOutcome> outcomes(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        // Copies, not moves: a leader's outcome may still be needed by its followers.
        outcomes[i] = followers[i] == kNoLeader
                          ? *out[i]
                          : follow(*items[i], *items[followers[i]], *out[followers[i]]);
    }
    const bool wrote = head_seq > first_seq - 1;
    in_doubt = wrote;
    if (wrote) {
        in_doubt_seq = head_seq;
        in_doubt_hash = prev;
        in_doubt_outcomes = outcomes;
    }
    // A Pipeline left early still has what it was given run, COMMIT included: from here on
    // only a lost connection may throw (in_doubt then settles what became of the batch).
    writes.add("COMMIT");
    writes.send();
    answer_unanswered();  // the batch before, while PostgreSQL writes this one
    if (take_next_early)
        take_next(writes);
    try {
        writes.run();
    } catch (const std::exception&) {
        put_back_next();
        throw;
    }
    tx.committed();
    in_doubt = false;
    kept.committed(head_seq, ledger::to_hex(prev));
    return outcomes;
}

}  // namespace riziki::db
