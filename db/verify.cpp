#include "db/verify.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "db/awards_sql.hpp"
#include "db/entries_sql.hpp"
#include "db/errors.hpp"
#include "db/hash.hpp"
#include "db/sql.hpp"

namespace riziki::db {

namespace {

constexpr std::int64_t kChunkEntries = 20000;

using BalanceKey = std::tuple<std::string, std::string, std::string, long>;  // acc, fund, cur, day

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
    CheckResult balances = named("stored_balances");
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

bool sums_to_zero(const std::vector<ledger::Posting>& postings, bool by_fund) {
    std::map<std::string, ledger::Amount> sums;
    for (const auto& p : postings)
        sums[by_fund ? p.fund : p.currency] += p.amount;
    for (const auto& [key, sum] : sums) {
        if (sum != 0)
            return false;
    }
    return true;
}

void check_entry(const ledger::Entry& entry, std::int64_t expected_seq, const ledger::Hash& prev,
                 Checks& checks) {
    const auto seq = entry.seq;
    if (seq != expected_seq) {
        Checks::fail(
            checks.sequence, seq,
            "expected entry " + std::to_string(expected_seq) + ", found " + std::to_string(seq));
    }
    if (entry.prev_hash != prev) {
        Checks::fail(checks.chain, seq, "prev_hash does not match the previous entry's hash");
    } else if (entry_hash(entry) != entry.hash) {
        Checks::fail(checks.chain, seq, "hash does not match the entry's contents");
    }
    if (entry.draft.postings.size() < 2) {
        Checks::fail(checks.balanced, seq, "fewer than two postings");
    } else if (!sums_to_zero(entry.draft.postings, false)) {
        Checks::fail(checks.balanced, seq, "does not sum to zero per currency");
    } else if (!sums_to_zero(entry.draft.postings, true)) {
        Checks::fail(checks.balanced, seq, "does not sum to zero per fund");
    }
}

/// Compares stored daily rows with the running sums derived from postings.
void check_balances(soci::session& sql, const std::map<BalanceKey, ledger::Amount>& deltas,
                    Checks& checks) {
    std::map<BalanceKey, std::pair<ledger::Amount, ledger::Amount>> stored;  // delta, closing
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT account, fund, currency, day - DATE '1970-01-01', "
                        "delta_minor::text, closing_minor::text FROM daily_balances");
    for (const auto& row : rows) {
        BalanceKey key{row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2),
                       row.get<int>(3)};
        stored[key] = {ledger::from_decimal_string(row.get<std::string>(4)).value_or(-1),
                       ledger::from_decimal_string(row.get<std::string>(5)).value_or(-1)};
    }
    checks.balances.examined = static_cast<std::int64_t>(stored.size());
    const auto describe = [](const BalanceKey& k) {
        return std::get<0>(k) + "/" + std::get<1>(k) + " on " +
               ledger::format_date(ledger::date_from_days(std::get<3>(k)));
    };
    std::map<std::tuple<std::string, std::string, std::string>, ledger::Amount> running;
    for (const auto& [key, delta] : deltas) {
        auto& total = running[{std::get<0>(key), std::get<1>(key), std::get<2>(key)}];
        total += delta;
        const auto it = stored.find(key);
        if (it == stored.end() || it->second.first != delta || it->second.second != total) {
            Checks::fail(checks.balances, 0,
                         "balance of " + describe(key) + " differs from the sum of its postings");
            return;
        }
        stored.erase(it);
    }
    if (!stored.empty()) {
        Checks::fail(checks.balances, 0,
                     "balance of " + describe(stored.begin()->first) + " has no postings");
    }
}

/// The award sub-ledger re-derived from the postings: every posting to loans receivable
/// (1100) names a loan award of its fund; no award is disbursed beyond its approval; each
/// award's stored status is the one its postings imply.
class AwardLedger {
  public:
    explicit AwardLedger(soci::session& sql) {
        std::set<std::string> ids;
        soci::rowset<std::string> rows = (sql.prepare << "SELECT id FROM awards");
        for (const auto& id : rows)
            ids.insert(id);
        awards_ = select_awards(sql, ids);
    }

    void add(const ledger::Entry& entry, Checks& checks) {
        const auto& d = entry.draft;
        const auto event_index = [](std::string_view event) {
            const auto it = std::find(ledger::kEvents.begin(), ledger::kEvents.end(), event);
            return static_cast<std::uint8_t>(it - ledger::kEvents.begin());
        };
        if (events_.size() <= static_cast<std::size_t>(entry.seq))
            events_.resize(static_cast<std::size_t>(entry.seq) + 1, 0);
        events_[static_cast<std::size_t>(entry.seq)] = event_index(d.event);
        // A reversal counts under the event it reverses.
        std::string_view counts_as = d.event;
        if (d.reverses && *d.reverses > 0 &&
            static_cast<std::size_t>(*d.reverses) < events_.size()) {
            const auto index = events_[static_cast<std::size_t>(*d.reverses)];
            if (index < ledger::kEvents.size())
                counts_as = ledger::kEvents[index];
        }
        for (const auto& p : d.postings) {
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
            ledger::add_posting(figures, p.account, counts_as, p.amount, d.effective_on);
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
        }
    }

  private:
    std::map<std::string, ledger::Award> awards_;
    std::map<std::string, ledger::AwardFigures> figures_;
    std::vector<std::uint8_t> events_;  ///< by seq: index into ledger::kEvents
    std::int64_t loan_postings_ = 0;
};

/// Characters (not bytes) in UTF-8 text, as PostgreSQL's length() counts them.
std::size_t characters(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

/// Re-derives the audit log's chain: each row's hash is SHA-256(previous hash ‖ its fields,
/// length-prefixed), computed here rather than trusted to the database's function.
void check_audit_log(soci::session& sql, Checks& checks) {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT seq, (extract(epoch FROM at) * 1000000)::bigint, actor, "
                        "request_id, action, subject, detail, encode(prev_hash, 'hex'), "
                        "encode(hash, 'hex') FROM audit_log ORDER BY seq");
    ledger::Hash prev = ledger::kGenesisHash;
    std::int64_t expected = 1;
    for (const auto& row : rows) {
        const auto seq = static_cast<std::int64_t>(row.get<long long>(0));
        std::string bytes = "riziki.audit.v1|" + std::to_string(seq) + "|" +
                            ledger::format_timestamp_us(row.get<long long>(1));
        for (std::size_t i = 2; i <= 6; ++i) {
            const auto field = row.get<std::string>(i);
            bytes += "|" + std::to_string(characters(field)) + "|" + field;
        }
        const auto stored_prev = hash_from_bytea(row.get<std::string>(7));
        const auto stored = hash_from_bytea(row.get<std::string>(8));
        std::string input(prev.begin(), prev.end());
        if (seq != expected) {
            Checks::fail(checks.audit, seq,
                         "audit line " + std::to_string(expected) + " is missing");
        } else if (stored_prev != prev || sha256(input + bytes) != stored) {
            Checks::fail(checks.audit, seq, "audit line hash does not match its contents");
        }
        prev = stored;
        expected = seq + 1;
        ++checks.audit.examined;
    }
}

/// Loads the journal's chunks on a second connection that shares the verifying
/// transaction's snapshot, one chunk ahead, so PostgreSQL reads the next chunk while this
/// process checks the current one.
class ChunkReader {
  public:
    ChunkReader(const std::string& conninfo, const std::string& snapshot, std::int64_t max_seq)
        : max_seq_(max_seq) {
        open_session(sql_, conninfo);
        sql_ << "BEGIN";
        sql_ << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
        sql_ << "SET TRANSACTION SNAPSHOT '" + snapshot + "'";
        thread_ = std::thread([this] { run(); });
    }
    ~ChunkReader() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    ChunkReader(const ChunkReader&) = delete;
    ChunkReader& operator=(const ChunkReader&) = delete;

    /// The next chunk in sequence order; empty after the last. Rethrows the reader's error.
    std::vector<ledger::Entry> next() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !ready_.empty() || done_; });
        if (!ready_.empty()) {
            auto chunk = std::move(ready_.front());
            ready_.pop_front();
            changed_.notify_all();
            return chunk;
        }
        if (error_)
            std::rethrow_exception(error_);
        return {};
    }

  private:
    void run() {
        try {
            for (std::int64_t from = 0; from < max_seq_; from += kChunkEntries) {
                auto chunk = load_entries(sql_, from, from + kChunkEntries);
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return ready_.size() < 2 || stopping_; });
                if (stopping_)
                    break;
                if (!chunk.empty())
                    ready_.push_back(std::move(chunk));
                changed_.notify_all();
            }
            sql_ << "COMMIT";
        } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();
        }
        std::lock_guard lock(mutex_);
        done_ = true;
        changed_.notify_all();
    }

    soci::session sql_;
    std::int64_t max_seq_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<ledger::Entry>> ready_;
    bool done_ = false;
    bool stopping_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

}  // namespace

VerifyReport verify_journal(const std::string& conninfo) {
    soci::session sql;
    try {
        open_session(sql, conninfo);
    } catch (const soci::soci_error& error) {
        throw DatabaseUnavailable(error.what());
    }
    // One snapshot for the whole check, so concurrent writers cannot make it inconsistent.
    soci::transaction tx(sql);
    sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    long long head_seq = 0, max_seq = 0;
    std::string head_hex;
    sql << "SELECT seq, encode(hash, 'hex') FROM journal_head", soci::into(head_seq),
        soci::into(head_hex);
    sql << "SELECT COALESCE(max(seq), 0) FROM entries", soci::into(max_seq);

    // Each closed month and the journal head when it closed: no entry dated in it may
    // come later in the chain.
    std::map<ledger::Period, long long> closed_after;
    soci::rowset<soci::row> periods =
        (sql.prepare << "SELECT period, closed_after_seq FROM periods");
    for (const auto& row : periods) {
        if (auto period = ledger::parse_period(row.get<std::string>(0))) {
            closed_after[*period] = row.get<long long>(1);
        }
    }

    std::string snapshot;
    sql << "SELECT pg_export_snapshot()", soci::into(snapshot);

    Checks checks;
    AwardLedger awards(sql);
    std::map<BalanceKey, ledger::Amount> deltas;
    ledger::Hash prev = ledger::kGenesisHash;
    std::int64_t expected = 1;
    std::optional<ChunkReader> reader;
    try {
        reader.emplace(conninfo, snapshot, max_seq);
    } catch (const soci::soci_error& error) {
        throw DatabaseUnavailable(error.what());
    }
    for (auto chunk = reader->next(); !chunk.empty(); chunk = reader->next()) {
        for (const auto& entry : chunk) {
            check_entry(entry, expected, prev, checks);
            const auto period = ledger::period_of(entry.draft.effective_on);
            if (auto it = closed_after.find(period);
                it != closed_after.end() && entry.seq > it->second) {
                Checks::fail(checks.closed, entry.seq,
                             "dated in " + ledger::format_period(period) +
                                 ", which closed after entry " + std::to_string(it->second));
            }
            awards.add(entry, checks);
            expected = entry.seq + 1;
            prev = entry.hash;
            const long day = ledger::days_since_epoch(entry.draft.effective_on);
            for (const auto& p : entry.draft.postings) {
                deltas[{p.account, p.fund, p.currency, day}] += p.amount;
            }
        }
    }
    const std::int64_t count = expected - 1;
    if (head_seq != count || hash_from_bytea(head_hex) != prev) {
        Checks::fail(checks.head, head_seq,
                     "journal head is " + std::to_string(head_seq) + " but the chain ends at " +
                         std::to_string(count));
    }
    check_balances(sql, deltas, checks);
    awards.finish(checks);
    check_audit_log(sql, checks);
    tx.commit();

    VerifyReport report;
    report.entries_checked = count;
    report.head_hash = head_hex;
    for (auto* check :
         {&checks.sequence, &checks.chain, &checks.head, &checks.balanced, &checks.closed}) {
        check->examined = count;
    }
    report.checks = {checks.sequence, checks.chain,  checks.head,      checks.balanced,
                     checks.balances, checks.closed, checks.subledger, checks.within_award,
                     checks.statuses, checks.audit};
    for (const auto& check : report.checks)
        report.ok = report.ok && check.ok;
    return report;
}

}  // namespace riziki::db
