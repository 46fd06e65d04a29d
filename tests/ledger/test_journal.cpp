// The journal (SPEC §5): validation with ordered rejections, reversals, canonical bytes
// for the hash chain, hex, the default chart and the rejection names.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/journal.hpp"
#include "tests/support/print.hpp"

namespace {

namespace L = riziki::ledger;
using L::Amount;
using L::Date;
using L::Entry;
using L::EntryCheck;
using L::EntryDraft;
using L::LedgerContext;
using L::Posting;
using L::Rejection;

Date ymd(int y, unsigned m, unsigned d) {
    return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

Posting posting(std::string account, std::string fund, std::string currency, Amount amount,
                std::string survivor = "", std::string award = "") {
    return Posting{std::move(account),  std::move(fund), std::move(currency), amount,
                   std::move(survivor), std::move(award)};
}

/// Every default account; FUND-KE and FUND-KE2 keep KES, FUND-US keeps USD;
/// December 2023 and January 2024 are closed.
LedgerContext make_context() {
    LedgerContext context;
    for (const auto& account : L::default_chart())
        context.accounts.insert(account.code);
    context.fund_currency = {{"FUND-KE", "KES"}, {"FUND-KE2", "KES"}, {"FUND-US", "USD"}};
    context.closed_periods = {L::Period{2023, 12}, L::Period{2024, 1}};
    return context;
}

/// A valid entry over two funds in two currencies:
///   0: 1010 FUND-KE KES +150000    1: 4100 FUND-KE KES -150000
///   2: 1010 FUND-US USD   +2500    3: 4100 FUND-US USD   -2500
EntryDraft make_draft() {
    EntryDraft draft;
    draft.effective_on = ymd(2024, 3, 15);
    draft.memo = "March donor receipts";
    draft.event = L::Event::receipt;
    draft.recorded_by = "amina";
    draft.postings = {
        posting("1010", "FUND-KE", "KES", 150000),
        posting("4100", "FUND-KE", "KES", -150000),
        posting("1010", "FUND-US", "USD", 2500),
        posting("4100", "FUND-US", "USD", -2500),
    };
    return draft;
}

/// `pairs` balanced pairs of ±1 KES on FUND-KE.
std::vector<Posting> many_postings(std::size_t pairs) {
    std::vector<Posting> out;
    for (std::size_t i = 0; i < pairs; ++i) {
        out.push_back(posting("1010", "FUND-KE", "KES", 1));
        out.push_back(posting("4100", "FUND-KE", "KES", -1));
    }
    return out;
}

const std::string k65(65, 'x');
const std::string k64(64, 'x');

using Mutation = std::function<void(EntryDraft&, LedgerContext&)>;

struct RejectionCase {
    std::string_view name;
    Mutation mutate;
    Rejection reason;
    std::optional<std::size_t> posting;  ///< none when the rule is about the entry
};

void check_case(const RejectionCase& c) {
    BOOST_TEST_CONTEXT("case " << c.name) {
        EntryDraft draft = make_draft();
        LedgerContext context = make_context();
        c.mutate(draft, context);
        const EntryCheck check = L::validate_entry(draft, context);
        BOOST_TEST(check.reason == c.reason);
        BOOST_TEST((check.posting == c.posting));
        BOOST_TEST(check.ok() == (c.reason == Rejection::none));
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal)

// ---------------------------------------------------------------- validate_entry

BOOST_AUTO_TEST_CASE(two_fund_two_currency_balanced_entry_is_valid) {
    const EntryCheck check = L::validate_entry(make_draft(), make_context());
    BOOST_TEST(check.reason == Rejection::none);
    BOOST_TEST(!check.posting.has_value());
    BOOST_TEST(check.ok());
}

BOOST_AUTO_TEST_CASE(every_validate_entry_rejection_with_its_posting_index) {
    const Amount too_big = L::amount_limit() + 1;
    const RejectionCase cases[] = {
        {"no postings", [](EntryDraft& d, LedgerContext&) { d.postings.clear(); },
         Rejection::postings_too_few, std::nullopt},
        {"one posting", [](EntryDraft& d, LedgerContext&) { d.postings.resize(1); },
         Rejection::postings_too_few, std::nullopt},
        {"501 postings",
         [](EntryDraft& d, LedgerContext&) {
             d.postings = many_postings(250);
             d.postings.push_back(posting("1010", "FUND-KE", "KES", 1));
         },
         Rejection::postings_too_many, std::nullopt},
        {"1001-byte memo", [](EntryDraft& d, LedgerContext&) { d.memo.assign(1001, 'm'); },
         Rejection::memo_too_long, std::nullopt},
        {"memo of 334 three-byte characters (1002 bytes)",
         [](EntryDraft& d, LedgerContext&) {
             d.memo.clear();
             for (int i = 0; i < 334; ++i)
                 d.memo += "\xe2\x82\xac";  // U+20AC EURO SIGN
         },
         Rejection::memo_too_long, std::nullopt},
        {"reverses without the reversal event",
         [](EntryDraft& d, LedgerContext&) { d.reverses = 7; }, Rejection::invalid_event,
         std::nullopt},
        {"reversal event without reverses",
         [](EntryDraft& d, LedgerContext&) { d.event = L::Event::reversal; },
         Rejection::invalid_event, std::nullopt},
        {"empty recorded_by", [](EntryDraft& d, LedgerContext&) { d.recorded_by.clear(); },
         Rejection::invalid_reference, std::nullopt},
        {"65-byte recorded_by",
         [](EntryDraft& d, LedgerContext&) { d.recorded_by.assign(65, 'r'); },
         Rejection::invalid_reference, std::nullopt},
        {"memo with a NUL byte",
         [](EntryDraft& d, LedgerContext&) { d.memo = std::string("a\0b", 3); },
         Rejection::invalid_text, std::nullopt},
        {"memo with a lone continuation byte",
         [](EntryDraft& d, LedgerContext&) { d.memo = "caf\xa9"; }, Rejection::invalid_text,
         std::nullopt},
        {"memo with an overlong slash", [](EntryDraft& d, LedgerContext&) { d.memo = "\xc0\xaf"; },
         Rejection::invalid_text, std::nullopt},
        {"memo with a UTF-16 surrogate",
         [](EntryDraft& d, LedgerContext&) { d.memo = "\xed\xa0\x80"; }, Rejection::invalid_text,
         std::nullopt},
        {"truncated four-byte sequence",
         [](EntryDraft& d, LedgerContext&) { d.memo = "\xf0\x9f\x98"; }, Rejection::invalid_text,
         std::nullopt},
        {"award code with invalid UTF-8",
         [](EntryDraft& d, LedgerContext&) { d.postings[1].award = "AW-\xff"; },
         Rejection::invalid_text, 1},
        {"empty account", [](EntryDraft& d, LedgerContext&) { d.postings[2].account.clear(); },
         Rejection::invalid_reference, 2},
        {"empty fund", [](EntryDraft& d, LedgerContext&) { d.postings[3].fund.clear(); },
         Rejection::invalid_reference, 3},
        {"65-byte account", [](EntryDraft& d, LedgerContext&) { d.postings[1].account = k65; },
         Rejection::invalid_reference, 1},
        {"65-byte fund", [](EntryDraft& d, LedgerContext&) { d.postings[1].fund = k65; },
         Rejection::invalid_reference, 1},
        {"65-byte survivor", [](EntryDraft& d, LedgerContext&) { d.postings[2].survivor = k65; },
         Rejection::invalid_reference, 2},
        {"65-byte award", [](EntryDraft& d, LedgerContext&) { d.postings[3].award = k65; },
         Rejection::invalid_reference, 3},
        {"zero amount", [](EntryDraft& d, LedgerContext&) { d.postings[2].amount = 0; },
         Rejection::zero_posting, 2},
        {"zero amount in the first posting",
         [](EntryDraft& d, LedgerContext&) { d.postings[0].amount = 0; }, Rejection::zero_posting,
         0},
        {"credit beyond amount_limit",
         [too_big](EntryDraft& d, LedgerContext&) { d.postings[1].amount = -too_big; },
         Rejection::invalid_amount, 1},
        {"debit beyond amount_limit",
         [too_big](EntryDraft& d, LedgerContext&) { d.postings[3].amount = too_big; },
         Rejection::invalid_amount, 3},
        {"largest 128-bit amount",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[0].amount = std::numeric_limits<Amount>::max();
         },
         Rejection::invalid_amount, 0},
        {"unknown account", [](EntryDraft& d, LedgerContext&) { d.postings[1].account = "9999"; },
         Rejection::unknown_account, 1},
        {"account with trailing blank",
         [](EntryDraft& d, LedgerContext&) { d.postings[0].account = "1010 "; },
         Rejection::unknown_account, 0},
        {"64-byte account (valid length) not in the chart",
         [](EntryDraft& d, LedgerContext&) { d.postings[2].account = k64; },
         Rejection::unknown_account, 2},
        {"account removed from the context",
         [](EntryDraft&, LedgerContext& c) { c.accounts.erase("4100"); },
         Rejection::unknown_account, 1},
        {"unknown fund", [](EntryDraft& d, LedgerContext&) { d.postings[2].fund = "NOPE"; },
         Rejection::unknown_fund, 2},
        {"fund in the wrong case",
         [](EntryDraft& d, LedgerContext&) { d.postings[0].fund = "fund-ke"; },
         Rejection::unknown_fund, 0},
        {"fund removed from the context",
         [](EntryDraft&, LedgerContext& c) { c.fund_currency.erase("FUND-US"); },
         Rejection::unknown_fund, 2},
        {"KES posted to a USD fund",
         [](EntryDraft& d, LedgerContext&) { d.postings[3].currency = "KES"; },
         Rejection::currency_mismatch, 3},
        {"empty currency", [](EntryDraft& d, LedgerContext&) { d.postings[0].currency.clear(); },
         Rejection::currency_mismatch, 0},
        {"lower-case currency",
         [](EntryDraft& d, LedgerContext&) { d.postings[1].currency = "kes"; },
         Rejection::currency_mismatch, 1},
        {"fund currency changed in the context",
         [](EntryDraft&, LedgerContext& c) { c.fund_currency["FUND-US"] = "EUR"; },
         Rejection::currency_mismatch, 2},
        {"last day of a closed period",
         [](EntryDraft& d, LedgerContext&) { d.effective_on = ymd(2024, 1, 31); },
         Rejection::period_closed, std::nullopt},
        {"first day of a closed period",
         [](EntryDraft& d, LedgerContext&) { d.effective_on = ymd(2023, 12, 1); },
         Rejection::period_closed, std::nullopt},
        {"USD does not sum to zero",
         [](EntryDraft& d, LedgerContext&) { d.postings[3].amount = -2400; },
         Rejection::unbalanced_entry, 2},  // index of the first USD posting
        {"KES off by one minor unit",
         [](EntryDraft& d, LedgerContext&) { d.postings[0].amount = 150001; },
         Rejection::unbalanced_entry, 0},
        {"balanced per currency, not per fund",
         [](EntryDraft& d, LedgerContext&) { d.postings[1].fund = "FUND-KE2"; },
         Rejection::unbalanced_fund, 0},
        {"only the second fund group is off",
         [](EntryDraft& d, LedgerContext&) {
             d.postings = {
                 posting("1010", "FUND-US", "USD", 2500), posting("4100", "FUND-US", "USD", -2500),
                 posting("1010", "FUND-KE2", "KES", 700), posting("4100", "FUND-KE", "KES", -700)};
         },
         Rejection::unbalanced_fund, 2},
    };
    for (const auto& c : cases)
        check_case(c);
}

BOOST_AUTO_TEST_CASE(the_table_covers_every_validate_entry_rejection) {
    // If validate_entry gains a rejection, the table above must gain a case for it.
    const std::set<Rejection> validate_reasons{
        Rejection::postings_too_few,  Rejection::postings_too_many, Rejection::memo_too_long,
        Rejection::invalid_event,     Rejection::invalid_reference, Rejection::zero_posting,
        Rejection::invalid_amount,    Rejection::unknown_account,   Rejection::unknown_fund,
        Rejection::currency_mismatch, Rejection::period_closed,     Rejection::unbalanced_entry,
        Rejection::unbalanced_fund};
    BOOST_TEST(validate_reasons.size() == 13u);
    for (const auto reason : validate_reasons) {
        const auto number = static_cast<int>(reason);
        BOOST_TEST((number >= 1 && number <= 13));
    }
}

BOOST_AUTO_TEST_CASE(boundaries_that_are_still_valid) {
    const RejectionCase cases[] = {
        {"exactly 2 postings", [](EntryDraft& d, LedgerContext&) { d.postings.resize(2); },
         Rejection::none, std::nullopt},
        {"exactly 500 postings",
         [](EntryDraft& d, LedgerContext&) { d.postings = many_postings(250); }, Rejection::none,
         std::nullopt},
        {"1000-byte memo", [](EntryDraft& d, LedgerContext&) { d.memo.assign(1000, 'm'); },
         Rejection::none, std::nullopt},
        {"empty memo", [](EntryDraft& d, LedgerContext&) { d.memo.clear(); }, Rejection::none,
         std::nullopt},
        {"64-byte codes everywhere",
         [](EntryDraft& d, LedgerContext& c) {
             c.accounts.insert(k64);
             c.fund_currency[k64] = "USD";
             for (std::size_t i = 2; i < 4; ++i) {
                 d.postings[i].account = k64;
                 d.postings[i].fund = k64;
                 d.postings[i].survivor = k64;
                 d.postings[i].award = k64;
             }
         },
         Rejection::none, std::nullopt},
        {"amounts of exactly amount_limit",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[0].amount = L::amount_limit();
             d.postings[1].amount = -L::amount_limit();
         },
         Rejection::none, std::nullopt},
        {"day after the last closed period",
         [](EntryDraft& d, LedgerContext&) { d.effective_on = ymd(2024, 2, 1); }, Rejection::none,
         std::nullopt},
        {"day before the first closed period",
         [](EntryDraft& d, LedgerContext&) { d.effective_on = ymd(2023, 11, 30); }, Rejection::none,
         std::nullopt},
        {"same account debited and credited",
         [](EntryDraft& d, LedgerContext&) { d.postings[1].account = "1010"; }, Rejection::none,
         std::nullopt},
        {"survivor and award on a grant disbursement",
         [](EntryDraft& d, LedgerContext&) {
             d.event = L::Event::disbursement;
             d.postings = {posting("5100", "FUND-KE", "KES", 5000000, "S-0001", "AW-17"),
                           posting("1020", "FUND-KE", "KES", -5000000, "S-0001", "AW-17")};
         },
         Rejection::none, std::nullopt},
    };
    for (const auto& c : cases)
        check_case(c);
}

BOOST_AUTO_TEST_CASE(every_known_event_is_accepted) {
    BOOST_TEST(L::kEventNames.size() == 10u);
    for (const auto name : L::kEventNames.names) {
        BOOST_TEST_CONTEXT("event " << name) {
            const auto event = L::parse_event(name);
            BOOST_TEST_REQUIRE(event.has_value());
            BOOST_TEST(L::to_string(*event) == name);
            EntryDraft draft = make_draft();
            draft.event = *event;
            if (*event == L::Event::reversal)
                draft.reverses = 1;  // a reversal names its original
            BOOST_TEST(L::validate_entry(draft, make_context()).reason == Rejection::none);
        }
    }
    // Names are exact: no other spelling is an event.
    for (const auto* bad : {"", "payout", "Manual", "Receipt", "receipt ", "write-off"})
        BOOST_TEST_CONTEXT("\"" << bad << "\"") {
            BOOST_TEST(!L::parse_event(bad).has_value());
        }
}

BOOST_AUTO_TEST_CASE(the_earlier_rule_wins_when_two_are_broken) {
    const Amount too_big = L::amount_limit() + 1;
    const RejectionCase cases[] = {
        {"too few postings, memo too long, bad event",
         [](EntryDraft& d, LedgerContext&) {
             d.postings.resize(1);
             d.memo.assign(1001, 'm');
             d.reverses = 7;  // a receipt naming an entry it reverses
         },
         Rejection::postings_too_few, std::nullopt},
        {"too many postings, memo too long",
         [](EntryDraft& d, LedgerContext&) {
             d.postings = many_postings(251);
             d.memo.assign(1001, 'm');
         },
         Rejection::postings_too_many, std::nullopt},
        {"memo too long, bad event",
         [](EntryDraft& d, LedgerContext&) {
             d.memo.assign(1001, 'm');
             d.reverses = 7;  // a receipt naming an entry it reverses
         },
         Rejection::memo_too_long, std::nullopt},
        {"bad event, empty account",
         [](EntryDraft& d, LedgerContext&) {
             d.reverses = 7;  // a receipt naming an entry it reverses
             d.postings[0].account.clear();
         },
         Rejection::invalid_event, std::nullopt},
        {"bad event, closed period, unbalanced",
         [](EntryDraft& d, LedgerContext&) {
             d.reverses = 7;  // a receipt naming an entry it reverses
             d.effective_on = ymd(2024, 1, 10);
             d.postings[0].amount = 1;
         },
         Rejection::invalid_event, std::nullopt},
        {"unknown account in posting 1 beats empty account in posting 2",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[1].account = "9999";
             d.postings[2].account.clear();
         },
         Rejection::unknown_account, 1},
        {"empty account and zero amount in one posting",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[2].account.clear();
             d.postings[2].amount = 0;
         },
         Rejection::invalid_reference, 2},
        {"zero amount and unknown account",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[2].amount = 0;
             d.postings[2].account = "9999";
         },
         Rejection::zero_posting, 2},
        {"amount too big and unknown account",
         [too_big](EntryDraft& d, LedgerContext&) {
             d.postings[1].amount = too_big;
             d.postings[1].account = "9999";
         },
         Rejection::invalid_amount, 1},
        {"unknown account and unknown fund",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[3].account = "9999";
             d.postings[3].fund = "NOPE";
         },
         Rejection::unknown_account, 3},
        {"unknown fund and odd currency",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[3].fund = "NOPE";
             d.postings[3].currency = "XXX";
         },
         Rejection::unknown_fund, 3},
        {"currency mismatch in a closed period",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[3].currency = "KES";
             d.effective_on = ymd(2024, 1, 10);
         },
         Rejection::currency_mismatch, 3},
        {"zero posting leaves the entry unbalanced",
         [](EntryDraft& d, LedgerContext&) { d.postings[0].amount = 0; }, Rejection::zero_posting,
         0},
        {"closed period and unbalanced",
         [](EntryDraft& d, LedgerContext&) {
             d.effective_on = ymd(2024, 1, 10);
             d.postings[0].amount = 1;
         },
         Rejection::period_closed, std::nullopt},
        {"unbalanced per currency and per fund",
         [](EntryDraft& d, LedgerContext&) {
             d.postings[2].amount = 2600;      // USD and FUND-US both off
             d.postings[1].fund = "FUND-KE2";  // KES funds off too
         },
         Rejection::unbalanced_entry, 2},
    };
    for (const auto& c : cases)
        check_case(c);
}

BOOST_AUTO_TEST_CASE(unbalanced_group_reported_by_its_first_posting_not_by_name) {
    const LedgerContext base = make_context();
    // Currencies interleaved: USD (first seen at 1) is off, KES balances.
    {
        EntryDraft draft = make_draft();
        draft.postings = {
            posting("1010", "FUND-KE", "KES", 100), posting("1010", "FUND-US", "USD", 5),
            posting("4100", "FUND-KE", "KES", -100), posting("4100", "FUND-US", "USD", -4)};
        const auto check = L::validate_entry(draft, base);
        BOOST_TEST(check.reason == Rejection::unbalanced_entry);
        BOOST_TEST((check.posting == std::optional<std::size_t>(1)));
    }
    // Both funds off; "ZETA" sorts after "ALPHA" but appears first.
    {
        LedgerContext context = base;
        context.fund_currency["ZETA"] = "KES";
        context.fund_currency["ALPHA"] = "KES";
        EntryDraft draft = make_draft();
        draft.postings = {posting("1010", "FUND-KE", "KES", 100),
                          posting("4100", "FUND-KE", "KES", -100),
                          posting("1010", "ZETA", "KES", 50), posting("4100", "ALPHA", "KES", -50)};
        const auto check = L::validate_entry(draft, context);
        BOOST_TEST(check.reason == Rejection::unbalanced_fund);
        BOOST_TEST((check.posting == std::optional<std::size_t>(2)));
    }
    // Both currencies off; "USD" appears before "KES".
    {
        EntryDraft draft = make_draft();
        draft.postings = {posting("1010", "FUND-US", "USD", 5),
                          posting("1010", "FUND-KE", "KES", 9),
                          posting("4100", "FUND-KE", "KES", -10)};
        const auto check = L::validate_entry(draft, base);
        BOOST_TEST(check.reason == Rejection::unbalanced_entry);
        BOOST_TEST((check.posting == std::optional<std::size_t>(0)));
    }
}

BOOST_AUTO_TEST_CASE(first_unbalanced_checks_currencies_and_funds_apart) {
    // Balanced per currency, not per fund: the writer asserts both again before writing.
    const std::vector<Posting> postings = {posting("1010", "FUND-KE", "KES", 100),
                                           posting("4100", "FUND-KE2", "KES", -100)};
    BOOST_TEST(!L::first_unbalanced_currency(postings));
    BOOST_TEST((L::first_unbalanced_fund(postings) == std::optional<std::size_t>(0)));
    BOOST_TEST(!L::first_unbalanced_currency(make_draft().postings));
    BOOST_TEST(!L::first_unbalanced_fund(make_draft().postings));
}

BOOST_AUTO_TEST_CASE(random_balanced_entries_validate_and_any_single_change_unbalances) {
    std::mt19937_64 rng(20240315);  // fixed seed: failures are reproducible
    const std::vector<std::pair<std::string, std::string>> funds{
        {"FUND-KE", "KES"}, {"FUND-KE2", "KES"}, {"FUND-US", "USD"}};
    const auto& chart = L::default_chart();
    const LedgerContext context = make_context();
    std::uniform_int_distribution<std::size_t> pick_fund(0, funds.size() - 1);
    std::uniform_int_distribution<std::size_t> pick_account(0, chart.size() - 1);
    std::uniform_int_distribution<std::size_t> pick_pairs(1, 40);
    std::uniform_int_distribution<long long> pick_amount(1, 1'000'000'000'000LL);
    int failures = 0;
    for (int iteration = 0; iteration < 300; ++iteration) {
        EntryDraft draft = make_draft();
        draft.postings.clear();
        const std::size_t pairs = pick_pairs(rng);
        for (std::size_t i = 0; i < pairs; ++i) {
            const auto& [fund, currency] = funds[pick_fund(rng)];
            const Amount amount = pick_amount(rng);
            draft.postings.push_back(
                posting(chart[pick_account(rng)].code, fund, currency, amount));
            draft.postings.push_back(
                posting(chart[pick_account(rng)].code, fund, currency, -amount));
        }
        std::shuffle(draft.postings.begin(), draft.postings.end(), rng);
        const auto check = L::validate_entry(draft, context);
        if (!check.ok())
            ++failures;

        // The reversal is valid too and cancels the original per account and fund.
        Entry original;
        original.seq = iteration + 1;
        original.draft = draft;
        const EntryDraft reversal = L::reversal_of(original, draft.effective_on, "undo", "bot");
        if (!L::validate_entry(reversal, context).ok())
            ++failures;
        std::map<std::pair<std::string, std::string>, Amount> net;
        for (const auto& p : draft.postings)
            net[{p.account, p.fund}] += p.amount;
        for (const auto& p : reversal.postings)
            net[{p.account, p.fund}] += p.amount;
        for (const auto& [key, sum] : net)
            if (sum != 0)
                ++failures;

        // Nudging any one posting by one minor unit unbalances its currency, reported at
        // the first posting in that currency.
        std::uniform_int_distribution<std::size_t> pick_posting(0, draft.postings.size() - 1);
        const std::size_t nudged = pick_posting(rng);
        draft.postings[nudged].amount += draft.postings[nudged].amount == -1 ? 2 : 1;
        std::size_t first_in_currency = 0;
        while (draft.postings[first_in_currency].currency != draft.postings[nudged].currency)
            ++first_in_currency;
        const auto broken = L::validate_entry(draft, context);
        if (broken.reason != Rejection::unbalanced_entry || broken.posting != first_in_currency) {
            BOOST_TEST_MESSAGE("iteration " << iteration << ": got " << L::to_string(broken.reason)
                                            << " at " << broken.posting.value_or(999));
            ++failures;
        }
    }
    BOOST_TEST(failures == 0);
}

// ---------------------------------------------------------------- reversals

BOOST_AUTO_TEST_CASE(reversal_of_negates_postings_and_points_at_the_original) {
    Entry original;
    original.seq = 42;
    original.recorded_at_us = 1710500000123456;
    original.draft = make_draft();
    original.draft.postings[0].survivor = "S-0001";
    original.draft.postings[0].award = "AW-17";
    const EntryDraft before = original.draft;

    const EntryDraft reversal = L::reversal_of(original, ymd(2024, 4, 2), "wrong fund", "bob");
    BOOST_TEST(L::format_date(reversal.effective_on) == "2024-04-02");
    BOOST_TEST(reversal.memo == "wrong fund");
    BOOST_TEST(reversal.event == L::Event::reversal);
    BOOST_TEST(reversal.recorded_by == "bob");
    BOOST_TEST_REQUIRE(reversal.reverses.has_value());
    BOOST_TEST(*reversal.reverses == 42);
    BOOST_TEST_REQUIRE(reversal.postings.size() == 4u);
    const long long expected_amounts[] = {-150000, 150000, -2500, 2500};
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_TEST_CONTEXT("posting " << i) {
            const Posting& r = reversal.postings[i];
            const Posting& o = original.draft.postings[i];
            BOOST_TEST(r.amount == Amount(expected_amounts[i]));
            BOOST_TEST(r.account == o.account);
            BOOST_TEST(r.fund == o.fund);
            BOOST_TEST(r.currency == o.currency);
            BOOST_TEST(r.survivor == o.survivor);
            BOOST_TEST(r.award == o.award);
        }
    }
    BOOST_TEST(reversal.postings[0].survivor == "S-0001");
    BOOST_TEST(reversal.postings[0].award == "AW-17");
    BOOST_TEST((original.draft == before));  // the original is untouched
    BOOST_TEST(L::validate_entry(reversal, make_context()).reason == Rejection::none);

    // Reversing the reversal restores the original postings.
    Entry reversal_entry;
    reversal_entry.seq = 43;
    reversal_entry.draft = reversal;
    const EntryDraft again = L::reversal_of(reversal_entry, ymd(2024, 4, 3), "redo", "carol");
    BOOST_TEST((again.postings == original.draft.postings));
    BOOST_TEST_REQUIRE(again.reverses.has_value());
    BOOST_TEST(*again.reverses == 43);
    BOOST_TEST(again.event == L::Event::reversal);
}

BOOST_AUTO_TEST_CASE(check_reversal_outcomes) {
    Entry original;
    original.seq = 42;
    original.draft = make_draft();  // dated 2024-03-15
    BOOST_TEST(L::check_reversal(original, ymd(2024, 3, 15), false) == Rejection::none);
    BOOST_TEST(L::check_reversal(original, ymd(2024, 3, 16), false) == Rejection::none);
    BOOST_TEST(L::check_reversal(original, ymd(2025, 1, 1), false) == Rejection::none);
    BOOST_TEST(L::check_reversal(original, ymd(2024, 3, 14), false) ==
               Rejection::reversal_before_original);
    BOOST_TEST(L::check_reversal(original, ymd(2023, 12, 31), false) ==
               Rejection::reversal_before_original);
    BOOST_TEST(L::check_reversal(original, ymd(2024, 3, 16), true) == Rejection::already_reversed);
    // Both broken: already_reversed is checked first.
    BOOST_TEST(L::check_reversal(original, ymd(2024, 3, 14), true) == Rejection::already_reversed);
}

// ---------------------------------------------------------------- canonical bytes

namespace {

Entry make_entry() {
    Entry entry;
    entry.seq = 7;
    entry.recorded_at_us = 1710500000123456;
    entry.draft.effective_on = ymd(2024, 3, 15);
    entry.draft.memo = "Q1 receipt";
    entry.draft.event = L::Event::receipt;
    entry.draft.recorded_by = "amina";
    entry.draft.postings = {posting("1010", "FUND-KE", "KES", 150000, "S-0001", "AW-17"),
                            posting("4100", "FUND-KE", "KES", -150000)};
    for (std::size_t i = 0; i < entry.prev_hash.size(); ++i)
        entry.prev_hash[i] = static_cast<unsigned char>(0xa0 + i);
    return entry;
}

}  // namespace

BOOST_AUTO_TEST_CASE(canonical_bytes_v1_golden) {
    // The hash chain depends on these exact bytes; changing them breaks every stored chain.
    const std::string expected =
        "riziki.entry.v1\n"
        "seq:1:7\n"
        "recorded_at_us:16:1710500000123456\n"
        "effective_on:10:2024-03-15\n"
        "event:7:receipt\n"
        "recorded_by:5:amina\n"
        "memo:10:Q1 receipt\n"
        "reverses:0:\n"
        "postings:1:2\n"
        "account:4:1010\n"
        "fund:7:FUND-KE\n"
        "currency:3:KES\n"
        "amount:6:150000\n"
        "survivor:6:S-0001\n"
        "award:5:AW-17\n"
        "account:4:4100\n"
        "fund:7:FUND-KE\n"
        "currency:3:KES\n"
        "amount:7:-150000\n"
        "survivor:0:\n"
        "award:0:\n";
    BOOST_TEST(L::canonical_bytes(make_entry()) == expected);

    Entry reversal = make_entry();
    reversal.seq = -1;  // nonsense, but it must still encode unambiguously
    reversal.draft.reverses = 3;
    reversal.draft.memo = "";
    reversal.draft.postings = {posting("1010", "FUND-KE", "KES", -1),
                               posting("4100", "FUND-KE", "KES", 1)};
    const std::string expected_reversal =
        "riziki.entry.v1\n"
        "seq:2:-1\n"
        "recorded_at_us:16:1710500000123456\n"
        "effective_on:10:2024-03-15\n"
        "event:7:receipt\n"
        "recorded_by:5:amina\n"
        "memo:0:\n"
        "reverses:1:3\n"
        "postings:1:2\n"
        "account:4:1010\n"
        "fund:7:FUND-KE\n"
        "currency:3:KES\n"
        "amount:2:-1\n"
        "survivor:0:\n"
        "award:0:\n"
        "account:4:4100\n"
        "fund:7:FUND-KE\n"
        "currency:3:KES\n"
        "amount:1:1\n"
        "survivor:0:\n"
        "award:0:\n";
    BOOST_TEST(L::canonical_bytes(reversal) == expected_reversal);
}

BOOST_AUTO_TEST_CASE(canonical_bytes_are_deterministic) {
    const Entry entry = make_entry();
    const Entry copy = entry;
    BOOST_TEST(L::canonical_bytes(entry) == L::canonical_bytes(entry));
    BOOST_TEST(L::canonical_bytes(entry) == L::canonical_bytes(copy));
    BOOST_TEST(L::canonical_bytes(entry) == L::canonical_bytes(make_entry()));
    // The chain links are not part of the entry's own bytes (prev_hash enters via
    // chain_input, hash is the output).
    Entry relinked = entry;
    relinked.prev_hash.fill(0x11);
    relinked.hash.fill(0x22);
    BOOST_TEST(L::canonical_bytes(relinked) == L::canonical_bytes(entry));
}

BOOST_AUTO_TEST_CASE(canonical_bytes_change_with_every_field) {
    using Change = std::pair<std::string, std::function<void(Entry&)>>;
    std::vector<Change> changes{
        {"seq", [](Entry& e) { e.seq = 8; }},
        {"seq negative", [](Entry& e) { e.seq = -7; }},
        {"recorded_at_us", [](Entry& e) { e.recorded_at_us += 1; }},
        {"effective_on", [](Entry& e) { e.draft.effective_on = ymd(2024, 3, 16); }},
        {"memo", [](Entry& e) { e.draft.memo = "Q1 receipT"; }},
        {"memo longer", [](Entry& e) { e.draft.memo += " "; }},
        {"event", [](Entry& e) { e.draft.event = L::Event::manual; }},
        {"recorded_by", [](Entry& e) { e.draft.recorded_by = "amino"; }},
        {"reverses 0", [](Entry& e) { e.draft.reverses = 0; }},  // distinct from absent
        {"reverses 3", [](Entry& e) { e.draft.reverses = 3; }},
        {"reverses 30", [](Entry& e) { e.draft.reverses = 30; }},
        {"posting order", [](Entry& e) { std::swap(e.draft.postings[0], e.draft.postings[1]); }},
        {"extra posting",
         [](Entry& e) { e.draft.postings.push_back(posting("1010", "FUND-KE", "KES", 1)); }},
        {"fewer postings", [](Entry& e) { e.draft.postings.pop_back(); }},
    };
    for (std::size_t i = 0; i < 2; ++i) {
        const std::string of = " of posting " + std::to_string(i);
        changes.push_back(
            {"account" + of, [i](Entry& e) { e.draft.postings[i].account = "1020"; }});
        changes.push_back({"fund" + of, [i](Entry& e) { e.draft.postings[i].fund = "FUND-KE2"; }});
        changes.push_back(
            {"currency" + of, [i](Entry& e) { e.draft.postings[i].currency = "USD"; }});
        changes.push_back({"amount" + of, [i](Entry& e) { e.draft.postings[i].amount += 1; }});
        changes.push_back({"amount sign" + of, [i](Entry& e) {
                               e.draft.postings[i].amount = -e.draft.postings[i].amount;
                           }});
        changes.push_back(
            {"survivor" + of, [i](Entry& e) { e.draft.postings[i].survivor = "S-0002"; }});
        changes.push_back({"award" + of, [i](Entry& e) { e.draft.postings[i].award = "AW-18"; }});
    }
    const std::string base = L::canonical_bytes(make_entry());
    std::map<std::string, std::string> seen{{base, "unchanged"}};
    for (const auto& [label, change] : changes) {
        Entry changed = make_entry();
        change(changed);
        const std::string bytes = L::canonical_bytes(changed);
        BOOST_TEST_CONTEXT("change " << label) {
            BOOST_TEST(bytes != base);
            const auto [it, inserted] = seen.emplace(bytes, label);
            BOOST_CHECK_MESSAGE(inserted, "same bytes as change " << it->second);
        }
    }
    BOOST_TEST(seen.size() == changes.size() + 1);
}

BOOST_AUTO_TEST_CASE(length_prefixes_stop_bytes_moving_between_fields) {
    // recorded_by precedes memo. Without lengths these two entries would serialise
    // identically: "recorded_by:alice\nmemo:hi\nmemo:\n".
    Entry a = make_entry();
    a.draft.recorded_by = "alice\nmemo:hi";
    a.draft.memo = "";
    Entry b = make_entry();
    b.draft.recorded_by = "alice";
    b.draft.memo = "hi\nmemo:";
    const auto naive = [](const Entry& e) {
        return "recorded_by:" + e.draft.recorded_by + "\nmemo:" + e.draft.memo + "\n";
    };
    BOOST_TEST(naive(a) == naive(b));                            // the ambiguity is real...
    BOOST_TEST(L::canonical_bytes(a) != L::canonical_bytes(b));  // ...and prevented
    BOOST_TEST(L::canonical_bytes(a).find("recorded_by:13:alice\nmemo:hi\nmemo:0:\n") !=
               std::string::npos);
    BOOST_TEST(L::canonical_bytes(b).find("recorded_by:5:alice\nmemo:8:hi\nmemo:\n") !=
               std::string::npos);

    // The same between a posting's survivor and award.
    Entry c = make_entry();
    c.draft.postings[1].survivor = "S-1\naward:";
    c.draft.postings[1].award = "";
    Entry d = make_entry();
    d.draft.postings[1].survivor = "S-1";
    d.draft.postings[1].award = "\naward:";
    BOOST_TEST(L::canonical_bytes(c) != L::canonical_bytes(d));

    // A memo that imitates a whole extra posting cannot forge one.
    Entry e = make_entry();
    e.draft.memo = "x\nreverses:0:\npostings:1:3\n";
    BOOST_TEST(L::canonical_bytes(e).find("memo:27:x\nreverses:0:\npostings:1:3\n\nreverses:0:\n"
                                          "postings:1:2\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(chain_input_is_prev_hash_then_canonical_bytes) {
    const Entry entry = make_entry();
    const std::string input = L::chain_input(entry);
    const std::string canonical = L::canonical_bytes(entry);
    BOOST_TEST_REQUIRE(input.size() == 32 + canonical.size());
    for (std::size_t i = 0; i < 32; ++i) {
        BOOST_TEST_CONTEXT("byte " << i) {
            BOOST_TEST(static_cast<std::size_t>(static_cast<unsigned char>(input[i])) == 0xa0 + i);
        }
    }
    BOOST_TEST(input.substr(32) == canonical);

    Entry first = make_entry();
    first.prev_hash = L::kGenesisHash;
    const std::string genesis_input = L::chain_input(first);
    BOOST_TEST(genesis_input.substr(0, 32) == std::string(32, '\0'));
    BOOST_TEST(genesis_input.substr(32) == canonical);

    Entry relinked = make_entry();
    relinked.prev_hash[31] ^= 1;
    BOOST_TEST(L::chain_input(relinked) != input);
    BOOST_TEST(L::chain_input(relinked).substr(32) == canonical);
}

// ---------------------------------------------------------------- hex

BOOST_AUTO_TEST_CASE(to_hex_is_lower_case_and_round_trips) {
    BOOST_TEST(L::to_hex(L::kGenesisHash) == std::string(64, '0'));
    L::Hash ascending{};
    for (std::size_t i = 0; i < ascending.size(); ++i)
        ascending[i] = static_cast<unsigned char>(i);
    BOOST_TEST(L::to_hex(ascending) ==
               "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    L::Hash ones{};
    ones.fill(0xff);
    BOOST_TEST(L::to_hex(ones) == std::string(64, 'f'));
    L::Hash mixed{};
    const unsigned char head[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x80, 0x7f, 0x10};
    std::copy(std::begin(head), std::end(head), mixed.begin());
    BOOST_TEST(L::to_hex(mixed).substr(0, 16) == "deadbeef01807f10");

    for (const auto& hash : {L::kGenesisHash, ascending, ones, mixed}) {
        const auto back = L::hash_from_hex(L::to_hex(hash));
        BOOST_TEST_REQUIRE(back.has_value());
        BOOST_TEST((*back == hash));
    }
}

BOOST_AUTO_TEST_CASE(hash_from_hex_rejects_anything_but_64_lower_hex_digits) {
    const std::string good = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    BOOST_TEST(L::hash_from_hex(good).has_value());
    std::string upper = good;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](char ch) {
        return ch >= 'a' && ch <= 'f' ? static_cast<char>(ch - 32) : ch;
    });
    BOOST_TEST(upper == "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
    std::string one_upper = good;
    one_upper[63] = 'F';
    std::string with_g = good;
    with_g[0] = 'g';
    std::string with_space = good;
    with_space[10] = ' ';
    std::string with_nul = good;
    with_nul[20] = '\0';
    std::string with_non_ascii = good;
    with_non_ascii[40] = static_cast<char>(0xe0);
    const std::string rejected[] = {
        upper,
        one_upper,
        with_g,
        with_space,
        with_nul,
        with_non_ascii,
        good.substr(0, 63),
        good.substr(0, 62),
        good + "0",
        good + "00",
        "0x" + good.substr(0, 62),
        "",
        std::string(64, 'z'),
        std::string(64, '-'),
    };
    for (const auto& hex : rejected) {
        BOOST_TEST_CONTEXT("hash_from_hex(\"" << hex << "\") size " << hex.size()) {
            BOOST_TEST(!L::hash_from_hex(hex).has_value());
        }
    }
}

// ---------------------------------------------------------------- chart and names

BOOST_AUTO_TEST_CASE(default_chart_is_the_spec_chart) {
    using T = L::AccountType;
    const L::Account expected[] = {
        {"1010", "Bank", T::asset},
        {"1020", "M-Pesa float", T::asset},
        {"1030", "Cash on hand", T::asset},
        {"1100", "Loans receivable", T::asset},
        {"1900", "Due from other funds", T::asset},
        {"2100", "Survivor overpayments", T::liability},
        {"2200", "Accounts payable", T::liability},
        {"2900", "Due to other funds", T::liability},
        {"3100", "Net assets with donor restrictions", T::net_assets},
        {"3200", "Net assets without donor restrictions", T::net_assets},
        {"4100", "Grant revenue", T::revenue},
        {"4200", "Loan interest income", T::revenue},
        {"4300", "Recoveries on written-off loans", T::revenue},
        {"5100", "Livelihood grants to survivors", T::expense},
        {"5110", "In-kind business assets to survivors", T::expense},
        {"5200", "Loan losses written off", T::expense},
        {"5300", "Transfer and M-Pesa charges", T::expense},
    };
    const auto& chart = L::default_chart();
    BOOST_TEST_REQUIRE(chart.size() == 17u);
    for (std::size_t i = 0; i < chart.size(); ++i) {
        BOOST_TEST_CONTEXT("account " << expected[i].code) {
            BOOST_TEST(chart[i].code == expected[i].code);
            BOOST_TEST(chart[i].name == expected[i].name);
            BOOST_TEST(chart[i].type == expected[i].type);
        }
    }
    BOOST_TEST((&L::default_chart() == &chart));  // one shared instance
}

BOOST_AUTO_TEST_CASE(account_type_names_round_trip) {
    using T = L::AccountType;
    const std::pair<T, std::string_view> names[] = {{T::asset, "asset"},
                                                    {T::liability, "liability"},
                                                    {T::net_assets, "net_assets"},
                                                    {T::revenue, "revenue"},
                                                    {T::expense, "expense"}};
    for (const auto& [type, name] : names) {
        BOOST_TEST(L::to_string(type) == name);
        const auto parsed = L::parse_account_type(name);
        BOOST_TEST_REQUIRE(parsed.has_value());
        BOOST_TEST(*parsed == type);
    }
    for (const auto bad : {"", "Asset", "ASSET", "net assets", "net-assets", "equity", "asset "}) {
        BOOST_TEST_CONTEXT("parse_account_type(\"" << bad << "\")") {
            BOOST_TEST(!L::parse_account_type(bad).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(rejection_names_are_stable_unique_snake_case) {
    const std::pair<Rejection, std::string_view> all[] = {
        {Rejection::none, "none"},
        {Rejection::postings_too_few, "postings_too_few"},
        {Rejection::postings_too_many, "postings_too_many"},
        {Rejection::memo_too_long, "memo_too_long"},
        {Rejection::invalid_event, "invalid_event"},
        {Rejection::invalid_reference, "invalid_reference"},
        {Rejection::zero_posting, "zero_posting"},
        {Rejection::invalid_amount, "invalid_amount"},
        {Rejection::unknown_account, "unknown_account"},
        {Rejection::unknown_fund, "unknown_fund"},
        {Rejection::currency_mismatch, "currency_mismatch"},
        {Rejection::period_closed, "period_closed"},
        {Rejection::unbalanced_entry, "unbalanced_entry"},
        {Rejection::unbalanced_fund, "unbalanced_fund"},
        {Rejection::invalid_text, "invalid_text"},
        {Rejection::entry_not_found, "entry_not_found"},
        {Rejection::already_reversed, "already_reversed"},
        {Rejection::reversal_before_original, "reversal_before_original"},
        {Rejection::period_already_closed, "period_already_closed"},
        {Rejection::idempotency_key_reused, "idempotency_key_reused"},
    };
    // Numbers are part of the API and are never reused.
    const int numbers[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 21, 22, 30, 40};
    std::set<std::string_view> names;
    std::size_t i = 0;
    for (const auto& [reason, name] : all) {
        BOOST_TEST_CONTEXT("rejection " << name) {
            BOOST_TEST(static_cast<int>(reason) == numbers[i]);
            BOOST_TEST(L::to_string(reason) == name);
            names.insert(L::to_string(reason));
            // snake_case: [a-z]+(_[a-z]+)*
            const std::string_view s = L::to_string(reason);
            bool snake = !s.empty() && s.front() != '_' && s.back() != '_' &&
                         s.find("__") == std::string_view::npos;
            for (char ch : s)
                snake = snake && ((ch >= 'a' && ch <= 'z') || ch == '_');
            BOOST_TEST(snake);
        }
        ++i;
    }
    BOOST_TEST(names.size() == std::size(all));
    // A number outside the enum (e.g. read from a newer peer) has a fallback name.
    BOOST_TEST(L::to_string(static_cast<Rejection>(999)) == "unknown_rejection");
    BOOST_TEST(!names.contains("unknown_rejection"));
}

BOOST_AUTO_TEST_SUITE_END()
