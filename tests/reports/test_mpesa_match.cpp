// Matching an M-Pesa statement against the ledger (issue 20 item 2): a hand-built snapshot
// (awards disbursed through the core, the references their entries use) and statement
// lines that exercise every rule and every reason of reports/mpesa_match.hpp.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "ledger/awards.hpp"
#include "reports/mpesa_match.hpp"

namespace L = riziki::ledger;
using L::Amount;
using riziki::reports::LedgerReference;
using riziki::reports::LineOutcome;
using riziki::reports::match_statement;
using riziki::reports::MatchResult;
using riziki::reports::MatchSnapshot;
using riziki::reports::MatchState;
using riziki::reports::ReferenceKind;
using riziki::reports::StatementLine;

namespace {

L::Date day(unsigned m, unsigned d) {
    return L::Date{std::chrono::year(2026), std::chrono::month(m), std::chrono::day(d)};
}

L::LedgerContext context() {
    L::LedgerContext c;
    for (const auto& a : L::default_chart())
        c.accounts.insert(a.code);
    c.fund_currency = {{"F-KES", "KES"}, {"F-TWO", "KES"}};
    return c;
}

L::Award award(const std::string& id, const std::string& survivor, L::AwardKind kind,
               const std::string& fund = "F-KES") {
    L::Award a;
    a.id = id;
    a.survivor = survivor;
    a.fund = fund;
    a.currency = "KES";
    a.kind = kind;
    a.approved = 1'000'000;  // 10,000.00
    a.approved_on = day(9, 1);
    if (kind == L::AwardKind::loan) {
        L::LoanTerms terms;
        terms.interest_rate = *L::parse_rate("0");
        terms.interest_period = L::InterestPeriod::month;
        terms.installments = 4;
        a.terms = terms;
    }
    return a;
}

/// Disburses through the core, as the writer does.
void disburse(L::Books& books, const std::string& id, const std::string& reference,
              const L::Date& on, Amount fee = 0) {
    const L::Disbursement d{id, 1'000'000, on, L::Channel::mpesa, reference, fee};
    const auto planned = L::plan(d, books, context(), "tester");
    BOOST_TEST_REQUIRE(L::to_string(planned.check.reason) == "none");
    books.apply(planned.draft, planned.draft.event);
    books.references.emplace(L::Channel::mpesa, reference);
}

/// The fund F-KES: a loan to SV-ONE00001 (disbursed with a 15.00 fee), two loans to SV-TWO00002, a
/// grant to SV-GRANT003, an approved loan not yet disbursed to SV-WAIT0004, and a loan of another
/// fund. The ledger's M-Pesa references: the disbursements and one repayment.
MatchSnapshot snapshot() {
    MatchSnapshot s;
    s.fund = "F-KES";
    s.context = context();
    s.recorded_by = "importer";
    s.books.fund_cash["F-KES"] = 100'000'000;
    s.books.fund_cash["F-TWO"] = 100'000'000;
    for (const auto& a : {award("AW-LOANONE1", "SV-ONE00001", L::AwardKind::loan),
                          award("AW-LOANTWO1", "SV-TWO00002", L::AwardKind::loan),
                          award("AW-LOANTWO2", "SV-TWO00002", L::AwardKind::loan),
                          award("AW-GRANT001", "SV-GRANT003", L::AwardKind::grant),
                          award("AW-WAITING1", "SV-WAIT0004", L::AwardKind::loan),
                          award("AW-OTHERF01", "SV-OTHER005", L::AwardKind::loan, "F-TWO")})
        s.books.awards[a.id] = {a, {}};
    disburse(s.books, "AW-LOANONE1", "SJ01DISB01", day(10, 1), 1'500);
    disburse(s.books, "AW-LOANTWO1", "SJ02DISB02", day(10, 2));
    disburse(s.books, "AW-LOANTWO2", "SJ02DISB03", day(10, 2));
    disburse(s.books, "AW-GRANT001", "SJ02DISB04", day(10, 2));
    disburse(s.books, "AW-OTHERF01", "SJ02DISB05", day(10, 2));
    s.books.references.emplace(L::Channel::mpesa, "SJ05REPA01");
    s.references = {
        {"SJ01DISB01", 11, ReferenceKind::disbursement, 1'000'000, 1'500, "AW-LOANONE1",
         day(10, 1)},
        {"SJ02DISB02", 12, ReferenceKind::disbursement, 1'000'000, 0, "AW-LOANTWO1", day(10, 2)},
        {"SJ05REPA01", 20, ReferenceKind::repayment, 200'000, 0, "AW-LOANONE1", day(10, 5)},
        {"SJ06FEE001", 21, ReferenceKind::fee, 3'000, 0, "", day(10, 6)},
        {"SJ07RECV01", 22, ReferenceKind::other, 5'000'000, 0, "", day(10, 7)},
    };
    return s;
}

StatementLine paid(int number, const std::string& receipt, const L::Date& on, Amount amount,
                   const std::string& account = "") {
    StatementLine l;
    l.line = number;
    l.receipt = receipt;
    l.completed = {on, 9 * 3600};
    l.status = "Completed";
    l.paid_in = amount;
    l.account_number = account;
    return l;
}

StatementLine withdrawn(int number, const std::string& receipt, const L::Date& on, Amount amount,
                        const std::string& linked = "", const std::string& reason_type = "") {
    auto l = paid(number, receipt, on, 0);
    l.withdrawn = amount;
    l.linked_transaction = linked;
    l.reason_type = reason_type;
    return l;
}

/// The one outcome of one line.
LineOutcome one(const StatementLine& line, const MatchSnapshot& s = snapshot()) {
    const auto result = match_statement({line}, s);
    BOOST_TEST_REQUIRE(result.lines.size() == 1u);
    BOOST_TEST(result.lines[0].line == line.line);
    BOOST_TEST(result.lines[0].receipt == line.receipt);
    return result.lines[0];
}

/// The outcome's entry, or -1 for none.
std::int64_t entry_of(const LineOutcome& outcome) {
    return outcome.entry.value_or(-1);
}

void check(const LineOutcome& outcome, MatchState state, const std::string& reason) {
    BOOST_TEST(riziki::reports::to_string(outcome.state) == riziki::reports::to_string(state));
    BOOST_TEST(outcome.reason == reason);
    BOOST_TEST(outcome.proposal.has_value() == (state == MatchState::proposed));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_match)

BOOST_AUTO_TEST_CASE(states_are_named_as_the_spec_names_them) {
    using riziki::reports::to_string;
    BOOST_TEST(to_string(MatchState::matched) == "matched");
    BOOST_TEST(to_string(MatchState::proposed) == "proposed");
    BOOST_TEST(to_string(MatchState::charge) == "charge");
    BOOST_TEST(to_string(MatchState::ignored) == "ignored");
    BOOST_TEST(to_string(MatchState::unmatched) == "unmatched");
}

BOOST_AUTO_TEST_CASE(rule_1_lines_not_completed_are_ignored) {
    auto failed = paid(5, "SJ10FAIL01", day(10, 10), 50'000, "AW-LOANONE1");
    failed.status = "Failed";
    check(one(failed), MatchState::ignored, "failed");
    failed.status = " FAILED ";
    check(one(failed), MatchState::ignored, "failed");
    failed.status = "Cancelled";
    check(one(failed), MatchState::ignored, "not_completed");
    failed.status = "";
    check(one(failed), MatchState::ignored, "not_completed");
    // Any case of Completed goes on to the other rules.
    failed.status = "COMPLETED";
    check(one(failed), MatchState::proposed, "");
}

BOOST_AUTO_TEST_CASE(rule_1_a_failed_line_with_a_used_receipt_is_still_ignored) {
    auto line = paid(5, "SJ05REPA01", day(10, 5), 200'000);
    line.status = "Failed";
    const auto outcome = one(line);
    check(outcome, MatchState::ignored, "failed");
    BOOST_TEST(!outcome.entry.has_value());
}

BOOST_AUTO_TEST_CASE(rule_2_a_receipt_seen_on_an_older_line_is_a_duplicate) {
    // The portal lists the newest first: of two lines at the same time, the later in the
    // file is the older, matched first; the other is the duplicate.
    const auto result = match_statement(
        {paid(7, "SJ10PAY001", day(10, 10), 50'000, "AW-LOANONE1"),
         paid(8, "SJ10PAY001", day(10, 10), 50'000, "AW-LOANONE1"),
         paid(9, "SJ05REPA01", day(10, 5), 200'000), paid(10, "SJ05REPA01", day(10, 5), 200'000)},
        snapshot());
    BOOST_TEST_REQUIRE(result.lines.size() == 4u);
    check(result.lines[0], MatchState::unmatched, "duplicate_receipt");
    BOOST_TEST(result.lines[0].line == 7);
    check(result.lines[1], MatchState::proposed, "");
    check(result.lines[2], MatchState::unmatched, "duplicate_receipt");
    check(result.lines[3], MatchState::matched, "");
    BOOST_TEST(result.total(MatchState::proposed).lines == 1u);
    BOOST_TEST(result.order == (std::vector<std::size_t>{3, 2, 1, 0}));
}

BOOST_AUTO_TEST_CASE(repayments_are_planned_oldest_first_whatever_the_file_order) {
    // Newest first, as the portal writes it: the older line repays the loan in full and is
    // planned first, so the newer finds no active loan. In file order the newer would have
    // gone first and the older been part overpayment.
    const auto s = snapshot();
    const auto& loan = s.books.awards.at("AW-LOANONE1").figures;
    const auto outstanding = loan.disbursed - loan.principal_repaid;
    const auto result =
        match_statement({paid(2, "SJ12PAY002", day(10, 12), 100, "AW-LOANONE1"),
                         paid(3, "SJ11PAY001", day(10, 11), outstanding, "AW-LOANONE1")},
                        s);
    BOOST_TEST_REQUIRE(result.lines.size() == 2u);
    check(result.lines[1], MatchState::proposed, "");
    BOOST_TEST(result.lines[1].proposal->allocation.overpayment == 0);
    check(result.lines[0], MatchState::unmatched, "no_active_loan");
    BOOST_TEST(result.order == (std::vector<std::size_t>{1, 0}));
}

BOOST_AUTO_TEST_CASE(rule_2_a_failed_attempt_does_not_make_the_retry_a_duplicate) {
    auto failed = paid(1, "SJ10PAY001", day(10, 10), 50'000, "AW-LOANONE1");
    failed.status = "Failed";
    const auto result = match_statement(
        {failed, paid(2, "SJ10PAY001", day(10, 10), 50'000, "AW-LOANONE1")}, snapshot());
    check(result.lines.at(0), MatchState::ignored, "failed");
    check(result.lines.at(1), MatchState::proposed, "");
}

BOOST_AUTO_TEST_CASE(rule_3_a_used_receipt_matches_its_entry_by_amount_and_side) {
    const auto repayment = one(paid(3, "SJ05REPA01", day(10, 5), 200'000));
    check(repayment, MatchState::matched, "");
    BOOST_TEST(entry_of(repayment) == 20);
    BOOST_TEST(repayment.award == "AW-LOANONE1");

    const auto disbursement = one(withdrawn(4, "SJ01DISB01", day(10, 1), 1'000'000));
    check(disbursement, MatchState::matched, "");
    BOOST_TEST(entry_of(disbursement) == 11);

    check(one(withdrawn(5, "SJ06FEE001", day(10, 6), 3'000)), MatchState::matched, "");
    check(one(paid(6, "SJ07RECV01", day(10, 7), 5'000'000)), MatchState::matched, "");
}

BOOST_AUTO_TEST_CASE(rule_3_a_different_amount_or_side_is_flagged) {
    const auto more = one(paid(3, "SJ05REPA01", day(10, 5), 200'001));
    check(more, MatchState::unmatched, "amount_differs");
    BOOST_TEST(!more.entry.has_value());
    BOOST_TEST(more.award == "AW-LOANONE1");
    // The right amount on the wrong side: a repayment's receipt withdrawn, a
    // disbursement's paid in.
    check(one(withdrawn(4, "SJ05REPA01", day(10, 5), 200'000)), MatchState::unmatched,
          "amount_differs");
    check(one(paid(5, "SJ01DISB01", day(10, 1), 1'000'000, "AW-LOANONE1")), MatchState::unmatched,
          "amount_differs");
    // The disbursement with its fee added is not the disbursement.
    check(one(withdrawn(6, "SJ01DISB01", day(10, 1), 1'001'500)), MatchState::unmatched,
          "amount_differs");
    check(one(paid(7, "SJ07RECV01", day(10, 7), 4'999'999)), MatchState::unmatched,
          "amount_differs");
    // The amount is checked before the date.
    check(one(paid(8, "SJ05REPA01", day(11, 30), 1)), MatchState::unmatched, "amount_differs");
}

BOOST_AUTO_TEST_CASE(rule_3_the_date_window_is_inclusive_on_both_sides) {
    // The repayment's effective date is 5 October; the window 3 days.
    check(one(paid(1, "SJ05REPA01", day(10, 8), 200'000)), MatchState::matched, "");
    check(one(paid(1, "SJ05REPA01", day(10, 2), 200'000)), MatchState::matched, "");
    const auto late = one(paid(1, "SJ05REPA01", day(10, 9), 200'000));
    check(late, MatchState::unmatched, "date_outside_window");
    BOOST_TEST(!late.entry.has_value());
    check(one(paid(1, "SJ05REPA01", day(10, 1), 200'000)), MatchState::unmatched,
          "date_outside_window");
    // The window is the snapshot's.
    auto wide = snapshot();
    wide.window_days = 4;
    check(one(paid(1, "SJ05REPA01", day(10, 9), 200'000), wide), MatchState::matched, "");
    wide.window_days = 0;
    check(one(paid(1, "SJ05REPA01", day(10, 6), 200'000), wide), MatchState::unmatched,
          "date_outside_window");
    check(one(paid(1, "SJ05REPA01", day(10, 5), 200'000), wide), MatchState::matched, "");
}

BOOST_AUTO_TEST_CASE(re_importing_a_statement_posts_nothing) {
    const std::vector<StatementLine> lines = {
        paid(1, "SJ07RECV01", day(10, 7), 5'000'000),
        paid(2, "SJ05REPA01", day(10, 6), 200'000, "AW-LOANONE1"),
        withdrawn(3, "SJ02DISB02", day(10, 2), 1'000'000),
        withdrawn(4, "SJ01DISB01", day(10, 1), 1'000'000),
    };
    const auto result = match_statement(lines, snapshot());
    BOOST_TEST_REQUIRE(result.lines.size() == lines.size());
    for (const auto& outcome : result.lines)
        check(outcome, MatchState::matched, "");
    BOOST_TEST(entry_of(result.lines[0]) == 22);
    BOOST_TEST(entry_of(result.lines[1]) == 20);
    BOOST_TEST(entry_of(result.lines[2]) == 12);
    BOOST_TEST(entry_of(result.lines[3]) == 11);
    BOOST_TEST(result.total(MatchState::matched).lines == 4u);
    BOOST_TEST(result.total(MatchState::proposed).lines == 0u);
    BOOST_TEST(result.total(MatchState::unmatched).lines == 0u);
}

BOOST_AUTO_TEST_CASE(rule_4_a_charge_matches_its_disbursements_fee) {
    const auto fee = one(withdrawn(2, "SJ01CHRG01", day(10, 1), 1'500, "SJ01DISB01"));
    check(fee, MatchState::charge, "");
    BOOST_TEST(entry_of(fee) == 11);
    BOOST_TEST(fee.award == "AW-LOANONE1");
    // Found by its reason type too, with the linked receipt.
    check(
        one(withdrawn(2, "SJ01CHRG01", day(10, 1), 1'500, "SJ01DISB01", "Business Payment Charge")),
        MatchState::charge, "");
}

BOOST_AUTO_TEST_CASE(rule_4_a_charge_of_another_amount_is_flagged) {
    const auto other = one(withdrawn(2, "SJ01CHRG01", day(10, 1), 1'600, "SJ01DISB01"));
    check(other, MatchState::unmatched, "charge_differs");
    BOOST_TEST(entry_of(other) == 11);
    BOOST_TEST(other.award == "AW-LOANONE1");
}

BOOST_AUTO_TEST_CASE(rule_4_a_charge_without_a_fee_or_a_known_payment) {
    // The disbursement was recorded without a fee.
    const auto no_fee = one(withdrawn(2, "SJ02CHRG02", day(10, 2), 1'500, "SJ02DISB02"));
    check(no_fee, MatchState::unmatched, "charge_without_fee");
    BOOST_TEST(no_fee.award == "AW-LOANTWO1");
    struct Case {
        const char* linked;
        const char* reason_type;
        const char* reason;
    };
    for (const auto& c : {
             Case{"SJ05REPA01", "", "charge_without_fee"},  // a repayment: no fee either
             Case{"SJ09NOPE01", "", "linked_receipt_unknown"},
             Case{"", "Business Payment Charge", "linked_receipt_unknown"},  // none linked
         })
        check(one(withdrawn(2, "SJ09CHRG04", day(10, 9), 1'500, c.linked, c.reason_type)),
              MatchState::unmatched, c.reason);
}

BOOST_AUTO_TEST_CASE(rule_5_a_payment_out_the_ledger_does_not_know) {
    const auto out = one(withdrawn(3, "SJ09PAYX01", day(10, 9), 1'000'000));
    check(out, MatchState::unmatched, "not_in_ledger");
    BOOST_TEST(!out.entry.has_value());
    check(one(paid(3, "SJ09ZERO01", day(10, 9), 0, "AW-LOANONE1")), MatchState::unmatched,
          "not_in_ledger");
}

BOOST_AUTO_TEST_CASE(rule_6_an_award_id_proposes_the_repayment_the_core_plans) {
    const auto s = snapshot();
    const auto outcome = one(paid(4, "SJ10PAY001", day(10, 10), 250'000, "  aw-loanone1 "), s);
    check(outcome, MatchState::proposed, "");
    BOOST_TEST(outcome.award == "AW-LOANONE1");
    BOOST_TEST(!outcome.entry.has_value());
    BOOST_TEST_REQUIRE(outcome.proposal.has_value());
    const auto& r = outcome.proposal->repayment;
    BOOST_TEST(r.award == "AW-LOANONE1");
    BOOST_TEST(r.amount == Amount(250'000));
    BOOST_TEST((r.paid_on == day(10, 10)));
    BOOST_TEST((r.channel == L::Channel::mpesa));
    BOOST_TEST(r.reference == "SJ10PAY001");
    // The entry is the core's own plan of that repayment.
    const auto planned = L::plan(r, s.books, s.context, "importer");
    BOOST_TEST_REQUIRE(planned.check.ok());
    BOOST_TEST((outcome.proposal->draft.postings == planned.draft.postings));
    BOOST_TEST(outcome.proposal->draft.recorded_by == "importer");
    BOOST_TEST(outcome.proposal->allocation.principal == Amount(250'000));
}

BOOST_AUTO_TEST_CASE(rule_6_a_survivor_code_with_one_or_two_active_loans) {
    const auto one_loan = one(paid(4, "SJ10PAY002", day(10, 10), 100'000, " sv-one 00001"));
    check(one_loan, MatchState::proposed, "");
    BOOST_TEST(one_loan.award == "AW-LOANONE1");
    BOOST_TEST(one_loan.proposal->repayment.award == "AW-LOANONE1");

    const auto two = one(paid(4, "SJ10PAY003", day(10, 10), 100'000, "SV-TWO00002"));
    check(two, MatchState::unmatched, "several_active_loans");
    BOOST_TEST(two.award.empty());
    // Either of them by its award id is proposed.
    check(one(paid(4, "SJ10PAY003", day(10, 10), 100'000, "AW-LOANTWO2")), MatchState::proposed,
          "");
}

BOOST_AUTO_TEST_CASE(rule_6_accounts_that_name_no_award_of_the_fund) {
    // Nothing typed, blanks, no such award or survivor.
    for (const auto* account :
         {"", "   ", "AW-NOSUCH01", "SV-NOSUCH01", "Jane Wanjiru", "0712345678"})
        check(one(paid(4, "SJ10PAY004", day(10, 10), 100'000, account)), MatchState::unmatched,
              "account_unknown");
    // An active loan of another fund, by award id or survivor code.
    const auto other = one(paid(4, "SJ10PAY004", day(10, 10), 100'000, "AW-OTHERF01"));
    check(other, MatchState::unmatched, "account_unknown");
    BOOST_TEST(other.award.empty());
    check(one(paid(4, "SJ10PAY004", day(10, 10), 100'000, "SV-OTHER005")), MatchState::unmatched,
          "account_unknown");
    // The same loan from its own fund's statement is proposed.
    auto s = snapshot();
    s.fund = "F-TWO";
    check(one(paid(4, "SJ10PAY004", day(10, 10), 100'000, "AW-OTHERF01"), s), MatchState::proposed,
          "");
}

BOOST_AUTO_TEST_CASE(rule_6_awards_that_are_no_active_loan) {
    const auto grant = one(paid(4, "SJ10PAY005", day(10, 10), 100'000, "AW-GRANT001"));
    check(grant, MatchState::unmatched, "no_active_loan");
    BOOST_TEST(grant.award == "AW-GRANT001");
    // A grant's survivor; a loan approved, not yet disbursed, and its survivor.
    for (const auto* account : {"SV-GRANT003", "AW-WAITING1", "SV-WAIT0004"})
        check(one(paid(4, "SJ10PAY005", day(10, 10), 100'000, account)), MatchState::unmatched,
              "no_active_loan");
}

BOOST_AUTO_TEST_CASE(rule_6_the_core_refuses_and_its_reason_is_the_lines) {
    // Paid before the loan was disbursed (1 October).
    const auto early = one(paid(4, "SJ10PAY006", day(9, 30), 100'000, "AW-LOANONE1"));
    check(early, MatchState::unmatched, "dated_before_award");
    BOOST_TEST(early.award == "AW-LOANONE1");
    // In a closed period.
    auto closed = snapshot();
    closed.context.closed_periods.insert(L::Period{2026, 10});
    check(one(paid(4, "SJ10PAY006", day(10, 10), 100'000, "AW-LOANONE1"), closed),
          MatchState::unmatched, "period_closed");
    // A reference the core's books hold that the snapshot's list misses.
    auto used = snapshot();
    used.books.references.emplace(L::Channel::mpesa, "SJ10PAY006");
    check(one(paid(4, "SJ10PAY006", day(10, 10), 100'000, "AW-LOANONE1"), used),
          MatchState::unmatched, "duplicate_reference");
}

BOOST_AUTO_TEST_CASE(rule_6_an_overpayment_is_the_cores_to_judge) {
    // The core takes more than is outstanding on an active loan, booking the excess as an
    // overpayment; the import proposes what the core would post and does not refuse it.
    const auto over = one(paid(4, "SJ10PAY007", day(10, 10), 1'200'000, "AW-LOANONE1"));
    check(over, MatchState::proposed, "");
    BOOST_TEST_REQUIRE(over.proposal.has_value());
    BOOST_TEST(over.proposal->allocation.principal == Amount(1'000'000));
    BOOST_TEST(over.proposal->allocation.overpayment == Amount(200'000));
}

BOOST_AUTO_TEST_CASE(rule_6_later_lines_see_the_earlier_proposals) {
    // The first repays the loan in full: the loan is then repaid, not active.
    const auto result =
        match_statement({paid(1, "SJ10PAY008", day(10, 10), 1'000'000, "AW-LOANONE1"),
                         paid(2, "SJ10PAY009", day(10, 11), 100'000, "AW-LOANONE1")},
                        snapshot());
    check(result.lines.at(0), MatchState::proposed, "");
    check(result.lines.at(1), MatchState::unmatched, "no_active_loan");
}

BOOST_AUTO_TEST_CASE(totals_count_lines_and_amounts_per_state) {
    auto failed = paid(6, "SJ10FAIL01", day(10, 10), 7'000, "AW-LOANONE1");
    failed.status = "Failed";
    const MatchResult result = match_statement(
        {
            paid(1, "SJ05REPA01", day(10, 5), 200'000),                   // matched
            withdrawn(2, "SJ01DISB01", day(10, 1), 1'000'000),            // matched
            paid(3, "SJ10PAY001", day(10, 10), 50'000, "AW-LOANONE1"),    // proposed
            withdrawn(4, "SJ01CHRG01", day(10, 1), 1'500, "SJ01DISB01"),  // charge
            withdrawn(5, "SJ09PAYX01", day(10, 9), 30'000),               // unmatched
            failed,                                                       // ignored
            paid(7, "SJ10PAY004", day(10, 10), 40'000, "SV-TWO00002"),    // unmatched
        },
        snapshot());
    BOOST_TEST(result.total(MatchState::matched).lines == 2u);
    BOOST_TEST(result.total(MatchState::matched).paid_in == Amount(200'000));
    BOOST_TEST(result.total(MatchState::matched).withdrawn == Amount(1'000'000));
    BOOST_TEST(result.total(MatchState::proposed).lines == 1u);
    BOOST_TEST(result.total(MatchState::proposed).paid_in == Amount(50'000));
    BOOST_TEST(result.total(MatchState::charge).lines == 1u);
    BOOST_TEST(result.total(MatchState::charge).withdrawn == Amount(1'500));
    BOOST_TEST(result.total(MatchState::ignored).lines == 1u);
    BOOST_TEST(result.total(MatchState::ignored).paid_in == Amount(7'000));
    BOOST_TEST(result.total(MatchState::unmatched).lines == 2u);
    BOOST_TEST(result.total(MatchState::unmatched).paid_in == Amount(40'000));
    BOOST_TEST(result.total(MatchState::unmatched).withdrawn == Amount(30'000));
}

BOOST_AUTO_TEST_SUITE_END()
