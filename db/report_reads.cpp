// What reports read: one query set per report, in one snapshot.
//
// A report reads tens of thousands of rows, so every read here fetches a block of rows at
// a time into column vectors rather than a row at a time through SOCI's generic row API,
// dates come as days since 1970 instead of text, and postings are read with the day and
// event they carry, with no join to entries.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <future>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "db/awards_sql.hpp"
#include "db/common_sql.hpp"
#include "db/copy_stream.hpp"
#include "db/pool_impl.hpp"
#include "db/programme.hpp"
#include "db/report_reads.hpp"
#include "db/timed_read.hpp"
#include "ledger/program.hpp"

namespace riziki::db {

namespace {

constexpr std::size_t kBlock = 4096;

// The two posting reads below are the largest of a report. Postings carry their day and
// the event they count under (migration 0007), so neither looks up an entry. Both go
// through binary COPY, which takes no parameters: the values are spelt as quoted literals
// (sql_literal).

// Every posting of the fund (%1) up to a day (%2), with the award it names (NULL for none).
constexpr const char* kFundPostings = R"(
SELECT award, effective_on, account, counts_as, amount_minor
FROM postings WHERE fund = %1 AND effective_on <= CAST(%2 AS date))";

// Every posting of every loan up to a day (%2).
constexpr const char* kLoanPostings = R"(
SELECT p.award, p.effective_on, p.account, p.counts_as, p.amount_minor
FROM awards a JOIN postings p ON p.award = a.id
WHERE a.kind = 'loan' AND p.effective_on <= CAST(%2 AS date))";

/// The account codes and event names a posting read meets, numbered in the order first
/// met; accounts and events share the numbering. A fund's postings use a handful of each,
/// so a row's names are matched against these rather than hashed or copied.
class PostingNames {
  public:
    /// The number of `name`, tried first against `hint` (the number the same column had on
    /// the row before), which is left holding it.
    std::uint16_t number_of(std::string_view name, std::uint16_t& hint) {
        if (hint < names_.size() && names_[hint] == name)
            return hint;
        for (std::size_t n = 0; n < names_.size(); ++n) {
            if (names_[n] == name)
                return hint = static_cast<std::uint16_t>(n);
        }
        if (names_.size() > UINT16_MAX)
            throw std::runtime_error("a posting read met more than 65,536 accounts and events");
        names_.emplace_back(name);
        events_.push_back(ledger::parse_event(name));
        return hint = static_cast<std::uint16_t>(names_.size() - 1);
    }
    const std::string& operator[](std::uint16_t number) const { return names_[number]; }
    /// The event named `number` (throws when that name is no known event).
    ledger::Event event(std::uint16_t number) const {
        return events_[number] ? *events_[number] : event_from_text(names_[number]);
    }
    std::size_t size() const { return names_.size(); }

  private:
    std::vector<std::string> names_;
    std::vector<std::optional<ledger::Event>> events_;  ///< each name as an event, if it is one
};

/// A posting as read, its names numbered in a PostingNames.
struct NumberedPosting {
    std::int32_t day;  ///< days since 1970-01-01
    std::uint16_t account;
    std::uint16_t event;
    ledger::Amount amount;
};

/// Packs a day and two 16-bit numbers into one key that orders as (day, first, second).
constexpr std::uint64_t pack(std::int32_t day, std::uint16_t first, std::uint16_t second) {
    // Flipping the sign bit makes the day's two's-complement bits order as the day does.
    return std::uint64_t{static_cast<std::uint32_t>(day) ^ 0x8000'0000U} << 32 |
           std::uint64_t{first} << 16 | second;
}
constexpr std::int32_t day_of(std::uint64_t key) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(key >> 32) ^ 0x8000'0000U);
}
constexpr std::uint16_t first_of(std::uint64_t key) {
    return static_cast<std::uint16_t>(key >> 16);
}
constexpr std::uint16_t second_of(std::uint64_t key) {
    return static_cast<std::uint16_t>(key);
}

/// Runs one of the posting reads above for `fund` and `until`, calling `row(award,
/// posting)` for each posting (award empty when it names none, and valid only during the
/// call), with its account and event numbered in `names`. No string is made per row: at
/// 100,000 survivors a loan fund has over 600,000 postings.
template <typename Row>
void read_postings(soci::session& sql, std::string query, const std::string& fund,
                   const std::string& until, PostingNames& names, const Row& row) {
    // The fund last: no later replacement may look inside the text it brings.
    for (const auto& [mark, value] : {std::pair{"%2", until}, std::pair{"%1", fund}}) {
        if (const auto at = query.find(mark); at != std::string::npos)
            query.replace(at, 2, sql_literal(value));
    }
    CopyStream rows(sql, query);
    std::uint16_t account_hint = 0, event_hint = 0;
    while (rows.next()) {
        const long day = rows.days(1);
        if (!std::in_range<std::int32_t>(day))
            throw std::runtime_error("a posting's day is out of range");
        // The account before the event: DaySums orders by the numbers, in first-met order.
        const auto account = names.number_of(rows.bytes(2), account_hint);
        const auto event = names.number_of(rows.bytes(3), event_hint);
        row(rows.bytes(0),
            NumberedPosting{static_cast<std::int32_t>(day), account, event, rows.amount(4)});
    }
}

// After AwardColumns::kSelect: the awards with their survivors, in no particular order
// (the reports only sum over awards).
constexpr const char* kAwardsWithSurvivors = R"(,
       s.gender, s.birth_year, s.county, s.cohort,
       CASE WHEN s.consent_donor_reporting THEN 1 ELSE 0 END, s.record_key
FROM awards a JOIN survivors s ON s.code = a.survivor
WHERE (a.fund = :f OR (:f = '' AND a.kind = 'loan')) AND a.approved_on <= CAST(:to AS date))";

constexpr const char* kOutcomes = R"(
SELECT o.survivor, o.observed_on - DATE '1970-01-01', o.business_status,
       o.monthly_profit_minor::text, o.currency, o.jobs
FROM outcomes o
WHERE o.survivor IN (SELECT survivor FROM awards WHERE fund = :f)
  AND o.observed_on <= CAST(:to AS date))";

constexpr const char* kSelectDonorName = "SELECT name FROM donors WHERE code = :c";

// A report's settings, inside its transaction (tune_for_report says why).
constexpr const char* kNoJit = "SET LOCAL jit = off";
constexpr const char* kReportWorkMem = "SET LOCAL work_mem = '64MB'";

/// Runs `query`, whose select list `columns` binds, with `uses` for its parameters, and
/// calls `row(i)` for each row of each block fetched.
template <typename Columns, typename Row, typename... Uses>
void fetch_rows(soci::session& sql, const std::string& query, Columns& columns, const Row& row,
                const Uses&... uses) {
    soci::statement st(sql);
    st.alloc();
    st.prepare(query);
    columns.bind(st);
    (st.exchange(soci::use(uses)), ...);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        for (std::size_t i = 0; i < columns.size(); ++i)
            row(i);
        columns.reset();
    }
}

/// Resizes each column back to a block: a fetch shrinks them to the rows it got.
template <typename... Columns>
void resize_to_block(Columns&... columns) {
    (columns.resize(kBlock), ...);
}

struct AwardSurvivorColumns {
    AwardColumns award{kBlock};
    std::vector<std::string> gender, county, cohort;
    std::vector<int> birth_year, consent, record_key;

    AwardSurvivorColumns() {
        resize_to_block(gender, county, cohort, birth_year, consent, record_key);
    }
    void bind(soci::statement& st) {
        award.bind(st);
        st.exchange(soci::into(gender));
        st.exchange(soci::into(birth_year));
        st.exchange(soci::into(county));
        st.exchange(soci::into(cohort));
        st.exchange(soci::into(consent));
        st.exchange(soci::into(record_key));
    }
    std::size_t size() const { return award.size(); }
    void reset() {
        award.reset();
        resize_to_block(gender, county, cohort, birth_year, consent, record_key);
    }
};

struct OutcomeColumns {
    std::vector<std::string> survivor, status, profit, currency;
    std::vector<int> observed, jobs;

    OutcomeColumns() { reset(); }
    void bind(soci::statement& st) {
        st.exchange(soci::into(survivor));
        st.exchange(soci::into(observed));
        st.exchange(soci::into(status));
        st.exchange(soci::into(profit));
        st.exchange(soci::into(currency));
        st.exchange(soci::into(jobs));
    }
    std::size_t size() const { return survivor.size(); }
    void reset() { resize_to_block(survivor, observed, status, profit, currency, jobs); }
};

/// Postings summed per day, account and event, from postings added in any order.
class DaySums {
  public:
    void add(const NumberedPosting& p) { sums_[pack(p.day, p.account, p.event)] += p.amount; }
    /// The sums in order of day, then account and event in the order `names` first met
    /// them (the reports sum them up again by their own keys, so any fixed order would do;
    /// this one is the order they always came in).
    std::vector<reports::FundDaySum> finish(const PostingNames& names) && {
        std::vector<std::pair<std::uint64_t, ledger::Amount>> sorted(sums_.begin(), sums_.end());
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<reports::FundDaySum> sums;
        sums.reserve(sorted.size());
        for (const auto& [key, amount] : sorted) {
            sums.push_back({ledger::date_from_days(day_of(key)), names[first_of(key)],
                            names.event(second_of(key)), amount});
        }
        return sums;
    }

  private:
    std::unordered_map<std::uint64_t, ledger::Amount> sums_;
};

/// Award postings read in any order, each kept with a number for its award until the
/// awards are known (they may be read meanwhile on another connection), then given to
/// their awards in one go, summed per day, account and event.
class AwardPostingRows {
  public:
    /// Keeps `posting` if `award` names one.
    void add(std::string_view award, const NumberedPosting& posting) {
        if (award.empty())
            return;
        // Rows come an entry at a time: a row mostly names the award the one before did.
        if (award != last_award_) {
            last_award_.assign(award);
            last_number_ =
                numbers_.try_emplace(last_award_, static_cast<std::uint32_t>(numbers_.size()))
                    .first->second;
        }
        rows_.push_back(
            {last_number_, posting.day, posting.account, posting.event, posting.amount});
    }
    /// Gives each of `facts` (which have no postings yet) its postings, dropping those of
    /// other awards: one per day, account and event, ordered by day, then account and event
    /// as strings. `names` is what the read numbered the accounts and events in.
    void give_to(std::vector<reports::AwardFacts>& facts, const PostingNames& names) && {
        // Each award number's place in facts, looked up once per award, not per row. The
        // first of facts to have an id takes its postings.
        std::vector<std::size_t> fact_of(numbers_.size(), kNone);
        for (std::size_t i = 0; i < facts.size(); ++i) {
            const auto it = numbers_.find(facts[i].award.id);
            if (it != numbers_.end() && fact_of[it->second] == kNone)
                fact_of[it->second] = i;
        }
        // Each name's place in sorted order: keys made of places sort as the names do,
        // without comparing strings.
        std::vector<std::uint16_t> by_place(names.size());
        std::iota(by_place.begin(), by_place.end(), std::uint16_t{0});
        std::sort(by_place.begin(), by_place.end(),
                  [&](std::uint16_t a, std::uint16_t b) { return names[a] < names[b]; });
        std::vector<std::uint16_t> place(names.size());
        for (std::size_t p = 0; p < by_place.size(); ++p)
            place[by_place[p]] = static_cast<std::uint16_t>(p);
        // A counting sort puts each award's rows together, keyed.
        std::vector<std::size_t> start(facts.size() + 1);
        for (const auto& r : rows_) {
            if (fact_of[r.award] != kNone)
                ++start[fact_of[r.award] + 1];
        }
        std::partial_sum(start.begin(), start.end(), start.begin());
        std::vector<Keyed> keyed(start.back());
        std::vector<std::size_t> next(start.begin(), start.end() - 1);
        for (const auto& r : rows_) {
            if (const auto f = fact_of[r.award]; f != kNone)
                keyed[next[f]++] = {pack(r.day, place[r.account], place[r.event]), r.amount};
        }
        rows_ = {};  // freed before the postings are built
        for (std::size_t i = 0; i < facts.size(); ++i)
            group(keyed.begin() + start[i], keyed.begin() + start[i + 1], by_place, names,
                  facts[i].postings);
    }

  private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    struct Row {
        std::uint32_t award;
        std::int32_t day;
        std::uint16_t account;
        std::uint16_t event;
        ledger::Amount amount;
    };
    /// A row of an award as its key (day, account's place, event's place) and amount.
    struct Keyed {
        std::uint64_t key = 0;
        ledger::Amount amount;
    };
    using KeyedIt = std::vector<Keyed>::iterator;

    /// Sorts an award's keyed rows and appends to `postings` one posting per key, summing
    /// the rows that share it: one posting per award, day, account and event, as the
    /// report expects. The strings are made once per posting kept.
    static void group(KeyedIt first, KeyedIt last, const std::vector<std::uint16_t>& by_place,
                      const PostingNames& names, std::vector<reports::AwardPosting>& postings) {
        std::sort(first, last, [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
        std::size_t kept = 0;
        for (auto it = first; it != last; ++it)
            kept += it == first || it->key != (it - 1)->key;
        postings.reserve(postings.size() + kept);
        for (auto it = first; it != last;) {
            const auto key = it->key;
            ledger::Amount sum = it->amount;
            while (++it != last && it->key == key)
                sum += it->amount;
            postings.push_back({ledger::date_from_days(day_of(key)), names[by_place[first_of(key)]],
                                names.event(by_place[second_of(key)]), sum});
        }
    }

    std::vector<Row> rows_;
    std::unordered_map<std::string, std::uint32_t> numbers_;  ///< award id -> its number
    std::string last_award_;
    std::uint32_t last_number_ = 0;
};

/// The awards of `fund` (or every loan when it is empty) approved by `until`, each with its
/// survivor's facts and, for now, no postings.
std::vector<reports::AwardFacts> awards_with_survivors(soci::session& sql, const std::string& fund,
                                                       const std::string& until) {
    std::vector<reports::AwardFacts> facts;
    AwardSurvivorColumns c;
    fetch_rows(
        sql, std::string(AwardColumns::kSelect) + kAwardsWithSurvivors, c,
        [&](std::size_t i) {
            auto award = c.award.take(i);
            // The database's CHECK holds it in range; the reports rely on it (the cell key).
            if (!ledger::valid_record_key(c.record_key[i]))
                throw std::runtime_error("a survivor's record key is out of range");
            reports::SurvivorFacts survivor{award.survivor,         std::move(c.gender[i]),
                                            c.birth_year[i],        std::move(c.county[i]),
                                            std::move(c.cohort[i]), c.consent[i] != 0,
                                            c.record_key[i]};
            facts.push_back({std::move(award), std::move(survivor), {}});
        },
        fund, fund, until);
    return facts;
}

/// The fund's postings up to `until`, summed per day, account and event; those naming an
/// award are also kept in `awards` unless it is null. One pass serves both because every
/// posting that can move an award's figures is in the award's own fund: a posting of an
/// award event names an award of its fund (a trigger checks it; a reversal mirrors the
/// entry it reverses), and a posting of any other event moves an award's figures only on
/// loans receivable, where it must name a loan of its own fund (verify checks it). Reading
/// postings by award as well would cost an index probe per award for postings that cannot
/// count.
///
/// The accounts and events are numbered in `names`, which `awards` needs to give its
/// postings out.
std::vector<reports::FundDaySum> read_fund_postings(soci::session& sql, const std::string& fund,
                                                    const std::string& until, PostingNames& names,
                                                    AwardPostingRows* awards) {
    DaySums sums;
    read_postings(sql, kFundPostings, fund, until, names,
                  [&](std::string_view award, const NumberedPosting& posting) {
                      sums.add(posting);
                      if (awards != nullptr)
                          awards->add(award, posting);
                  });
    return std::move(sums).finish(names);
}

std::vector<reports::OutcomeFacts> outcomes(soci::session& sql, const std::string& fund,
                                            const std::string& until) {
    std::vector<reports::OutcomeFacts> outcomes;
    OutcomeColumns c;
    fetch_rows(
        sql, kOutcomes, c,
        [&](std::size_t i) {
            outcomes.push_back({std::move(c.survivor[i]), ledger::date_from_days(c.observed[i]),
                                std::move(c.status[i]), amount_from_text(c.profit[i]),
                                std::move(c.currency[i]), c.jobs[i]});
        },
        fund, until);
    return outcomes;
}

/// Every loan approved by `until`, with its postings up to `until`.
std::vector<reports::AwardFacts> loan_facts(soci::session& sql, const std::string& until) {
    auto facts = awards_with_survivors(sql, "", until);
    PostingNames names;
    AwardPostingRows postings;
    read_postings(sql, kLoanPostings, "", until, names,
                  [&](std::string_view award, const NumberedPosting& posting) {
                      postings.add(award, posting);
                  });
    std::move(postings).give_to(facts, names);
    return facts;
}

/// Settings for a report's reads, in its transaction.
void tune_for_report(soci::session& sql, const ReadLimits& limits) {
    // The planner prices these reads high enough to compile them, which costs more than it
    // saves on reads this short.
    sql << kNoJit;
    // Sized when a fund's postings were joined to their entries by a hash of the entries
    // (~40 MB for a loan fund at 100,000 survivors; a hash join that spilled to disk took
    // nearly twice as long). Postings now carry what that join fetched; the reads left hash
    // awards and survivors (the awards with their survivors, every loan with its postings
    // for the portfolio), which at that size also outgrow the default 4 MB.
    sql << kReportWorkMem;
    limit_statements(sql, limits);
}

/// Runs `read(sql)` on a pooled connection in the read-only snapshot of a report, whose
/// statements `limits` bound; a statement cancelled for running too long throws
/// QueryTimeout.
template <typename Read>
auto read_report(Pool& pool, const ReadLimits& limits, Read&& read) {
    return pool.impl().with_session([&](soci::session& sql) {
        return cancelled_as_timeout([&] {
            soci::transaction tx(sql);
            sql << kReadOnlySnapshot;
            tune_for_report(sql, limits);
            auto result = read(sql);
            tx.commit();
            return result;
        });
    });
}

/// A connection leased from the pool, given back when the lease ends.
class Lease {
  public:
    Lease(soci::connection_pool& pool, std::size_t pos) : pool_(&pool), pos_(pos) {}
    Lease(Lease&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), pos_(other.pos_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
        if (pool_ != nullptr)
            pool_->give_back(pos_);
    }
    soci::session& session() const { return pool_->at(pos_); }

  private:
    soci::connection_pool* pool_;
    std::size_t pos_;
};

/// A read that runs beside the report's own: on a second pooled connection, in the same
/// snapshot, on a thread of its own, so that the database works on two queries at once.
/// Without an idle connection in the pool, or if the second connection fails, the read
/// runs on the report's connection when its result is asked for.
template <typename Result>
class ReadBeside {
  public:
    ReadBeside(soci::connection_pool& pool, soci::session& sql, const ReadLimits& limits,
               std::function<Result(soci::session&)> read)
        : sql_(sql), read_(std::move(read)) {
        std::size_t pos = 0;
        if (!pool.try_lease(pos, 0))
            return;
        Lease lease(pool, pos);
        std::string snapshot;
        sql << kExportSnapshot, soci::into(snapshot);
        beside_ =
            std::async(std::launch::async, [lease = std::move(lease), snapshot, limits, this] {
                soci::session& side = lease.session();
                soci::transaction tx(side);
                side << kReadOnlySnapshot;
                side << kJoinSnapshot + sql_literal(snapshot);
                tune_for_report(side, limits);
                Result result = read_(side);
                tx.commit();
                return result;
            });
    }
    ReadBeside(const ReadBeside&) = delete;
    ReadBeside& operator=(const ReadBeside&) = delete;
    ~ReadBeside() {
        if (beside_.valid())
            beside_.wait();  // the thread uses this object
    }

    /// Call once, when the report's connection is free.
    Result get() {
        if (beside_.valid()) {
            try {
                return beside_.get();
            } catch (const soci::soci_error& error) {
                // The second connection failed (it may have died while idle in the pool);
                // the report's own connection reads in the same snapshot. A read that ran
                // out of time would only run out of it again.
                if (is_cancelled(error))
                    throw;
            }
        }
        return read_(sql_);
    }

  private:
    soci::session& sql_;
    std::function<Result(soci::session&)> read_;
    std::future<Result> beside_;
};

}  // namespace

std::optional<reports::DonorReportInput> ReportReads::donor_report_input(
    const std::string& fund_code, const ledger::Date& from, const ledger::Date& to) {
    const auto fund_record = Programme(*pool_).fund(fund_code);
    if (!fund_record)
        return std::nullopt;
    return read_report(*pool_, limits_, [&](soci::session& sql) {
        reports::DonorReportInput in;
        in.fund = fund_record->code;
        in.fund_name = fund_record->name;
        in.donor = fund_record->donor;
        in.currency = fund_record->currency;
        in.committed = fund_record->committed;
        in.from = from;
        in.to = to;
        const std::string until = ledger::format_date(to);
        // The awards and outcomes are read beside the fund's postings, the longest read.
        struct AwardsAndOutcomes {
            std::vector<reports::AwardFacts> awards;
            std::vector<reports::OutcomeFacts> outcomes;
        };
        ReadBeside<AwardsAndOutcomes> beside(
            pool_->impl().pool, sql, limits_, [&](soci::session& s) {
                return AwardsAndOutcomes{awards_with_survivors(s, fund_code, until),
                                         outcomes(s, fund_code, until)};
            });
        PostingNames names;
        AwardPostingRows postings;
        in.fund_sums = read_fund_postings(sql, fund_code, until, names, &postings);
        auto read_beside = beside.get();
        in.awards = std::move(read_beside.awards);
        in.outcomes = std::move(read_beside.outcomes);
        std::move(postings).give_to(in.awards, names);
        return std::optional(std::move(in));
    });
}

reports::PortfolioInput ReportReads::portfolio_input(const ledger::Date& as_of) {
    return read_report(*pool_, limits_, [&](soci::session& sql) {
        return reports::PortfolioInput{as_of, loan_facts(sql, ledger::format_date(as_of))};
    });
}

std::vector<reports::FundDaySum> ReportReads::fund_day_sums(const std::string& fund,
                                                            const ledger::Date& to) {
    return read_report(*pool_, limits_, [&](soci::session& sql) {
        PostingNames names;
        return read_fund_postings(sql, fund, ledger::format_date(to), names, nullptr);
    });
}

std::string ReportReads::donor_name(const std::string& code) {
    return pool_->impl().with_session([&](soci::session& sql) {
        std::string name;
        sql << kSelectDonorName, soci::use(code), soci::into(name);
        return sql.got_data() ? name : std::string();
    });
}

}  // namespace riziki::db
