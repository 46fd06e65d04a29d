#include "db/verify.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "db/award_keys.hpp"
#include "db/awards_sql.hpp"
#include "db/common_sql.hpp"
#include "db/copy_stream.hpp"
#include "db/entries_sql.hpp"
#include "db/errors.hpp"
#include "db/hash.hpp"
#include "db/sql.hpp"
#include "db/timed_read.hpp"
#include "db/verify_fund_sums.hpp"

namespace riziki::db {

namespace {

constexpr std::int64_t kChunkEntries = 20000;

// The SQL verify runs, all in one REPEATABLE READ snapshot that the loaders join (the
// snapshot statements and kSelectHead are in common_sql.hpp, shared with the pooled reads).

// Each chunk is a range of the primary key read in its order, which the index gives for
// free. Left to itself the planner may pick a (parallel) bitmap scan and sort each chunk
// instead, at twice the cost on a large journal.
constexpr const char* kChunkPlan =
    "SET LOCAL enable_bitmapscan = off; SET LOCAL max_parallel_workers_per_gather = 0";
constexpr const char* kSelectLastSeq = "SELECT COALESCE(max(seq), 0) FROM entries";
constexpr const char* kSelectClosedPeriods = "SELECT period, closed_after_seq FROM periods";
// Unordered: in the table's own order PostgreSQL reads it several times faster.
constexpr const char* kSelectDailyBalances =
    "SELECT account, fund, currency, day, delta_minor, closing_minor FROM daily_balances";
constexpr const char* kSelectAuditLog =
    "SELECT seq, (extract(epoch FROM at) * 1000000)::bigint, actor, request_id, action, "
    "subject, detail, encode(prev_hash, 'hex'), encode(hash, 'hex') FROM audit_log "
    "ORDER BY seq";

CheckResult named(std::string name) {
    CheckResult check;
    check.name = std::move(name);
    return check;
}

struct Checks {
    CheckResult sequence = named("sequence_gap_free");
    CheckResult chain = named("hash_chain");
    CheckResult head = named("head_matches");
    CheckResult balanced = named("entries_balance");
    CheckResult carried = named("postings_carry_entry");
    CheckResult balances = named("stored_balances");
    CheckResult fund_sums = named("fund_sums");
    CheckResult closed = named("closed_periods_untouched");
    CheckResult subledger = named("loan_subledger");
    CheckResult within_award = named("disbursements_within_awards");
    CheckResult statuses = named("award_statuses");
    CheckResult audit = named("audit_log_chain");

    static void fail(CheckResult& check, std::int64_t seq, std::string detail) {
        if (!check.ok)
            return;  // keep the first offender
        check.ok = false;
        check.first_entry = seq;
        check.detail = std::move(detail);
    }
};

using Sums = std::vector<std::pair<std::string_view, ledger::Amount>>;

/// Whether the postings sum to zero per fund (or per currency). An entry has a handful of
/// funds and currencies: a linear list (reused, so nothing is allocated) beats a map.
bool sums_to_zero(const std::vector<ledger::Posting>& postings, bool by_fund, Sums& sums) {
    sums.clear();
    for (const auto& p : postings) {
        const std::string_view key = by_fund ? p.fund : p.currency;
        auto it = std::find_if(sums.begin(), sums.end(),
                               [&](const auto& sum) { return sum.first == key; });
        if (it == sums.end())
            it = sums.insert(sums.end(), {key, 0});
        it->second += p.amount;
    }
    return std::all_of(sums.begin(), sums.end(), [](const auto& sum) { return sum.second == 0; });
}

void check_entry(const ledger::Entry& entry, bool hash_ok, std::int64_t expected_seq,
                 const ledger::Hash& prev, Checks& checks, Sums& sums) {
    const auto seq = entry.seq;
    if (seq != expected_seq) {
        Checks::fail(
            checks.sequence, seq,
            "expected entry " + std::to_string(expected_seq) + ", found " + std::to_string(seq));
    }
    if (entry.prev_hash != prev) {
        Checks::fail(checks.chain, seq, "prev_hash does not match the previous entry's hash");
    } else if (!hash_ok) {
        Checks::fail(checks.chain, seq, "hash does not match the entry's contents");
    }
    if (entry.draft.postings.size() < 2) {
        Checks::fail(checks.balanced, seq, "fewer than two postings");
    } else if (!sums_to_zero(entry.draft.postings, false, sums)) {
        Checks::fail(checks.balanced, seq, "does not sum to zero per currency");
    } else if (!sums_to_zero(entry.draft.postings, true, sums)) {
        Checks::fail(checks.balanced, seq, "does not sum to zero per fund");
    }
}

/// Each account x fund x currency's movement per day, summed from the postings, then
/// compared with the stored daily rows. Keys are interned to small numbers; each keeps its
/// days in order, and since nearly every entry is dated on or after the one before it, a
/// posting almost always lands on the key's last day or starts a new one.
class DailyDeltas {
  public:
    void add(const ledger::Posting& p, long day) {
        key_.assign(p.account).append(1, '\0').append(p.fund).append(1, '\0').append(p.currency);
        auto [it, added] = ids_.try_emplace(key_, static_cast<std::uint32_t>(keys_.size()));
        if (added)
            keys_.push_back({p.account, p.fund, {}});
        auto& days = keys_[it->second].days;
        auto at = days.end();
        while (at != days.begin() && std::prev(at)->day > day)
            --at;  // a back-dated entry: walk back to its day
        if (at == days.begin() || std::prev(at)->day != day)
            at = std::next(days.insert(at, Day{day}));
        std::prev(at)->derived += p.amount;
    }

    /// Reads every stored daily row and checks it against the derived movement and its
    /// running total; then that every derived day has its row.
    void check(soci::session& sql, Checks& checks) {
        for (auto& key : keys_) {
            ledger::Amount running = 0;
            for (auto& d : key.days)
                d.closing = running += d.derived;
        }
        CopyStream rows(sql, kSelectDailyBalances);
        std::int64_t examined = 0;
        while (rows.next()) {
            ++examined;
            key_.assign(rows.bytes(0)).append(1, '\0').append(rows.bytes(1)).append(1, '\0');
            key_.append(rows.bytes(2));
            const auto id = ids_.find(key_);
            const long day = rows.days(3);
            Day* found = nullptr;
            if (id != ids_.end()) {
                auto& days = keys_[id->second].days;
                const auto at =
                    std::lower_bound(days.begin(), days.end(), day,
                                     [](const Day& d, long wanted) { return d.day < wanted; });
                if (at != days.end() && at->day == day && !at->stored)
                    found = &*at;
            }
            if (found == nullptr) {
                fail(checks, std::string(rows.bytes(0)), std::string(rows.bytes(1)), day,
                     "has no postings");
                return;
            }
            found->stored = true;
            if (rows.amount(4) != found->derived || rows.amount(5) != found->closing) {
                fail(checks, found, id->second, "differs from the sum of its postings");
                return;
            }
        }
        checks.balances.examined = examined;
        for (std::uint32_t id = 0; id < keys_.size(); ++id) {
            for (const auto& d : keys_[id].days) {
                if (!d.stored) {
                    fail(checks, &d, id, "is missing though postings move it");
                    return;
                }
            }
        }
    }

  private:
    struct Day {
        long day = 0;
        ledger::Amount derived = 0;
        ledger::Amount closing = 0;  ///< running total of derived, once check() starts
        bool stored = false;         ///< a stored row matched it
    };
    struct Key {
        std::string account, fund;
        std::vector<Day> days;
    };

    void fail(Checks& checks, const Day* d, std::uint32_t id, const std::string& what) const {
        fail(checks, keys_[id].account, keys_[id].fund, d->day, what);
    }
    static void fail(Checks& checks, const std::string& account, const std::string& fund, long day,
                     const std::string& what) {
        Checks::fail(checks.balances, 0,
                     "balance of " + account + "/" + fund + " on " +
                         ledger::format_date(ledger::date_from_days(day)) + " " + what);
    }

    std::string key_;  ///< scratch: account NUL fund NUL currency
    std::unordered_map<std::string, std::uint32_t> ids_;
    std::vector<Key> keys_;
};

/// The award sub-ledger re-derived from the postings: every posting to loans receivable
/// (1100) names a loan award of its fund; no award is disbursed beyond its approval; each
/// award's stored status and list keys (migration 0025) are the ones its postings imply.
class AwardLedger {
  public:
    explicit AwardLedger(soci::session& sql)
        : awards_(select_all_awards(sql)), keys_(select_award_list_keys(sql)) {}

    /// `counts_as`: the event the entry's postings count under. A reversal of an entry not
    /// seen counts as manual: it moves the balance of 1100 and no figure (the carried check
    /// has failed it already).
    void add(const ledger::Entry& entry, std::optional<ledger::Event> counts_as, Checks& checks) {
        const auto& d = entry.draft;
        for (const auto& p : d.postings) {
            if (p.award.empty() && p.account != ledger::chart::loans_receivable)
                continue;
            const auto award = awards_.find(p.award);
            if (p.account == ledger::chart::loans_receivable) {
                ++loan_postings_;
                if (award == awards_.end() || award->second.kind != ledger::AwardKind::loan ||
                    award->second.fund != p.fund) {
                    Checks::fail(checks.subledger, entry.seq,
                                 "a posting to 1100 names no loan award of its fund");
                }
            }
            if (award == awards_.end())
                continue;
            auto& figures = figures_[p.award];
            ledger::add_posting(figures, p.account, counts_as.value_or(ledger::Event::manual),
                                p.amount, d.effective_on);
            if (figures.disbursed > award->second.approved) {
                Checks::fail(checks.within_award, entry.seq,
                             "award " + p.award + " is disbursed beyond its approved amount");
            }
        }
    }

    void finish(Checks& checks) {
        checks.subledger.examined = loan_postings_;
        checks.within_award.examined = static_cast<std::int64_t>(awards_.size());
        checks.statuses.examined = static_cast<std::int64_t>(awards_.size());
        for (const auto& [id, award] : awards_) {
            const auto derived = ledger::derive_status(award, figures_[id]);
            if (derived != award.status) {
                Checks::fail(checks.statuses, 0,
                             "award " + id + " is stored as " +
                                 std::string(ledger::to_string(award.status)) +
                                 " but its postings make it " +
                                 std::string(ledger::to_string(derived)));
            }
            const auto mismatch = list_keys_mismatch(award, figures_[id], keys_[id]);
            if (!mismatch.empty())
                Checks::fail(checks.statuses, 0, mismatch);
        }
    }

  private:
    std::map<std::string, ledger::Award> awards_;
    std::map<std::string, StoredListKeys> keys_;
    std::unordered_map<std::string, ledger::AwardFigures> figures_;
    std::int64_t loan_postings_ = 0;
};

/// Each entry's event by seq, for the event a reversal counts under.
class EventsBySeq {
  public:
    /// Records `entry`'s event; returns the event its postings count under (empty for a
    /// reversal of an entry not seen).
    std::optional<ledger::Event> add(const ledger::Entry& entry) {
        const auto& d = entry.draft;
        const auto seq = static_cast<std::size_t>(entry.seq);
        if (events_.size() <= seq)
            events_.resize(seq + 1);
        events_[seq] = d.event;
        std::optional<ledger::Event> reversed;
        if (d.reverses && *d.reverses > 0 && static_cast<std::size_t>(*d.reverses) < seq)
            reversed = events_[static_cast<std::size_t>(*d.reverses)];
        return ledger::counts_as(d, reversed);
    }

  private:
    std::vector<std::optional<ledger::Event>> events_;  ///< by seq
};

/// Re-derives the audit log's chain: each row's hash is SHA-256(previous hash ‖ its fields,
/// length-prefixed), computed here rather than trusted to the database's function.
void check_audit_log(soci::session& sql, Checks& checks) {
    soci::rowset<soci::row> rows = (sql.prepare << kSelectAuditLog);
    ledger::Hash prev = ledger::kGenesisHash;
    std::int64_t expected = 1;
    for (const auto& row : rows) {
        const auto seq = static_cast<std::int64_t>(row.get<long long>(0));
        const auto actor = row.get<std::string>(2), request_id = row.get<std::string>(3),
                   action = row.get<std::string>(4), subject = row.get<std::string>(5),
                   detail = row.get<std::string>(6);
        const AuditLine line{seq,   row.get<long long>(1), actor, request_id, action, subject,
                             detail};
        const auto stored_prev = hash_from_bytea(row.get<std::string>(7));
        const auto stored = hash_from_bytea(row.get<std::string>(8));
        if (seq != expected) {
            Checks::fail(checks.audit, seq,
                         "audit line " + std::to_string(expected) + " is missing");
        } else if (stored_prev != prev || audit_hash(prev, line) != stored) {
            Checks::fail(checks.audit, seq, "audit line hash does not match its contents");
        }
        prev = stored;
        expected = seq + 1;
        ++checks.audit.examined;
    }
}

/// A run of consecutive entries, with whether each one's hash matches its contents.
struct Chunk {
    std::vector<ledger::Entry> entries;
    std::vector<CarriedFacts> carried;
    std::vector<bool> hash_ok;
};

/// Loads the journal in chunks on two more connections that share the verifying
/// transaction's snapshot, each loader taking every other chunk and hashing its entries,
/// so PostgreSQL reading, this process parsing and hashing, and the checks in sequence
/// order all run at once. Each loader keeps at most one chunk waiting.
class ChunkReader {
  public:
    static constexpr std::size_t kLoaders = 2;

    ChunkReader(const std::string& conninfo, const std::string& snapshot, std::int64_t max_seq,
                const ReadLimits& limits)
        : chunks_((max_seq + kChunkEntries - 1) / kChunkEntries) {
        for (std::size_t i = 0; i < kLoaders; ++i) {
            auto& loader = loaders_.emplace_back(std::make_unique<Loader>());
            open_session(loader->sql, conninfo);
            loader->sql << "BEGIN";
            loader->sql << kReadOnlySnapshot;
            loader->sql << kJoinSnapshot + sql_literal(snapshot);
            loader->sql << kChunkPlan;
            limit_statements(loader->sql, limits);
        }
        for (std::size_t i = 0; i < kLoaders; ++i)
            loaders_[i]->thread = std::thread([this, i] { run(i); });
    }
    ~ChunkReader() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        for (auto& loader : loaders_)
            loader->thread.join();
    }
    ChunkReader(const ChunkReader&) = delete;
    ChunkReader& operator=(const ChunkReader&) = delete;

    /// The next chunk in sequence order (possibly empty: a gap); nullopt after the last.
    /// Rethrows a loader's error.
    std::optional<Chunk> next() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return ready_.contains(next_) || error_ || next_ >= chunks_; });
        if (error_)
            std::rethrow_exception(error_);
        if (next_ >= chunks_)
            return std::nullopt;
        auto chunk = std::move(ready_.at(next_));
        ready_.erase(next_++);
        changed_.notify_all();
        return chunk;
    }

  private:
    struct Loader {
        soci::session sql;
        std::thread thread;
    };

    void run(std::size_t loader) {
        auto& sql = loaders_[loader]->sql;
        try {
            for (auto index = static_cast<std::int64_t>(loader); index < chunks_;
                 index += static_cast<std::int64_t>(kLoaders)) {
                Chunk chunk;
                chunk.entries = load_entries(sql, index * kChunkEntries,
                                             (index + 1) * kChunkEntries, &chunk.carried);
                chunk.hash_ok.reserve(chunk.entries.size());
                for (const auto& entry : chunk.entries)
                    chunk.hash_ok.push_back(entry_hash(entry) == entry.hash);
                std::unique_lock lock(mutex_);
                // Hand over only the chunk the checks reach next or the one after that.
                changed_.wait(lock, [&] {
                    return index < next_ + static_cast<std::int64_t>(kLoaders) || stopping_;
                });
                if (stopping_)
                    return;
                ready_.emplace(index, std::move(chunk));
                changed_.notify_all();
            }
            sql << "COMMIT";
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!error_)
                error_ = std::current_exception();
            changed_.notify_all();
        }
    }

    const std::int64_t chunks_;
    std::vector<std::unique_ptr<Loader>> loaders_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::int64_t, Chunk> ready_;
    std::int64_t next_ = 0;
    bool stopping_ = false;
    std::exception_ptr error_;
};

/// What verify reads first in its snapshot: the journal head, the last entry, and each
/// closed month with the journal head when it closed.
struct SnapshotFacts {
    long long head_seq = 0, last_seq = 0;
    std::string head_hex;
    std::map<ledger::Period, long long> closed_after;
    std::string exported;  ///< the snapshot's id, for the loaders to join
};

SnapshotFacts read_snapshot_facts(soci::session& sql) {
    SnapshotFacts facts;
    sql << kSelectHead, soci::into(facts.head_seq), soci::into(facts.head_hex);
    sql << kSelectLastSeq, soci::into(facts.last_seq);
    soci::rowset<soci::row> periods = (sql.prepare << kSelectClosedPeriods);
    for (const auto& row : periods) {
        if (auto period = ledger::parse_period(row.get<std::string>(0)))
            facts.closed_after[*period] = row.get<long long>(1);
    }
    sql << kExportSnapshot, soci::into(facts.exported);
    return facts;
}

/// The checks that walk the entries in sequence order, one entry at a time.
class EntryWalk {
  public:
    EntryWalk(soci::session& sql, std::map<ledger::Period, long long> closed_after)
        : awards_(sql), closed_after_(std::move(closed_after)) {}

    void add(const ledger::Entry& entry, bool hash_ok, const CarriedFacts& carried,
             Checks& checks) {
        check_entry(entry, hash_ok, expected_, prev_, checks, sums_);
        // No entry dated in a closed month may come later in the chain than its closing.
        const auto period = ledger::period_of(entry.draft.effective_on);
        if (auto it = closed_after_.find(period);
            it != closed_after_.end() && entry.seq > it->second) {
            Checks::fail(checks.closed, entry.seq,
                         "dated in " + ledger::format_period(period) +
                             ", which closed after entry " + std::to_string(it->second));
        }
        const auto counts_as = events_.add(entry);
        if (!carried.days_match || carried.counts_as != counts_as) {
            Checks::fail(checks.carried, entry.seq,
                         "its postings do not all carry its day and the event it counts under (" +
                             std::string(counts_as ? ledger::to_string(*counts_as) : "") + ")");
        }
        awards_.add(entry, counts_as, checks);
        fund_sums_.add(entry, counts_as);
        expected_ = entry.seq + 1;
        prev_ = entry.hash;
        const long day = ledger::days_since_epoch(entry.draft.effective_on);
        for (const auto& p : entry.draft.postings)
            deltas_.add(p, day);
    }

    /// The checks that need every entry: stored balances and sums, the award sub-ledger.
    void finish(soci::session& sql, Checks& checks) {
        deltas_.check(sql, checks);
        fund_sums_.check(sql, checks.fund_sums);
        awards_.finish(checks);
    }

    std::int64_t count() const { return expected_ - 1; }
    const ledger::Hash& last_hash() const { return prev_; }

  private:
    AwardLedger awards_;
    std::map<ledger::Period, long long> closed_after_;
    EventsBySeq events_;
    DailyDeltas deltas_;
    FundSumsCheck fund_sums_;
    Sums sums_;
    ledger::Hash prev_ = ledger::kGenesisHash;
    std::int64_t expected_ = 1;
};

VerifyReport report_of(Checks& checks, std::int64_t count, std::string head_hex) {
    VerifyReport report;
    report.entries_checked = count;
    report.head_hash = std::move(head_hex);
    for (auto* check : {&checks.sequence, &checks.chain, &checks.head, &checks.balanced,
                        &checks.carried, &checks.closed}) {
        check->examined = count;
    }
    report.checks = {checks.sequence,  checks.chain,        checks.head,      checks.balanced,
                     checks.carried,   checks.balances,     checks.fund_sums, checks.closed,
                     checks.subledger, checks.within_award, checks.statuses,  checks.audit};
    for (const auto& check : report.checks)
        report.ok = report.ok && check.ok;
    return report;
}

/// verify_journal on an open session, its statements and the loaders' within `limits`.
VerifyReport verify_on(soci::session& sql, const std::string& conninfo, const ReadLimits& limits) {
    // One snapshot for the whole check, so concurrent writers cannot make it inconsistent.
    soci::transaction tx(sql);
    sql << kReadOnlySnapshot;
    limit_statements(sql, limits);
    auto facts = read_snapshot_facts(sql);
    Checks checks;
    EntryWalk walk(sql, std::move(facts.closed_after));
    std::optional<ChunkReader> reader;
    try {
        reader.emplace(conninfo, facts.exported, facts.last_seq, limits);
    } catch (const soci::soci_error& error) {
        throw DatabaseUnavailable(error.what());
    }
    while (auto chunk = reader->next()) {
        for (std::size_t i = 0; i < chunk->entries.size(); ++i)
            walk.add(chunk->entries[i], chunk->hash_ok[i], chunk->carried[i], checks);
    }
    const std::int64_t count = walk.count();
    if (facts.head_seq != count || hash_from_bytea(facts.head_hex) != walk.last_hash()) {
        Checks::fail(checks.head, facts.head_seq,
                     "journal head is " + std::to_string(facts.head_seq) +
                         " but the chain ends at " + std::to_string(count));
    }
    walk.finish(sql, checks);
    check_audit_log(sql, checks);
    tx.commit();
    return report_of(checks, count, std::move(facts.head_hex));
}

}  // namespace

VerifyReport verify_journal(const std::string& conninfo, const ReadLimits& limits) {
    soci::session sql;
    try {
        open_session(sql, conninfo);
    } catch (const soci::soci_error& error) {
        throw DatabaseUnavailable(error.what());
    }
    // A loader's cancelled statement is rethrown here too (ChunkReader::next).
    return cancelled_as_timeout([&] { return verify_on(sql, conninfo, limits); });
}

}  // namespace riziki::db
