#pragma once
/// Matching an M-Pesa statement against the ledger (SPEC §15, issue 20 item 2). Pure: the
/// statement's lines (mpesa_statement.hpp) and a snapshot of what the ledger knows in, one
/// outcome per line out; no database, no clock. The caller (the import handler) fills the
/// snapshot with its queries and posts the proposed repayments through the writer.
///
/// Lines are matched oldest first, whatever the file's order (the portal lists the newest
/// first): by completion time, and within one second the later line of the file first. So
/// repayments are planned, and posted, in the order the money came, as the core's
/// allocation (interest first, installments in turn, an overpayment once a loan is repaid)
/// expects. Matching rules, per line; the first that applies decides (amounts match
/// exactly, no tolerance):
///  1. `Transaction Status` not `Completed` (case-insensitive): `ignored`, reason `failed`
///     for `Failed`, otherwise `not_completed`.
///  2. A receipt seen on an older line of the same statement (matched before it):
///     `unmatched`, `duplicate_receipt`.
///  3. A receipt already a reference in the ledger: `matched` to that entry when the amount
///     equals (paid in for a repayment; withdrawn for a disbursement or a fee; for any other
///     entry the line's amount, paid in or else withdrawn) and the line's day is within
///     `window_days` of the entry's effective date; else `unmatched`, `amount_differs`
///     (checked first) or `date_outside_window`. Re-importing a statement therefore posts
///     nothing.
///  4. A charge: a withdrawn line naming another receipt in `Linked Transaction ID`, or
///     whose `Reason Type` contains "charge" (case-insensitive). `charge` with the linked
///     disbursement's entry when the ledger recorded a fee with it and the amount equals
///     that fee; a different amount is `unmatched`, `charge_differs` (flagged, never
///     posted); a linked receipt whose entry recorded no fee (a disbursement without one,
///     or any other entry) is `charge_without_fee`; no linked receipt, or one the ledger
///     does not know, is `linked_receipt_unknown`.
///  5. Any other line that is not paid in (withdrawn, or no amount at all): `unmatched`,
///     `not_in_ledger` (no disbursement has its receipt as reference).
///  6. A paid-in line: `A/C No.` (named_code: spaces and tabs left out, case-insensitive)
///     names an award id (`AW-…`) or
///     a survivor code (`SV-…`) of the snapshot's fund. An award id that is an active
///     loan, or a survivor code with exactly one active loan, gives a repayment (the award,
///     the amount paid in, the line's day, channel mpesa, the receipt as reference) that
///     the core plans (ledger::plan, against the books as the earlier proposals of this
///     statement leave them): accepted, `proposed` with the entry it would post; refused,
///     `unmatched` with the core's rejection code (e.g. `dated_before_award`,
///     `period_closed`). The core's rules stand: an amount beyond what is outstanding on an
///     active loan is accepted, its excess booked as an overpayment (2100). Otherwise
///     `unmatched`: `account_unknown` (nothing typed, or no such award or survivor in the
///     fund), `no_active_loan` (a grant, a loan not active, a survivor without one), or
///     `several_active_loans`.
/// `Other Party Info` never reaches this code: the reader does not keep it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/awards.hpp"
#include "ledger/date.hpp"
#include "ledger/journal.hpp"
#include "ledger/money.hpp"
#include "reports/mpesa_inputs.hpp"
#include "reports/mpesa_statement.hpp"

namespace riziki::reports {

/// A repayment to post, as the core planned it.
struct Proposal {
    ledger::Repayment repayment;
    ledger::EntryDraft draft;       ///< the postings it would make
    ledger::Allocation allocation;  ///< interest, principal, overpayment
};

struct LineOutcome {
    int line = 0;  ///< the statement's line number
    std::string receipt;
    MatchState state = MatchState::unmatched;
    std::string reason;                 ///< snake_case; empty when matched or proposed
    std::optional<std::int64_t> entry;  ///< the matched entry (or the charge's disbursement)
    std::string award;                  ///< when known
    std::optional<Proposal> proposal;   ///< proposed only
};

/// Lines and amounts per state, for the screen.
struct StateTotal {
    std::size_t lines = 0;
    ledger::Amount paid_in = 0;
    ledger::Amount withdrawn = 0;
};

struct MatchResult {
    std::vector<LineOutcome> lines;  ///< one per statement line, in its order
    std::vector<std::size_t> order;  ///< indices of `lines` in the order they were matched
                                     ///< (oldest first): proposals are posted in this order
    std::array<StateTotal, kMatchStates> totals{};
    const StateTotal& total(MatchState state) const {
        return totals[static_cast<std::size_t>(state)];
    }
};

/// The award id or survivor code an `A/C No.` names, as payers type them (" sv-7k2m 9q4p"
/// is SV-7K2M9Q4P): spaces and tabs left out, in upper case; "" when what is left is not
/// the shape of one (`AW-` or `SV-` and 8 letters or digits), such as a name or a phone.
std::string named_code(std::string_view typed);

/// The statement's lines oldest first, as indices into `lines` (see above).
std::vector<std::size_t> oldest_first(const std::vector<StatementLine>& lines);

/// Matches each line by the rules above.
MatchResult match_statement(const std::vector<StatementLine>& lines, const MatchSnapshot& snapshot);

}  // namespace riziki::reports
