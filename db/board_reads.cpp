// What the awards list and the dashboards read (SPEC §13). The awards list sorts and
// filters by the list keys the writer keeps for each award (migration 0025, db/award_keys),
// then reads the page's awards and figures the way GET /v1/awards/{id} does.

#include "db/board_reads.hpp"

#include <set>
#include <stdexcept>

#include "db/awards_sql.hpp"
#include "db/common_sql.hpp"
#include "db/pool_impl.hpp"
#include "db/sql.hpp"
#include "db/timed_read.hpp"

namespace riziki::db {

namespace {

// The awards list: one of three orders, each a keyset read of an index of migration 0023
// (by approval, by id) or 0025 (late loans, on award_list_keys). Filters are appended only
// when given, so each read is planned for the filters it has; a fund is filtered on the
// table whose index gives the order.
constexpr const char* kAwardKeys =
    "SELECT a.id, a.approved_on::text, k.oldest_unpaid_due_on::text FROM awards a "
    "JOIN award_list_keys k ON k.award = a.id WHERE true";
constexpr const char* kByFund = " AND a.fund = :fund";
constexpr const char* kByKeysFund = " AND k.fund = :fund";
constexpr const char* kBySurvivor = " AND a.survivor = :survivor";
constexpr const char* kByKind = " AND a.kind = :kind";
constexpr const char* kByStatus = " AND a.status = :status";
// Newest approval first.
constexpr const char* kApprovedAfter = " AND (a.approved_on, a.id) < (CAST(:day AS date), :id)";
constexpr const char* kApprovedOrder = " ORDER BY a.approved_on DESC, a.id DESC LIMIT :n";
// Late loans: oldest unpaid due date first (the most days late), each on or before :by.
constexpr const char* kLateBy = " AND k.oldest_unpaid_due_on <= CAST(:by AS date)";
constexpr const char* kLateAfter =
    " AND (k.oldest_unpaid_due_on, k.award) > (CAST(:day AS date), :id)";
constexpr const char* kLateOrder = " ORDER BY k.oldest_unpaid_due_on, k.award LIMIT :n";
// Then every award not late on :today (0 days), by id.
constexpr const char* kNotLate =
    " AND (k.oldest_unpaid_due_on IS NULL OR k.oldest_unpaid_due_on > CAST(:today AS date))";
constexpr const char* kIdAfter = " AND a.id > :id";
constexpr const char* kIdOrder = " ORDER BY a.id LIMIT :n";

// Each fund's money in and out of its cash accounts in a date range (index
// postings_cash_by_day of migration 0023), beside its cash.
constexpr const char* kFundMonth = R"(
SELECT f.code, f.currency,
       COALESCE(sum(p.amount_minor) FILTER (WHERE p.amount_minor > 0), 0)::text,
       COALESCE(-sum(p.amount_minor) FILTER (WHERE p.amount_minor < 0), 0)::text
FROM funds f
LEFT JOIN postings p ON p.fund = f.code AND p.account IN ('1010', '1020', '1030')
                    AND p.effective_on BETWEEN CAST(:from AS date) AND CAST(:to AS date)
GROUP BY f.code, f.currency ORDER BY f.code)";

constexpr const char* kLateLoans = R"(
SELECT a.currency, k.oldest_unpaid_due_on::text, count(*)
FROM award_list_keys k JOIN awards a ON a.id = k.award
WHERE k.oldest_unpaid_due_on < CAST(:today AS date)
GROUP BY 1, 2 ORDER BY 1, 2)";

constexpr const char* kCommitments = R"(
SELECT f.code, f.currency, COALESCE(f.committed_minor, 0)::text
FROM unnest(CAST(:funds AS text[])) AS x(code) JOIN funds f ON f.code = x.code
ORDER BY f.code)";

// The action is written out so the partial index audit_log_verified (migration 0025) serves.
constexpr const char* kLastVerify = R"(
SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), actor, detail
FROM audit_log WHERE action = 'audit.verify' ORDER BY seq DESC LIMIT 1)";

// Qualified in ORDER BY: a bare `enrolled_on` is the text output column (see kOutcomes).
constexpr const char* kEnrolmentsBy = R"(
SELECT code, cohort, enrolled_on::text FROM survivors WHERE recorded_by = :actor
ORDER BY survivors.enrolled_on DESC, survivors.code DESC LIMIT :n)";

constexpr const char* kEnrolmentCount = "SELECT count(*) FROM survivors WHERE recorded_by = :a";

// A survivor's first funding is their awards' earliest first disbursement (kept for each
// award, migration 0025); the outcomes are those observed since.
constexpr const char* kFollowUpCandidates = R"(
SELECT s.code, f.first::text,
       COALESCE((SELECT string_agg(o.observed_on::text, ',' ORDER BY o.observed_on)
                 FROM outcomes o WHERE o.survivor = s.code AND o.observed_on >= f.first), '')
FROM survivors s
CROSS JOIN LATERAL (SELECT min(k.first_disbursed_on) AS first FROM awards a
                    JOIN award_list_keys k ON k.award = a.id WHERE a.survivor = s.code) f
WHERE s.recorded_by = :actor AND s.consent_follow_up
  AND f.first BETWEEN CAST(:from AS date) AND CAST(:to AS date)
ORDER BY f.first, s.code)";

constexpr const char* kRecordCounts = R"(
SELECT 'donors', count(*) FROM donors UNION ALL SELECT 'funds', count(*) FROM funds
UNION ALL SELECT 'cohorts', count(*) FROM cohorts
UNION ALL SELECT 'survivors', count(*) FROM survivors
UNION ALL SELECT 'awards', count(*) FROM awards)";

ledger::Date date_of(const std::string& text) {
    const auto day = ledger::parse_date(text);
    if (!day)
        throw std::runtime_error("stored date out of range");
    return *day;
}

/// A query text and the values of its placeholders, in order.
struct Statement {
    std::string text;
    std::vector<std::string> values;
    void add(const char* fragment, std::initializer_list<std::string> given) {
        text += fragment;
        values.insert(values.end(), given);
    }
};

/// The list's filters, in the order their placeholders appear.
void add_filters(Statement& st, const AwardListQuery& q, const char* by_fund = kByFund) {
    if (!q.fund.empty())
        st.add(by_fund, {q.fund});
    if (!q.survivor.empty())
        st.add(kBySurvivor, {q.survivor});
    if (!q.kind.empty())
        st.add(kByKind, {q.kind});
    if (!q.status.empty())
        st.add(kByStatus, {q.status});
}

struct KeyRow {
    std::string id;
    ledger::Date approved_on;
    std::optional<ledger::Date> unpaid;
};

std::vector<KeyRow> read_keys(soci::session& sql, const Statement& st) {
    soci::details::prepare_temp_type prepared = (sql.prepare << st.text);
    for (const auto& value : st.values)
        prepared, soci::use(value);
    soci::rowset<soci::row> rows(prepared);
    std::vector<KeyRow> out;
    for (const auto& row : rows) {
        KeyRow key{row.get<std::string>(0), date_of(row.get<std::string>(1)), std::nullopt};
        if (row.get_indicator(2) == soci::i_ok)
            key.unpaid = date_of(row.get<std::string>(2));
        out.push_back(std::move(key));
    }
    return out;
}

/// The page's ids and keys in the query's order (at most limit + 1).
std::vector<KeyRow> award_keys(soci::session& sql, const AwardListQuery& q) {
    const std::string n = std::to_string(q.limit + 1);
    const std::string today = ledger::format_date(q.today);
    if (q.sort == AwardListQuery::Sort::approved_on) {
        Statement st{kAwardKeys, {}};
        add_filters(st, q);
        if (q.unpaid_due_by)
            st.add(kLateBy, {ledger::format_date(*q.unpaid_due_by)});
        if (!q.after.empty())
            st.add(kApprovedAfter, {q.after[0], q.after[1]});
        st.add(kApprovedOrder, {n});
        return read_keys(sql, st);
    }
    // By days late: the late loans (unless the cursor is past them), then the rest.
    std::vector<KeyRow> out;
    const bool past_late = !q.after.empty() && q.after[0].empty();
    if (!past_late) {
        Statement st{kAwardKeys, {}};
        add_filters(st, q, kByKeysFund);
        st.add(kLateBy, {q.unpaid_due_by ? ledger::format_date(*q.unpaid_due_by) : today});
        if (!q.after.empty())
            st.add(kLateAfter, {q.after[0], q.after[1]});
        st.add(kLateOrder, {n});
        out = read_keys(sql, st);
    }
    if (q.unpaid_due_by || out.size() > q.limit)
        return out;  // only late loans asked for, or the page is full
    Statement st{kAwardKeys, {}};
    add_filters(st, q);
    st.add(kNotLate, {today});
    if (past_late)
        st.add(kIdAfter, {q.after[1]});
    st.add(kIdOrder, {std::to_string(q.limit + 1 - out.size())});
    for (auto& row : read_keys(sql, st))
        out.push_back(std::move(row));
    return out;
}

/// Runs `read(sql)` on a pooled connection in one read-only snapshot, its statements
/// bounded by `limits`.
template <typename Read>
auto read_snapshot(Pool& pool, const ReadLimits& limits, Read&& read) {
    return pool.impl().with_session([&](soci::session& sql) {
        return cancelled_as_timeout([&] {
            soci::transaction tx(sql);
            sql << kReadOnlySnapshot;
            limit_statements(sql, limits);
            auto result = read(sql);
            tx.commit();
            return result;
        });
    });
}

}  // namespace

std::vector<AwardListRow> BoardReads::awards(const AwardListQuery& query) {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        const auto keys = award_keys(sql, query);
        std::set<std::string> ids;
        for (const auto& key : keys)
            ids.insert(key.id);
        auto awards = select_awards(sql, ids);
        auto figures = select_award_figures(sql, ids);
        std::vector<AwardListRow> rows;
        for (const auto& key : keys)
            rows.push_back({std::move(awards.at(key.id)), figures[key.id], key.unpaid});
        return rows;
    });
}

std::vector<FundCashLine> BoardReads::fund_cash(const ledger::Date& from, const ledger::Date& to) {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        const std::string first = ledger::format_date(from), last = ledger::format_date(to);
        std::vector<FundCashLine> lines;
        std::set<std::string> funds;
        soci::rowset<soci::row> rows =
            (sql.prepare << kFundMonth, soci::use(first), soci::use(last));
        for (const auto& row : rows) {
            lines.push_back({row.get<std::string>(0), row.get<std::string>(1), 0,
                             amount_from_text(row.get<std::string>(2)),
                             amount_from_text(row.get<std::string>(3))});
            funds.insert(lines.back().fund);
        }
        const auto cash = select_fund_cash(sql, funds);
        for (auto& line : lines)
            line.cash = cash.at(line.fund);
        return lines;
    });
}

std::vector<LateLoans> BoardReads::late_loans(const ledger::Date& today) {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        const std::string day = ledger::format_date(today);
        std::vector<LateLoans> out;
        soci::rowset<soci::row> rows = (sql.prepare << kLateLoans, soci::use(day));
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), date_of(row.get<std::string>(1)),
                           static_cast<long>(row.get<long long>(2))});
        }
        return out;
    });
}

std::vector<FundProgress> BoardReads::fund_progress(const std::vector<std::string>& funds) {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        ArrayLiteral array;
        for (const auto& fund : funds)
            array.add(fund);
        const std::string codes = std::move(array).finish();
        std::vector<FundProgress> out;
        soci::rowset<soci::row> rows = (sql.prepare << kCommitments, soci::use(codes));
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0),
                           row.get<std::string>(1),
                           amount_from_text(row.get<std::string>(2)),
                           {}});
        }
        for (auto& line : out)
            line.figures = select_fund_figures(sql, line.fund, std::nullopt);
        return out;
    });
}

std::optional<AuditMark> BoardReads::last_verify() {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) -> std::optional<AuditMark> {
        AuditMark mark;
        sql << kLastVerify, soci::into(mark.at), soci::into(mark.actor), soci::into(mark.detail);
        if (!sql.got_data())
            return std::nullopt;
        return mark;
    });
}

std::vector<Enrolment> BoardReads::enrolments_by(const std::string& actor, std::size_t limit) {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        const long long n = static_cast<long long>(limit);
        std::vector<Enrolment> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << kEnrolmentsBy, soci::use(actor), soci::use(n));
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), row.get<std::string>(1),
                           date_of(row.get<std::string>(2))});
        }
        return out;
    });
}

long BoardReads::enrolment_count(const std::string& actor) {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        long long count = 0;
        sql << kEnrolmentCount, soci::use(actor), soci::into(count);
        return static_cast<long>(count);
    });
}

std::vector<FollowUpCandidate> BoardReads::follow_up_candidates(const std::string& actor,
                                                                const ledger::Date& from,
                                                                const ledger::Date& to) {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        const std::string first = ledger::format_date(from), last = ledger::format_date(to);
        std::vector<FollowUpCandidate> out;
        soci::rowset<soci::row> rows = (sql.prepare << kFollowUpCandidates, soci::use(actor),
                                        soci::use(first), soci::use(last));
        for (const auto& row : rows) {
            FollowUpCandidate c{row.get<std::string>(0), date_of(row.get<std::string>(1)), {}};
            const auto seen = row.get<std::string>(2);
            for (std::size_t at = 0; at < seen.size(); at += 11)
                c.observed_on.push_back(date_of(seen.substr(at, 10)));
            out.push_back(std::move(c));
        }
        return out;
    });
}

std::vector<std::pair<std::string, long>> BoardReads::record_counts() {
    return read_snapshot(*pool_, limits_, [&](soci::session& sql) {
        std::vector<std::pair<std::string, long>> out;
        soci::rowset<soci::row> rows = (sql.prepare << kRecordCounts);
        for (const auto& row : rows)
            out.emplace_back(row.get<std::string>(0), static_cast<long>(row.get<long long>(1)));
        return out;
    });
}

}  // namespace riziki::db
