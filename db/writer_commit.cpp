// One batch of the journal writer, from its first round trip's answers to its COMMIT: the
// books it is planned against, each request screened in queue order, the accepted ones
// chained onto the locked head, and their writes.
#include <chrono>

#include "db/awards_sql.hpp"
#include "db/hash.hpp"
#include "db/sql.hpp"
#include "db/writer_impl.hpp"

namespace riziki::db {

WriteOutcome rejected(ledger::Rejection reason, std::optional<std::size_t> posting,
                      std::string field) {
    WriteOutcome outcome;
    outcome.kind = WriteOutcome::Kind::rejected;
    outcome.check = {reason, posting};
    outcome.field = std::move(field);
    return outcome;
}

ledger::Event BatchBooks::counts_as(const ledger::EntryDraft& draft) const {
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

namespace {

std::int64_t now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

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

/// The answer to a request whose idempotency key is claimed already, with
/// `claimed_with`: a replay of `response` when the requests match, else the key is reused.
WriteOutcome replay_of(const ledger::Hash& request_hash, const ledger::Hash& claimed_with,
                       const StoredResponse& response) {
    if (request_hash != claimed_with)
        return rejected(ledger::Rejection::idempotency_key_reused);
    WriteOutcome replay;
    replay.kind = WriteOutcome::Kind::replayed;
    replay.response = response;
    return replay;
}

/// The answer for an item whose idempotency key an earlier item of the same batch claimed
/// (its leader, answered `led`).
WriteOutcome follow(const Pending& item, const Pending& leader, const WriteOutcome& led) {
    const auto& request_hash = item.request.idempotency->request_hash;
    const auto& claimed_with = leader.request.idempotency->request_hash;
    if (request_hash == claimed_with && led.kind != WriteOutcome::Kind::committed)
        return led;  // refused, or replayed: the same answer
    return replay_of(request_hash, claimed_with, led.response);
}

/// Plans a command against the books as the items before it left them, and makes its
/// draft the planned entry: accepted (committed, with its allocation, completed by
/// chain()) or refused.
WriteOutcome plan_command(WriteRequest& request, ledger::Books& books,
                          const ledger::LedgerContext& context) {
    auto planned = ledger::plan(*request.command, books, context, request.draft.recorded_by);
    if (!planned.check.ok())
        return rejected(planned.check.reason, planned.check.posting, planned.field);
    request.draft = std::move(planned.draft);
    WriteOutcome accepted;
    accepted.kind = WriteOutcome::Kind::committed;
    accepted.allocation = std::move(planned.allocation);
    if (auto reference = ledger::command_reference(*request.command))
        books.references.insert(*reference);
    return accepted;
}

/// Checks a ready entry against the journal's rules, then that what it reverses is not
/// reversed already (stored, or by an earlier item: `reversed` takes it). Empty when it is
/// to be written.
std::optional<WriteOutcome> check_entry(const ledger::EntryDraft& draft,
                                        const ledger::LedgerContext& context,
                                        std::set<std::int64_t>& reversed) {
    const auto check = ledger::validate_entry(draft, context);
    if (!check.ok())
        return rejected(check.reason, check.posting);
    if (draft.reverses && !reversed.insert(*draft.reverses).second)
        return rejected(ledger::Rejection::already_reversed);
    return std::nullopt;
}

/// Whether the batch writes item `i`: an entry not refused or an accepted command, whose
/// key no earlier item claims.
bool is_written(const Screening& screening, std::size_t i) {
    if (screening.followers[i] != kNoLeader)
        return false;
    const auto& decided = screening.out[i];
    return !decided || decided->kind == WriteOutcome::Kind::committed;
}

/// The program is wrong if an entry about to be written does not follow the head or does
/// not balance: the core validated it and the triggers would refuse it, but nothing of the
/// batch is sent yet.
void assert_follows(const ledger::Entry& entry, const ChainLink& head) {
    RIZIKI_ASSERT(entry.seq == head.seq + 1);
    RIZIKI_ASSERT(entry.prev_hash == head.hash);
    RIZIKI_ASSERT(!ledger::first_unbalanced_currency(entry.draft.postings));
    RIZIKI_ASSERT(!ledger::first_unbalanced_fund(entry.draft.postings));
}

/// A written entry's audit line (when it answers a request with a claim) and payment
/// reference (when its command uses one).
void add_side_rows(BatchColumns& columns, const WriteRequest& request, std::int64_t seq) {
    if (request.idempotency) {
        columns.add_audit({request.idempotency->actor, request.request_id,
                           "entry:" + std::to_string(seq),
                           std::string(ledger::to_string(request.draft.event))});
    }
    if (request.command) {
        if (auto reference = ledger::command_reference(*request.command))
            columns.add_reference(*reference, seq);
    }
}

/// Each item's answer once the batch commits; a follower's from its leader.
std::vector<WriteOutcome> outcomes_of(const std::vector<Pending*>& items,
                                      const Screening& screening) {
    std::vector<WriteOutcome> outcomes(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        // Copies, not moves: a leader's outcome may still be needed by its followers.
        const auto leader = screening.followers[i];
        outcomes[i] = leader == kNoLeader
                          ? *screening.out[i]
                          : follow(*items[i], *items[leader], *screening.out[leader]);
    }
    return outcomes;
}

}  // namespace

/// Loads what the batch's commands are planned against, and the awards its entries touch.
BatchBooks JournalWriter::Impl::load_books(Touched touched, FirstRoundAnswers& first) {
    BatchBooks batch;
    auto& awards = touched.awards;
    auto& funds = touched.funds;
    // Every reversal's postings carry the event of the entry it reverses.
    batch.reversed_events = select_events(sql, touched.reversed);
    batch.books.references = std::move(first.used_references);
    if (awards.empty() && funds.empty())
        return batch;  // plain entries touching no award: nothing more to load
    kept.take_awards(awards, batch.books, batch.loaded_status);
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
    kept.take_cash(funds, batch.books);
    for (auto& [fund, cash] : select_fund_cash(sql, funds)) {
        kept.keep_cash(fund, cash);
        batch.books.fund_cash[fund] = cash;
    }
    return batch;
}

/// Decides, before anything is written, which items replay a stored response or reuse a
/// key, which repeat a key another item of this batch claims (followers, answered from
/// that item after the commit), and which are refused (core rules, double reversals, the
/// checks of a money event against the books as the items before it left them).
void JournalWriter::Impl::screen(const std::vector<Pending*>& items, Screening& screening,
                                 FirstRoundAnswers& first) {
    auto& out = screening.out;
    auto& batch = screening.batch;
    std::map<ClaimKey, std::size_t> claimed_here;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto& request = items[i]->request;
        // Keys first: a replay answers with what was stored even if the world has moved
        // on since (its month closed), and a reused key is reported as that.
        if (request.idempotency) {
            const ClaimKey key{request.idempotency->actor, request.idempotency->key};
            if (auto it = first.claims.find(key); it != first.claims.end()) {
                const auto& stored = it->second;
                out[i] = replay_of(request.idempotency->request_hash, stored.request_hash,
                                   stored.response);
                continue;
            }
            if (auto [it, fresh] = claimed_here.try_emplace(key, i); !fresh) {
                screening.followers[i] = it->second;
                continue;
            }
        }
        if (request.command) {
            out[i] = plan_command(request, batch.books, context);
        } else {
            out[i] = check_entry(request.draft, context, first.reversed);
        }
        if (out[i] && out[i]->kind == WriteOutcome::Kind::rejected)
            continue;
        batch.books.apply(request.draft, batch.counts_as(request.draft));
    }
}

/// Gives each item the batch writes, in queue order, the next seq and its link in the hash
/// chain onto the locked head, and adds its rows to `columns`; returns the head it leaves.
ChainLink JournalWriter::Impl::chain(const std::vector<Pending*>& items, Screening& screening,
                                     BatchColumns& columns, const Heads& heads) {
    ChainLink head{heads.seq, hash_from_bytea(heads.hash_hex)};
    const std::int64_t recorded_at = now_us();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!is_written(screening, i))
            continue;
        const auto& request = items[i]->request;
        WriteOutcome outcome;
        outcome.kind = WriteOutcome::Kind::committed;
        if (screening.out[i])
            outcome.allocation = std::move(screening.out[i]->allocation);
        outcome.entry = ledger::Entry{head.seq + 1, recorded_at, request.draft, head.hash, {}};
        outcome.entry.hash = entry_hash(outcome.entry);
        assert_follows(outcome.entry, head);
        head = {outcome.entry.seq, outcome.entry.hash};
        const auto counts_as = screening.batch.counts_as(request.draft);
        columns.add_entry(outcome.entry, counts_as);
        kept.written(request.draft, counts_as);
        add_side_rows(columns, request, outcome.entry.seq);
        screening.out[i] = std::move(outcome);
    }
    return head;
}

/// Sends the batch's writes. The journal's rows go first: PostgreSQL inserts them while
/// the audit lines are chained and the stored responses rendered.
void JournalWriter::Impl::send_writes(Pipeline& writes, const std::vector<Pending*>& items,
                                      Screening& screening, BatchColumns& columns,
                                      const AuditHead& audit_head) {
    columns.insert(writes);
    writes.flush();
    const auto& batch = screening.batch;
    columns.insert_side_writes(writes, batch.books, audit_head);
    writes.flush();
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& idempotency = items[i]->request.idempotency;
        if (screening.followers[i] != kNoLeader || !idempotency ||
            screening.out[i]->kind != WriteOutcome::Kind::committed)
            continue;
        auto& outcome = *screening.out[i];
        outcome.response = options.render_response(outcome.entry, outcome.allocation);
        columns.add_claim(*idempotency, outcome.response, outcome.entry.seq);
    }
    columns.insert_claims(writes);
}

std::vector<WriteOutcome> JournalWriter::Impl::commit(const std::vector<Pending*>& items,
                                                      bool take_next_early) {
    // BEGIN and the locks go in one round trip (sent behind the last batch's COMMIT, or
    // now), the writes and COMMIT in another.
    OpenTransaction tx(sql);
    FirstRound round = next_round ? std::move(*next_round) : send_first_round(items);
    next_round.reset();
    Touched touched = std::move(round.touched);
    auto first = read_first_round(std::move(round));
    const Heads& heads = *first.heads;
    if (heads.catalog_version != context_version) {
        context = load_context(sql);
        context_version = heads.catalog_version;
    }
    kept.check_head(heads.seq, heads.hash_hex);
    Screening screening(items.size());
    screening.batch = load_books(std::move(touched), first);
    screen(items, screening, first);
    BatchColumns columns;
    const ChainLink last = chain(items, screening, columns, heads);
    kept.statuses(screening.batch.books);
    Pipeline writes(sql);
    send_writes(writes, items, screening, columns, heads.audit);
    auto outcomes = outcomes_of(items, screening);
    in_doubt = last.seq > heads.seq;
    if (in_doubt) {
        in_doubt_seq = last.seq;
        in_doubt_hash = last.hash;
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
    kept.committed(last.seq, ledger::to_hex(last.hash));
    return outcomes;
}

}  // namespace riziki::db
