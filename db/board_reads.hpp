#pragma once
/// What the awards list and the dashboards read (SPEC §13), on a borrowed db::Pool, each
/// statement within the ReadLimits given. Nothing here reads PII.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/read_limits.hpp"
#include "ledger/awards.hpp"

namespace riziki::db {

/// GET /v1/awards: filters ("" or nullopt for any), order and page.
struct AwardListQuery {
    enum class Sort : std::uint8_t { approved_on, days_late };
    std::string fund, survivor, kind, status;
    /// Only loans whose oldest unpaid installment fell due on or before this day (the
    /// handler's today - min_days_late).
    std::optional<ledger::Date> unpaid_due_by;
    Sort sort = Sort::approved_on;
    ledger::Date today;  ///< days late are counted to this day
    /// The keyset of the last row of the previous page, empty for the first page:
    /// approved_on: {approved_on, id} (newest first); days_late: {oldest unpaid due date,
    /// or "" once past the late loans, id} (longest late first, then the rest by id).
    std::vector<std::string> after;
    std::size_t limit = 100;
};

/// One row of the list: the award as stored, its figures from all its postings, and its
/// stored list key.
struct AwardListRow {
    ledger::Award award;
    ledger::AwardFigures figures;
    std::optional<ledger::Date> oldest_unpaid_due_on;
};

/// A fund's line on the finance dashboard: its cash and this month's money in and out of
/// its cash accounts (1010, 1020, 1030).
struct FundCashLine {
    std::string fund;
    std::string currency;
    ledger::Amount cash = 0;
    ledger::Amount month_in = 0;   ///< debits to cash accounts dated in the month
    ledger::Amount month_out = 0;  ///< credits to them, as a positive amount
};

/// How many active loans of a currency have their oldest unpaid installment due on `due_on`.
struct LateLoans {
    std::string currency;
    ledger::Date due_on;
    long loans = 0;
};

/// A fund's line on a donor's dashboard.
struct FundProgress {
    std::string fund;
    std::string currency;
    ledger::Amount committed = 0;
    ledger::FundFigures figures;
};

/// An audit line as a dashboard shows it (never its subject's PII: there is none).
struct AuditMark {
    std::string at;  ///< RFC 3339, UTC
    std::string actor;
    std::string detail;
};

struct Enrolment {
    std::string survivor;
    std::string cohort;
    ledger::Date enrolled_on;
};

/// A survivor a field officer enrolled who consented to follow-ups and was funded: the day
/// of their first disbursement and the days outcomes were observed on or after it.
struct FollowUpCandidate {
    std::string survivor;
    ledger::Date first_disbursed_on;
    std::vector<ledger::Date> observed_on;
};

class BoardReads {
  public:
    /// A statement that runs past `limits` throws QueryTimeout (db/errors.hpp).
    explicit BoardReads(Pool& pool, ReadLimits limits = {}) : pool_(&pool), limits_(limits) {}

    /// At most query.limit + 1 rows in the query's order (one more than a page: whether
    /// there is a next page).
    std::vector<AwardListRow> awards(const AwardListQuery& query);

    /// Every fund's cash and its money in and out from `from` to `to`, by fund code.
    std::vector<FundCashLine> fund_cash(const ledger::Date& from, const ledger::Date& to);
    /// Active loans whose oldest unpaid installment fell due before `today`, counted per
    /// currency and due date.
    std::vector<LateLoans> late_loans(const ledger::Date& today);
    /// The funds' commitments and figures (the same figures as GET /v1/funds/{code}).
    std::vector<FundProgress> fund_progress(const std::vector<std::string>& funds);
    /// The last verification's audit line (action audit.verify), if any.
    std::optional<AuditMark> last_verify();
    /// The newest `limit` enrolments recorded by `actor`, and how many it recorded.
    std::vector<Enrolment> enrolments_by(const std::string& actor, std::size_t limit);
    long enrolment_count(const std::string& actor);
    /// `actor`'s survivors with follow-up consent first funded from `from` to `to`.
    std::vector<FollowUpCandidate> follow_up_candidates(const std::string& actor,
                                                        const ledger::Date& from,
                                                        const ledger::Date& to);
    /// Rows of the main tables, by table name (donors, funds, cohorts, survivors, awards).
    std::vector<std::pair<std::string, long>> record_counts();

  private:
    Pool* pool_;
    ReadLimits limits_;
};

}  // namespace riziki::db
