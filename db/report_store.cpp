// What reports read: one query set per report, in one snapshot.
//
// A report reads tens of thousands of rows, so every read here fetches a block of rows at
// a time into column vectors rather than a row at a time through SOCI's generic row API,
// dates come as days since 1970 instead of text, and postings are read with the day and
// event they carry, with no join to entries.

#include <algorithm>
#include <functional>
#include <future>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "db/awards_sql.hpp"
#include "db/copy_stream.hpp"
#include "db/store_impl.hpp"

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

/// Runs one of the posting reads above for `fund` and `until`, calling `row(award,
/// posting)` for each posting (award empty when it names none).
template <typename Row>
void read_postings(soci::session& sql, std::string query, const std::string& fund,
                   const std::string& until, const Row& row) {
    // The fund last: no later replacement may look inside the text it brings.
    for (const auto& [mark, value] : {std::pair{"%2", until}, std::pair{"%1", fund}}) {
        if (const auto at = query.find(mark); at != std::string::npos)
            query.replace(at, 2, sql_literal(value));
    }
    CopyStream rows(sql, query);
    while (rows.next()) {
        row(std::string(rows.bytes(0)),
            reports::AwardPosting{rows.date(1), std::string(rows.bytes(2)),
                                  std::string(rows.bytes(3)), rows.amount(4)});
    }
}

// After AwardColumns::kSelect: the awards with their survivors, in no particular order
// (the reports only sum over awards).
constexpr const char* kAwardsWithSurvivors = R"(,
       s.gender, s.birth_year, s.county, s.cohort,
       CASE WHEN s.consent_donor_reporting THEN 1 ELSE 0 END
FROM awards a JOIN survivors s ON s.code = a.survivor
WHERE (a.fund = :f OR (:f = '' AND a.kind = 'loan')) AND a.approved_on <= CAST(:to AS date))";

constexpr const char* kOutcomes = R"(
SELECT o.survivor, o.observed_on - DATE '1970-01-01', o.business_status,
       o.monthly_profit_minor::text, o.currency, o.jobs
FROM outcomes o
WHERE o.survivor IN (SELECT survivor FROM awards WHERE fund = :f)
  AND o.observed_on <= CAST(:to AS date))";

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
    std::vector<int> birth_year, consent;

    AwardSurvivorColumns() { resize_to_block(gender, county, cohort, birth_year, consent); }
    void bind(soci::statement& st) {
        award.bind(st);
        st.exchange(soci::into(gender));
        st.exchange(soci::into(birth_year));
        st.exchange(soci::into(county));
        st.exchange(soci::into(cohort));
        st.exchange(soci::into(consent));
    }
    std::size_t size() const { return award.size(); }
    void reset() {
        award.reset();
        resize_to_block(gender, county, cohort, birth_year, consent);
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
    void add(const reports::AwardPosting& p) {
        // A fund's postings use a handful of accounts and events: key on their numbers.
        sums_[{ledger::days_since_epoch(p.day), number_of(p.account), number_of(p.event)}] +=
            p.amount;
    }
    std::vector<reports::FundDaySum> finish() && {
        std::vector<reports::FundDaySum> sums;
        sums.reserve(sums_.size());
        for (const auto& [key, amount] : sums_) {
            const auto& [day, account, event] = key;
            sums.push_back({ledger::date_from_days(day), names_[account], names_[event], amount});
        }
        return sums;
    }

  private:
    std::size_t number_of(const std::string& name) {
        const auto it = std::find(names_.begin(), names_.end(), name);
        if (it != names_.end())
            return static_cast<std::size_t>(it - names_.begin());
        names_.push_back(name);
        return names_.size() - 1;
    }

    std::vector<std::string> names_;
    std::map<std::tuple<long, std::size_t, std::size_t>, ledger::Amount> sums_;
};

/// Award postings read in any order, each kept with its award's id until the awards are
/// known (they may be read meanwhile on another connection), then given to their awards in
/// one go: each award's vector is allocated once instead of growing a posting at a time.
class AwardPostingRows {
  public:
    void add(std::string award, reports::AwardPosting&& posting) {
        if (!award.empty())
            rows_.push_back({std::move(award), std::move(posting)});
    }
    /// Gives each of `facts` its postings (dropping those of other awards), one per day,
    /// account and event.
    void give_to(std::vector<reports::AwardFacts>& facts) && {
        std::unordered_map<std::string, std::size_t> index;
        index.reserve(facts.size());
        for (std::size_t i = 0; i < facts.size(); ++i)
            index.emplace(facts[i].award.id, i);
        std::vector<std::size_t> award_of(rows_.size(), kNone);
        std::vector<std::size_t> counts(facts.size());
        for (std::size_t r = 0; r < rows_.size(); ++r) {
            // Rows come an entry at a time: a row mostly names the award the one before did.
            if (r > 0 && rows_[r].award == rows_[r - 1].award) {
                award_of[r] = award_of[r - 1];
            } else if (const auto it = index.find(rows_[r].award); it != index.end()) {
                award_of[r] = it->second;
            }
            if (award_of[r] != kNone)
                ++counts[award_of[r]];
        }
        for (std::size_t i = 0; i < facts.size(); ++i)
            facts[i].postings.reserve(facts[i].postings.size() + counts[i]);
        for (std::size_t r = 0; r < rows_.size(); ++r) {
            if (award_of[r] != kNone)
                facts[award_of[r]].postings.push_back(std::move(rows_[r].posting));
        }
        for (auto& f : facts)
            group(f.postings);
    }

  private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    /// Sorts an award's postings by day, account and event, summing those that share all
    /// three: one posting per award, day, account and event, as the report expects.
    static void group(std::vector<reports::AwardPosting>& postings) {
        const auto key = [](const reports::AwardPosting& p) {
            return std::tie(p.day, p.account, p.event);
        };
        std::sort(postings.begin(), postings.end(),
                  [&](const auto& a, const auto& b) { return key(a) < key(b); });
        std::size_t kept = 0;
        for (std::size_t i = 0; i < postings.size(); ++i) {
            if (kept > 0 && key(postings[kept - 1]) == key(postings[i])) {
                postings[kept - 1].amount += postings[i].amount;
            } else {
                if (kept != i)
                    postings[kept] = std::move(postings[i]);
                ++kept;
            }
        }
        postings.resize(kept);
    }

    struct Row {
        std::string award;
        reports::AwardPosting posting;
    };
    std::vector<Row> rows_;
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
            reports::SurvivorFacts survivor{award.survivor,         std::move(c.gender[i]),
                                            c.birth_year[i],        std::move(c.county[i]),
                                            std::move(c.cohort[i]), c.consent[i] != 0};
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
std::vector<reports::FundDaySum> read_fund_postings(soci::session& sql, const std::string& fund,
                                                    const std::string& until,
                                                    AwardPostingRows* awards) {
    DaySums sums;
    read_postings(sql, kFundPostings, fund, until,
                  [&](std::string award, reports::AwardPosting&& posting) {
                      sums.add(posting);
                      if (awards != nullptr)
                          awards->add(std::move(award), std::move(posting));
                  });
    return std::move(sums).finish();
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
    AwardPostingRows postings;
    read_postings(sql, kLoanPostings, "", until,
                  [&](std::string award, reports::AwardPosting&& posting) {
                      postings.add(std::move(award), std::move(posting));
                  });
    std::move(postings).give_to(facts);
    return facts;
}

/// Settings for a report's reads.
void tune_for_report(soci::session& sql) {
    // The planner prices these reads high enough to compile them, which costs more than it
    // saves on reads this short.
    sql << "SET LOCAL jit = off";
    // The join of a fund's postings to their entries hashes the entries: ~40 MB for a loan
    // fund at 100,000 survivors, far beyond the default 4 MB, and a hash join that spills
    // to disk takes nearly twice as long (82 ms against 47 ms at 12,000 survivors with
    // work_mem cut to match).
    sql << "SET LOCAL work_mem = '64MB'";
}

/// Starts the read-only snapshot a report reads in.
void begin_report(soci::session& sql) {
    sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    tune_for_report(sql);
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
    ReadBeside(soci::connection_pool& pool, soci::session& sql,
               std::function<Result(soci::session&)> read)
        : sql_(sql), read_(std::move(read)) {
        std::size_t pos = 0;
        if (!pool.try_lease(pos, 0))
            return;
        Lease lease(pool, pos);
        std::string snapshot;
        sql << "SELECT pg_export_snapshot()", soci::into(snapshot);
        beside_ = std::async(std::launch::async, [lease = std::move(lease), snapshot, this] {
            soci::session& side = lease.session();
            soci::transaction tx(side);
            side << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
            side << "SET TRANSACTION SNAPSHOT '" + snapshot + "'";
            tune_for_report(side);
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
            } catch (const soci::soci_error&) {
                // The second connection failed (it may have died while idle in the pool);
                // the report's own connection reads in the same snapshot.
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

std::optional<reports::DonorReportInput> Store::donor_report_input(const std::string& fund_code,
                                                                   const ledger::Date& from,
                                                                   const ledger::Date& to) {
    const auto fund_record = fund(fund_code);
    if (!fund_record)
        return std::nullopt;
    return impl_->with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        begin_report(sql);
        reports::DonorReportInput in;
        in.fund = fund_record->code;
        in.fund_name = fund_record->name;
        in.donor = fund_record->donor;
        in.currency = fund_record->currency;
        in.from = from;
        in.to = to;
        const std::string until = ledger::format_date(to);
        // The awards and outcomes are read beside the fund's postings, the longest read.
        struct AwardsAndOutcomes {
            std::vector<reports::AwardFacts> awards;
            std::vector<reports::OutcomeFacts> outcomes;
        };
        ReadBeside<AwardsAndOutcomes> beside(impl_->pool, sql, [&](soci::session& s) {
            return AwardsAndOutcomes{awards_with_survivors(s, fund_code, until),
                                     outcomes(s, fund_code, until)};
        });
        AwardPostingRows postings;
        in.fund_sums = read_fund_postings(sql, fund_code, until, &postings);
        auto read_beside = beside.get();
        in.awards = std::move(read_beside.awards);
        in.outcomes = std::move(read_beside.outcomes);
        std::move(postings).give_to(in.awards);
        tx.commit();
        return std::optional(std::move(in));
    });
}

reports::PortfolioInput Store::portfolio_input(const ledger::Date& as_of) {
    return impl_->with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        begin_report(sql);
        reports::PortfolioInput in{as_of, loan_facts(sql, ledger::format_date(as_of))};
        tx.commit();
        return in;
    });
}

std::vector<reports::FundDaySum> Store::fund_day_sums(const std::string& fund,
                                                      const ledger::Date& to) {
    return impl_->with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        begin_report(sql);
        auto sums = read_fund_postings(sql, fund, ledger::format_date(to), nullptr);
        tx.commit();
        return sums;
    });
}

std::string Store::donor_name(const std::string& code) {
    return impl_->with_session([&](soci::session& sql) {
        std::string name;
        sql << "SELECT name FROM donors WHERE code = :c", soci::use(code), soci::into(name);
        return sql.got_data() ? name : std::string();
    });
}

}  // namespace riziki::db
