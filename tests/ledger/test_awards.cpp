// Posting rules (SPEC §5), award statuses, repayment allocation and arrears: each event
// posts exactly the entry the table says, and every rule is checked in its documented order.

#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <tuple>

#include "ledger/awards.hpp"

using namespace riziki::ledger;

namespace {

Date day(int y, unsigned m, unsigned d) {
    return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

LedgerContext context() {
    LedgerContext c;
    for (const auto& a : default_chart())
        c.accounts.insert(a.code);
    c.fund_currency = {{"F-KES", "KES"}, {"F-USD", "USD"}};
    return c;
}

LoanTerms monthly(int installments, const char* rate = "0") {
    LoanTerms t;
    t.interest_rate = *parse_rate(rate);
    t.interest_period = InterestPeriod::month;
    t.installments = installments;
    return t;
}

Award loan(const std::string& id, Amount approved, LoanTerms terms = monthly(4)) {
    return Award{id,
                 "SV-1",
                 "F-KES",
                 "KES",
                 AwardKind::loan,
                 approved,
                 day(2026, 1, 10),
                 terms,
                 AwardStatus::approved};
}

/// Fineract's 12,000.00 at 2 % a month over 4 months, approved on its disbursement day.
Award fineract_loan() {
    Award a = loan("AW-1", 1'200'000, monthly(4, "2"));
    a.approved_on = day(2011, 9, 20);
    return a;
}

Award grant(const std::string& id, Amount approved) {
    return Award{id,
                 "SV-1",
                 "F-KES",
                 "KES",
                 AwardKind::grant,
                 approved,
                 day(2026, 1, 10),
                 std::nullopt,
                 AwardStatus::approved};
}

Books books_with(std::vector<Award> awards, Amount cash = 10'000'000) {
    Books b;
    b.fund_cash["F-KES"] = cash;
    for (auto& a : awards)
        b.awards[a.id] = {a, {}};
    return b;
}

/// Plans and books a command, as the writer does; fails the test if it is refused.
Planned book(Books& books, const Command& command) {
    auto planned = plan(command, books, context(), "tester");
    BOOST_TEST_REQUIRE(to_string(planned.check.reason) == "none");
    books.apply(planned.draft, planned.draft.event);
    if (auto ref = command_reference(command))
        books.references.insert(*ref);
    return planned;
}

struct Line {
    std::string account;
    long long amount;
};

void expect_postings(const Planned& planned, const std::string& event,
                     const std::vector<Line>& lines) {
    BOOST_TEST(to_string(planned.draft.event) == event);
    BOOST_TEST_REQUIRE(planned.draft.postings.size() == lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& p = planned.draft.postings[i];
        BOOST_TEST_CONTEXT("posting " << i) {
            BOOST_TEST(p.account == lines[i].account);
            BOOST_TEST(p.amount == Amount(lines[i].amount));
            BOOST_TEST(p.fund == "F-KES");
        }
    }
}

std::string refusal(const Books& books, const Command& command) {
    return std::string(to_string(plan(command, books, context(), "tester").check.reason));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(posting_rules)

BOOST_AUTO_TEST_CASE(receipt_debits_the_channel_cash_account_and_credits_grant_revenue) {
    Books books = books_with({}, 0);
    const auto p = book(books, Receipt{"F-KES", 5'000'000, day(2026, 1, 2), Channel::bank, "TT1"});
    expect_postings(p, "receipt", {{"1010", 5'000'000}, {"4100", -5'000'000}});
    BOOST_TEST(books.fund_cash["F-KES"] == Amount(5'000'000));
    const auto m = book(books, Receipt{"F-KES", 100, day(2026, 1, 2), Channel::mpesa, "QX1"});
    expect_postings(m, "receipt", {{"1020", 100}, {"4100", -100}});
}

BOOST_AUTO_TEST_CASE(apply_cash_moves_the_funds_held_by_their_cash_accounts_only) {
    FundCash cash{{"F-KES", 1'000}};
    EntryDraft draft;
    draft.postings = {{"1010", "F-KES", "KES", -300, "", ""},
                      {"5100", "F-KES", "KES", 300, "SV-1", "AW-1"},
                      {"1020", "F-USD", "USD", 50, "", ""},  // a fund not held stays out
                      {"4100", "F-USD", "USD", -50, "", ""}};
    apply_cash(cash, draft);
    BOOST_TEST(cash.size() == 1u);
    BOOST_TEST(cash.at("F-KES") == Amount(700));
}

BOOST_AUTO_TEST_CASE(disbursements_by_kind_and_channel) {
    struct Case {
        AwardKind kind;
        Channel channel;
        long long fee;
        std::vector<Line> lines;
    };
    const std::vector<Case> cases{
        {AwardKind::grant, Channel::mpesa, 0, {{"5100", 1000}, {"1020", -1000}}},
        {AwardKind::grant, Channel::bank, 0, {{"5100", 1000}, {"1010", -1000}}},
        {AwardKind::grant, Channel::cash, 0, {{"5100", 1000}, {"1030", -1000}}},
        {AwardKind::grant, Channel::in_kind, 0, {{"5110", 1000}, {"2200", -1000}}},
        {AwardKind::loan, Channel::mpesa, 0, {{"1100", 1000}, {"1020", -1000}}},
        {AwardKind::loan, Channel::in_kind, 0, {{"1100", 1000}, {"2200", -1000}}},
        {AwardKind::grant,
         Channel::mpesa,
         33,
         {{"5100", 1000}, {"1020", -1000}, {"5300", 33}, {"1020", -33}}},
        {AwardKind::loan,
         Channel::mpesa,
         33,
         {{"1100", 1000}, {"1020", -1000}, {"5300", 33}, {"1020", -33}}},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("kind " << to_string(c.kind) << " channel " << to_string(c.channel)) {
            Award a = c.kind == AwardKind::loan ? loan("AW-1", 4000) : grant("AW-1", 4000);
            Books books = books_with({a});
            const auto p = book(books, Disbursement{"AW-1", 1000, day(2026, 1, 15), c.channel, "R1",
                                                    Amount(c.fee)});
            expect_postings(p, "disbursement", c.lines);
            for (const auto& posting : p.draft.postings) {
                BOOST_TEST(posting.award == "AW-1");
                BOOST_TEST(posting.survivor == "SV-1");
            }
            BOOST_TEST(books.awards["AW-1"].figures.disbursed == Amount(1000));
            BOOST_TEST(to_string(books.awards["AW-1"].award.status) == "active");
        }
    }
}

BOOST_AUTO_TEST_CASE(repayment_splits_interest_principal_and_overpayment) {
    // 12,000.00 at 2% a month over 4 months: Fineract's 2911.49 + 240.00 first.
    Books books = books_with({fineract_loan()});
    book(books, Disbursement{"AW-1", 1'200'000, day(2011, 9, 20), Channel::bank, "B1", 0});
    const auto first =
        book(books, Repayment{"AW-1", 315'149, day(2011, 10, 20), Channel::mpesa, "M1"});
    expect_postings(first, "repayment", {{"1020", 315'149}, {"4200", -24'000}, {"1100", -291'149}});
    BOOST_TEST(first.allocation.lines.size() == 1u);
    // Everything else plus 5.00 too much: the rest of the schedule, then an overpayment.
    const Amount rest = Amount(296'972 + 18'177) + (302'911 + 12'238) + (308'968 + 6'179);
    const auto last =
        book(books, Repayment{"AW-1", rest + 500, day(2011, 11, 2), Channel::mpesa, "M2"});
    expect_postings(last, "repayment",
                    {{"1020", static_cast<long long>(rest + 500)},
                     {"4200", -(18'177 + 12'238 + 6'179)},
                     {"1100", -(296'972 + 302'911 + 308'968)},
                     {"2100", -500}});
    BOOST_TEST(last.allocation.lines.size() == 3u);
    BOOST_TEST(books.awards["AW-1"].figures.outstanding == Amount(0));
    BOOST_TEST(to_string(books.awards["AW-1"].award.status) == "repaid");
    BOOST_TEST(refusal(books, Repayment{"AW-1", 1, day(2011, 12, 1), Channel::cash, "C9"}) ==
               "award_not_active");
}

BOOST_AUTO_TEST_CASE(allocation_is_oldest_installment_first_interest_before_principal) {
    Books books = books_with({fineract_loan()});
    book(books, Disbursement{"AW-1", 1'200'000, day(2011, 9, 20), Channel::bank, "B1", 0});
    // 300.00 covers installment 1's interest (240.00) and 60.00 of its principal.
    const auto p = book(books, Repayment{"AW-1", 30'000, day(2011, 10, 1), Channel::cash, "C1"});
    BOOST_TEST(p.allocation.interest == Amount(24'000));
    BOOST_TEST(p.allocation.principal == Amount(6'000));
    // The next payment finishes installment 1's principal before installment 2's interest.
    const auto q = book(books, Repayment{"AW-1", 310'000, day(2011, 10, 2), Channel::cash, "C2"});
    BOOST_TEST_REQUIRE(q.allocation.lines.size() == 2u);
    BOOST_TEST(q.allocation.lines[0].number == 1);
    BOOST_TEST(q.allocation.lines[0].interest == Amount(0));
    BOOST_TEST(q.allocation.lines[0].principal == Amount(291'149 - 6'000));
    BOOST_TEST(q.allocation.lines[1].interest == Amount(18'177));
    BOOST_TEST(q.allocation.lines[1].principal == Amount(310'000 - 285'149 - 18'177));
}

BOOST_AUTO_TEST_CASE(write_off_forgiveness_and_recovery) {
    Books books = books_with({loan("AW-1", 100'000), loan("AW-2", 100'000)});
    book(books, Disbursement{"AW-1", 100'000, day(2026, 1, 15), Channel::mpesa, "D1", 0});
    book(books, Disbursement{"AW-2", 100'000, day(2026, 1, 15), Channel::mpesa, "D2", 0});
    book(books, Repayment{"AW-1", 25'000, day(2026, 2, 15), Channel::mpesa, "R1"});
    const auto w = book(books, Closure{Closure::Kind::write_off, "AW-1", day(2026, 6, 30), "gone"});
    expect_postings(w, "write_off", {{"5200", 75'000}, {"1100", -75'000}});
    BOOST_TEST(to_string(books.awards["AW-1"].award.status) == "written_off");
    const auto f = book(books, Closure{Closure::Kind::forgiveness, "AW-2", day(2026, 6, 30), ""});
    expect_postings(f, "forgiveness", {{"5100", 100'000}, {"1100", -100'000}});
    BOOST_TEST(to_string(books.awards["AW-2"].award.status) == "forgiven");
    const auto r = book(books, Repayment{"AW-1", 5'000, day(2026, 7, 1), Channel::mpesa, "R2"});
    expect_postings(r, "recovery", {{"1020", 5'000}, {"4300", -5'000}});
    BOOST_TEST(refusal(books, Repayment{"AW-1", 70'001, day(2026, 7, 2), Channel::mpesa, "R3"}) ==
               "exceeds_award");
    BOOST_TEST(refusal(books, Repayment{"AW-2", 1, day(2026, 7, 2), Channel::mpesa, "R4"}) ==
               "award_not_active");
    BOOST_TEST(refusal(books, Closure{Closure::Kind::write_off, "AW-2", day(2026, 7, 2), ""}) ==
               "award_not_active");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(disbursement_checks)

BOOST_AUTO_TEST_CASE(checks_run_in_the_documented_order) {
    Award a = grant("AW-1", 10'000);
    Books books = books_with({a}, 5'000);
    books.references.insert({Channel::mpesa, "USED"});
    const auto d = [](std::string award, long long amount, std::string ref, long long fee = 0) {
        return Disbursement{award, amount, day(2026, 1, 15), Channel::mpesa, ref, Amount(fee)};
    };
    BOOST_TEST(refusal(books, d("AW-404", 100, "USED")) == "award_not_found");
    BOOST_TEST(refusal(books, d("AW-1", 0, "USED")) == "invalid_amount");
    BOOST_TEST(refusal(books, d("AW-1", -5, "USED")) == "invalid_amount");
    BOOST_TEST(refusal(books, d("AW-1", 100, "USED", -1)) == "invalid_amount");
    BOOST_TEST(refusal(books, d("AW-1", 10'001, "USED")) == "exceeds_award");
    BOOST_TEST(refusal(books, d("AW-1", 5'001, "USED")) == "insufficient_fund_balance");
    BOOST_TEST(refusal(books, d("AW-1", 4'990, "USED", 11)) == "insufficient_fund_balance");
    BOOST_TEST(refusal(books, d("AW-1", 5'000, "USED")) == "duplicate_reference");
    // The same reference on another channel is another payment system's number.
    BOOST_TEST(refusal(books, Disbursement{"AW-1", 100, day(2026, 1, 15), Channel::bank, "USED",
                                           0}) == "none");
    auto closed = context();
    closed.closed_periods.insert(Period{2026, 1});
    BOOST_TEST(to_string(plan(d("AW-1", 5'000, "NEW"), books, closed, "t").check.reason) ==
               "period_closed");
    // In kind moves no cash: a fund without cash can still hand over goods.
    Books empty = books_with({a}, 0);
    BOOST_TEST(refusal(empty, Disbursement{"AW-1", 100, day(2026, 1, 15), Channel::in_kind, "G1",
                                           0}) == "none");
}

BOOST_AUTO_TEST_CASE(tranches_up_to_the_award_then_closed) {
    Books books = books_with({grant("AW-1", 10'000)});
    book(books, Disbursement{"AW-1", 6'000, day(2026, 1, 15), Channel::mpesa, "T1", 0});
    BOOST_TEST(refusal(books, Disbursement{"AW-1", 4'001, day(2026, 2, 15), Channel::mpesa, "T2",
                                           0}) == "exceeds_award");
    book(books, Disbursement{"AW-1", 4'000, day(2026, 2, 15), Channel::mpesa, "T2", 0});
    BOOST_TEST(to_string(books.awards["AW-1"].award.status) == "closed");
    BOOST_TEST(refusal(books, Disbursement{"AW-1", 1, day(2026, 2, 16), Channel::mpesa, "T3", 0}) ==
               "award_not_active");
    BOOST_TEST(books.fund_cash["F-KES"] == Amount(10'000'000 - 10'000));
}

BOOST_AUTO_TEST_CASE(cash_is_shared_by_a_batch) {
    // Cash for exactly ten: the eleventh is refused once the first ten are booked.
    std::vector<Award> awards;
    for (int i = 0; i < 11; ++i)
        awards.push_back(grant("AW-" + std::to_string(i), 1'000));
    Books books = books_with(awards, 10'000);
    for (int i = 0; i < 10; ++i) {
        book(books, Disbursement{"AW-" + std::to_string(i), 1'000, day(2026, 1, 15), Channel::mpesa,
                                 "M" + std::to_string(i), 0});
    }
    BOOST_TEST(refusal(books, Disbursement{"AW-10", 1'000, day(2026, 1, 15), Channel::mpesa, "M10",
                                           0}) == "insufficient_fund_balance");
    BOOST_TEST(books.fund_cash["F-KES"] == Amount(0));
}

BOOST_AUTO_TEST_CASE(repayment_and_closure_checks) {
    Books books = books_with({grant("AW-G", 1'000), loan("AW-L", 1'000)});
    BOOST_TEST(refusal(books, Repayment{"AW-G", 1, day(2026, 2, 1), Channel::mpesa, "X"}) ==
               "not_a_loan");
    BOOST_TEST(refusal(books, Repayment{"AW-L", 1, day(2026, 2, 1), Channel::mpesa, "X"}) ==
               "award_not_active");
    BOOST_TEST(refusal(books, Closure{Closure::Kind::forgiveness, "AW-G", day(2026, 2, 1), ""}) ==
               "not_a_loan");
    BOOST_TEST(refusal(books, Closure{Closure::Kind::write_off, "AW-X", day(2026, 2, 1), ""}) ==
               "award_not_found");
    book(books, Disbursement{"AW-L", 1'000, day(2026, 1, 15), Channel::mpesa, "D", 0});
    BOOST_TEST(refusal(books, Repayment{"AW-L", 0, day(2026, 2, 1), Channel::mpesa, "X"}) ==
               "invalid_amount");
    BOOST_TEST(refusal(books, Repayment{"AW-L", 10, day(2026, 2, 1), Channel::mpesa, "D"}) ==
               "duplicate_reference");
}

BOOST_AUTO_TEST_CASE(events_cannot_be_dated_before_the_award_allows) {
    Books books = books_with({loan("AW-1", 1'000)});  // approved 2026-01-10
    BOOST_TEST(refusal(books, Disbursement{"AW-1", 1'000, day(2026, 1, 9), Channel::mpesa, "D",
                                           0}) == "dated_before_award");
    book(books, Disbursement{"AW-1", 1'000, day(2026, 1, 15), Channel::mpesa, "D", 0});
    BOOST_TEST(refusal(books, Repayment{"AW-1", 10, day(2026, 1, 14), Channel::mpesa, "R"}) ==
               "dated_before_award");
    BOOST_TEST(refusal(books, Closure{Closure::Kind::write_off, "AW-1", day(2026, 1, 14), ""}) ==
               "dated_before_award");
    BOOST_TEST(refusal(books, Repayment{"AW-1", 10, day(2026, 1, 15), Channel::mpesa, "R"}) ==
               "none");
}

BOOST_AUTO_TEST_CASE(receipts_and_repayments_are_never_in_kind) {
    Books books = books_with({loan("AW-1", 1'000)});
    BOOST_TEST(refusal(books, Receipt{"F-KES", 100, day(2026, 1, 2), Channel::in_kind, "G"}) ==
               "invalid_channel");
    book(books, Disbursement{"AW-1", 1'000, day(2026, 1, 15), Channel::mpesa, "D", 0});
    BOOST_TEST(refusal(books, Repayment{"AW-1", 10, day(2026, 2, 1), Channel::in_kind, "R"}) ==
               "invalid_channel");
}

BOOST_AUTO_TEST_CASE(late_disbursement_past_a_fixed_first_due_date_is_refused) {
    LoanTerms terms = monthly(3);
    terms.first_due_on = day(2026, 2, 10);
    Books books = books_with({loan("AW-1", 3'000, terms)});
    BOOST_TEST(refusal(books, Disbursement{"AW-1", 3'000, day(2026, 3, 1), Channel::mpesa, "D",
                                           0}) == "invalid_loan_terms");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(status_and_arrears)

BOOST_AUTO_TEST_CASE(reversed_events_undo_their_effect_on_status) {
    Books books = books_with({loan("AW-1", 1'000)});
    auto d = book(books, Disbursement{"AW-1", 1'000, day(2026, 1, 15), Channel::mpesa, "D", 0});
    auto w = book(books, Closure{Closure::Kind::write_off, "AW-1", day(2026, 3, 1), ""});
    BOOST_TEST(to_string(books.awards["AW-1"].award.status) == "written_off");
    // A reversal books the negated postings under the reversed entry's event.
    EntryDraft undo = w.draft;
    for (auto& p : undo.postings)
        p.amount = -p.amount;
    books.apply(undo, Event::write_off);
    BOOST_TEST(to_string(books.awards["AW-1"].award.status) == "active");
    EntryDraft undisburse = d.draft;
    for (auto& p : undisburse.postings)
        p.amount = -p.amount;
    books.apply(undisburse, Event::disbursement);
    BOOST_TEST(to_string(books.awards["AW-1"].award.status) == "approved");
    BOOST_TEST(!books.awards["AW-1"].figures.first_disbursed_on.has_value());
}

BOOST_AUTO_TEST_CASE(arrears_count_days_since_the_oldest_unpaid_installment) {
    Books books = books_with({loan("AW-1", 4'000)});  // 4 x 10.00, 0%, monthly
    book(books, Disbursement{"AW-1", 4'000, day(2026, 1, 10), Channel::mpesa, "D", 0});
    const auto& b = books.awards["AW-1"];
    const auto schedule = award_schedule(b.award, b.figures).schedule;
    BOOST_TEST(format_date(schedule.installments[0].due_on) == "2026-02-10");
    auto a = arrears_as_of(schedule, b.figures, day(2026, 2, 10));
    BOOST_TEST(a.days == 0);
    BOOST_TEST(a.principal_overdue == Amount(1'000));
    a = arrears_as_of(schedule, b.figures, day(2026, 3, 12));
    BOOST_TEST(a.days == 30);
    BOOST_TEST(a.principal_overdue == Amount(2'000));
    book(books, Repayment{"AW-1", 1'500, day(2026, 3, 12), Channel::mpesa, "R"});
    const auto& after = books.awards["AW-1"].figures;
    a = arrears_as_of(schedule, after, day(2026, 3, 12));
    BOOST_TEST(a.days == 2);  // installment 2 (due 10 March) half paid
    BOOST_TEST(a.principal_overdue == Amount(500));
    BOOST_TEST(arrears_as_of(schedule, after, day(2026, 1, 1)).days == 0);
}

BOOST_AUTO_TEST_CASE(one_installment_state_agrees_with_all_of_them) {
    Schedule schedule;
    // Interest-free grace first, then unequal parts, so payments straddle installments.
    const std::pair<int, int> parts[] = {{0, 0}, {700, 50}, {700, 0}, {1'000, 120}};
    for (int i = 0; i < 4; ++i) {
        const auto [principal, interest] = parts[i];
        schedule.installments.push_back(
            {i + 1, day(2026, 2 + i, 10), principal, interest, principal + interest, 0});
    }
    for (const Amount interest_paid : {-10, 0, 30, 50, 169, 170, 500}) {
        for (const Amount principal_paid : {-5, 0, 699, 700, 1'400, 2'399, 2'400, 3'000}) {
            const auto all = installment_states(schedule, interest_paid, principal_paid);
            for (std::size_t i = 0; i < all.size(); ++i) {
                const auto one = installment_state(schedule, i, interest_paid, principal_paid);
                BOOST_TEST(one.due.number == all[i].due.number);
                BOOST_TEST(one.interest_paid == all[i].interest_paid);
                BOOST_TEST(one.principal_paid == all[i].principal_paid);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(schedule_progress_agrees_with_walking_the_installments) {
    const auto schedule_of = [](std::initializer_list<std::tuple<int, int, int>> parts) {
        Schedule schedule;  // (day of March 2026 due, principal, interest) per installment
        int number = 0;
        for (const auto& [due, principal, interest] : parts) {
            ++number;
            schedule.installments.push_back(
                {number, day(2026, 3, due), principal, interest, principal + interest, 0});
        }
        return schedule;
    };
    const Schedule schedules[] = {
        schedule_of({{1, 0, 0}, {5, 700, 50}, {10, 700, 0}, {20, 1'000, 120}}),
        schedule_of({{1, 0, 30}, {5, 0, 30}, {10, 500, 30}, {10, 500, 0}}),
        schedule_of({}),
        // Irregular: a negative part, dates out of order (answered by walking).
        schedule_of({{1, 500, 10}, {5, -100, 10}, {10, 700, 10}}),
        schedule_of({{10, 500, 10}, {5, 500, 10}, {20, 500, 10}}),
    };
    for (const auto& schedule : schedules) {
        const ScheduleProgress progress(schedule);
        for (const Amount interest_paid : {-10, 0, 10, 30, 50, 90, 169, 170, 500}) {
            for (const Amount principal_paid : {-5, 0, 499, 500, 699, 700, 1'400, 2'400, 3'000}) {
                const auto all = installment_states(schedule, interest_paid, principal_paid);
                for (std::size_t i = 0; i < all.size(); ++i) {
                    const auto one = progress.state(i, interest_paid, principal_paid);
                    BOOST_TEST(one.due.number == all[i].due.number);
                    BOOST_TEST(one.interest_paid == all[i].interest_paid);
                    BOOST_TEST(one.principal_paid == all[i].principal_paid);
                }
                AwardFigures figures;
                figures.interest_paid = interest_paid;
                figures.principal_repaid = principal_paid;
                for (int d = 1; d <= 31; d += 2) {
                    BOOST_TEST(progress.days_late(figures, day(2026, 3, d)) ==
                               arrears_as_of(schedule, figures, day(2026, 3, d)).days);
                }
                BOOST_TEST(progress.days_late(figures, day(2026, 6, 30)) ==
                           arrears_as_of(schedule, figures, day(2026, 6, 30)).days);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(names_round_trip) {
    for (auto s : {AwardStatus::approved, AwardStatus::active, AwardStatus::repaid,
                   AwardStatus::written_off, AwardStatus::forgiven, AwardStatus::closed}) {
        BOOST_TEST((parse_award_status(to_string(s)) == s));
    }
    for (auto c : {Channel::mpesa, Channel::bank, Channel::cash, Channel::in_kind})
        BOOST_TEST((parse_channel(to_string(c)) == c));
    BOOST_TEST(!parse_channel("paypal").has_value());
    BOOST_TEST((parse_repayment_unit("weeks") == RepaymentUnit::weeks));
}

BOOST_AUTO_TEST_SUITE_END()
