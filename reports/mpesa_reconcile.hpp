#pragma once
/// The reconciliation of a kept M-Pesa statement with the ledger (SPEC §15, issue 20
/// item 4). Pure: the statement as kept (mpesa_inputs.hpp) and the ledger's side of its
/// days in, the two balances, both lists of differences and a verdict out; and that as
/// CSV and XLSX (JSON is the API's, api/handlers_mpesa.cpp).
///
/// The instants compared: the statement's opening balance (before its oldest completed
/// line) against the ledger's account for the fund at the end of the day before the
/// statement's first day; its closing balance (after its newest completed line) against
/// the account at the end of its last day. The ledger dates entries by day only, so a
/// statement that stops part way through a day shows that day's later entries as
/// differences.
///
/// The differences, each with the amount it adds to the account (paid in positive):
/// - on the statement, not in the ledger: a completed line the import did not match, post
///   or attribute as a charge (with its reason), or one whose entry is dated outside the
///   statement's days (`entry_outside_statement`); and, per entry the statement's lines
///   name, the part by which those lines differ from the entry's own postings to the
///   account (`differs_from_entry`: a disbursement whose charge line is missing);
/// - in the ledger, not on the statement: an entry of the statement's days that moved the
///   account for the fund and that no line names (`not_on_statement`; `reversed` and
///   `reversal` for an entry reversed, and its reversal).
/// By construction the statement's movement less the ledger's equals the first list's sum
/// less the second's. The verdict then says whether the balances agree with that:
/// - `reconciled`: no difference, and the closing balances are equal;
/// - `explained`: the closing balances differ by exactly the opening difference (brought
///   forward) plus the differences listed;
/// - `unexplained`: they do not, by `unexplained`: the statement's own balances do not
///   add up to its lines (lines missing from the file, or money in the M-Pesa account
///   that is not this fund's);
/// - `no_balances`: the statement prints no balances; only the differences are listed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/date.hpp"
#include "ledger/money.hpp"
#include "reports/mpesa_inputs.hpp"

namespace riziki::reports {

/// The balance before the oldest completed line with a balance and after the newest (by
/// completion time; lines of the same second in file order, newest first), or nullopt
/// when no completed line prints one.
struct StatementBalances {
    ledger::Amount opening = 0;
    ledger::Amount closing = 0;
};
std::optional<StatementBalances> statement_balances(const std::vector<StoredLine>& lines);

/// Whether a line moved money: its status is `Completed` (case-insensitive).
bool completed(const StoredLine& line);

struct Difference {
    int line = 0;                       ///< the statement's line; 0 for a ledger entry
    std::string receipt;                ///< the line's receipt, or the entry's reference
    std::optional<std::int64_t> entry;  ///< the ledger entry, when there is one
    ledger::Date day;                   ///< the line's day, or the entry's
    ledger::Amount amount = 0;          ///< what it adds to the account (paid in positive)
    std::string reason;
    std::string award;
};

enum class Verdict : std::uint8_t { reconciled, explained, unexplained, no_balances };
std::string_view to_string(Verdict verdict);

struct Reconciliation {
    std::optional<ledger::Amount> statement_opening, statement_closing;
    ledger::Amount ledger_opening = 0, ledger_closing = 0;
    ledger::Date from, to;                  ///< the statement's first and last days
    ledger::Amount statement_movement = 0;  ///< its completed lines, paid in less withdrawn
    ledger::Amount ledger_movement = 0;     ///< the entries of its days
    std::vector<Difference> on_statement;   ///< not in the ledger, in statement order
    std::vector<Difference> in_ledger;      ///< not on the statement, by entry
    ledger::Amount on_statement_total = 0;
    ledger::Amount in_ledger_total = 0;
    Verdict verdict = Verdict::no_balances;
    ledger::Amount unexplained = 0;  ///< closing difference not accounted for
    std::string summary;             ///< the verdict as one line, in English
};

/// Reconciles `statement` (with at least one line) with `ledger`, read for its days.
Reconciliation reconcile(const StoredStatement& statement, const LedgerCash& ledger);

/// The reconciliation as CSV: a heading block, then one row per difference.
std::string reconciliation_csv(const StoredStatement& statement, const Reconciliation& r);
/// The same as an XLSX workbook: a summary sheet and the two lists.
std::string reconciliation_xlsx(const StoredStatement& statement, const Reconciliation& r);

}  // namespace riziki::reports
