#pragma once
/// Awards, the money events on them, and the posting rules (SPEC §5, §6). Pure: the writer
/// hands in the books as they stand (`Books`) and gets back the entry a command posts, or
/// the first rule it breaks, in a documented order.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "ledger/chart.hpp"
#include "ledger/date.hpp"
#include "ledger/journal.hpp"
#include "ledger/money.hpp"
#include "ledger/schedule.hpp"

namespace riziki::ledger {

enum class AwardKind : std::uint8_t { grant, loan };
enum class AwardStatus : std::uint8_t { approved, active, repaid, written_off, forgiven, closed };
enum class Channel : std::uint8_t { mpesa, bank, cash, in_kind };

std::string_view to_string(AwardKind kind);
std::string_view to_string(AwardStatus status);
std::string_view to_string(Channel channel);
std::optional<AwardKind> parse_award_kind(std::string_view text);
std::optional<AwardStatus> parse_award_status(std::string_view text);
std::optional<Channel> parse_channel(std::string_view text);

std::string_view to_string(InterestPeriod value);
std::string_view to_string(InterestMethod value);
std::string_view to_string(Amortization value);
std::string_view to_string(RepaymentUnit value);
std::optional<InterestPeriod> parse_interest_period(std::string_view text);
std::optional<InterestMethod> parse_interest_method(std::string_view text);
std::optional<Amortization> parse_amortization(std::string_view text);
std::optional<RepaymentUnit> parse_repayment_unit(std::string_view text);

/// The account a channel pays from or into: bank 1010, mpesa 1020, cash 1030; in kind
/// moves no cash and goes through accounts payable 2200.
std::string_view channel_account(Channel channel);

/// A grant or loan to one survivor from one fund, approved for an amount.
struct Award {
    std::string id;
    std::string survivor;
    std::string fund;
    std::string currency;
    AwardKind kind = AwardKind::grant;
    Amount approved = 0;
    Date approved_on;
    std::optional<LoanTerms> terms;  ///< loans only
    AwardStatus status = AwardStatus::approved;
};

/// What the ledger says about one award: sums of its postings by account and by the event
/// that caused them. A reversal counts under the event of the entry it reverses, so a
/// reversed disbursement un-disburses.
struct AwardFigures {
    Amount disbursed = 0;         ///< 1100 (loans) or 5100/5110 (grants) from disbursements
    Amount fees = 0;              ///< 5300 from disbursements
    Amount principal_repaid = 0;  ///< credits to 1100 from repayments
    Amount interest_paid = 0;     ///< credits to 4200 from repayments
    Amount overpaid = 0;          ///< credits to 2100 from repayments
    Amount written_off = 0;       ///< 5200 from write-offs
    Amount forgiven = 0;          ///< 5100 from forgiveness
    Amount recovered = 0;         ///< credits to 4300 from recoveries
    Amount outstanding = 0;       ///< balance of 1100: the loan sub-ledger
    std::optional<Date> first_disbursed_on;
};

/// Adds one posting (its account, the event it counts under, its effective date), as
/// `kClassification` says: the award's figures are the classified sums of its postings.
void add_posting(AwardFigures& figures, std::string_view account, Event event, const Amount& amount,
                 const Date& effective_on);

/// An award's postings summed per day, account and event counted under. Every reader of
/// stored postings folds them into figures through this form, in this key order, so the
/// figures do not depend on the order the postings were read in (first_disbursed_on
/// restarts whenever the disbursed total returns to zero).
using PostingSums = std::map<std::tuple<Date, std::string, Event>, Amount>;

/// The figures `sums` imply, folded in day, account, event order.
AwardFigures figures_of(const PostingSums& sums);

/// A fund's figures: its awards' figures summed, what donors paid in, and its cash.
struct FundFigures {
    AwardFigures awards;
    Amount received = 0;  ///< credits to 4100 from receipts
    Amount cash = 0;      ///< available cash: the balance of its cash accounts
};
void add_posting(FundFigures& figures, std::string_view account, Event event, const Amount& amount,
                 const Date& effective_on);

/// The status the figures imply: written off or forgiven while those stand; approved until
/// something is disbursed; a grant is closed once fully disbursed; a loan is repaid once
/// fully disbursed and nothing is outstanding; otherwise active.
AwardStatus derive_status(const Award& award, const AwardFigures& figures);

/// The award lifecycle. A grant is approved, active or closed; a loan approved, active,
/// repaid, written_off or forgiven. Within its kind an award can go from any status to any
/// other, and one entry can make most such moves: a reversal undoes a disbursement, a
/// repayment or a write-off in any order, and the writer stores one status per award per
/// batch (a disbursement and its full repayment: approved to repaid). What never happens
/// is a status of the other kind. The awards trigger (migration 0013) allows the same, and
/// a database test walks every kind and pair against `status_change_allowed`.
bool status_of_kind(AwardKind kind, AwardStatus status);

/// Whether an award of `kind` may go from `from` to `to` (true for no change).
bool status_change_allowed(AwardKind kind, AwardStatus from, AwardStatus to);

/// The schedule a loan repays: the disbursed principal from the first disbursement, on the
/// award's terms (the approved amount from the approval date before anything is disbursed).
ScheduleResult award_schedule(const Award& award, const AwardFigures& figures);
/// The same, through `memo` (for reports over many loans).
ScheduleResult award_schedule(const Award& award, const AwardFigures& figures, ScheduleMemo& memo);

/// One installment with what has been paid of it, paying oldest first.
struct InstallmentState {
    Installment due;
    Amount interest_paid = 0;
    Amount principal_paid = 0;
    Amount interest_left() const { return due.interest - interest_paid; }
    Amount principal_left() const { return due.principal - principal_paid; }
};

/// Spreads what was paid (interest and principal separately) over the installments,
/// oldest first.
std::vector<InstallmentState> installment_states(const Schedule& schedule,
                                                 const Amount& interest_paid,
                                                 const Amount& principal_paid);

/// The state of the installment at `index` (0-based) alone, as installment_states gives it.
InstallmentState installment_state(const Schedule& schedule, std::size_t index,
                                   const Amount& interest_paid, const Amount& principal_paid);

struct AllocationLine {
    int number = 0;
    Amount interest = 0;
    Amount principal = 0;
};

/// How a repayment splits: oldest installment first, interest before principal; what is
/// beyond everything scheduled is an overpayment.
struct Allocation {
    std::vector<AllocationLine> lines;
    Amount interest = 0;
    Amount principal = 0;
    Amount overpayment = 0;
};
Allocation allocate_repayment(const Schedule& schedule, const AwardFigures& figures,
                              const Amount& amount);

/// Arrears as of a date: days since the oldest installment due on or before it that is
/// not fully paid, and what is overdue.
struct Arrears {
    long days = 0;
    Amount principal_overdue = 0;
    Amount interest_overdue = 0;
    std::optional<Date> oldest_unpaid_due_on;
};
Arrears arrears_as_of(const Schedule& schedule, const AwardFigures& figures, const Date& as_of);

/// A loan's arrears on `on` as GET /v1/awards/{id} shows them, from all its postings: while
/// the loan is active, arrears_as_of its schedule; otherwise (a grant, a loan not yet
/// disbursed, repaid, written off or forgiven) none.
Arrears award_arrears(const Award& award, const AwardFigures& figures, const Date& on);
/// The same, through `memo` (for a list of many loans).
Arrears award_arrears(const Award& award, const AwardFigures& figures, const Date& on,
                      ScheduleMemo& memo);

/// The due date of the oldest installment of an active loan not fully paid, whether or not
/// it has fallen due (award_arrears on the last representable day); nullopt when the award
/// is not an active loan or owes no installment. Its days in arrears on any day `on` are
/// `on - this` when this is on or before `on`, else 0: what the writer stores in
/// awards.oldest_unpaid_due_on so that lists can sort and filter by days late with an index.
std::optional<Date> oldest_unpaid_due_on(const Award& award, const AwardFigures& figures);

/// installment_state and arrears_as_of(...).days for a schedule asked about many times (a
/// report asks at every due date and month end of every loan): keeps the schedule's running
/// totals so that each answer is a lookup instead of a walk over the installments.
class ScheduleProgress {
  public:
    explicit ScheduleProgress(const Schedule& schedule);  ///< keeps a reference to it
    const Schedule& schedule() const { return schedule_; }
    /// installment_state(schedule, index, interest_paid, principal_paid).
    InstallmentState state(std::size_t index, const Amount& interest_paid,
                           const Amount& principal_paid) const;
    /// arrears_as_of(schedule, figures, as_of).days.
    long days_late(const AwardFigures& figures, const Date& as_of) const;

  private:
    const Schedule& schedule_;
    /// Interest and principal due up to and including each installment.
    std::vector<Amount> interest_through_, principal_through_;
    /// Whether the lookups hold: every part non-negative and due dates in order (a schedule
    /// from generate_schedule always is); otherwise the answers walk the installments.
    bool regular_ = true;
};

// Commands: the money events a finance officer records.

struct Receipt {
    std::string fund;
    Amount amount = 0;
    Date received_on;
    Channel channel = Channel::bank;
    std::string reference;
};

struct Disbursement {
    std::string award;
    Amount amount = 0;
    Date disbursed_on;
    Channel channel = Channel::mpesa;
    std::string reference;
    Amount fee = 0;
};

struct Repayment {
    std::string award;
    Amount amount = 0;
    Date paid_on;
    Channel channel = Channel::mpesa;
    std::string reference;
};

/// Write-off (loss) or forgiveness (loan becomes a grant) of what a loan has outstanding.
struct Closure {
    enum class Kind : std::uint8_t { write_off, forgiveness };
    Kind kind = Kind::write_off;
    std::string award;
    Date on;
    std::string reason;
};

using Command = std::variant<Receipt, Disbursement, Repayment, Closure>;

/// The award and fund a command is about (empty when it names none).
std::string command_award(const Command& command);
std::string command_fund(const Command& command);
/// The payment reference a command uses ("" for none), keyed by channel.
std::optional<std::pair<Channel, std::string>> command_reference(const Command& command);

/// Funds' available cash: fund -> the balance of its cash accounts.
using FundCash = std::map<std::string, Amount, std::less<>>;

/// Moves `cash` by the draft's postings to cash accounts, for the funds `cash` holds (a
/// fund it does not hold stays out). Books::apply books cash so, and so does the writer's
/// cash kept from one batch to the next.
void apply_cash(FundCash& cash, const EntryDraft& draft);

/// The books a batch of commands is planned against: updated after each accepted entry,
/// so later commands of the same batch see earlier ones.
struct Books {
    FundCash fund_cash;  ///< fund -> available cash
    struct AwardBook {
        Award award;
        AwardFigures figures;
    };
    std::map<std::string, AwardBook, std::less<>> awards;
    std::set<std::pair<Channel, std::string>> references;  ///< payment references used

    /// Books an accepted entry: moves fund cash, award figures and statuses. `event` is the
    /// event the entry counts under: its own, or for a reversal the reversed entry's.
    void apply(const EntryDraft& draft, Event event);
};

/// What a command posts, or why it cannot.
struct Planned {
    EntryCheck check;       ///< the first rule broken, if any
    std::string field;      ///< the request field the rejection is about, if any
    EntryDraft draft;       ///< the entry to write, when check.ok()
    Allocation allocation;  ///< repayments: how the amount was applied
};

/// Plans `command` against `books` (not changed: call books.apply() once the entry is
/// accepted). Checks, first failure wins:
///  receipt: fund exists, amount positive, reference unused, then the journal rules
///    (period open, ...);
///  disbursement: award exists, is approved or active, not dated before its approval,
///    amount and fee valid, within what
///    remains of the award, within the fund's available cash (amount + fee), reference
///    unused, then the journal rules;
///  repayment: award exists, is a loan, is active (or written off: a recovery, up to what
///    was written off and not yet recovered), not dated before the first disbursement,
///    channel not in kind, amount positive, reference unused, then the journal rules;
///  write-off / forgiveness: award exists, is a loan, is active, not dated before the
///    first disbursement, has principal outstanding, then the journal rules.
Planned plan(const Command& command, const Books& books, const LedgerContext& context,
             const std::string& recorded_by);

}  // namespace riziki::ledger
