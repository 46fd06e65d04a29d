// What reports read: one query set per report, in one snapshot.
//
// A report reads tens of thousands of rows, so every read here fetches a block of rows at
// a time into column vectors (SOCI's generic row API cost more than the report itself),
// dates come as days since 1970 instead of text, and the event a reversal counts under is
// looked up for reversals only instead of joining every posting to entries a second time.

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "db/awards_sql.hpp"
#include "db/store_impl.hpp"

namespace riziki::db {

namespace {

constexpr std::size_t kBlock = 4096;

// In the three posting reads below, a reversal counts under the event of the entry it
// reverses.

constexpr const char* kFundDaySums = R"(
SELECT e.effective_on - DATE '1970-01-01', p.account,
       CASE WHEN e.reverses IS NULL THEN e.event
            ELSE (SELECT o.event FROM entries o WHERE o.seq = e.reverses) END,
       sum(p.amount_minor)::text
FROM postings p JOIN entries e ON e.seq = p.entry_seq
WHERE p.fund = :f AND e.effective_on <= CAST(:to AS date)
GROUP BY 1, 2, 3)";

// Every posting of the fund, with the award it names ('' for none).
constexpr const char* kFundPostings = R"(
SELECT COALESCE(p.award, ''), e.effective_on - DATE '1970-01-01', p.account,
       CASE WHEN e.reverses IS NULL THEN e.event
            ELSE (SELECT o.event FROM entries o WHERE o.seq = e.reverses) END,
       p.amount_minor::text
FROM postings p JOIN entries e ON e.seq = p.entry_seq
WHERE p.fund = :f AND e.effective_on <= CAST(:to AS date))";

// Every posting of every loan.
constexpr const char* kLoanPostings = R"(
SELECT p.award, e.effective_on - DATE '1970-01-01', p.account,
       CASE WHEN e.reverses IS NULL THEN e.event
            ELSE (SELECT o.event FROM entries o WHERE o.seq = e.reverses) END,
       p.amount_minor::text
FROM awards a JOIN postings p ON p.award = a.id JOIN entries e ON e.seq = p.entry_seq
WHERE a.kind = 'loan' AND e.effective_on <= CAST(:to AS date))";

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

struct PostingColumns {
    std::vector<std::string> award, account, event, amount;
    std::vector<int> day;

    PostingColumns() { reset(); }
    void bind(soci::statement& st) {
        st.exchange(soci::into(award));
        st.exchange(soci::into(day));
        st.exchange(soci::into(account));
        st.exchange(soci::into(event));
        st.exchange(soci::into(amount));
    }
    std::size_t size() const { return award.size(); }
    void reset() { resize_to_block(award, day, account, event, amount); }
    reports::AwardPosting take(std::size_t i) {
        return {ledger::date_from_days(day[i]), std::move(account[i]), std::move(event[i]),
                amount_from_text(amount[i])};
    }
};

struct DaySumColumns {
    std::vector<int> day;
    std::vector<std::string> account, event, amount;

    DaySumColumns() { reset(); }
    void bind(soci::statement& st) {
        st.exchange(soci::into(day));
        st.exchange(soci::into(account));
        st.exchange(soci::into(event));
        st.exchange(soci::into(amount));
    }
    std::size_t size() const { return day.size(); }
    void reset() { resize_to_block(day, account, event, amount); }
};

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

/// Gives postings read in any order to their awards. They wait in one vector while rows
/// arrive and move to their awards at the end, each award's vector allocated once: growing
/// thousands of small vectors a posting at a time cost more than reading the postings.
class AwardPostings {
  public:
    explicit AwardPostings(std::vector<reports::AwardFacts>& facts) : facts_(facts) {
        index_.reserve(facts.size());
        for (std::size_t i = 0; i < facts.size(); ++i)
            index_.emplace(facts[i].award.id, i);
    }
    /// Keeps `posting` for `award` if it is one of the awards (else drops it).
    void add(const std::string& award, reports::AwardPosting&& posting) {
        // Rows come an entry at a time, so a row mostly names the award the last one did.
        if (award != last_award_) {
            const auto it = index_.find(award);
            last_ = it == index_.end() ? kNone : it->second;
            last_award_ = award;
        }
        if (last_ != kNone)
            rows_.emplace_back(last_, std::move(posting));
    }
    /// Moves the postings to their awards, one per award, day, account and event.
    void finish() && {
        std::vector<std::size_t> counts(facts_.size());
        for (const auto& row : rows_)
            ++counts[row.first];
        for (std::size_t i = 0; i < facts_.size(); ++i)
            facts_[i].postings.reserve(facts_[i].postings.size() + counts[i]);
        for (auto& [award, posting] : rows_)
            facts_[award].postings.push_back(std::move(posting));
        for (auto& f : facts_)
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

    std::vector<reports::AwardFacts>& facts_;
    std::unordered_map<std::string, std::size_t> index_;
    std::string last_award_;
    std::size_t last_ = kNone;
    std::vector<std::pair<std::size_t, reports::AwardPosting>> rows_;
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

std::vector<reports::FundDaySum> fund_day_sums(soci::session& sql, const std::string& fund,
                                               const std::string& until) {
    std::vector<reports::FundDaySum> sums;
    DaySumColumns c;
    fetch_rows(
        sql, kFundDaySums, c,
        [&](std::size_t i) {
            sums.push_back({ledger::date_from_days(c.day[i]), std::move(c.account[i]),
                            std::move(c.event[i]), amount_from_text(c.amount[i])});
        },
        fund, until);
    return sums;
}

/// The fund's postings up to `until`: summed per day, account and event into `in.fund_sums`,
/// and those naming one of `in.awards` given to that award. One pass serves both because
/// every posting that can move an award's figures is in the award's own fund: a posting of
/// an award event names an award of its fund (a trigger checks it; a reversal mirrors the
/// entry it reverses), and a posting of any other event moves an award's figures only on
/// loans receivable, where it must name a loan of its own fund (verify checks it). Reading
/// postings by award as well would cost an index probe per award for postings that cannot
/// count.
void read_fund_postings(soci::session& sql, const std::string& fund, const std::string& until,
                        reports::DonorReportInput& in) {
    DaySums sums;
    AwardPostings postings(in.awards);
    PostingColumns c;
    fetch_rows(
        sql, kFundPostings, c,
        [&](std::size_t i) {
            auto posting = c.take(i);
            sums.add(posting);
            postings.add(c.award[i], std::move(posting));
        },
        fund, until);
    in.fund_sums = std::move(sums).finish();
    std::move(postings).finish();
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
    AwardPostings postings(facts);
    PostingColumns c;
    fetch_rows(
        sql, kLoanPostings, c, [&](std::size_t i) { postings.add(c.award[i], c.take(i)); }, until);
    std::move(postings).finish();
    return facts;
}

/// Starts the read-only snapshot a report reads in.
void begin_report(soci::session& sql) {
    sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    // The planner prices these reads high enough to compile them, which costs more than it
    // saves on reads this short.
    sql << "SET LOCAL jit = off";
    // The join of a fund's postings to their entries hashes the entries: ~40 MB for a loan
    // fund at 100,000 survivors, far beyond the default 4 MB, and a hash join that spills
    // to disk takes nearly twice as long (82 ms against 47 ms at 12,000 survivors with
    // work_mem cut to match).
    sql << "SET LOCAL work_mem = '64MB'";
}

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
        in.awards = awards_with_survivors(sql, fund_code, until);
        read_fund_postings(sql, fund_code, until, in);
        in.outcomes = outcomes(sql, fund_code, until);
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
    return impl_->with_session(
        [&](soci::session& sql) { return db::fund_day_sums(sql, fund, ledger::format_date(to)); });
}

std::string Store::donor_name(const std::string& code) {
    return impl_->with_session([&](soci::session& sql) {
        std::string name;
        sql << "SELECT name FROM donors WHERE code = :c", soci::use(code), soci::into(name);
        return sql.got_data() ? name : std::string();
    });
}

}  // namespace riziki::db
